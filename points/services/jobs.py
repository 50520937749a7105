"""Scheduled jobs (J1-J4) as set-based services: each takes an as-of date (never the clock), runs as a few SQL
statements whatever the number of members, records a ``JobRun`` and holds a PostgreSQL advisory lock so two
workers never run the same job at once. Running one again for the same date changes nothing: every statement
only touches what is still due, and the ledger's unique constraints refuse a second posting of a lot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, IntegerField, Min, QuerySet, Sum, Value
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty import metrics
from loyalty.exceptions import refusal_text
from members.models import Member, Program

from ..exceptions import JobAlreadyRunning
from ..models import EntryKind, JobRun, LedgerEntry, MemberBalance, PointLot
from . import ledger

logger = logging.getLogger("loyalty.jobs")


def insert_select(model, queryset: QuerySet, *, on_conflict: str | None = "DO NOTHING") -> int:
    """``INSERT INTO model (columns) SELECT ...`` from a ``values()`` queryset; rows a unique constraint refuses
    are skipped (``ON CONFLICT DO NOTHING``), upserted (``on_conflict``) or, with ``on_conflict=None``, refused
    (IntegrityError). PostgreSQL and SQLite. Set-based: one statement, no rows through Python. The queryset must
    have a WHERE clause (SQLite's upsert grammar).

    The names the queryset selects are the columns, in their order: each is a field of ``model`` (its name or
    attname), with a trailing ``_`` where the name would clash with a field of the queryset's own model
    (``kind_=Value(...)``). So a value can only go to the column that names it."""
    names = list(queryset.query.selected or ())  # the SELECT list, in order (set by values() and annotate())
    if not names:
        raise ValueError("insert_select takes a values() queryset: its selected names are the columns")
    columns = [model._meta.get_field(name.removesuffix("_")).column for name in names]
    sql, params = queryset.query.sql_with_params()
    table = model._meta.db_table
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)
    conflict = f" ON CONFLICT {on_conflict}" if on_conflict else ""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({cols}) {sql}{conflict}", params)
        return cursor.rowcount


def update_from(model, assignments: dict[str, str], queryset: QuerySet, *, key: str = "member_id") -> int:
    """``UPDATE model SET col = <expr over x> FROM (<grouped queryset>) x WHERE model.key = x.key``: one statement
    however many rows (PostgreSQL and SQLite 3.33+). ``assignments`` map a column to an SQL expression in which
    ``x.<alias>`` names a column of the queryset and the bare column names the row's own value."""
    sql, params = queryset.query.sql_with_params()
    table = model._meta.db_table
    column = model._meta.get_field(key.removesuffix("_id")).column if key.endswith("_id") else key
    sets = ", ".join(f"{connection.ops.quote_name(col)} = {expr}" for col, expr in assignments.items())
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {sets} FROM ({sql}) AS x WHERE {table}.{connection.ops.quote_name(column)} = x.{key}",
            params,
        )
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
    started = time.perf_counter()
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [_lock_key(job, program)])
                    if not cursor.fetchone()[0]:
                        raise JobAlreadyRunning(
                            refusal_text(
                                _("%(job)s for %(program)s is running in another worker"),
                                job=job,
                                program=program.code,
                            )
                        )
                    # Each statement groups up to a million rows: room to hash and sort them in memory.
                    cursor.execute("SET LOCAL work_mem = '64MB'")
            yield run
            run.state = JobRun.State.DONE
            run.finished_at = timezone.now()
            run.save(update_fields=["state", "finished_at", "counts"])
    except JobAlreadyRunning:
        _job_logged(run, state="skipped", started=started, level=logging.WARNING, reason="running in another worker")
        raise
    except Exception as exc:
        JobRun.objects.filter(pk=run.pk).update(state=JobRun.State.FAILED, error=repr(exc)[:2000])
        _job_logged(run, state=JobRun.State.FAILED, started=started, level=logging.ERROR, error=repr(exc)[:500])
        raise
    _job_logged(run, state=JobRun.State.DONE, started=started)


def _job_logged(run: JobRun, *, state: str, started: float, level: int = logging.INFO, **more) -> None:
    """Every run logs its job, program, as-of date, counts and duration, and feeds the job metrics."""
    seconds = time.perf_counter() - started
    program = run.program.code
    metrics.job_finished(job=run.job, program=program, state=str(state), seconds=seconds)
    logger.log(
        level,
        "job %s %s as of %s: %s in %.1f s",
        run.job,
        program,
        run.as_of,
        state,
        seconds,
        extra={
            "job": run.job,
            "program": program,
            "as_of": run.as_of.isoformat(),
            "state": str(state),
            "counts": run.counts,
            "duration_ms": round(seconds * 1000, 1),
            "job_run": run.pk,
            **more,
        },
    )


def _insert_lot_entries(
    lots: QuerySet[PointLot],
    *,
    kind: str,
    points,
    pending,
    effective_on,
    reason: str,
    run: JobRun,
    with_bill: bool = True,
) -> int:
    """One ledger entry per lot, set-based: the job's posting (J1) or lapse (J2/J3) of each lot, tied to the run.
    The ledger's unique constraints (a lot posts once, lapses once) make a second insert of the same a no-op."""
    return insert_select(
        LedgerEntry,
        lots.values(
            "member_id",
            kind_=Value(kind),
            points_=points,
            pending_=pending,
            used_on_=F("used_on"),
            effective_on_=effective_on,
            created_at_=Now(),
            qualifying_points_=Value(0),
            reason_=Value(reason),
            lot_id=F("id"),
            bill_id=F("entry__bill_id") if with_bill else Value(None, output_field=IntegerField()),
            job_run_id=Value(run.pk),
        ),
    )


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
        entries = _insert_lot_entries(
            plain.filter(remaining__gt=0),
            kind=EntryKind.POST,
            points=F("remaining"),
            pending=-F("remaining"),
            effective_on=F("posts_on"),
            reason="NE7",
            run=run,
        )
        update_from(
            MemberBalance,
            {"posted": "posted + x.s", "pending": "pending - x.s"},
            plain.values("member_id").annotate(s=Sum("remaining")).order_by(),
        )
        lots = plain.update(state=PointLot.State.POSTED)
        debtor_ids = list(due.filter(member_id__in=debtors).values_list("member_id", flat=True).distinct())
        for member in Member.objects.filter(pk__in=debtor_ids).order_by("pk"):
            entries += len(ledger.lots_post(member=member, as_of=as_of, job_run=run))
        run.counts = {"lots": lots + len(debtor_ids), "entries": entries, "members_in_debt": len(debtor_ids)}
    return run.counts


def expire_points(*, as_of: dt.date, program: Program | None = None) -> dict[str, dict[str, int]]:
    """J2/J3 (EX1, EX2): expire the posted points whose validity ended before ``as_of``. Returns counts per program.

    Each member whose points lapse gets one ``expire`` entry tied to the job run: the sum of the lapses, effective
    on the run's date, unique per member and date. The balance row drops by as much, and each lapsed lot keeps what
    lapsed from it and when (``lapsed``, ``lapsed_on``), so the entry is explained lot by lot with no consumption
    rows. One entry per member rather than per lot: at a million members that is a third fewer rows and no lot
    reference to check, which keeps the yearly run within a minute (PERFORMANCE.md). A debt (EX5) never lapses:
    only lots with points left are touched.
    """
    programs = [program] if program else list(Program.objects.order_by("code"))
    return {p.code: _expire_program(program=p, as_of=as_of) for p in programs}


def _lapsed(program: Program, as_of: dt.date) -> QuerySet[PointLot]:
    # ``member_id IN (members of the program)`` rather than a join: the UPDATE of the lots then stays one
    # statement over the lots (a join would wrap it in ``id IN (SELECT ...)``, a second scan of the lots).
    return PointLot.objects.filter(
        member_id__in=Member.objects.filter(program=program).values("pk"),
        state=PointLot.State.POSTED,
        remaining__gt=0,
        expires_on__lt=as_of,
    )


def _expire_program(*, program: Program, as_of: dt.date) -> dict[str, int]:
    with job_run(job=JobRun.Job.EXPIRE, program=program, as_of=as_of) as run:
        lapsed = _lapsed(program, as_of)
        # No ON CONFLICT: only lots with points left are read, so a second entry for the same member and date
        # would be a bug; the unique constraint then fails the whole run rather than skip an entry silently.
        # Member order keeps the ledger's member index writes local.
        entries = insert_select(
            LedgerEntry,
            lapsed.values("member_id")
            .annotate(
                kind_=Value(EntryKind.EXPIRE.value),
                points_=-Sum("remaining"),
                pending_=Value(0),
                used_on_=Min("used_on"),  # the earliest date of use among the lapsed points
                effective_on_=Value(as_of),
                created_at_=Now(),
                qualifying_points_=Value(0),
                reason_=Value("EX1" if program.is_one_harmony else "EX2"),
                job_run_id_=Value(run.pk),  # every lapse is tied to the run that made it
            )
            .order_by("member_id"),
            on_conflict=None,
        )
        members = update_from(
            MemberBalance,
            {"posted": "posted - x.s"},
            lapsed.values("member_id").annotate(s=Sum("remaining")).order_by(),
        )
        lots = lapsed.update(lapsed=F("remaining"), lapsed_on=as_of, remaining=0)
        run.counts = {"lots": lots, "entries": entries, "members": members}
    return run.counts


def qualify_status(*, year: int, program: Program | None = None) -> dict[str, dict[str, int]]:
    """J4 (ST1, ST2): set each One Harmony member's status earned in ``year``, valid April 1 of ``year + 1`` to
    March 31 of ``year + 2``. Qualifying points are the base points of uses in the year (bonus, transfers and
    adjustments do not count unless the adjustment says so) plus legacy credits (ST3); nights are the room nights
    of the year (SH1) plus credits. The thresholds are the settings in force on December 31 of the year (PT1).

    Run again (January 15, then April 1 after late postings), a member's status for the year only ever rises.
    """
    programs = [program] if program else list(Program.objects.filter(code=Program.ONE_HARMONY))
    return {p.code: _qualify_program(program=p, year=year) for p in programs}


def _qualify_program(*, program: Program, year: int) -> dict[str, int]:
    from members.models import StatusPeriod, Tier
    from members.selectors import settings_on

    from ..qualification import totals_sql

    settings = settings_on(program=program, on=dt.date(year, 12, 31))
    totals, params = totals_sql(program=program, year=year, settings=settings)
    table = StatusPeriod._meta.db_table
    with (
        job_run(job=JobRun.Job.QUALIFY, program=program, as_of=dt.date(year, 12, 31)) as run,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            f"INSERT INTO {table} (member_id, tier, valid_from, valid_until, qualification_year, source,"
            f" job_run_id, created_at) SELECT t.member_id, t.tier, %s, %s, %s, %s, %s, CURRENT_TIMESTAMP"
            f" FROM ({totals}) t WHERE t.tier <> 'member'"
            f" ON CONFLICT (member_id, qualification_year, source) DO UPDATE SET tier = excluded.tier,"
            f" job_run_id = excluded.job_run_id"
            f" WHERE {Tier.rank_sql('excluded.tier')} > {Tier.rank_sql(table + '.tier')}",
            [
                dt.date(year + 1, 4, 1),  # ST1: valid April 1 of the next year ...
                dt.date(year + 2, 3, 31),  # ... to March 31 of the year after
                year,
                StatusPeriod.Source.QUALIFICATION,
                run.pk,
                *params,
            ],
        )
        run.counts = {"qualified": cursor.rowcount}
    return run.counts


def expiry_reminders_send(*, as_of: dt.date, program: Program | None = None) -> dict[str, dict[str, int]]:
    """EX6: one email per member and expiry date for points lapsing within the program's reminder window
    (Default 60 days). The reminders are chosen in one statement (unique per member and date, so a rerun sends
    nothing twice); the emails then go out in batches."""
    programs = [program] if program else list(Program.objects.order_by("code"))
    return {p.code: _remind_program(program=p, as_of=as_of) for p in programs}


def _remind_program(*, program: Program, as_of: dt.date) -> dict[str, int]:
    from members.selectors import settings_on

    from ..models import ExpiryReminder

    window = settings_on(program=program, on=as_of).expiry_reminder_days
    with job_run(job=JobRun.Job.REMIND, program=program, as_of=as_of) as run:
        chosen = insert_select(
            ExpiryReminder,
            PointLot.objects.filter(
                member__program=program,
                member__closed_on__isnull=True,
                state=PointLot.State.POSTED,
                remaining__gt=0,
                expires_on__range=(as_of, as_of + dt.timedelta(days=window)),
            )
            .values("member_id", "expires_on")
            .annotate(points_=Sum("remaining"), job_run_=Value(run.pk), emailed_=Value(False))
            .order_by(),
        )
        run.counts = {"reminders": chosen}
    sent = _send_reminders(program=program)
    run.counts["emailed"] = sent
    JobRun.objects.filter(pk=run.pk).update(counts=run.counts)
    return run.counts


def _send_reminders(*, program: Program, batch: int = 500) -> int:
    from django.conf import settings as django_settings
    from django.core.mail import get_connection
    from django.core.mail.message import EmailMessage
    from django.utils.translation import gettext as _
    from django.utils.translation import override

    from ..models import ExpiryReminder

    sent = 0
    while True:
        with transaction.atomic():
            due = list(
                ExpiryReminder.objects.select_for_update(skip_locked=True)
                .filter(member__program=program, sent_at__isnull=True)
                .select_related("member")
                .order_by("id")[:batch]
            )
            if not due:
                return sent
            messages = []
            for reminder in due:
                member = reminder.member
                reminder.emailed = bool(member.email)
                if not member.email:
                    continue
                with override(member.language or "en"):
                    messages.append(
                        EmailMessage(
                            subject=_("Your %(program)s points expire on %(date)s")
                            % {"program": program.name, "date": reminder.expires_on.isoformat()},
                            body=_(
                                "Dear %(name)s,\n\n%(points)s of your points are valid through %(date)s and lapse "
                                "the day after. Redeem them before then in My Account.\n"
                            )
                            % {
                                "name": member.full_name,
                                "points": f"{reminder.points:,}",
                                "date": reminder.expires_on.isoformat(),
                            },
                            from_email=django_settings.DEFAULT_FROM_EMAIL,
                            to=[member.email],
                        )
                    )
            get_connection().send_messages(messages)
            now = timezone.now()
            for reminder in due:
                reminder.sent_at = now
            ExpiryReminder.objects.bulk_update(due, ["sent_at", "emailed"])
            sent += len(messages)
