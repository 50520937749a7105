"""The members layer's own services: the member's rows of an enrolment (M1, M3), of a cancellation (M9) and of a
merge (M8). The whole operations, with the balance row and the ledger, are the points services'."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import Card, Member, Program, StatusPeriod, Tier
from members.selectors import member_by_card
from members.services.enrolment import member_create
from members.services.membership import member_close
from members.services.merge import member_rows_merge
from tests.factories import make_member

D = dt.date
pytestmark = pytest.mark.django_db


def test_m1_m3_member_create_gives_a_number_and_its_card_but_no_balance_row():
    member = member_create(
        program=Program.objects.get(code="new-otani"),
        family_name="Suzuki",
        given_name="Ichiro",
        email="ichiro@example.com",
        enrolled_on=D(2025, 4, 1),
    )
    assert list(member.cards.values_list("number", "kind")) == [(member.number, Card.Kind.MEMBERSHIP)]
    assert not Member.objects.filter(pk=member.pk, balance__isnull=False).exists()  # the ledger's: points enrols


def test_m9_member_close_cancels_the_current_cards_which_still_resolve():
    member = make_member("new-otani")
    member_close(member=member, reason=Member.ClosedReason.WITHDRAWN, on=D(2025, 5, 1))
    member.refresh_from_db()
    assert (member.closed_on, member.closed_reason) == (D(2025, 5, 1), Member.ClosedReason.WITHDRAWN)
    assert set(member.cards.values_list("state", flat=True)) == {Card.State.CANCELLED}
    assert member_by_card(number=member.number) == member


def test_m8_member_rows_merge_moves_cards_and_the_better_status_and_closes_the_duplicate():
    survivor = make_member("one-harmony")
    duplicate = make_member("one-harmony", myj="MYJ123")
    StatusPeriod.objects.create(
        member=duplicate,
        tier=Tier.EXCLUSIVE,
        valid_from=D(2025, 4, 1),
        valid_until=D(2026, 3, 31),
        qualification_year=2024,
    )
    member_rows_merge(survivor=survivor, duplicate=duplicate, on=D(2025, 6, 30))
    duplicate.refresh_from_db()
    assert (duplicate.closed_reason, duplicate.merged_into) == (Member.ClosedReason.MERGED, survivor)
    assert member_by_card(number="MYJ123") == survivor
    assert survivor.status_periods.filter(tier=Tier.EXCLUSIVE, source=StatusPeriod.Source.MERGE).exists()
