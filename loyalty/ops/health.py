"""``/health/``: is this site able to do its work? 200 when every check passes, 503 otherwise, with JSON saying which.

* ``database``: a statement on the default database.
* ``cache``: a write and a read in the shared cache (Redis in production: reference data and sessions rely on it).
* ``broker``: the Celery broker answers (skipped when tasks run in process: ``make run``).
* ``jobs``: beat and the workers are alive, judged by the job runs: for every enabled beat schedule of a job (J1-J4,
  reminders; ``points/migrations/0005``), the last time it was due (more than ``HEALTH_JOB_GRACE_SECONDS`` ago)
  must be followed by a ``JobRun`` of that job (started or finished since), and that run must not have failed.
  A schedule never triggered since it was created or edited after its last due time is not late yet.

Anyone gets the status and each check's verdict; the details (error texts, schedules, timings) only the addresses
or the token that may read ``/metrics`` (``METRICS_ALLOWED_IPS``, ``METRICS_TOKEN``).

``/health/live/`` answers 200 as long as the process serves requests (a liveness probe that never restarts the web
tier because PostgreSQL is down).
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
import zoneinfo

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import F
from django.db.models.functions import Coalesce, Greatest
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from loyalty import metrics
from points.models import JobRun

# Which job run a beat task leaves behind (points/tasks.py).
TASK_JOBS = {
    "points.post_points": JobRun.Job.POST,
    "points.expire_points": JobRun.Job.EXPIRE,
    "points.qualify_status": JobRun.Job.QUALIFY,
    "points.send_expiry_reminders": JobRun.Job.REMIND,
    "points.reconcile_ledger": JobRun.Job.RECONCILE,
}


def _timed(check) -> dict:
    start = time.perf_counter()
    try:
        result = check() or {}
        result.setdefault("ok", True)
    except Exception as exc:  # a check that raises has failed; the others still run
        result = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
    result["ms"] = round((time.perf_counter() - start) * 1000, 1)
    return result


def check_database() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return {"vendor": connection.vendor}


def check_cache() -> dict:
    key, value = f"loyalty:health:{uuid.uuid4().hex}", uuid.uuid4().hex
    cache.set(key, value, timeout=10)
    ok = cache.get(key) == value
    cache.delete(key)
    backend = settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]
    return {"ok": ok, "backend": backend}


_redis_clients: dict = {}


def check_broker() -> dict:
    url = settings.CELERY_BROKER_URL
    if not url:
        return {"ok": True, "detail": "no broker: tasks run in process"}
    if url.startswith(("redis://", "rediss://")):
        import redis

        client = _redis_clients.get(url)
        if client is None:
            client = _redis_clients[url] = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        return {"ok": bool(client.ping())}
    from kombu import Connection

    with Connection(url, connect_timeout=2) as conn:
        conn.ensure_connection(max_retries=1)
    return {}


def previous_fire(schedule, now: dt.datetime) -> dt.datetime | None:
    """The last moment at or before ``now`` a crontab schedule (django_celery_beat's CrontabSchedule) fired."""
    cron = schedule.schedule  # celery's crontab: sets of minutes, hours, days of week (0 = Sunday), days, months
    tz = zoneinfo.ZoneInfo(str(schedule.timezone))
    local = now.astimezone(tz)
    hours, minutes = sorted(cron.hour, reverse=True), sorted(cron.minute, reverse=True)
    for back in range(0, 366 * 5):
        day = local.date() - dt.timedelta(days=back)
        if (
            day.month not in cron.month_of_year
            or day.day not in cron.day_of_month
            or (day.weekday() + 1) % 7 not in cron.day_of_week
        ):
            continue
        for hour in hours:
            for minute in minutes:
                moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=tz)
                if moment <= local:
                    return moment
    return None


def _due(task, now: dt.datetime) -> dt.datetime | None:
    if task.crontab_id:
        return previous_fire(task.crontab, now)
    if task.interval_id:
        return now - dt.timedelta(**{task.interval.period: task.interval.every})
    return None  # clocked and solar schedules are not judged


def check_jobs(now: dt.datetime | None = None) -> dict:
    from django_celery_beat.models import PeriodicTask

    now = now or timezone.now()
    grace = dt.timedelta(seconds=settings.HEALTH_JOB_GRACE_SECONDS)
    report, ok = [], True
    tasks = PeriodicTask.objects.filter(enabled=True, task__in=TASK_JOBS).select_related("crontab", "interval")
    for task in tasks.order_by("name"):
        due = _due(task, now - grace)
        entry = {"schedule": task.name, "job": TASK_JOBS[task.task], "due": due and due.isoformat()}
        runs = JobRun.objects.filter(job=TASK_JOBS[task.task])
        program = task.kwargs and _kwargs(task).get("program")
        if program:
            runs = runs.filter(program__code=program)
        last = (
            runs.annotate(activity=Greatest(Coalesce(F("finished_at"), F("started_at")), F("started_at")))
            .order_by("-activity")
            .values("activity", "state", "as_of")
            .first()
        )
        if last:
            entry["last_run"] = {"at": last["activity"].isoformat(), "state": last["state"], "as_of": last["as_of"]}
        if due is None:
            entry["ok"] = True
        elif last and last["activity"] >= due:
            entry["ok"] = last["state"] != JobRun.State.FAILED
        else:
            # Not late if nothing triggered it yet and it was (re)scheduled after it was last due.
            entry["ok"] = task.last_run_at is None and task.date_changed is not None and task.date_changed >= due
        ok &= entry["ok"]
        report.append(entry)
    return {"ok": ok, "schedules": report}


def _kwargs(task) -> dict:
    import json

    try:
        value = json.loads(task.kwargs or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker, "jobs": check_jobs}


@never_cache
def health_view(request):
    """The status and each check's verdict for anyone (a load balancer's probe needs no more); what failed and why
    (error texts, job schedules, timings) only for the addresses or the token that may read ``/metrics``: an error
    text names hosts, ports and versions an outsider has no business knowing."""
    checks = {name: _timed(check) for name, check in CHECKS.items()}
    healthy = all(c["ok"] for c in checks.values())
    if not metrics.allowed(request):
        checks = {name: {"ok": c["ok"]} for name, c in checks.items()}
    return JsonResponse({"status": "ok" if healthy else "fail", "checks": checks}, status=200 if healthy else 503)


@never_cache
def live_view(request):
    return JsonResponse({"status": "ok"})
