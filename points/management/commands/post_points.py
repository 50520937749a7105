"""``post_points --as-of DATE [--program CODE]``: J1, post pending points whose posting date has come (NE7)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from points.services.jobs import post_points

from ._jobs import program_option, run_job, summary


class Command(BaseCommand):
    help = "Post pending points whose posting date is on or before --as-of (J1)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--program", help="one-harmony or new-otani (default: both)")

    def handle(self, *args, as_of: dt.date, program: str | None, **options):
        counts = run_job(lambda: post_points(as_of=as_of, program=program_option(program)))
        self.stdout.write(summary("post_points", f"as of {as_of}", counts))
