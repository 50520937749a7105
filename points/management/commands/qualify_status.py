"""``qualify_status --year YEAR [--program one-harmony]``: J4, the status earned in YEAR (ST1, ST2)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from points.services.jobs import qualify_status

from ._jobs import program_option, run_job, summary


class Command(BaseCommand):
    help = "Set each One Harmony member's status earned in --year, valid April 1 YEAR+1 to March 31 YEAR+2 (J4)."

    def add_arguments(self, parser):
        parser.add_argument("--year", required=True, type=int)
        parser.add_argument("--program", default="one-harmony", help="one-harmony (the only program with status)")

    def handle(self, *args, year: int, program: str, **options):
        chosen = program_option(program)
        if chosen is not None and not chosen.is_one_harmony:
            raise CommandError("status qualification is a One Harmony rule (ST1)")
        if not 2013 <= year <= 9998:
            raise CommandError("--year must be a year from 2013 (One Harmony's first) on")
        counts = run_job(lambda: qualify_status(year=year, program=chosen))
        self.stdout.write(summary("qualify_status", f"for {year}", counts))
