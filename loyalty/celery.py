"""The Celery application.

Without ``CELERY_BROKER_URL`` (or ``REDIS_URL``) the settings make Celery run tasks eagerly, in process, so the
site works with no services at all. Tasks are thin: they take ids and dates and call one service.
"""

import logging
import os
import signal
import time

from celery import Celery, signals

from loyalty import logs

# Production's, as in wsgi.py and asgi.py: this module is imported with the package (``loyalty/__init__.py``), so its
# default is also what ``gunicorn loyalty.wsgi`` gets when DJANGO_SETTINGS_MODULE is unset. A server started without
# saying must never run the newcomer's DEBUG mode; production's refuses to start without SECRET_KEY and ALLOWED_HOSTS.
# manage.py (the newcomer's commands) chooses local settings itself, before this runs.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "loyalty.settings.production")

app = Celery("loyalty")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


# --- Operations (issue 18) -----------------------------------------------------------------------------------------
# Persistent connections in the workers too. Celery's Django fix-up closes every connection before and after each
# task whatever CONN_MAX_AGE says (a new PostgreSQL connection per task); told to reuse them, it leaves them to us
# and we do what Django does around a request: close_old_connections() drops a connection that is broken, older
# than CONN_MAX_AGE or left in a transaction, and the next use checks it first (CONN_HEALTH_CHECKS).
app.conf.CELERY_DB_REUSE_MAX = 1_000_000_000


@signals.task_prerun.connect(dispatch_uid="loyalty-task-prerun")
def _task_prerun(task_id=None, task=None, **kwargs) -> None:
    if getattr(task.request, "is_eager", False):
        return  # inside the caller's request and transaction: leave its connection alone
    from django.db import close_old_connections

    close_old_connections()
    # The request id of the request that queued this task (the header before_task_publish added), or the task's.
    rid = task.request.get("request_id") or (task.request.headers or {}).get("request_id") or task_id
    logs.request_id.set(rid)
    logs.task_context.set({"task_id": task_id, "task": task.name})
    task.request._loyalty_started = time.perf_counter()


@signals.task_postrun.connect(dispatch_uid="loyalty-task-postrun")
def _task_postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    if getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    from loyalty import metrics

    metrics.celery_tasks.labels(task=task.name, state=state or "unknown").inc()
    started = getattr(task.request, "_loyalty_started", None)
    logging.getLogger("loyalty.tasks").info(
        "task %s %s",
        task.name,
        state,
        extra={"state": state, "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None},
    )
    close_old_connections()
    logs.request_id.set(None)
    logs.task_context.set(None)


@signals.before_task_publish.connect(dispatch_uid="loyalty-request-id")
def _carry_request_id(headers=None, **kwargs) -> None:
    """A task queued while serving a request (or running a task) carries the request id along."""
    rid = logs.request_id.get()
    if rid and headers is not None:
        headers.setdefault("request_id", rid)


@signals.worker_process_init.connect(dispatch_uid="loyalty-pool-sigterm")
def _pool_ignores_sigterm(**kwargs) -> None:
    """A pool process lets its task finish when the whole process group gets SIGTERM (honcho, systemd's default
    KillMode): the main process's warm shutdown then waits for the task and stops the pool itself."""
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
