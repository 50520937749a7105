"""Maker-checker adjustments (A5 claims, corrections): small ones post at once, large ones wait for a supervisor.

The threshold is the program setting ``adjustment_approval_threshold`` (Default 10,000 points, PT1). A posted
adjustment goes through the ledger (``points_credit`` / ``points_debit``), never an edit of an entry: a credit
creates a lot whose expiry comes from its date of use (EX1-EX3); a debit consumes soonest-expiring lots (EX4).
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.exceptions import lower_text, refusal_text
from loyalty.rulebooks.validity import valid_through
from members.models import Member, User
from members.selectors import settings_on

from ..exceptions import AdjustmentError, NotAllowedToApprove
from ..models import Adjustment, EntryKind
from .ledger import LotSpec, points_credit, points_debit
from .limits import lock_for_request, window_check

APPROVE_PERMISSION = "points.change_adjustment"  # the "Office supervisor" group has it (members 0004)
DEFAULT_THRESHOLD = 10_000


def approval_threshold(*, member: Member, on: dt.date) -> int:
    row = settings_on(program=member.program, on=on)
    return row.adjustment_approval_threshold if row is not None else DEFAULT_THRESHOLD


def _post(*, adjustment: Adjustment, on: dt.date, by: User | None) -> None:
    member = adjustment.member
    qualifying = adjustment.points if adjustment.qualifies else 0
    if adjustment.points > 0:
        expires_on = valid_through(member.program.code, adjustment.used_on)
        points_credit(
            member=member,
            kind=EntryKind.ADJUST,
            lots=[LotSpec(adjustment.points, adjustment.used_on, expires_on)],
            on=on,
            qualifying_points=qualifying,
            adjustment=adjustment,
            created_by=by,
            reason=adjustment.reason[:300],
        )
    else:
        points_debit(
            member=member,
            kind=EntryKind.ADJUST,
            points=-adjustment.points,
            on=on,
            qualifying_points=qualifying,
            adjustment=adjustment,
            created_by=by,
            reason=adjustment.reason[:300],
        )


# The most one adjustment (or an approved claim) may move: far above any real correction (the richest members hold a
# few million points), far below the ledger's integer columns.
MAX_ADJUSTMENT_POINTS = 10_000_000


@transaction.atomic
def adjustment_request(
    *,
    member: Member,
    points: int,
    reason: str,
    used_on: dt.date,
    qualifies: bool = False,
    requested_by: User | None,
    on: dt.date | None = None,
) -> Adjustment:
    """Record an adjustment. It posts at once while the requester's unchecked moves, counting it, stay within the
    threshold over the rolling windows (``limits``, issue 14); otherwise it waits for another supervisor."""
    on = on or clock.today()
    if points == 0:
        raise AdjustmentError(_("an adjustment moves at least one point"), field="points")
    if abs(points) > MAX_ADJUSTMENT_POINTS:
        # A typing slip (extra zeros) is refused here, in words, not when the balance row would overflow at approval.
        raise AdjustmentError(
            refusal_text(_("at most %(max)s points in one adjustment"), max=f"{MAX_ADJUSTMENT_POINTS:,}"),
            field="points",
        )
    if not reason.strip():
        raise AdjustmentError(_("say why (the reason is kept with the ledger entry)"), field="reason")
    if used_on > on:
        raise AdjustmentError(_("the date of use cannot be in the future"), field="used_on")
    if member.closed_on is not None:
        raise AdjustmentError(
            refusal_text(_("membership %(number)s is closed (M9)"), number=member.number), field="member"
        )
    # Issue 14, maker-checker that counts: lock, then count this requester's unchecked moves in the windows.
    lock_for_request(member=member, requested_by=requested_by)
    check = window_check(member=member, points=points, requested_by=requested_by, on=on)
    adjustment = Adjustment.objects.create(
        member=member,
        points=points,
        reason=reason.strip(),
        used_on=used_on,
        qualifies=qualifies,
        requested_by=requested_by,
        requested_on=on,
        approval_reason=check.reason,
    )
    if not check.needs_approval:
        _post(adjustment=adjustment, on=on, by=requested_by)
        adjustment.state = Adjustment.State.POSTED
        adjustment.decided_at = timezone.now()
        adjustment.save(update_fields=["state", "decided_at"])
    return adjustment


def _lock_open(adjustment: Adjustment) -> Adjustment:
    locked = Adjustment.objects.select_for_update().select_related("member__program").get(pk=adjustment.pk)
    if locked.state != Adjustment.State.AWAITING_APPROVAL:
        raise AdjustmentError(
            refusal_text(
                _("the adjustment is already %(state)s"), state=lower_text(Adjustment.State(locked.state).label)
            ),
            field="state",
        )
    return locked


def can_approve(*, adjustment: Adjustment, user: User) -> bool:
    """Maker-checker: a supervisor (``points.change_adjustment``) who is not the requester."""
    return (
        user is not None
        and user.is_active
        and user.pk != adjustment.requested_by_id
        and user.has_perm(APPROVE_PERMISSION)
    )


@transaction.atomic
def adjustment_approve(*, adjustment: Adjustment, approved_by: User, on: dt.date | None = None) -> Adjustment:
    """A supervisor other than the requester posts an adjustment that waited for approval."""
    on = on or clock.today()
    locked = _lock_open(adjustment)
    if not can_approve(adjustment=locked, user=approved_by):
        raise NotAllowedToApprove(
            _("an adjustment is approved by a supervisor other than the one who asked for it (maker-checker)")
        )
    _post(adjustment=locked, on=on, by=approved_by)
    locked.state = Adjustment.State.POSTED
    locked.approved_by = approved_by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "approved_by", "decided_at"])
    return locked


@transaction.atomic
def adjustment_reject(*, adjustment: Adjustment, by: User, reason: str = "") -> Adjustment:
    """A supervisor other than the requester turns an adjustment down; nothing reaches the ledger."""
    locked = _lock_open(adjustment)
    if not can_approve(adjustment=locked, user=by):
        raise NotAllowedToApprove(_("an adjustment is decided by a supervisor other than the one who asked for it"))
    locked.state = Adjustment.State.REJECTED
    locked.approved_by = by
    locked.decided_at = timezone.now()
    if reason.strip():
        locked.reason = f"{locked.reason} [rejected: {reason.strip()}]"[:300]
    locked.save(update_fields=["state", "approved_by", "decided_at", "reason"])
    return locked
