"""``reconcile_ledger --as-of DATE [--program CODE]``: J5, record every member whose balance, ledger entries and
lots disagree (and mail the office when there are any). Exit code 75 when the job is running elsewhere."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from points.services.reconciliation import ledger_reconcile

from ._jobs import program_option, run_job, summary


class Command(BaseCommand):
    help = "Check every member's balance row against the ledger entries and the lots; record mismatches (J5)."

    def add_arguments(self, parser):
        parser.add_argument("--as-of", required=True, type=dt.date.fromisoformat, help="YYYY-MM-DD")
        parser.add_argument("--program", help="one-harmony or new-otani (default: both)")

    def handle(self, *args, as_of: dt.date, program: str | None, **options):
        counts = run_job(lambda: ledger_reconcile(as_of=as_of, program=program_option(program)))
        self.stdout.write(summary("reconcile_ledger", f"as of {as_of}", counts))
