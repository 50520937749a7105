"""Starting real processes (gunicorn, Celery, ``make serve``) against the test database, and always stopping them.

Every process starts in a session of its own and is recorded; ``Processes.stop_all`` (called by the ``processes``
fixture whatever happens) sends SIGTERM to each process group, waits, then SIGKILLs what is left.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
HTTPS = {"X-Forwarded-Proto": "https"}  # what the reverse proxy in front says: production settings want HTTPS


def free_port(exclude: set[int] = frozenset()) -> int:
    """A free port in 18000-18999 (the range this machine's engineers keep for their servers)."""
    for port in [*range(18100 + os.getpid() % 400, 18999), *range(18000, 18100)]:
        if port in exclude:
            continue
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 18000-18999")


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def broker_url() -> str:
    url = os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL
    if not url.startswith("redis://"):
        raise RuntimeError("the stack tests need Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    return url


def production_env(tmp: Path, **more: str) -> dict[str, str]:
    """What a production machine sets (README "Run in production"), pointed at the test database and Redis."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("PYTEST", "DJANGO_", "CONN_", "PROMETHEUS_")) and k not in ("CELERY_BROKER_URL",)
    }
    env.update(
        DJANGO_SETTINGS_MODULE="loyalty.settings.production",
        DATABASE_URL=database_url(),
        REDIS_URL=broker_url(),
        SECRET_KEY=settings.SECRET_KEY,  # sessions made by one instance are read by the other
        ALLOWED_HOSTS="127.0.0.1",
        STATIC_ROOT=str(tmp / "static"),
        OTP_ADMIN="false",  # the test signs in with a password only
        WEB_CONCURRENCY="2",
        PATH=f"{VENV_BIN}:{os.environ.get('PATH', '')}",
        LOG_LEVEL="INFO",
    )
    env.update(more)
    return env


class Processes:
    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.groups: list[tuple[str, subprocess.Popen]] = []
        self.extra_groups: set[int] = set()

    def start(self, name: str, cmd: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = open(self.tmp / f"{name}.log", "wb")  # noqa: SIM115 (kept open for the process' life)
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.groups.append((name, proc))
        return proc

    def log(self, name: str) -> str:
        return (self.tmp / f"{name}.log").read_text(errors="replace")

    def stop_all(self, wait: float = 15) -> None:
        pgids = {proc.pid for _, proc in self.groups} | self.extra_groups
        for pgid in pgids:
            _signal_group(pgid, signal.SIGTERM)
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline and any(group_alive(p) for p in pgids):
            time.sleep(0.2)
        for pgid in pgids:
            _signal_group(pgid, signal.SIGKILL)
        for _, proc in self.groups:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)


def _signal_group(pgid: int, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def group_alive(pgid: int) -> bool:
    """Whether any process of the group is still there (zombies included until reaped)."""
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def honcho_groups(log: str) -> set[int]:
    """The process groups honcho started (each Procfile line in a session of its own)."""
    return {int(pid) for pid in re.findall(r"started \(pid=(\d+)\)", log)}


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def request(
    port: int, method: str, path: str, body=None, headers: dict | None = None, timeout: float = 30
) -> tuple[int, dict, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    data = json.dumps(body) if isinstance(body, dict | list) else body
    try:
        conn.request(method, path, data, {**HTTPS, **(headers or {})})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def wait_http(port: int, path: str = "/health/live/", timeout: float = 90, proc: subprocess.Popen | None = None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode} before answering")
        try:
            if request(port, "GET", path, timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"nothing answered on 127.0.0.1:{port}{path} within {timeout} s")


def wait_for(predicate, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise TimeoutError(f"{what}: not within {timeout} s")


def sample(text: str, name: str, **labels) -> float:
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                total += s.value
    return total


def dining_bill(number: str, member: str, *, outlet: str = "SATSUKI", paid_on: str = "2025-03-05") -> dict:
    return {
        "hotel": "NOT",
        "number": number,
        "member": member,
        "kind": "dining",
        "paid_on": paid_on,
        "outlet": outlet,
        "payments": [{"method": "cash", "amount": 10000}],
        "charges": [{"category": "food_beverage", "amount": 10000, "tax_service": 0}],
    }


def celery_app_on(broker: str):
    """The test process's Celery app sending for real (the suite runs tasks eagerly otherwise); undo with the
    returned function."""
    from loyalty.celery import app

    saved = (app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend)
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    app.conf.result_backend = broker

    def restore():
        app.conf.task_always_eager, app.conf.broker_url, app.conf.result_backend = saved

    return app, restore
