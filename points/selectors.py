"""Reads of the points domain: what a member has, what posts when, what lapses when (A4, EX6, NE7)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum

from members.models import Member

from .models import MemberBalance, PointLot


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
