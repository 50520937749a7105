"""Scheduled jobs (J1-J4) as set-based services: each takes an as-of date (never the clock), runs as a few SQL
statements whatever the number of members, records a ``JobRun`` and holds a PostgreSQL advisory lock so two
workers never run the same job at once. Running one again for the same date changes nothing: every statement
only touches what is still due, and the ledger's unique constraints refuse a second posting of a lot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Now
from django.utils import timezone

from members.models import Program

from ..exceptions import JobAlreadyRunning
from ..models import EntryKind, JobRun, LedgerEntry, MemberBalance, PointLot
from . import ledger


def insert_select(model, columns: list[str], queryset: QuerySet) -> int:
    """``INSERT INTO model (columns) SELECT ...`` from a ``values()`` queryset, skipping rows a unique constraint
    refuses (ON CONFLICT DO NOTHING: PostgreSQL and SQLite). Set-based: one statement, no rows through Python."""
    sql, params = queryset.query.sql_with_params()
    table = model._meta.db_table
    cols = ", ".join(connection.ops.quote_name(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) {sql} ON CONFLICT DO NOTHING", params)
        return cursor.rowcount


def _lock_key(job: str, program: Program) -> int:
    digest = hashlib.blake2b(f"{job}:{program.code}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def job_run(*, job: str, program: Program, as_of: dt.date) -> Iterator[JobRun]:
    """Record a run of ``job`` for ``as_of`` and hold the job's lock for the transaction.

    The body runs in one transaction: a run killed half way leaves nothing half done, and the next run for the
    same date starts afresh (``attempts`` counts them).
    """
    run, created = JobRun.objects.get_or_create(job=job, program=program, as_of=as_of)
    if not created:
        JobRun.objects.filter(pk=run.pk).update(attempts=F("attempts") + 1, state=JobRun.State.RUNNING, error="")
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(job, program)])
                    if not cursor.fetchone()[0]:
                        raise JobAlreadyRunning(f"{job} for {program.code} is running in another worker")
            yield run
            run.state = JobRun.State.DONE
            run.finished_at = timezone.now()
            run.save(update_fields=["state", "finished_at", "counts"])
    except JobAlreadyRunning:
        raise
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.FAILED, error=repr(exc)[:2000])
        raise


def post_points(*, as_of: dt.date, program: Program | None = None) -> dict[str, dict[str, int]]:
    """J1 (NE7): post every pending lot whose posting date is on or before ``as_of``. Returns counts per program."""
    programs = [program] if program else list(Program.objects.order_by("code"))
    return {p.code: _post_program(program=p, as_of=as_of) for p in programs}


def _post_program(*, program: Program, as_of: dt.date) -> dict[str, int]:
    with job_run(job=JobRun.Job.POST, program=program, as_of=as_of) as run:
        due = PointLot.objects.filter(state=PointLot.State.PENDING, posts_on__lte=as_of, member__program=program)
        # Members who owe points (EX5) have their new points pay the debt first: the few of them go one by one.
        debtors = PointLot.objects.filter(member__program=program, remaining__lt=0).values("member_id")
        plain = due.exclude(member_id__in=debtors)
        # Lock the balance rows concerned, in member order (as every service does), before touching them.
        list(
            MemberBalance.objects.select_for_update()
            .filter(member_id__in=plain.values("member_id"))
            .order_by("member_id")
            .values_list("pk", flat=True)
        )
        entries = insert_select(
            LedgerEntry,
            ["member", "kind", "points", "pending", "used_on", "effective_on", "created_at", "qualifying_points",
             "reason", "lot", "bill", "job_run"],
            plain.filter(remaining__gt=0).values(
                "member_id",
                kind_=Value(EntryKind.POST),
                points_=F("remaining"),
                pending_=-F("remaining"),
                used_on_=F("used_on"),
                effective_on_=F("posts_on"),
                created_at_=Now(),
                qualifying_=Value(0),
                reason_=Value("NE7"),
                lot_id=F("id"),
                bill_id=F("entry__bill_id"),
                job_run_id=Value(run.pk),
            ),
        )
        moved = plain.filter(member_id=OuterRef("member_id")).values("member_id").annotate(s=Sum("remaining"))
        MemberBalance.objects.filter(member_id__in=plain.values("member_id")).update(
            posted=F("posted") + Coalesce(Subquery(moved.values("s")), 0),
            pending=F("pending") - Coalesce(Subquery(moved.values("s")), 0),
        )
        lots = plain.update(state=PointLot.State.POSTED)
        debtor_ids = list(due.filter(member_id__in=debtors).values_list("member_id", flat=True).distinct())
        from members.models import Member

        for member in Member.objects.filter(pk__in=debtor_ids).order_by("pk"):
            entries += len(ledger.lots_post(member=member, as_of=as_of, job_run=run))
        run.counts = {"lots": lots + len(debtor_ids), "entries": entries, "members_in_debt": len(debtor_ids)}
    return run.counts
