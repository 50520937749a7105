"""One Harmony status qualification (ST1, ST2, SH1, ST3): what a member earned toward status in a calendar year.

Qualifying points are the ledger entries' ``qualifying_points`` of the uses in the year (base points of stays and
dining: not the status bonus, OE6; not transfers or adjustments unless they qualify; retractions take theirs back,
R1) plus the year's qualification credits (ST3 legacy import, merges). Eligible nights are the member's room nights
of the year (SH1: one per date) plus the credits' nights. The tier they reach is judged by the thresholds in force
on December 31 of the year (PT1). The yearly job (J4) runs the same statement for the whole program
(``totals_sql``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, IntegerField, Sum, Value
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import refusal_text
from members.models import Member, Program, Tier
from members.selectors import settings_on

from .exceptions import QualificationNotApplicable
from .models import LedgerEntry, QualificationCredit, StayNight


@dataclass(frozen=True, slots=True)
class Qualification:
    year: int
    points: int
    nights: int
    tier: str


def _year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """ST1: the qualification period is January 1 to December 31."""
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def totals_sql(*, program: Program, year: int, settings, member: Member | None = None) -> tuple[str, list]:
    """ST2 in one statement: ``(member_id, q_points, q_nights, tier)`` for every open member of ``program`` with
    anything in ``year`` (or for ``member`` only). One GROUP BY over the union of the three sources, each composed
    by the ORM: base points of uses in the year and qualifying adjustments (bonus and transfers carry no qualifying
    points, OE6), room nights of the year (SH1), legacy credits (ST3). The tier is judged by ``settings``."""
    first, last = _year_bounds(year)
    scope = {"member__program": program, "member__closed_on__isnull": True}
    if member is not None:
        scope = {"member": member}
    points = (
        LedgerEntry.objects.filter(used_on__range=(first, last), **scope)
        .exclude(qualifying_points=0)
        .values("member_id")
        .annotate(p=Sum("qualifying_points"), n=Value(0, output_field=IntegerField()))
        .order_by()
    )
    nights = (
        StayNight.objects.filter(night_of__range=(first, last), **scope)
        .values("member_id")
        .annotate(p=Value(0, output_field=IntegerField()), n=Count("id"))
        .order_by()
    )
    credits = (
        QualificationCredit.objects.filter(year=year, **scope)
        .values("member_id")
        .annotate(p=Sum("points"), n=Sum("nights"))
        .order_by()
    )
    union_sql, params = points.union(nights, credits, all=True).query.sql_with_params()
    tier = (
        "CASE WHEN SUM(u.p) >= %s OR SUM(u.n) >= %s THEN 'exclusive' "
        "WHEN SUM(u.p) >= %s OR SUM(u.n) >= %s THEN 'loyal' ELSE 'member' END"
    )
    sql = (
        f"SELECT u.member_id, SUM(u.p) AS q_points, SUM(u.n) AS q_nights, {tier} AS tier "
        f"FROM ({union_sql}) u GROUP BY u.member_id"
    )
    thresholds = [settings.exclusive_points, settings.exclusive_nights, settings.loyal_points, settings.loyal_nights]
    return sql, [*thresholds, *params]  # the CASE (SELECT list) comes before the union in the text


def qualification(*, member: Member, year: int) -> Qualification:
    """The member's qualifying points, eligible nights and the tier they reach in ``year`` (ST2, SH1)."""
    if not member.program.is_one_harmony:
        raise QualificationNotApplicable(
            refusal_text(
                _("%(program)s has no status tiers: qualification is a One Harmony benefit (ST1)"),
                program=member.program.name,
            )
        )
    thresholds = settings_on(program=member.program, on=_year_bounds(year)[1])
    sql, params = totals_sql(program=member.program, year=year, settings=thresholds, member=member)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return Qualification(year=year, points=0, nights=0, tier=Tier.MEMBER.value)
    return Qualification(year=year, points=int(row[1]), nights=int(row[2]), tier=row[3])


def tier_progress(*, member: Member, on: dt.date) -> dict | None:
    """ST1, ST2: the qualifying points and nights of ``on``'s year against the thresholds of the next tier (One
    Harmony; ``None`` for New Otani). ``q`` is the year's :class:`Qualification`, ``next`` the next tier's label
    (``None`` at the top)."""
    if not member.program.is_one_harmony:
        return None
    q = qualification(member=member, year=on.year)
    thresholds = settings_on(program=member.program, on=dt.date(on.year, 12, 31))
    if q.tier == Tier.EXCLUSIVE:
        return {"q": q, "next": None}
    if q.tier == Tier.LOYAL:
        label, points, nights = Tier.EXCLUSIVE.label, thresholds.exclusive_points, thresholds.exclusive_nights
    else:
        label, points, nights = Tier.LOYAL.label, thresholds.loyal_points, thresholds.loyal_nights
    return {
        "q": q,
        "next": label,
        "points_needed": points,
        "nights_needed": nights,
        "points_left": max(points - q.points, 0),
        "nights_left": max(nights - q.nights, 0),
        "reached": Tier(q.tier).label,
    }
