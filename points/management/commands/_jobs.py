"""What the job commands share: the --program option and the one summary line."""

from __future__ import annotations

from django.core.management.base import CommandError

from members.models import Program


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
