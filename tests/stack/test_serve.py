"""The real stack in one command, as the README says: ``make serve`` (migrate, collectstatic, then the Procfile's web,
worker and beat under honcho, production settings) on the test database and Redis.

A bill posted over HTTP is accepted; beat triggers J1 on a test schedule and the worker does it; ``/health/`` is
green and ``/metrics`` moved (the web's and the worker's counters, added up over processes); then SIGTERM stops
everything cleanly: a request and a task in flight when it came both finish.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import threading
import time

import psycopg
import pytest
from django.utils import timezone
from django_celery_beat.models import IntervalSchedule, PeriodicTask

from points.models import Hotel, JobRun, MemberBalance, Outlet, OutletDesignation
from points.services import ledger
from points.services.tokens import api_token_issue
from tests.factories import make_bill, make_member

from .support import (
    Processes,
    children,
    database_url,
    dining_bill,
    free_port,
    group_alive,
    honcho_groups,
    production_env,
    request,
    sample,
    wait_for,
    wait_http,
)

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


def test_make_serve_runs_the_stack_and_stops_cleanly(postgres_only, noc, tmp_path):
    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    member = make_member("new-otani", enrolled_on=dt.date(2020, 1, 1))
    late = make_member("new-otani", enrolled_on=dt.date(2020, 1, 1))  # its points post while SIGTERM comes
    _, key = api_token_issue(hotel=hotel)
    pms = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    # The stored schedules were made when the test database was; J1 on a test schedule: every 2 seconds.
    PeriodicTask.objects.update(last_run_at=None, date_changed=timezone.now())
    every = IntervalSchedule.objects.create(every=2, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="smoke J1", task="points.post_points", interval=every, kwargs=json.dumps({"as_of": "2030-01-01"})
    )

    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = production_env(
        tmp_path,
        GUNICORN_BIND=f"127.0.0.1:{port}",
        PROMETHEUS_MULTIPROC_DIR=str(metrics_dir),
        HEALTH_JOB_GRACE_SECONDS="5",
        CELERY_WORKER_CONCURRENCY="1",
    )
    procs = Processes(tmp_path)
    make = procs.start("serve", ["make", "-o", ".venv/.installed", "serve"], env)
    try:
        wait_http(port, timeout=150, proc=make)
        procs.extra_groups |= honcho_groups(procs.log("serve"))

        # A bill over HTTP
        status, headers, body = request(port, "POST", "/api/v1/bills/", dining_bill("R-1", member.number), pms)
        assert status == 201, body
        assert headers.get("X-Request-ID")

        # Beat triggers J1 on its test schedule; the worker posts the bill's points
        wait_for(lambda: MemberBalance.objects.get(member=member).posted > 0, 60, "J1 run by beat and the worker")
        run = JobRun.objects.get(job=JobRun.Job.POST, program=noc, as_of=dt.date(2030, 1, 1))
        assert run.state == "done"

        # /health/ is green, every check named
        status, _, body = request(port, "GET", "/health/")
        health = json.loads(body)
        assert status == 200, health
        assert {name for name, check in health["checks"].items() if check["ok"]} == {
            "database",
            "cache",
            "broker",
            "jobs",
        }
        assert any(s["schedule"] == "smoke J1" and "last_run" in s for s in health["checks"]["jobs"]["schedules"])

        # /metrics moved: the web's bill and the worker's job, added up over the processes
        _, _, text = request(port, "GET", "/metrics")
        text = text.decode()
        assert sample(text, "loyalty_bills_total", outcome="accepted") == 1
        assert sample(text, "loyalty_points_issued_total") > 0
        assert sample(text, "loyalty_job_duration_seconds_count", job="post_points", state="done") >= 1
        assert sample(text, "loyalty_celery_tasks_total", task="points.post_points", state="SUCCESS") >= 1
        assert sample(text, "loyalty_http_requests_total", view="health") >= 1

        # Persistent connections: more requests and more tasks open no new connection (web, worker and beat)
        def opened() -> float:
            return sample(request(port, "GET", "/metrics")[2].decode(), "loyalty_db_connections_opened_total")

        for _ in range(4):
            request(port, "GET", "/health/")
        before, runs = opened(), run.attempts
        wait_for(lambda: JobRun.objects.get(pk=run.pk).attempts >= runs + 3, 30, "three more runs of J1")
        for _ in range(10):
            assert request(port, "GET", "/health/")[0] == 200
        assert opened() == before, "new database connections: persistent connections are off?"

        # ... checked before reuse: connections cut under the stack's feet are replaced, nothing fails
        with psycopg.connect(database_url(), autocommit=True) as admin:
            cut = admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).fetchone()[0]
        assert cut >= 3
        from django.db import connection as test_connection

        test_connection.close()  # this test's own connection was cut too
        for _ in range(6):
            assert request(port, "GET", "/health/")[0] == 200
        runs = JobRun.objects.get(pk=run.pk).attempts

        def ran_again_and_done() -> bool:
            again = JobRun.objects.get(pk=run.pk)
            return again.attempts >= runs + 2 and again.state == "done"  # beat keeps starting it: catch one done

        wait_for(ran_again_and_done, 30, "J1 run again, and done, after the cut", interval=0.05)
        assert opened() > before

        # SIGTERM while a request and a task wait on a row lock: both finish
        ledger.points_earn(
            member=late,
            bill=make_bill(late),
            points=300,
            bonus_points=0,
            used_on=dt.date(2025, 3, 3),
            posts_on=dt.date(2025, 3, 13),
            expires_on=dt.date(2027, 9, 30),
        )
        lock = psycopg.connect(database_url(), autocommit=False)
        answers: list = []
        try:
            lock.execute("SELECT 1 FROM points_memberbalance WHERE member_id = %s FOR UPDATE", [late.pk])
            in_flight = threading.Thread(
                target=lambda: answers.append(
                    request(port, "POST", "/api/v1/bills/", dining_bill("R-2", late.number), pms, timeout=60)
                )
            )
            in_flight.start()
            wait_for(lambda: _waiting_on_locks() >= 2, 30, "a request and J1 waiting on the member's row")
            honcho = children(make.pid)
            assert honcho, "make serve should exec honcho"
            signalled = time.monotonic()
            for pid in honcho:
                os.kill(pid, signal.SIGTERM)
            # The stack is stopping; what is in flight is still waiting, longer than honcho's own 5 s before it
            # kills (scripts/serve.py gives SERVE_STOP_TIMEOUT, 35 s): neither is killed.
            time.sleep(7)
        finally:
            lock.rollback()
            lock.close()
        in_flight.join(timeout=30)
        assert answers and answers[0][0] == 201, answers
        make.wait(timeout=30)
        assert time.monotonic() - signalled < 15
        wait_for(lambda: not any(group_alive(g) for g in procs.extra_groups), 10, "every process gone")
        assert MemberBalance.objects.get(member=late).posted >= 300  # the task in flight finished
        log = procs.log("serve")
        assert "Warm shutdown" in log and "SIGKILL" not in log, log[-3000:]
    finally:
        procs.extra_groups |= honcho_groups(procs.log("serve"))
        procs.stop_all()


def _waiting_on_locks() -> int:
    """Sessions of the test database waiting for a lock (the request's upsert, J1's select_for_update)."""
    with psycopg.connect(database_url(), autocommit=True) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'"
        ).fetchone()[0]
