"""Reads of the points domain: what a member has, what posts when, what lapses when (A4, EX6, NE7); the account
summary every surface shows (My Account, the office, the API); the ledger by month for the dashboards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.db.models import DateField, Prefetch, QuerySet, Sum, Value
from django.db.models.functions import Greatest, TruncMonth
from django.utils.translation import gettext_lazy as _

from members.models import Member, Program, StatusPeriod, Tier
from members.selectors import settings_on, status_on

from .models import BillExclusion, LedgerEntry, MemberBalance, PointLot


@dataclass(frozen=True)
class PointsSummary:
    balance: int  # posted points still valid (negative: a debt, R1/EX5)
    pending: int
    pending_by_date: list[tuple[dt.date, int]]  # (posts_on, points), soonest first
    expiring: list[tuple[dt.date, int]]  # (last valid day, points), soonest first (EX6)


def points_summary(*, member: Member, on: dt.date) -> PointsSummary:
    """A member's points as of ``on``. Points past their validity are never shown, even before the expiry job runs
    (EX1, EX2): the balance row is reduced by lapsed lots the job has not expired yet. Three queries."""
    row = MemberBalance.objects.filter(member=member).values("posted", "pending").first() or {"posted": 0, "pending": 0}
    lots = (
        PointLot.objects.filter(member=member, remaining__gt=0)
        .values("state", "expires_on", "posts_on")
        .annotate(points=Sum("remaining"))
        .order_by()
    )
    lapsed = 0
    pending: dict[dt.date, int] = {}
    expiring: dict[dt.date, int] = {}
    for lot in lots:
        if lot["state"] == PointLot.State.PENDING:
            pending[lot["posts_on"]] = pending.get(lot["posts_on"], 0) + lot["points"]
        elif lot["expires_on"] < on:
            lapsed += lot["points"]
        else:
            expiring[lot["expires_on"]] = expiring.get(lot["expires_on"], 0) + lot["points"]
    return PointsSummary(
        balance=row["posted"] - lapsed,
        pending=row["pending"],
        pending_by_date=sorted(pending.items()),
        expiring=sorted(expiring.items()),
    )


@dataclass(frozen=True)
class AccountSummary:
    """A4: an account as the member reads it in My Account, the office reads it on the phone and a hotel's system
    reads it through the API."""

    member: Member
    on: dt.date
    status: StatusPeriod | None  # the status period in force (ST1); always None for New Otani
    points: PointsSummary
    debt_yen: int  # R1, EX5: what the office may charge for a negative balance, at the point's value; 0 without debt
    progress: dict | None  # ST2: toward the next tier (``points.qualification.tier_progress``), when asked for

    @property
    def tier(self) -> str:
        return self.status.tier if self.status is not None else Tier.MEMBER.value

    @property
    def status_valid_until(self) -> dt.date | None:
        return self.status.valid_until if self.status is not None else None


def account_activity(*, member: Member) -> QuerySet[LedgerEntry]:
    """A4: the member's ledger entries, newest first, each with its bill, hotel and the bill's exclusions (in the
    order the rulebook reported them) and who entered it: page it or slice it, the queries stay fixed."""
    return (
        LedgerEntry.objects.filter(member=member)
        .select_related("bill__hotel", "created_by", "adjustment", "job_run")
        .prefetch_related(Prefetch("bill__exclusions", queryset=BillExclusion.objects.order_by("position", "id")))
        .order_by("-effective_on", "-id")
    )


def account_summary(*, member: Member, on: dt.date, with_progress: bool = False) -> AccountSummary:
    """A4 as of ``on``: status (One Harmony), balances and their dates (``points_summary``), the debt in yen when
    the balance is negative, and with ``with_progress`` the way to the next tier. Three queries (one more with a
    debt, two more with the progress)."""
    from .qualification import tier_progress

    status = status_on(member=member, on=on) if member.program.is_one_harmony else None
    points = points_summary(member=member, on=on)
    debt_yen = 0
    if points.balance < 0:
        row = settings_on(program=member.program, on=on)
        debt_yen = round(-points.balance * (row.point_value_yen if row is not None else 1))
    progress = tier_progress(member=member, on=on) if with_progress else None
    return AccountSummary(member=member, on=on, status=status, points=points, debt_yen=debt_yen, progress=progress)


DASHBOARD_MONTHS = 24
DASHBOARD_SERIES = (
    ("issued", _("Points issued (earned + bonus)")),
    ("posted", _("Points posted")),
    ("redeemed", _("Points redeemed")),
    ("expired", _("Points expired")),
    ("outstanding", _("Outstanding posted points (month end)")),
)


def ledger_by_month(*, program: Program, last_month: dt.date, months: int = DASHBOARD_MONTHS) -> list[dict]:
    """Points issued, posted, redeemed, expired and outstanding by month, from the ledger in one grouped query.

    Entries before the first month fall into one opening bucket (the month before), so the outstanding balance of
    each month is the running sum."""
    first = last_month - relativedelta(months=months - 1)
    opening = first - dt.timedelta(days=1)
    rows = (
        LedgerEntry.objects.filter(member__program=program)
        .annotate(month=TruncMonth(Greatest("effective_on", Value(opening, output_field=DateField()))))
        .values("month", "kind")
        .annotate(points=Sum("points"), pending=Sum("pending"))
        .order_by()
    )
    by_month = {first + relativedelta(months=i): dict.fromkeys(dict(DASHBOARD_SERIES), 0) for i in range(months)}
    running = 0
    totals: dict[dt.date, int] = {}
    for row in rows:
        month = row["month"]
        month = month.date() if isinstance(month, dt.datetime) else month
        totals[month] = totals.get(month, 0) + (row["points"] or 0)
        figures = by_month.get(month)
        if figures is None:
            continue
        kind = row["kind"]
        if kind in ("earn", "bonus"):
            figures["issued"] += row["pending"] or 0
        elif kind == "post":
            figures["posted"] += row["points"] or 0
        elif kind == "redeem":
            figures["redeemed"] -= row["points"] or 0
        elif kind == "expire":
            figures["expired"] -= row["points"] or 0
    running = sum(n for month, n in totals.items() if month < first)
    result = []
    for month, figures in by_month.items():
        running += totals.get(month, 0)
        figures["outstanding"] = running
        result.append({"month": month, **figures})
    return result


# --- Liability (the office's figures) --------------------------------------------------------------------------


@dataclass(frozen=True)
class Liability:
    """What a program owes its members and what members owe it, as of a date.

    ``points``: posted points still valid (positive lots, EX1/EX2: a lapsed lot is owed to nobody even before the
    expiry job runs); ``yen`` their value at the program's point value (PT1 ``point_value_yen``). ``debt_points``:
    the members' debts (negative lots, R1/EX5), money the office is owed: shown apart, never netted against the
    liability. ``pending``: earned points not posted yet (NE7)."""

    points: int
    yen: int
    debt_points: int
    debt_yen: int
    pending: int
    point_value_yen: float


def point_values(*, programs, on: dt.date) -> dict[int, float]:
    """PT1: each program's value of a point in yen on ``on`` (one query for all the programs)."""
    from members.models import ProgramSettings
    from members.selectors import settings_in_force

    rows: dict[int, list] = {}
    for row in ProgramSettings.objects.filter(program__in=programs).order_by("program_id", "effective_from"):
        rows.setdefault(row.program_id, []).append(row)
    values = {}
    for program_id, program_rows in rows.items():
        chosen = settings_in_force(program_rows, on)
        values[program_id] = chosen.point_value_yen if chosen is not None else 1
    return values


def liabilities(*, programs, on: dt.date) -> dict[int, Liability]:
    """R1, EX5: the liability of each program (positive posted balances at the point value) and the debts owed
    to it, apart. Two queries whatever the number of programs or members."""
    from django.db.models import Q

    values = point_values(programs=programs, on=on)
    rows = (
        PointLot.objects.filter(member__program__in=programs)
        .values("member__program")
        .annotate(
            owed=Sum(
                "remaining",
                filter=Q(state=PointLot.State.POSTED, remaining__gt=0, expires_on__gte=on),
                default=0,
            ),
            debt=Sum("remaining", filter=Q(remaining__lt=0), default=0),
            pending=Sum("remaining", filter=Q(state=PointLot.State.PENDING, remaining__gt=0), default=0),
        )
        .order_by()
    )
    found = {row["member__program"]: row for row in rows}
    result = {}
    for program in programs:
        pk = getattr(program, "pk", program)
        row = found.get(pk, {"owed": 0, "debt": 0, "pending": 0})
        value = values.get(pk, 1)
        debt = -(row["debt"] or 0)
        result[pk] = Liability(
            points=row["owed"] or 0,
            yen=round((row["owed"] or 0) * value),
            debt_points=debt,
            debt_yen=round(debt * value),
            pending=row["pending"] or 0,
            point_value_yen=value,
        )
    return result
