"""One Harmony awards (OR1): the catalog's point cost, the channel that fits each kind, one redeem entry."""

from __future__ import annotations

import datetime as dt

import pytest

from points.models import EntryKind, LedgerEntry
from rewards.exceptions import AwardNotAvailable, InsufficientPoints, MembershipClosed, NotApplicable, WrongChannel
from rewards.models import Award, AwardRedemption
from rewards.services.awards import award_redeem
from tests.factories import HotelFactory, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
TODAY = D(2025, 4, 1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def hok(oh):
    return HotelFactory(code="HOK", program=oh)


@pytest.fixture
def catalog(oh, hok):
    return {
        kind: Award.objects.create(program=oh, code=f"{kind.upper()}-1", kind=kind, name=kind, points=3000)
        for kind in ("stay", "upgrade", "breakfast", "gift")
    }


@pytest.fixture
def member():
    member = make_member("one-harmony")
    earn_and_post(member, 10000, D(2025, 3, 1))
    return member


def redeem(member, award, channel, **kwargs):
    return award_redeem(member=member, award=award, channel=channel, today=TODAY, **kwargs)


def test_or1_an_award_costs_its_points_in_one_redeem_entry(member, catalog):
    redemption = redeem(member, catalog["breakfast"], "restaurant")
    assert (redemption.points, redemption.channel) == (3000, "restaurant")
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.REDEEM)
    assert (entry.points, entry.award_redemption) == (-3000, redemption)
    assert assert_consistent(member).posted == 7000


@pytest.mark.parametrize(
    ("kind", "allowed", "refused"),
    [
        ("stay", ["hotel", "reservation_center", "api"], ["restaurant", "front_desk", "office", "website"]),
        ("upgrade", ["hotel", "reservation_center", "api"], ["restaurant", "front_desk", "office", "website"]),
        ("breakfast", ["restaurant", "front_desk", "api"], ["hotel", "reservation_center", "office", "website"]),
        ("gift", ["office", "website"], ["hotel", "reservation_center", "restaurant", "front_desk", "api"]),
    ],
)
def test_or1_each_kind_is_redeemed_through_its_channels_only(oh, kind, allowed, refused):
    award = Award.objects.create(program=oh, code=f"{kind}-X", kind=kind, name=kind, points=100)
    member = make_member("one-harmony")
    earn_and_post(member, 10000, D(2025, 3, 1))
    for channel in refused:
        with pytest.raises(WrongChannel) as error:
            redeem(member, award, channel)
        assert error.value.code == "wrong_channel"
    for channel in allowed:
        redeem(member, award, channel)
    assert AwardRedemption.objects.filter(member=member).count() == len(allowed)
    assert assert_consistent(member).posted == 10000 - 100 * len(allowed)


def test_or1_an_inactive_award_or_another_programs_is_not_available(member, catalog, noc):
    inactive = catalog["gift"]
    inactive.active = False
    inactive.save()
    with pytest.raises(AwardNotAvailable) as refused:
        redeem(member, inactive, "office")
    assert refused.value.code == "award_not_available"
    foreign = Award.objects.create(program=noc, code="NOC-GIFT", kind="gift", name="x", points=100)
    with pytest.raises(AwardNotAvailable):
        redeem(member, foreign, "office")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REDEEM).exists()


def test_or1_an_award_of_one_hotel_is_redeemed_at_that_hotel(member, oh, hok):
    breakfast = Award.objects.create(
        program=oh, code="BREAKFAST-HOK", kind="breakfast", name="b", points=3000, hotel=hok
    )
    other = HotelFactory(code="NKO", program=oh)
    with pytest.raises(AwardNotAvailable):
        redeem(member, breakfast, "api", at_hotel=other)
    assert redeem(member, breakfast, "api", at_hotel=hok).points == 3000


def test_or1_insufficient_points_are_refused(catalog):
    member = make_member("one-harmony")
    earn_and_post(member, 2999, D(2025, 3, 1))
    with pytest.raises(InsufficientPoints) as refused:
        redeem(member, catalog["gift"], "office")
    assert (refused.value.code, refused.value.status) == ("insufficient_points", 409)
    assert not AwardRedemption.objects.exists()
    assert assert_consistent(member).posted == 2999


def test_or1_awards_are_a_one_harmony_service(catalog):
    member = make_member("new-otani")
    with pytest.raises(NotApplicable):
        redeem(member, catalog["gift"], "office")


def test_m9_a_closed_membership_redeems_no_award(member, catalog):
    from points.services.membership import member_cancel

    member_cancel(member=member, reason="cancelled", on=D(2025, 3, 20))
    with pytest.raises(MembershipClosed):
        redeem(member, catalog["gift"], "office")
    assert not AwardRedemption.objects.exists()
