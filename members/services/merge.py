"""The members' side of a merge (M8): the better status of the duplicate, its cards and its closing. The whole
merge, points and nights included, is ``points.services.merge.members_merge``, which calls this in its
transaction after moving the points."""

from __future__ import annotations

import datetime as dt

from ..models import Card, Member, StatusPeriod, Tier, User
from ..selectors import tier_on


def status_to_copy(*, survivor: Member, duplicate: Member, on: dt.date) -> list[StatusPeriod]:
    """The duplicate's status periods still running that are better than the survivor's on their dates."""
    better = []
    for period in duplicate.status_periods.filter(valid_until__gte=on).order_by("valid_from"):
        start = max(period.valid_from, on)
        if Tier(period.tier).rank > Tier(tier_on(member=survivor, on=start)).rank:
            better.append(period)
    return better


def member_rows_merge(*, survivor: Member, duplicate: Member, on: dt.date, created_by: User | None = None) -> None:
    """M8, the members' rows: the survivor gets the duplicate's better status periods and every card (a current
    membership card is kept as merged away: its number still resolves, M2), the duplicate is closed as merged.
    Runs inside the caller's transaction with both member rows locked."""
    for period in status_to_copy(survivor=survivor, duplicate=duplicate, on=on):
        StatusPeriod.objects.create(
            member=survivor,
            tier=period.tier,
            valid_from=period.valid_from,
            valid_until=period.valid_until,
            qualification_year=period.qualification_year,
            source=StatusPeriod.Source.MERGE,
        )

    for card in duplicate.cards.order_by("pk"):
        card.member = survivor
        if card.kind == Card.Kind.MEMBERSHIP and card.state == Card.State.CURRENT:
            card.state = Card.State.MERGED_AWAY
            if card.fulfilment == Card.Fulfilment.TO_BE_MAILED:
                card.fulfilment = Card.Fulfilment.NOT_MAILED
        card._history_user = created_by
        card.save(update_fields=["member", "state", "fulfilment"])

    duplicate.closed_on = on
    duplicate.closed_reason = Member.ClosedReason.MERGED
    duplicate.merged_into = survivor
    duplicate.duplicate_candidate = False
    duplicate._history_user = created_by
    duplicate.save(update_fields=["closed_on", "closed_reason", "merged_into", "duplicate_candidate"])
    if survivor.duplicate_candidate:
        survivor.duplicate_candidate = False
        survivor._history_user = created_by
        survivor.save(update_fields=["duplicate_candidate"])
