"""Maker-checker that counts (issue 14): what one requester moves without a checker accumulates.

An adjustment posts at once only while, counting it, both stay within the program's approval threshold
(``adjustment_approval_threshold``, Default 10,000 points, PT1):

* what this requester moved for this member over the rolling window ``adjustment_member_window_days``
  (Default 30 days), and
* what this requester moved for all members over ``adjustment_requester_window_days`` business days (Default 1).

Only adjustments that posted with no checker count (approved ones were checked; rejected ones moved nothing);
points count by absolute value (a debit moves points as much as a credit). Anything over waits for a supervisor
other than the requester (``adjustments.adjustment_approve``), who reads ``Adjustment.approval_reason`` and the
adjustments that made it (``window_history``). Claim approvals (A5) go through the same request.

Concurrency: the caller locks the member's balance row first, and on PostgreSQL a transaction-scoped advisory lock
per requester serialises one requester's adjustments across members, so two simultaneous requests can never both
see the same room under the limit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Abs

from members.models import Member, User
from members.selectors import settings_on

from ..models import Adjustment, MemberBalance

DEFAULT_THRESHOLD = 10_000
DEFAULT_MEMBER_WINDOW_DAYS = 30
DEFAULT_REQUESTER_WINDOW_DAYS = 1
ADVISORY_NAMESPACE = 0x1414  # pg_advisory_xact_lock(namespace, requester id): the maker-checker lock


@dataclass(frozen=True)
class WindowCheck:
    """The outcome of the count for one request: ``needs_approval`` and, if so, why (the approver reads it)."""

    threshold: int
    member_days: int
    requester_days: int
    member_total: int
    requester_total: int
    needs_approval: bool
    reasons: list[str] = field(default_factory=list)

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _settings(member: Member, on: dt.date) -> tuple[int, int, int]:
    row = settings_on(program=member.program, on=on)
    if row is None:
        return DEFAULT_THRESHOLD, DEFAULT_MEMBER_WINDOW_DAYS, DEFAULT_REQUESTER_WINDOW_DAYS
    return row.adjustment_approval_threshold, row.adjustment_member_window_days, row.adjustment_requester_window_days


def unchecked(*, requested_by: User | None) -> QuerySet[Adjustment]:
    """The requester's adjustments that moved points with no checker."""
    return Adjustment.objects.filter(
        requested_by=requested_by, state=Adjustment.State.POSTED, approved_by__isnull=True
    ).exclude(requested_on__isnull=True)


def _window(days: int, on: dt.date) -> Q:
    return Q(requested_on__gt=on - dt.timedelta(days=max(days, 1)), requested_on__lte=on)


def _total(queryset: QuerySet[Adjustment]) -> int:
    return queryset.aggregate(total=Sum(Abs("points")))["total"] or 0


def lock_for_request(*, member: Member, requested_by: User | None) -> None:
    """Lock before you count: the member's balance row, then (PostgreSQL) the requester's advisory lock."""
    MemberBalance.objects.select_for_update().filter(member=member).first()
    if requested_by is not None and connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ADVISORY_NAMESPACE, requested_by.pk])


def window_check(*, member: Member, points: int, requested_by: User | None, on: dt.date) -> WindowCheck:
    """Issue 14: would ``points`` more, moved by ``requested_by`` for ``member`` on ``on``, stay within the limits?"""
    threshold, member_days, requester_days = _settings(member, on)
    amount = abs(points)
    if requested_by is None:  # no requester to count against: only the single-adjustment threshold applies
        over = amount > threshold
        reasons = [f"{amount:,} points is above the threshold of {threshold:,}"] if over else []
        return WindowCheck(threshold, member_days, requester_days, amount, amount, over, reasons)
    mine = unchecked(requested_by=requested_by)
    member_total = _total(mine.filter(_window(member_days, on), member=member)) + amount
    requester_total = _total(mine.filter(_window(requester_days, on))) + amount
    reasons = []
    if amount > threshold:
        reasons.append(f"{amount:,} points is above the threshold of {threshold:,}")
    if member_total > threshold:
        reasons.append(
            f"{requested_by.username} would move {member_total:,} points for member {member.number} in "
            f"{member_days} days without a checker (threshold {threshold:,})"
        )
    if requester_total > threshold:
        reasons.append(
            f"{requested_by.username} would move {requester_total:,} points in {requester_days} business day(s) "
            f"without a checker (threshold {threshold:,})"
        )
    return WindowCheck(threshold, member_days, requester_days, member_total, requester_total, bool(reasons), reasons)


def window_history(*, adjustment: Adjustment) -> list[Adjustment]:
    """What the approver sees: the requester's unchecked adjustments in the windows that made this one wait."""
    if adjustment.requested_by_id is None or adjustment.requested_on is None:
        return []
    _threshold, member_days, requester_days = _settings(adjustment.member, adjustment.requested_on)
    on = adjustment.requested_on
    mine = unchecked(requested_by=adjustment.requested_by).exclude(pk=adjustment.pk)
    found = mine.filter(
        (_window(member_days, on) & Q(member_id=adjustment.member_id)) | _window(requester_days, on)
    ).select_related("member")
    return list(found.order_by("-requested_on", "-id")[:50])
