"""/health/: database, cache, broker and the jobs judged by their runs against the beat schedules."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone
from django_celery_beat.models import CrontabSchedule, IntervalSchedule, PeriodicTask

from loyalty.ops.health import check_jobs, previous_fire
from points.models import JobRun

TOKYO = zoneinfo.ZoneInfo("Asia/Tokyo")


def at(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=TOKYO)


@pytest.mark.django_db
def test_previous_fire_of_the_stored_schedules():
    j2 = PeriodicTask.objects.get(name="J2 One Harmony expiry (February 1)").crontab
    assert previous_fire(j2, at(2027, 3, 10, 12, 0)) == at(2027, 2, 1, 2, 0)
    assert previous_fire(j2, at(2027, 1, 31, 23, 59)) == at(2026, 2, 1, 2, 0)
    j1 = PeriodicTask.objects.get(name="J1 post pending points (daily)").crontab
    assert previous_fire(j1, at(2027, 3, 10, 3, 0)) == at(2027, 3, 10, 3, 0)
    assert previous_fire(j1, at(2027, 3, 10, 2, 59)) == at(2027, 3, 9, 3, 0)
    weekly = CrontabSchedule.objects.create(minute="30", hour="6", day_of_week="1", timezone="Asia/Tokyo")  # Mondays
    assert previous_fire(weekly, at(2026, 12, 3, 12, 0)) == at(2026, 11, 30, 6, 30)


def _only_j1(last_run_at):
    PeriodicTask.objects.exclude(name="J1 post pending points (daily)").update(enabled=False)
    j1 = PeriodicTask.objects.get(name="J1 post pending points (daily)")
    PeriodicTask.objects.filter(pk=j1.pk).update(last_run_at=last_run_at, date_changed=at(2026, 1, 1, 0, 0))
    return j1


@pytest.mark.django_db
def test_a_schedule_never_triggered_since_it_was_created_is_not_late(oh):
    PeriodicTask.objects.update(last_run_at=None, date_changed=at(2027, 3, 10, 8, 0))
    assert check_jobs(now=at(2027, 3, 10, 9, 0))["ok"]


@pytest.mark.django_db
def test_a_job_that_did_not_run_after_it_was_due_is_late_and_one_that_ran_is_not(oh):
    _only_j1(last_run_at=at(2027, 3, 9, 3, 0))
    now = at(2027, 3, 10, 9, 0)  # J1 was due at 03:00 today
    report = check_jobs(now=now)
    assert not report["ok"] and report["schedules"][0]["job"] == "post_points"
    run = JobRun.objects.create(job=JobRun.Job.POST, program=oh, as_of=dt.date(2027, 3, 9))
    JobRun.objects.filter(pk=run.pk).update(
        started_at=at(2027, 3, 9, 3, 0), finished_at=at(2027, 3, 9, 3, 1), state="done"
    )
    assert not check_jobs(now=now)["ok"]  # yesterday's run does not count for today's
    JobRun.objects.filter(pk=run.pk).update(finished_at=at(2027, 3, 10, 3, 1))  # a rerun finished today
    assert check_jobs(now=now)["ok"]
    JobRun.objects.filter(pk=run.pk).update(state="failed")
    assert not check_jobs(now=now)["ok"]  # it ran, and failed


@pytest.mark.django_db
def test_the_grace_period_leaves_a_job_time_to_start(oh, settings):
    settings.HEALTH_JOB_GRACE_SECONDS = 15 * 60
    _only_j1(last_run_at=at(2027, 3, 9, 3, 0))
    JobRun.objects.create(job=JobRun.Job.POST, program=oh, as_of=dt.date(2027, 3, 9))
    JobRun.objects.update(started_at=at(2027, 3, 9, 3, 0), finished_at=at(2027, 3, 9, 3, 0), state="done")
    assert check_jobs(now=at(2027, 3, 10, 3, 10))["ok"]  # due 10 minutes ago: not late yet
    assert not check_jobs(now=at(2027, 3, 10, 3, 20))["ok"]


@pytest.mark.django_db
def test_an_interval_schedule_is_judged_by_its_period(oh):
    PeriodicTask.objects.update(enabled=False)
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(name="test J1", task="points.post_points", interval=every, last_run_at=timezone.now())
    now = timezone.now()
    assert not check_jobs(now=now + dt.timedelta(hours=1))["ok"]
    run = JobRun.objects.create(job=JobRun.Job.POST, program=oh, as_of=dt.date(2027, 3, 9))
    JobRun.objects.filter(pk=run.pk).update(finished_at=now + dt.timedelta(minutes=50), state="done")
    assert check_jobs(now=now + dt.timedelta(hours=1))["ok"]


@pytest.mark.django_db
def test_health_answers_200_with_every_check(client):
    PeriodicTask.objects.update(last_run_at=None, date_changed=timezone.now())
    response = client.get("/health/")
    body = response.json()
    assert response.status_code == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "jobs"}
    assert all(c["ok"] for c in body["checks"].values())


@pytest.mark.django_db
def test_health_answers_503_naming_the_failed_check(client, monkeypatch):
    from loyalty.ops import health

    def broken():
        raise ConnectionError("Connection refused")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    PeriodicTask.objects.update(last_run_at=None, date_changed=timezone.now())
    response = client.get("/health/")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "fail"
    assert body["checks"]["broker"] == {"ok": False, "error": "ConnectionError: Connection refused", "ms": 0.0} | {
        "ms": body["checks"]["broker"]["ms"]
    }
    assert body["checks"]["database"]["ok"]


def test_liveness_needs_no_database(client):
    assert client.get("/health/live/").json() == {"status": "ok"}


@pytest.mark.django_db
def test_health_tells_an_outsider_the_verdicts_but_not_the_details(client, monkeypatch, settings):
    """Issue 18: a probe from anywhere learns 200/503 and which check failed; the error text (hosts, ports,
    versions), the schedules and the timings only go to the addresses or the token allowed to read /metrics."""
    from loyalty.ops import health

    def broken():
        raise ConnectionError("Error 111 connecting to redis.internal:6379. Connection refused.")

    monkeypatch.setitem(health.CHECKS, "broker", broken)
    PeriodicTask.objects.update(last_run_at=None, date_changed=timezone.now())
    settings.METRICS_TOKEN = "s3cret-token-for-metrics"
    outsider = client.get("/health/", REMOTE_ADDR="203.0.113.9")
    assert outsider.status_code == 503
    assert outsider.json() == {
        "status": "fail",
        "checks": {"database": {"ok": True}, "cache": {"ok": True}, "broker": {"ok": False}, "jobs": {"ok": True}},
    }
    assert "redis.internal" not in outsider.content.decode()
    via_proxy = client.get("/health/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    assert via_proxy.json()["checks"]["broker"] == {"ok": False}
    with_token = client.get("/health/", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer s3cret-token-for-metrics")
    assert "redis.internal" in with_token.json()["checks"]["broker"]["error"]
    assert "schedules" in with_token.json()["checks"]["jobs"]
