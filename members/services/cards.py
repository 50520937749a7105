"""Cards: reissue of a lost card (M5) and the mailing of physical cards (M4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from simple_history.utils import bulk_update_with_history

from ..exceptions import CardError
from ..models import Card, User


@transaction.atomic
def card_reissue(*, card: Card, on: dt.date, created_by: User | None = None) -> Card:
    """M5: the member lost the physical card. The old row is marked lost; a new current card with the same number
    is issued and waits to be mailed (M4). Every number keeps resolving to the member (M2)."""
    old = Card.objects.select_for_update().select_related("member").get(pk=card.pk)
    if old.state != Card.State.CURRENT:
        raise CardError(f"card {old.number} is {old.get_state_display().lower()}: only a current card is reissued")
    if old.kind != Card.Kind.MEMBERSHIP:
        raise CardError("legacy OCI/MYJ cards are not reissued (M2): reissue the membership card")
    if old.member.closed_on is not None:
        raise CardError(f"membership {old.member.number} is closed (M9)")
    old.state = Card.State.LOST
    old._history_user = created_by
    old.save(update_fields=["state"])
    new = Card(
        program_id=old.program_id,
        member_id=old.member_id,
        number=old.number,
        kind=old.kind,
        state=Card.State.CURRENT,
        fulfilment=Card.Fulfilment.TO_BE_MAILED,
        issued_on=on,
        replaces=old,
    )
    new._history_user = created_by
    new.save()
    return new


@transaction.atomic
def cards_mark_mailed(*, cards: Iterable[Card], on: dt.date, by: User | None = None) -> list[Card]:
    """M4: the physical cards waiting to be mailed were mailed on ``on``. Others are left as they are."""
    ids = [card.pk for card in cards]
    waiting = list(
        Card.objects.select_for_update().filter(pk__in=ids, fulfilment=Card.Fulfilment.TO_BE_MAILED).order_by("pk")
    )
    for card in waiting:
        card.fulfilment = Card.Fulfilment.MAILED
        card.mailed_on = on
    if waiting:
        bulk_update_with_history(waiting, Card, ["fulfilment", "mailed_on"], default_user=by)
    return waiting
