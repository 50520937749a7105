"""Cards: reissue of a lost card (M5) and the mailing of physical cards (M4)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_update_with_history

from loyalty.exceptions import lower_text, refusal_text

from ..exceptions import CardError
from ..models import Card, User


@transaction.atomic
def card_reissue(*, card: Card, on: dt.date, created_by: User | None = None) -> Card:
    """M5: the member lost the physical card. The old row is marked lost; a new current card with the same number
    is issued and waits to be mailed (M4). Every number keeps resolving to the member (M2). A lost legacy OCI or
    MYJ card gets the member a One Harmony card, issued and mailed (FAQ); returns the card to be mailed."""
    old = Card.objects.select_for_update().select_related("member").get(pk=card.pk)
    if old.state != Card.State.CURRENT:
        raise CardError(
            refusal_text(
                _("card %(number)s is %(state)s: only a current card is reissued"),
                number=old.number,
                state=lower_text(Card.State(old.state).label),
            )
        )
    if old.member.closed_on is not None:
        raise CardError(refusal_text(_("membership %(number)s is closed (M9)"), number=old.member.number))
    if old.kind != Card.Kind.MEMBERSHIP:
        return _legacy_card_lost(old, on=on, created_by=created_by)
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


def _legacy_card_lost(legacy: Card, *, on: dt.date, created_by: User | None) -> Card:
    """M5 (FAQ): a member who loses a legacy OCI or MYJ card gets a One Harmony card issued and mailed. The legacy
    card is marked lost and its number keeps resolving to the member (M2: lookups ignore the state) unless the office
    blocks it. The One Harmony card: a current one still waiting to be mailed is the one mailed (no second card);
    otherwise a new one with the membership number is issued, to be mailed (M4), the current one marked replaced."""
    legacy.state = Card.State.LOST
    legacy._history_user = created_by
    legacy.save(update_fields=["state"])
    member = legacy.member
    current = (
        Card.objects.select_for_update()
        .filter(member=member, kind=Card.Kind.MEMBERSHIP, state=Card.State.CURRENT)
        .order_by("pk")
        .first()
    )
    if current is not None and current.fulfilment == Card.Fulfilment.TO_BE_MAILED:
        return current
    if current is not None:
        current.state = Card.State.REPLACED
        current._history_user = created_by
        current.save(update_fields=["state"])
    new = Card(
        program_id=member.program_id,
        member_id=member.pk,
        number=current.number if current is not None else member.number,
        kind=Card.Kind.MEMBERSHIP,
        state=Card.State.CURRENT,
        fulfilment=Card.Fulfilment.TO_BE_MAILED,
        issued_on=on,
        replaces=legacy,
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
