"""Job commands that lose the advisory lock (issue 13 item 7, RULEBOOK section 12): one clear line on stderr and exit
code 75 (EX_TEMPFAIL), never a ``JobAlreadyRunning`` traceback."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from members.models import Program
from points.management.commands._jobs import JOB_RUNNING_EXIT_CODE
from points.services import jobs

ROOT = Path(__file__).resolve().parents[2]


def dsn() -> str:
    s = connection.settings_dict
    return f"host={s['HOST'] or '127.0.0.1'} port={s['PORT'] or 5432} dbname={s['NAME']} user={s['USER']}" + (
        f" password={s['PASSWORD']}" if s.get("PASSWORD") else ""
    )


@contextlib.contextmanager
def job_held_elsewhere(job: str, program: Program):
    """Another worker runs ``job`` for ``program``: its advisory lock is held by another session."""
    with psycopg.connect(dsn(), autocommit=True) as other:
        other.execute("SELECT pg_advisory_lock(%s)", [jobs._lock_key(job, program)])
        yield


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("command", "args", "job", "program"),
    [
        ("post_points", ["--as-of", "2025-04-01", "--program", "new-otani"], "post_points", "new-otani"),
        ("expire_points", ["--as-of", "2025-10-01", "--program", "new-otani"], "expire_points", "new-otani"),
        ("qualify_status", ["--year", "2024"], "qualify_status", "one-harmony"),
    ],
)
def test_j1_j4_a_job_running_elsewhere_is_a_command_error_with_exit_code_75(postgres_only, command, args, job, program):
    with job_held_elsewhere(job, Program.objects.get(code=program)), pytest.raises(CommandError) as raised:
        call_command(command, *args)
    assert raised.value.returncode == JOB_RUNNING_EXIT_CODE == 75
    assert "running in another worker" in str(raised.value)
    assert "\n" not in str(raised.value)


@pytest.mark.django_db(transaction=True)
def test_j1_the_command_line_prints_one_line_and_exits_75(postgres_only):
    # Given J1 for New Otani running in another worker
    s = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loyalty.settings.test",
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "CACHE_URL": "",
    }
    with job_held_elsewhere("post_points", Program.objects.get(code="new-otani")):
        # When the command is run for it from the shell
        done = subprocess.run(
            [sys.executable, "manage.py", "post_points", "--as-of", "2025-04-01", "--program", "new-otani"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    # Then it exits 75 with one clear line on stderr, and no traceback (the job's own log record, issue 18's
    # "loyalty.jobs ... skipped", is the log stream's, not the command's output)
    lines = [
        line
        for line in done.stderr.splitlines()
        if line.strip() and not line.startswith("AXES") and " loyalty.jobs " not in line
    ]
    assert done.returncode == 75, done.stderr
    assert len(lines) == 1, done.stderr
    assert "post_points for new-otani is running in another worker" in lines[0]
    assert "Traceback" not in done.stderr
