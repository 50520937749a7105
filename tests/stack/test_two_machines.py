"""More than one machine, on this one: two web instances (gunicorn, production settings, two workers each) and two
Celery workers on one PostgreSQL and one Redis.

* Sessions are shared: a staff member signed in through one instance is signed in on the other.
* What a process keeps in memory is invalidated through Redis: an outlet designated through instance A's admin is
  judged so by instance B within a second (NE2), although B's workers had the old designation in memory.
* Jobs lock in PostgreSQL: the same job sent to both workers is done by exactly one; the other is refused
  (JobAlreadyRunning) while the first holds the job's advisory lock.
* The request id a task was queued under reaches the worker's JSON log lines.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import subprocess
import sys
import time
import urllib.parse
import uuid
from http.cookies import SimpleCookie

import psycopg
import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher

from loyalty import logs
from members.models import User
from points.models import EntryKind, Hotel, JobRun, LedgerEntry, MemberBalance, Outlet, OutletDesignation
from points.services.tokens import api_token_issue
from tests.factories import make_member

from .support import (
    HTTPS,
    ROOT,
    Processes,
    broker_url,
    celery_app_on,
    database_url,
    dining_bill,
    free_port,
    production_env,
    request,
    wait_for,
    wait_http,
)

pytestmark = [pytest.mark.stack, pytest.mark.django_db(transaction=True)]


class Browser:
    """A staff member's browser on one instance: cookies kept, forms posted with their CSRF token."""

    def __init__(self, port: int, cookies: SimpleCookie | None = None):
        self.port = port
        self.cookies = cookies if cookies is not None else SimpleCookie()

    def _headers(self, path: str) -> dict:
        cookie = "; ".join(f"{k}={m.value}" for k, m in self.cookies.items())
        return {"Cookie": cookie, "Referer": f"https://127.0.0.1:{self.port}{path}", "Host": f"127.0.0.1:{self.port}"}

    def go(self, method: str, path: str, form: dict | None = None) -> tuple[int, dict, str]:
        import http.client

        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {**HTTPS, **self._headers(path)}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body, headers)
            response = conn.getresponse()
            for line in response.msg.get_all("Set-Cookie") or []:
                self.cookies.load(line)
            return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
        finally:
            conn.close()

    def csrf(self, page: str) -> str:
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        assert match, page[:500]
        return html.unescape(match.group(1))


def start_instance(procs: Processes, name: str, env: dict, port: int, queue: str):
    web = procs.start(
        f"web-{name}",
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "loyalty.wsgi"],
        {**env, "GUNICORN_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(procs.tmp / f"metrics-{name}")},
    )
    (procs.tmp / f"metrics-{name}").mkdir()
    worker = procs.start(
        f"worker-{name}",
        [
            sys.executable, "-m", "celery", "-A", "loyalty", "worker", "-P", "solo", "-Q", queue, "-n",
            f"{name}-{queue}@%h", "--without-gossip", "--without-mingle", "--without-heartbeat", "-l", "INFO",
        ],
        env,
    )  # fmt: skip
    return web, worker


def test_two_instances_share_sessions_reference_data_and_job_locks(postgres_only, noc, tmp_path):
    # Given a hotel whose restaurant is not designated (NE2), a member, a PMS token and a staff member
    hotel = Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=False)
    member = make_member("new-otani", enrolled_on=dt.date(2020, 1, 1))
    _, key = api_token_issue(hotel=hotel)
    pms = {"Authorization": f"Token {key}", "Content-Type": "application/json"}
    staff = User.objects.create_superuser(username="night-ops", password=None, email="ops@example.com")
    hasher = PBKDF2PasswordHasher()  # production's hasher (the suite hashes with MD5, which production refuses)
    staff.password = hasher.encode("correct-horse-battery", hasher.salt())
    staff.save(update_fields=["password"])

    procs = Processes(tmp_path)
    port_a = free_port()
    port_b = free_port(exclude={port_a})
    env = production_env(tmp_path)
    queue_a, queue_b = f"a-{uuid.uuid4().hex[:8]}", f"b-{uuid.uuid4().hex[:8]}"
    app, restore_app = celery_app_on(broker_url())
    try:
        # What a deployment does before starting the web: the hashed static files (WhiteNoise's manifest)
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            timeout=300,
        )
        web_a, _ = start_instance(procs, "a", env, port_a, queue_a)
        web_b, _ = start_instance(procs, "b", env, port_b, queue_b)
        wait_http(port_a, proc=web_a)
        wait_http(port_b, proc=web_b)

        # B's web workers judge bills with the outlet undesignated, and keep that in memory
        for i in range(4):
            status, _, body = request(port_b, "POST", "/api/v1/bills/", dining_bill(f"R-{i}", member.number), pms)
            assert status == 201, body
            assert json.loads(body)["points"] == 0

        # A staff member signs in through A; the session works on B too (shared sessions)
        a = Browser(port_a)
        status, _, page = a.go("GET", "/admin/login/?next=/admin/")
        assert status == 200, page[:300]
        status, _, page = a.go(
            "POST",
            "/admin/login/?next=/admin/",
            {
                "csrfmiddlewaretoken": a.csrf(page),
                "username": "night-ops",
                "password": "correct-horse-battery",
                "next": "/admin/",
            },
        )
        assert status == 302, re.findall(r'class="errornote">(.*?)</p>|class="errorlist[^>]*>(.*?)</ul>', page, re.S)
        assert Browser(port_b, a.cookies).go("GET", "/admin/")[0] == 200

        # When the outlet is designated from 2025-01-01 through A's admin
        status, _, page = a.go("GET", "/admin/points/outletdesignation/add/")
        assert status == 200, page[:300]
        status, _, page = a.go(
            "POST",
            "/admin/points/outletdesignation/add/",
            {
                "csrfmiddlewaretoken": a.csrf(page),
                "outlet": outlet.pk,
                "effective_from": "2025-01-01",
                "designated": "on",
                "_save": "Save",
            },
        )
        changed = time.monotonic()
        assert status == 302, re.findall(r'class="errornote">(.*?)</p>|class="errorlist[^>]*>(.*?)</ul>', page, re.S)

        # Then B judges the next bill with the outlet designated, within a second
        earned, attempts = 0, 0
        while not earned and time.monotonic() - changed < 1.0:
            attempts += 1
            status, _, body = request(
                port_b, "POST", "/api/v1/bills/", dining_bill(f"N-{attempts}", member.number), pms
            )
            assert status == 201, body
            earned = json.loads(body)["points"]
        assert earned > 0, "instance B still judged the outlet undesignated a second after A changed it"

        # And the same job sent to both workers is done by exactly one of them
        lock = psycopg.connect(database_url(), autocommit=False)
        try:
            # hold the member's balance row: the first worker takes the job's lock, then waits on the row
            lock.execute("SELECT 1 FROM points_memberbalance WHERE member_id = %s FOR UPDATE", [member.pk])
            rid = f"req-{uuid.uuid4().hex}"
            token = logs.request_id.set(rid)  # as if queued while serving a request
            try:
                first = app.send_task("points.post_points", kwargs={"as_of": "2030-01-01"}, queue=queue_a)
                wait_for(lambda: _advisory_lock_held(lock), 30, "worker A holding the job's advisory lock")
                second = app.send_task("points.post_points", kwargs={"as_of": "2030-01-01"}, queue=queue_b)
            finally:
                logs.request_id.reset(token)
            refused = second.get(timeout=30, propagate=False)
            assert second.state == "FAILURE" and "JobAlreadyRunning" in repr(refused), (second.state, refused)
        finally:
            lock.rollback()
            lock.close()
        counts = first.get(timeout=30)
        assert counts["new-otani"]["lots"] >= 1, counts
        posts = LedgerEntry.objects.filter(member=member, kind=EntryKind.POST)
        assert posts.count() == counts["new-otani"]["lots"]  # each lot posted once
        run = JobRun.objects.get(job=JobRun.Job.POST, program=noc, as_of=dt.date(2030, 1, 1))
        assert (run.state, run.attempts) == ("done", 2)
        assert MemberBalance.objects.get(member=member).posted == sum(e.points for e in posts) > 0

        # The worker's JSON log of the job carries the request id it was queued under
        def job_line():
            for line in procs.log("worker-a").splitlines():
                if line.startswith("{") and '"loyalty.jobs"' in line:
                    return json.loads(line)
            return None

        line = wait_for(job_line, 10, "worker A's job log line")
        assert (line["job"], line["as_of"], line["state"], line["request_id"]) == (
            "post_points",
            "2030-01-01",
            "done",
            rid,
        )
        assert line["counts"]["lots"] >= 1 and line["duration_ms"] > 0
        refusal = [ln for ln in procs.log("worker-b").splitlines() if '"loyalty.jobs"' in ln]
        assert refusal and json.loads(refusal[0])["state"] == "skipped"
    finally:
        restore_app()
        procs.stop_all()


def _advisory_lock_held(conn) -> bool:
    """Some session of this test database holds an advisory lock (a job's)."""
    with psycopg.connect(database_url(), autocommit=True) as other:
        row = other.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
            " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
        ).fetchone()
    return row[0] > 0
