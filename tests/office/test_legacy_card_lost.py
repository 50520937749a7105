"""M5 for a lost legacy card (issue 15, item 9): a member who loses an OCI or MYJ card gets a One Harmony card issued
and mailed (FAQ "I lost my membership card of Okura Club International/My JALHotels"); the legacy number keeps
resolving (M2)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from members.models import Card
from members.selectors import member_by_card
from members.services.cards import card_reissue, cards_mark_mailed
from tests.factories import make_member
from tests.office.test_audit import clerk  # noqa: F401  (fixture)

D = dt.date
pytestmark = pytest.mark.django_db


def test_m5_a_lost_oci_card_gets_a_one_harmony_card_issued_and_mailed(oh):
    # Given a former OCI member whose One Harmony card was mailed long ago
    member = make_member("one-harmony", oci="123456")
    cards_mark_mailed(cards=member.cards.filter(kind=Card.Kind.MEMBERSHIP), on=D(2020, 2, 1))
    oci = member.cards.get(kind=Card.Kind.OCI)
    # When the member reports the OCI card lost
    new = card_reissue(card=oci, on=D(2025, 5, 1))
    # Then the OCI card is marked lost, and a One Harmony card is issued and waits to be mailed (M4)
    oci.refresh_from_db()
    assert oci.state == Card.State.LOST
    assert (new.kind, new.number, new.state, new.fulfilment, new.issued_on) == (
        Card.Kind.MEMBERSHIP,
        "700123456",
        Card.State.CURRENT,
        Card.Fulfilment.TO_BE_MAILED,
        D(2025, 5, 1),
    )
    assert new.replaces == oci
    # And the OCI number keeps resolving to the member (M2)
    assert member_by_card(number="123456", program=oh) == member


def test_m5_a_lost_myj_card_when_the_one_harmony_card_is_still_to_be_mailed_mails_that_one():
    member = make_member("one-harmony", myj="MJ4455")
    waiting = member.cards.get(kind=Card.Kind.MEMBERSHIP)
    assert waiting.fulfilment == Card.Fulfilment.TO_BE_MAILED
    card = card_reissue(card=member.cards.get(kind=Card.Kind.MYJ), on=D(2025, 5, 1))
    assert card == waiting  # no second card: the one waiting is the one mailed
    assert member.cards.get(number="MJ4455").state == Card.State.LOST
    assert member.cards.filter(kind=Card.Kind.MEMBERSHIP, state=Card.State.CURRENT).count() == 1


def test_m5_the_office_reissues_for_a_lost_legacy_card_in_the_admin(client, clerk):  # noqa: F811
    member = make_member("one-harmony", oci="654321")
    cards_mark_mailed(cards=member.cards.filter(kind=Card.Kind.MEMBERSHIP), on=D(2020, 2, 1))
    client.force_login(clerk)
    url = reverse("admin:members_member_office", args=[member.pk, "reissue"])
    assert client.post(url, {"confirm": "on", "lost_card": "654321"}).status_code == 302
    assert member.cards.get(number="654321").state == Card.State.LOST
    new = member.cards.get(kind=Card.Kind.MEMBERSHIP, state=Card.State.CURRENT)
    assert new.fulfilment == Card.Fulfilment.TO_BE_MAILED
    assert new.history.latest().history_user == clerk
