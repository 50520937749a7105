"""PT2 (NOC Art. 13; issue 15, item 7): the office ends the program, a hotel's part or a service from an announced
date. Uses after the last day earn nothing (exclusion PT2); the part ended is not redeemed after it; ending the
whole program, the remaining points lapse unless the announcement keeps them until a later date. An office action
with a preview, recorded with its history."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.urls import reverse

from members.models import Member
from points.exceptions import EndingError
from points.models import EntryKind, LedgerEntry, ProgramEnding
from points.services.bills import bill_record
from points.services.endings import ending_announce, ending_lapse, ending_preview
from rewards.exceptions import ServiceEnded
from rewards.models import Award
from rewards.services.awards import award_redeem
from rewards.services.certificates import certificates_request
from rewards.services.transfers import points_transfer_family
from tests.factories import HotelFactory, OutletFactory, make_member
from tests.points.test_bills import EXAMPLE
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(noc):
    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    OutletFactory(hotel=hotel, code="SATSUKI", name="Satsuki")
    member = make_member("new-otani", enrolled_on=D(2020, 1, 1))
    payload = copy.deepcopy(EXAMPLE)
    payload["member"] = member.number
    return hotel, member, payload


def announce(program, **kwargs):
    kwargs.setdefault("announced_on", D(2025, 1, 15))
    return ending_announce(program=program, **kwargs)


def test_pt2_uses_after_the_programs_last_day_earn_nothing_with_an_exclusion_citing_pt2(world, noc):
    # Given New Otani announced its end: the last day is 2025-03-01
    _hotel, _member, payload = world
    announce(noc, scope="program", ends_on=D(2025, 3, 1))
    # When the API.md folio (nights of March 1 and 2, a check of March 1) is reported
    body = bill_record(payload=payload).body
    # Then the night and the check of March 1 earn; the night of March 2 earns nothing, citing PT2
    points = {u["label"]: u["points"] for u in body["units"]}
    assert body["points"] == 3910 - 1725
    assert [label for label, p in points.items() if p == 0] == ["2025-03-02 room 1203"]
    pt2 = [e for e in body["exclusions"] if e["rule"] == "PT2"]
    assert pt2 and pt2[0]["amount"] == 34500 and "ended on 2025-03-01" in pt2[0]["detail"]


def test_pt2_program_ended_on_set_by_hand_also_stops_earning(world, noc):
    _hotel, _member, payload = world
    noc.ended_on = D(2025, 2, 28)
    noc.save()
    assert bill_record(payload=payload).body["points"] == 0


def test_pt2_a_hotel_leaving_stops_earning_there_only(world, noc):
    hotel, _member, payload = world
    other = HotelFactory(code="NOO", name="New Otani Osaka")
    announce(noc, scope="hotel", hotel=hotel, ends_on=D(2025, 2, 28))
    assert bill_record(payload=payload).body["points"] == 0
    elsewhere = {**copy.deepcopy(payload), "hotel": "NOO", "number": "F-OSA", "room_charged_checks": []}
    elsewhere["payments"] = [{"method": "credit_card", "amount": 71300}]
    OutletFactory(hotel=other, code="SATSUKI")
    assert bill_record(payload=elsewhere).body["points"] == 3450


def test_pt2_a_service_ending_stops_that_kind_of_use(world, noc):
    _hotel, _member, payload = world
    announce(noc, scope="service", service="dining", ends_on=D(2025, 2, 28))
    body = bill_record(payload=payload).body
    assert body["points"] == 3450  # the two nights earn, the Satsuki check does not
    assert [e["rule"] for e in body["exclusions"] if e["rule"] == "PT2"] == ["PT2"]


def test_pt2_redemptions_of_an_ended_part_are_refused(noc, oh):
    hotel = HotelFactory(code="NOT")
    member = make_member("new-otani")
    earn_and_post(member, 20000, D(2025, 3, 1))
    announce(noc, scope="service", service="certificates", ends_on=D(2025, 3, 31), note="Certificates end.")
    with pytest.raises(ServiceEnded) as refused:
        certificates_request(
            member=member, count=1, hotel=hotel, arrival_on=D(2025, 4, 20), channel="office", today=D(2025, 4, 1)
        )
    assert (refused.value.code, refused.value.status) == ("service_ended", 409)
    # One Harmony: an award of a hotel that left
    hok = HotelFactory(code="HOK", program=oh)
    award = Award.objects.create(program=oh, code="B-HOK", kind="breakfast", name="Breakfast", points=1000, hotel=hok)
    oh_member = make_member("one-harmony")
    earn_and_post(oh_member, 5000, D(2025, 3, 1))
    announce(oh, scope="hotel", hotel=hok, ends_on=D(2025, 3, 31))
    with pytest.raises(ServiceEnded):
        award_redeem(member=oh_member, award=award, channel="restaurant", today=D(2025, 4, 1))
    assert award_redeem(member=oh_member, award=award, channel="restaurant", today=D(2025, 3, 31)).points == 1000


def test_pt2_the_programs_points_stay_redeemable_until_kept_then_lapse(world, noc):
    # Given the program ends after 2025-03-31 and the announcement keeps the points until 2025-06-30
    hotel, member, _ = world
    spouse = make_member("new-otani", family_of=member)
    earn_and_post(member, 12000, D(2025, 3, 1))
    ending = announce(noc, scope="program", ends_on=D(2025, 3, 31), points_kept_until=D(2025, 6, 30))
    # Then a certificate can still be requested in June, not in July
    certificates_request(
        member=member, count=1, hotel=hotel, arrival_on=D(2025, 6, 30), channel="office", today=D(2025, 6, 1)
    )
    with pytest.raises(ServiceEnded):
        points_transfer_family(giver=member, receiver=spouse, consents={"from", "to"}, today=D(2025, 7, 1))
    # The lapse is refused before the points' last day, and then takes every remaining point and closes
    with pytest.raises(EndingError):
        ending_lapse(ending=ending, as_of=D(2025, 6, 30))
    closed = ending_lapse(ending=ending, as_of=D(2025, 7, 1))
    assert closed == 2
    member.refresh_from_db()
    assert (member.closed_on, member.closed_reason) == (D(2025, 7, 1), Member.ClosedReason.PROGRAM_ENDED)
    forfeit = LedgerEntry.objects.get(member=member, kind=EntryKind.FORFEIT)
    assert (forfeit.points, forfeit.reason) == (-7000, "PT2: the program ended")
    assert assert_consistent(member).posted == 0
    # Run again: nothing more
    assert ending_lapse(ending=ending, as_of=D(2025, 7, 2)) == 0
    ending.refresh_from_db()
    assert ending.lapsed_on == D(2025, 7, 1)


def test_pt2_without_a_later_date_the_points_lapse_after_the_last_day(noc):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    ending = announce(noc, scope="program", ends_on=D(2025, 3, 31))
    assert ending.points_valid_until == D(2025, 3, 31)
    ending_lapse(ending=ending, as_of=D(2025, 4, 1))
    assert assert_consistent(member).posted == 0


def test_pt2_an_ending_is_announced_ahead_and_once(noc):
    with pytest.raises(EndingError):
        announce(noc, scope="program", ends_on=D(2025, 1, 1))  # before the announcement
    announce(noc, scope="program", ends_on=D(2025, 3, 31))
    with pytest.raises(EndingError):
        announce(noc, scope="program", ends_on=D(2025, 4, 30))


def test_pt2_preview_says_what_lapses(noc):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2024, 11, 1))
    preview = ending_preview(program=noc, scope="program", ends_on=D(2025, 3, 31), on=D(2025, 1, 15))
    text = " ".join(preview["lines"])
    assert "5,000 posted" in text and "lapse on 2025-04-01" in text
    assert not ProgramEnding.objects.exists()  # a preview announces nothing


def test_pt2_the_office_previews_then_confirms_an_ending_in_the_admin(admin_client, admin_user, noc, monkeypatch):
    from loyalty import clock

    monkeypatch.setattr(clock, "today", lambda: D(2025, 1, 15))
    url = reverse("admin:points_programending_add")
    data = {"program": noc.pk, "scope": "program", "ends_on": "2025-03-31", "note": "The program ends."}
    first = admin_client.post(url, data)
    assert first.status_code == 200 and b"Preview" in first.content
    assert not ProgramEnding.objects.exists()
    assert admin_client.post(url, {**data, "confirm": "on"}).status_code == 302
    ending = ProgramEnding.objects.get()
    assert (ending.ends_on, ending.announced_on, ending.created_by) == (D(2025, 3, 31), D(2025, 1, 15), admin_user)
    assert ending.history.latest().history_user == admin_user
    noc.refresh_from_db()
    assert noc.ended_on == D(2025, 3, 31)
