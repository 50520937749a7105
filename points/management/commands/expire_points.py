"""``expire_points --as-of DATE [--program CODE]``: J2/J3, expire points whose validity ended before DATE."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from points.services.jobs import expire_points

from ._jobs import program_option, run_job, summary


class Command(BaseCommand):
    help = "Expire the points whose validity ended before --as-of (J2 One Harmony, J3 New Otani)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--program", help="one-harmony or new-otani (default: both)")

    def handle(self, *args, as_of: dt.date, program: str | None, **options):
        counts = run_job(lambda: expire_points(as_of=as_of, program=program_option(program)))
        self.stdout.write(summary("expire_points", f"as of {as_of}", counts))
