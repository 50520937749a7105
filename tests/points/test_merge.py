"""M8: duplicate memberships merge into the survivor: points with their expiry dates, nights, bills, cards and the
higher status move; the merged-away number keeps resolving to the survivor."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import Card, Member, Tier
from members.selectors import member_by_card, tier_on
from points.exceptions import MergeError
from points.models import MemberBalance, PointLot, QualificationCredit, StayNight
from points.services.merge import members_merge, merge_preview
from tests.factories import make_bill, make_member

D = dt.date
ON = D(2025, 6, 30)


def test_m8_preview_shows_what_moves(pair):
    survivor, duplicate = pair
    preview = merge_preview(survivor=survivor, duplicate=duplicate, on=ON)
    assert preview["refusals"] == []
    assert preview["points_by_expiry"] == [(D(2027, 1, 31), 3_000), (D(2028, 1, 31), 2_000)]
    assert preview["lapsed_left_behind"] == 700
    assert preview["nights_moving"] == 1 and preview["nights_already_on_survivor"] == 1
    assert preview["status_copied"] == [(Tier.EXCLUSIVE, D(2025, 4, 1), D(2026, 3, 31))]
    assert {number for number, _, _ in preview["cards"]} == {duplicate.number, "MYJ777"}


def test_m8_everything_ends_on_the_survivor(pair):
    survivor, duplicate = pair
    # When the office merges the duplicate into the survivor
    members_merge(survivor=survivor, duplicate=duplicate, on=ON)
    # Then the points moved with their expiry dates
    lots = PointLot.objects.filter(member=survivor, remaining__gt=0).order_by("expires_on", "points")
    assert [(lot.expires_on, lot.remaining) for lot in lots] == [
        (D(2027, 1, 31), 1_000),
        (D(2027, 1, 31), 3_000),
        (D(2028, 1, 31), 2_000),
    ]
    assert MemberBalance.objects.get(member=survivor).posted == 6_000
    assert MemberBalance.objects.get(member=duplicate).posted == 700  # lapsed lot, left for the expiry job
    # nights (one per date), bills, qualification credits
    assert sorted(StayNight.objects.filter(member=survivor).values_list("night_of", flat=True)) == [
        D(2025, 3, 1),
        D(2025, 3, 2),
    ]
    assert survivor.bills.count() == 1
    assert QualificationCredit.objects.get(member=survivor, source="x").nights == 3
    # the higher status
    assert tier_on(member=survivor, on=D(2025, 7, 1)) == Tier.EXCLUSIVE
    # cards: all on the survivor, the duplicate's membership card merged away and still resolving
    assert not Card.objects.filter(member=duplicate).exists()
    assert Card.objects.get(number=duplicate.number).state == Card.State.MERGED_AWAY
    assert member_by_card(number=duplicate.number) == survivor
    assert member_by_card(number="MYJ777") == survivor
    # the duplicate is closed
    duplicate.refresh_from_db()
    assert duplicate.closed_reason == Member.ClosedReason.MERGED and duplicate.merged_into == survivor


def test_m8_refuses_other_programs_and_closed_members(pair):
    survivor, duplicate = pair
    noc = make_member("new-otani")
    with pytest.raises(MergeError, match="different programs"):
        members_merge(survivor=survivor, duplicate=noc, on=ON)
    members_merge(survivor=survivor, duplicate=duplicate, on=ON)
    with pytest.raises(MergeError, match="closed"):
        members_merge(survivor=survivor, duplicate=duplicate, on=ON)


def test_m8_pending_points_are_posted_first_and_move_with_their_expiry(db):
    from points.services.ledger import points_earn

    survivor = make_member("one-harmony")
    duplicate = make_member("one-harmony")
    bill = make_bill(duplicate, paid_on=D(2025, 6, 25))
    points_earn(
        member=duplicate,
        bill=bill,
        points=400,
        bonus_points=0,
        used_on=D(2025, 6, 25),
        posts_on=D(2025, 7, 5),
        expires_on=D(2028, 1, 31),
    )
    assert merge_preview(survivor=survivor, duplicate=duplicate, on=ON)["pending_posted_first"] == 400
    members_merge(survivor=survivor, duplicate=duplicate, on=ON)
    lot = PointLot.objects.get(member=survivor)
    assert (lot.remaining, lot.expires_on, lot.used_on) == (400, D(2028, 1, 31), D(2025, 6, 25))
    assert MemberBalance.objects.get(member=duplicate).posted == 0
    assert MemberBalance.objects.get(member=duplicate).pending == 0
    assert QualificationCredit.objects.get(member=survivor).points == 400  # ST2: its qualifying points follow
