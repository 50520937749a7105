"""The end of a membership (M9): withdrawal, cancellation or forfeiture for forgery or fraud."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import refusal_text
from members.exceptions import MembersError, MembershipClosed
from members.models import Member
from members.services.membership import CANCEL_REASONS, member_close

from . import ledger


@transaction.atomic
def member_cancel(*, member: Member, reason: str, on: dt.date, created_by=None) -> Member:
    """M9 (NOC Art. 9, 14): close the membership on ``on`` and forfeit all its points at once, posted and pending, in
    one ledger entry; its current cards are cancelled (they still resolve to the member, M2). A closed membership
    earns, redeems and transfers nothing more. A debt (R1, EX5) is not forgiven: it stays for the office to charge.

    Closing twice is refused (``membership_closed``).
    """
    if reason not in CANCEL_REASONS:
        raise MembersError(
            f"reason must be one of {', '.join(CANCEL_REASONS)}", reason=[f"one of {', '.join(CANCEL_REASONS)}"]
        )
    # Lock the balance row first (as every redemption and transfer does), then the member row: a redemption racing
    # the cancellation either commits before it (and its points are no longer there to forfeit) or sees it closed.
    ledger.balance_lock(member=member)
    locked = Member.objects.select_for_update().select_related("program").get(pk=member.pk)
    if locked.closed_on is not None:
        raise MembershipClosed(
            refusal_text(
                _("membership %(number)s is already closed (%(reason)s)"),
                number=locked.number,
                reason=Member.ClosedReason(locked.closed_reason).label if locked.closed_reason else "",
            )
        )
    ledger.points_forfeit(member=locked, on=on, reason=f"M9 {reason}", created_by=created_by)
    member_close(member=locked, reason=reason, on=on)
    member.closed_on, member.closed_reason = locked.closed_on, locked.closed_reason
    return locked
