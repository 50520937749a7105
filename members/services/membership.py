"""The end of a membership on the members' side (M9): the member row closed and its current cards cancelled. The
whole cancellation, forfeiture of the points included, is ``points.services.membership.member_cancel``."""

from __future__ import annotations

import datetime as dt

from ..models import Card, Member

CANCEL_REASONS = (Member.ClosedReason.WITHDRAWN, Member.ClosedReason.CANCELLED, Member.ClosedReason.FRAUD)


def member_close(*, member: Member, reason: str, on: dt.date) -> Member:
    """Close ``member`` (locked by the caller) on ``on`` for ``reason``; its current cards are cancelled (they still
    resolve to the member, M2). Runs in the caller's transaction."""
    member.closed_on = on
    member.closed_reason = reason
    member.save(update_fields=["closed_on", "closed_reason"])
    for card in Card.objects.filter(member=member, state=Card.State.CURRENT):
        card.state = Card.State.CANCELLED
        card.save(update_fields=["state"])  # one by one: the card's history records it
    return member
