"""One Harmony status qualification (ST1, ST2, SH1, ST3): what a member earned toward status in a calendar year.

Qualifying points are the ledger entries' ``qualifying_points`` of the uses in the year (base points of stays and
dining: not the status bonus, OE6; not transfers or adjustments unless they qualify; retractions take theirs back,
R1) plus the year's qualification credits (ST3 legacy import, merges). Eligible nights are the member's room nights
of the year (SH1: one per date) plus the credits' nights. The tier they reach is judged by the thresholds in force
on December 31 of the year (PT1). The yearly job (J4) runs the same statement for the whole program
(``qualification_queryset``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Case, CharField, IntegerField, OuterRef, Q, QuerySet, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from members.models import Member, Program, Tier
from members.selectors import settings_on

from .exceptions import PointsError
from .models import LedgerEntry, QualificationCredit, StayNight


class QualificationNotApplicable(PointsError):
    """Status qualification is a One Harmony benefit (ST1): New Otani members have no tiers."""

    code = "not_applicable"
    status = 400


@dataclass(frozen=True, slots=True)
class Qualification:
    year: int
    points: int
    nights: int
    tier: str


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """ST1: the qualification period is January 1 to December 31."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def _sum(queryset: QuerySet, column: str) -> Coalesce:
    total = queryset.order_by().values("member_id").annotate(s=Sum(column)).values("s")
    return Coalesce(Subquery(total, output_field=IntegerField()), 0)


def tier_case(settings) -> Case:
    """ST2 as SQL: Exclusive at 15,000 qualifying points or 20 eligible nights, Loyal at 5,000 or 5 (Defaults: the
    thresholds come from the program settings), Member below."""
    return Case(
        When(
            Q(q_points__gte=settings.exclusive_points) | Q(q_nights__gte=settings.exclusive_nights),
            then=Value(Tier.EXCLUSIVE.value),
        ),
        When(Q(q_points__gte=settings.loyal_points) | Q(q_nights__gte=settings.loyal_nights), then=Value("loyal")),
        default=Value(Tier.MEMBER.value),
        output_field=CharField(),
    )


def qualification_queryset(*, program: Program, year: int, settings) -> QuerySet[Member]:
    """The members of ``program`` annotated with ``q_points`` and ``q_nights`` of ``year`` and the ``tier`` they
    reach under ``settings``: one statement for the whole program (the yearly job) or one member (the API)."""
    first, last = _year_bounds(year)
    member = OuterRef("pk")
    nights = (
        StayNight.objects.filter(member=member, night_of__range=(first, last))
        .order_by()
        .values("member_id")
        .annotate(n=Sum(Value(1)))
        .values("n")
    )
    credits = QualificationCredit.objects.filter(member=member, year=year)
    return (
        Member.objects.filter(program=program)
        .annotate(
            q_points=_sum(
                LedgerEntry.objects.filter(member=member, used_on__range=(first, last)).exclude(qualifying_points=0),
                "qualifying_points",
            )
            + _sum(credits, "points"),
            q_nights=Coalesce(Subquery(nights, output_field=IntegerField()), 0) + _sum(credits, "nights"),
        )
        .annotate(tier=tier_case(settings))
    )


def qualification(*, member: Member, year: int) -> Qualification:
    """The member's qualifying points, eligible nights and the tier they reach in ``year`` (ST2, SH1)."""
    if not member.program.is_one_harmony:
        raise QualificationNotApplicable(
            f"{member.program.name} has no status tiers: qualification is a One Harmony benefit (ST1)"
        )
    thresholds = settings_on(program=member.program, on=_year_bounds(year)[1])
    row = (
        qualification_queryset(program=member.program, year=year, settings=thresholds)
        .filter(pk=member.pk)
        .values("q_points", "q_nights", "tier")
        .get()
    )
    return Qualification(year=year, points=row["q_points"], nights=row["q_nights"], tier=row["tier"])
