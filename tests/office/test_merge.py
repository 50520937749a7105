"""M8: duplicate memberships merge into the survivor: points with their expiry dates, nights, bills, cards and the
higher status move; the merged-away number keeps resolving to the survivor."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import Card, Member, StatusPeriod, Tier
from members.selectors import member_by_card, tier_on
from points.exceptions import MergeError
from points.models import EntryKind, MemberBalance, PointLot, QualificationCredit, StayNight
from points.services.ledger import LotSpec, points_credit
from points.services.merge import members_merge, merge_preview
from tests.factories import HotelFactory, make_bill, make_member

D = dt.date
ON = D(2025, 6, 30)


def credit(member, points, used_on, expires_on):
    points_credit(member=member, kind=EntryKind.MIGRATE, lots=[LotSpec(points, used_on, expires_on)], on=used_on)


@pytest.fixture
def pair(db):
    survivor = make_member("one-harmony", oci="123456", family_name="Sato", given_name="Hana")
    duplicate = make_member("one-harmony", myj="MYJ777", family_name="Sato", given_name="Hana")
    hotel = HotelFactory(code="OKT", program=survivor.program)
    credit(survivor, 1_000, D(2024, 5, 1), D(2027, 1, 31))
    credit(duplicate, 3_000, D(2024, 6, 1), D(2027, 1, 31))
    credit(duplicate, 2_000, D(2025, 2, 1), D(2028, 1, 31))
    credit(duplicate, 700, D(2021, 2, 1), D(2024, 1, 31))  # lapsed: stays behind
    bill = make_bill(duplicate, hotel=hotel, number="B-1", paid_on=D(2025, 3, 2))
    StayNight.objects.create(member=survivor, night_of=D(2025, 3, 1), hotel=hotel)
    StayNight.objects.create(member=duplicate, night_of=D(2025, 3, 1), hotel=hotel, bill=bill)
    StayNight.objects.create(member=duplicate, night_of=D(2025, 3, 2), hotel=hotel, bill=bill)
    StatusPeriod.objects.create(
        member=duplicate,
        tier=Tier.EXCLUSIVE,
        valid_from=D(2025, 4, 1),
        valid_until=D(2026, 3, 31),
        qualification_year=2024,
    )
    StatusPeriod.objects.create(
        member=survivor, tier=Tier.LOYAL, valid_from=D(2025, 4, 1), valid_until=D(2026, 3, 31), qualification_year=2024
    )
    QualificationCredit.objects.create(member=duplicate, year=2025, credited_on=D(2025, 1, 1), nights=3, source="x")
    return survivor, duplicate


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


def test_m8_admin_merge_shows_a_preview_then_merges_on_confirm(admin_client, pair):
    from django.urls import reverse

    survivor, duplicate = pair
    url = reverse("admin:members_member_office", args=[survivor.pk, "merge"])
    assert admin_client.get(url).status_code == 200
    # When the office types the duplicate's legacy card number, it sees what moves, and nothing moved yet
    preview = admin_client.post(url, {"duplicate": "MYJ777"})
    assert preview.status_code == 200
    assert "2028-01-31" in preview.text and "3,000" in preview.text and "MYJ777" in preview.text
    assert Member.objects.get(pk=duplicate.pk).closed_on is None
    # When it confirms
    done = admin_client.post(url, {"duplicate": "MYJ777", "confirm": "True"})
    assert done.status_code == 302
    assert Member.objects.get(pk=duplicate.pk).merged_into == survivor
    assert member_by_card(number=duplicate.number) == survivor


def test_m4_cards_to_mail_filter_and_csv_export(admin_client, pair):
    from django.urls import reverse

    survivor, _ = pair
    changelist = reverse("admin:members_card_changelist")
    listing = admin_client.get(changelist, {"to_mail": "yes"})
    assert survivor.number in listing.text and ">123456<" not in listing.text  # the OCI card: nothing to mail
    card = survivor.cards.get(kind=Card.Kind.MEMBERSHIP)
    export = admin_client.post(changelist, {"action": "export_csv", "_selected_action": [card.pk]})
    assert export["Content-Type"].startswith("text/csv")
    assert survivor.number in export.content.decode() and "Sato" in export.content.decode()


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
