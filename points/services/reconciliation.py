"""J5: the nightly reconciliation of the ledger (issue 13). Nobody should be able to change a balance, a lot or the
ledger by hand (the application role cannot: ``points/migrations/0012``), and if somebody does anyway, this job
notices by the next morning.

For every member of a program it compares, set-based, the balance row with the sums of the member's ledger entries
and of the member's lots (ARCHITECTURE.md "The ledger"):

    posted  == SUM(entries.points)  == SUM(remaining of posted lots)
    pending == SUM(entries.pending) == SUM(remaining of pending lots)

and records every member where they disagree as a ``LedgerMismatch`` of the run, with the six figures. One
``INSERT ... SELECT`` composed from ORM querysets: the two grouped sums are the ORM's, joined to the members and
their balance rows; nothing goes through Python, whatever the number of members (1,000,000 in
``scripts/bench_jobs.py``). Like J1-J4 it takes an as-of date (the run's date: the sums are of the ledger as it
stands when the job runs), records a ``JobRun`` unique per program and date, holds the job's advisory lock, and
running it again for the same date records nothing twice. When a run finds mismatches, the program's office staff
get an email.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings as django_settings
from django.core.mail import send_mail
from django.db import connection
from django.db.models import F, Q, Sum

from members.models import Member, Program, User

from ..models import JobRun, LedgerEntry, LedgerMismatch, MemberBalance, PointLot
from .jobs import job_run

logger = logging.getLogger(__name__)


def _sums_sql(program: Program) -> tuple[str, list[object]]:
    """The SELECT of every member of ``program`` whose balance row, entries and lots disagree."""
    members = Member.objects.filter(program=program).values("pk")
    entries = (
        LedgerEntry.objects.filter(member_id__in=members)
        .values("member_id")
        .annotate(posted=Sum("points"), pending=Sum("pending"))
        .order_by()
    )
    lots = (
        PointLot.objects.filter(member_id__in=members)
        .values("member_id")
        .annotate(
            posted=Sum("remaining", filter=Q(state=PointLot.State.POSTED)),
            pending=Sum("remaining", filter=Q(state=PointLot.State.PENDING)),
        )
        .order_by()
    )
    members_sql, members_params = (
        Member.objects.filter(program=program).values(mid=F("pk")).order_by().query.sql_with_params()
    )
    entries_sql, entries_params = entries.query.sql_with_params()
    lots_sql, lots_params = lots.query.sql_with_params()
    balance = MemberBalance._meta.db_table
    sql = (
        "SELECT m.mid AS member_id, COALESCE(b.posted, 0) AS bp, COALESCE(b.pending, 0) AS bq,"
        " COALESCE(e.posted, 0) AS ep, COALESCE(e.pending, 0) AS eq,"
        " COALESCE(l.posted, 0) AS lp, COALESCE(l.pending, 0) AS lq"
        f" FROM ({members_sql}) m"
        f" LEFT JOIN {balance} b ON b.member_id = m.mid"
        f" LEFT JOIN ({entries_sql}) e ON e.member_id = m.mid"
        f" LEFT JOIN ({lots_sql}) l ON l.member_id = m.mid"
        " WHERE COALESCE(b.posted, 0) <> COALESCE(e.posted, 0) OR COALESCE(b.pending, 0) <> COALESCE(e.pending, 0)"
        " OR COALESCE(b.posted, 0) <> COALESCE(l.posted, 0) OR COALESCE(b.pending, 0) <> COALESCE(l.pending, 0)"
    )
    return sql, [*members_params, *entries_params, *lots_params]


def ledger_reconcile(*, as_of: dt.date, program: Program | None = None) -> dict[str, dict[str, int]]:
    """J5: record every member whose balance row, ledger entries and lots disagree. Returns counts per program."""
    programs = [program] if program else list(Program.objects.order_by("code"))
    return {p.code: _reconcile_program(program=p, as_of=as_of) for p in programs}


def _reconcile_program(*, program: Program, as_of: dt.date) -> dict[str, int]:
    with job_run(job=JobRun.Job.RECONCILE, program=program, as_of=as_of) as run:
        select, params = _sums_sql(program)
        table = LedgerMismatch._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (job_run_id, member_id, as_of, balance_posted, balance_pending,"
                " entries_posted, entries_pending, lots_posted, lots_pending, found_at)"
                f" SELECT %s, x.member_id, %s, x.bp, x.bq, x.ep, x.eq, x.lp, x.lq, CURRENT_TIMESTAMP FROM ({select}) x"
                " ON CONFLICT (job_run_id, member_id) DO NOTHING",
                [run.pk, as_of, *params],
            )
            found = cursor.rowcount
        run.counts = {"mismatches": LedgerMismatch.objects.filter(job_run=run).count(), "new": found}
    if found:
        _mail_office(program=program, run=run, found=found)
    return run.counts


def _mail_office(*, program: Program, run: JobRun, found: int) -> None:
    """The program's office staff (and ``MANAGERS``) learn of new mismatches at once."""
    recipients = sorted(
        set(
            User.objects.filter(programs=program, is_active=True, is_staff=True)
            .exclude(email="")
            .values_list("email", flat=True)
        )
        | {email for _name, email in getattr(django_settings, "MANAGERS", [])}
    )
    if not recipients:
        logger.error("J5 %s %s: %s ledger mismatches and no office address to tell", program.code, run.as_of, found)
        return
    send_mail(
        subject=f"[{program.name}] {found} ledger mismatch(es) found on {run.as_of.isoformat()} (J5)",
        message=(
            f"The reconciliation of {run.as_of.isoformat()} found {found} member(s) of {program.name} whose balance, "
            "ledger entries and lots disagree. See Admin > Points > Ledger mismatches (job run "
            f"{run.pk}). Nothing was corrected: correct each with an adjustment after finding the cause."
        ),
        from_email=django_settings.DEFAULT_FROM_EMAIL,
        recipient_list=recipients,
        fail_silently=False,
    )
