"""Reads of the points domain: what a member has, what posts when, what lapses when (A4, EX6, NE7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from members.models import Member

from .models import LedgerEntry, MemberBalance, PointLot, QualificationCredit, StayNight


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


def _sum(queryset: QuerySet, column: str) -> Coalesce:
    total = queryset.order_by().values("member_id").annotate(s=Sum(column)).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def qualification_queryset(*, program, year: int, settings) -> QuerySet[Member]:
    """ST2 for a whole program in one statement: each member annotated with ``q_points`` (base points of uses in
    ``year``, and qualifying adjustments; bonus and transfers carry no qualifying points), ``q_nights`` (room
    nights of the year, SH1) plus legacy credits (ST3), and the ``tier`` they reach under ``settings``."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    member = OuterRef("pk")
    nights = (
        StayNight.objects.filter(member=member, night_of__range=(start, end))
        .order_by()
        .values("member_id")
        .annotate(n=Sum(Value(1)))
        .values("n")
    )
    return (
        Member.objects.filter(program=program)
        .annotate(
            q_points=_sum(
                LedgerEntry.objects.filter(member=member, used_on__range=(start, end)).exclude(qualifying_points=0),
                "qualifying_points",
            )
            + _sum(QualificationCredit.objects.filter(member=member, year=year), "points"),
            q_nights=Coalesce(Subquery(nights, output_field=IntegerField()), 0)
            + _sum(QualificationCredit.objects.filter(member=member, year=year), "nights"),
        )
        .annotate(tier=tier_case(settings))
    )


def tier_case(settings) -> Case:
    """ST2 thresholds as SQL: Exclusive at 15,000 points or 20 nights, Loyal at 5,000 or 5 (Defaults)."""
    return Case(
        When(
            Q(q_points__gte=settings.exclusive_points) | Q(q_nights__gte=settings.exclusive_nights),
            then=Value("exclusive"),
        ),
        When(Q(q_points__gte=settings.loyal_points) | Q(q_nights__gte=settings.loyal_nights), then=Value("loyal")),
        default=Value("member"),
        output_field=CharField(),
    )
