"""What the job commands share: the --program option, the one summary line, and the exit code of a job that is
already running elsewhere.

A job command that finds its job running in another worker (the PostgreSQL advisory lock is taken) prints one line
to stderr, ``CommandError: <job> ... is running in another worker; nothing was done, run it again later``, and exits
with ``JOB_RUNNING_EXIT_CODE`` (75, ``EX_TEMPFAIL`` of sysexits.h: a temporary failure, try again), not with a
traceback (issue 13 item 7). Schedulers and shells can tell it from a failure (1) and retry.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.management.base import CommandError

from members.models import Program
from points.exceptions import JobAlreadyRunning

JOB_RUNNING_EXIT_CODE = 75  # EX_TEMPFAIL: the job is running elsewhere; run it again later

T = TypeVar("T")


def run_job(call: Callable[[], T]) -> T:
    """Run a job service; a job already running elsewhere becomes one line and exit code 75."""
    try:
        return call()
    except JobAlreadyRunning as exc:
        raise CommandError(
            f"{exc.detail}; nothing was done, run it again later", returncode=JOB_RUNNING_EXIT_CODE
        ) from None


def program_option(code: str | None) -> Program | None:
    if not code:
        return None
    program = Program.objects.filter(code=code).first()
    if program is None:
        raise CommandError(f"unknown program {code!r} (one-harmony or new-otani)")
    return program


def summary(job: str, when: str, counts: dict[str, dict[str, int]]) -> str:
    parts = ["{}: {}".format(code, ", ".join(f"{v} {k}" for k, v in c.items())) for code, c in counts.items()]
    return f"{job} {when}: " + "; ".join(parts)
