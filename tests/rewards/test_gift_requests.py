"""OR1 gift awards through the office (issue 15, item 10; FAQ "For Gift Awards, contact the One Harmony Office"):
asked for on the website, a Gift Award becomes a request the office fulfils; its points are held from the request
(the redeem entry, through ``points``) and returned if the office refuses it, each with its expiry date; a point
that expired while held comes back valid for ``released_points_grace_days`` (Default 30)."""

from __future__ import annotations

import datetime as dt

import pytest

from points.models import EntryKind, LedgerEntry, PointLot
from points.services.ledger import available_points
from rewards.exceptions import IllegalTransition
from rewards.models import Award, AwardRedemption
from rewards.services.awards import award_redeem, award_request_fulfil, award_request_refuse
from tests.factories import make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
TODAY = D(2025, 4, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def gift(oh):
    return Award.objects.create(program=oh, code="GIFT-1", kind="gift", name="Original tea set", points=3000)


@pytest.fixture
def member():
    member = make_member("one-harmony")
    earn_and_post(member, 2000, D(2023, 6, 1))  # EX1: valid through 2026-01-31
    earn_and_post(member, 8000, D(2025, 3, 1))  # valid through 2028-01-31
    return member


def test_or1_a_gift_award_on_the_website_is_a_request_with_its_points_held(member, gift):
    redemption = award_redeem(member=member, award=gift, channel="website", today=TODAY)
    assert redemption.state == AwardRedemption.State.REQUESTED
    hold = LedgerEntry.objects.get(award_redemption=redemption)
    assert (hold.kind, hold.points) == (EntryKind.REDEEM, -3000)
    assert available_points(member=member, on=TODAY) == 7000  # held: not spendable twice
    # the office fulfils it: nothing more moves
    done = award_request_fulfil(redemption=redemption)
    assert done.state == AwardRedemption.State.FULFILLED and done.decided_at is not None
    assert assert_consistent(member).posted == 7000
    with pytest.raises(IllegalTransition):
        award_request_refuse(redemption=redemption, answer="too late", on=TODAY)


def test_or1_the_office_redeems_a_gift_award_directly_fulfilled(member, gift):
    assert award_redeem(member=member, award=gift, channel="office", today=TODAY).state == "fulfilled"


def test_or1_a_refused_request_returns_the_points_keeping_their_expiry_dates(member, gift):
    # Given a request that held 2,000 points valid through 2026-01-31 and 1,000 through 2028-01-31 (EX4)
    redemption = award_redeem(member=member, award=gift, channel="website", today=TODAY)
    # When the office refuses it with an answer
    refused = award_request_refuse(redemption=redemption, answer="Out of stock", on=D(2025, 5, 1))
    # Then every point is back with its own expiry date, and the member sees the answer
    assert (refused.state, refused.answer) == ("refused", "Out of stock")
    assert assert_consistent(member).posted == 10000
    lots = PointLot.objects.filter(member=member, remaining__gt=0, state="posted")
    by_expiry: dict[D, int] = {}
    for lot in lots:
        by_expiry[lot.expires_on] = by_expiry.get(lot.expires_on, 0) + lot.remaining
    assert by_expiry == {D(2026, 1, 31): 2000, D(2028, 1, 31): 8000}
    release = LedgerEntry.objects.filter(member=member, kind=EntryKind.ADJUST).get()
    assert release.points == 3000 and "refused" in release.reason


def test_or1_points_that_expired_while_held_come_back_for_30_days_default(member, gift):
    redemption = award_redeem(member=member, award=gift, channel="website", today=D(2026, 1, 10))
    refused_on = D(2026, 2, 10)  # the 2,000 points of 2023 ended on 2026-01-31 meanwhile
    award_request_refuse(redemption=redemption, answer="Discontinued", on=refused_on)
    returned = LedgerEntry.objects.get(member=member, kind=EntryKind.ADJUST)
    lots = {lot.expires_on: lot.points for lot in returned.lots.all()}
    assert lots == {refused_on + dt.timedelta(days=30): 2000, D(2028, 1, 31): 1000}
    assert available_points(member=member, on=refused_on) == 10000


def test_or1_a_refusal_needs_an_answer_and_moves_nothing_without_it(member, gift):
    redemption = award_redeem(member=member, award=gift, channel="website", today=TODAY)
    with pytest.raises(IllegalTransition):
        award_request_refuse(redemption=redemption, answer=" ", on=TODAY)
    assert assert_consistent(member).posted == 7000


def test_or1_the_office_fulfils_and_refuses_requests_in_the_admin(member, gift, admin_client):
    from django.urls import reverse

    first = award_redeem(member=member, award=gift, channel="website", today=TODAY)
    second = award_redeem(member=member, award=gift, channel="website", today=TODAY)
    url = reverse("admin:rewards_awardredemption_changelist")
    admin_client.post(url, {"action": "fulfil_requests", "_selected_action": [first.pk]})
    admin_client.post(
        url, {"action": "refuse_requests", "_selected_action": [second.pk], "apply": "1", "answer": "Sold out"}
    )
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, second.state, second.answer) == ("fulfilled", "refused", "Sold out")
    assert assert_consistent(member).posted == 7000
