"""Account Summary (A4): balance, pending with posting dates, expiries (EX6), status, stays (SH2), activity with
exclusions in words (NX3), in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from points.models import LedgerEntry
from tests.factories import HotelFactory

from .conftest import history, portal_member, stay

pytestmark = pytest.mark.django_db


def test_a4_ex6_summary_shows_balance_pending_and_each_expiry(member_client, member):
    # Given a posted stay and a pending one
    hotel = HotelFactory(program=member.program, name="The Okura Tokyo")
    today = timezone.localdate()
    posted = stay(member, hotel=hotel, paid_on=today - dt.timedelta(days=60), points=1234)
    pending = stay(member, hotel=hotel, paid_on=today - dt.timedelta(days=2), points=560, post=False)
    # When the member opens the summary
    response = member_client.get(reverse("summary"))
    # Then the posted balance, the pending points with their posting date and each coming expiry show
    assert response.status_code == 200
    points = response.context["points"]
    assert points.balance == 1234
    assert points.pending_by_date == [(pending.posts_on, 560)]
    text = response.text
    assert "1,234" in text and "560" in text
    assert pending.posts_on.strftime("%Y-%m-%d") in text
    assert posted.expires_on.strftime("%Y-%m-%d") in text
    assert (posted.expires_on, 1234) in points.expiring


def test_sh2_summary_shows_the_stay_history(member_client, member):
    hotel = HotelFactory(program=member.program, name="Hotel Nikko Tokyo")
    bill = stay(member, hotel=hotel, paid_on=dt.date(2026, 5, 3), points=700, nights=3)
    text = member_client.get(reverse("summary")).text
    assert "Hotel Nikko Tokyo" in text
    assert "2026-04-30" in text and "2026-05-03" in text  # arrival, departure
    assert bill.nights == 3
    assert '<td data-label="Nights" class="num">3</td>' in text
    assert '<td data-label="Points" class="num">700</td>' in text


def test_nx3_activity_shows_exclusions_in_words(member_client, member):
    hotel = HotelFactory(program=member.program)
    stay(
        member,
        hotel=hotel,
        paid_on=timezone.localdate() - dt.timedelta(days=20),
        points=100,
        exclusions=[("NX3", 3000, "mini bar is not a room charge"), ("NX2", 50, "a payment under JPY 100")],
    )
    text = member_client.get(reverse("summary")).text
    # Each amount kept from earning shows with its reason in the member's words, never the rule ID (STYLE.md)
    assert "¥3,000 not counted: Room extras such as the mini bar or massage do not earn points" in text
    assert "¥50 not counted: A payment under ¥100 does not earn points." in text
    assert "NX3" not in text and "NX2" not in text


def test_st1_st2_summary_shows_status_and_progress(member_client, member):
    history(member, years=1)
    response = member_client.get(reverse("summary"))
    assert response.context["status"].tier == "loyal"
    progress = response.context["progress"]
    assert progress["q"].year == timezone.localdate().year
    assert progress["next"] in ("Loyal", "Exclusive")
    assert "qualifying points" in response.text


def test_a4_new_otani_summary_has_no_tiers(client, noc_member):
    client.force_login(noc_member.user)
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    assert response.context["progress"] is None


def test_a4_activity_is_paginated(member_client, member):
    # Given more billings than a page holds (one activity line per billing: its bonus and posting are on its line)
    history(member, years=8)
    assert LedgerEntry.objects.filter(member=member, kind="earn").count() > 20
    first = member_client.get(reverse("summary"))
    second = member_client.get(reverse("summary") + "?page=2")
    assert first.context["activity"].number == 1 and second.context["activity"].number == 2
    assert {e.pk for e in first.context["activity"]}.isdisjoint({e.pk for e in second.context["activity"]})


def _queries(client, django_assert_max_num_queries, max_queries=18) -> int:
    """18: session, user, member, points (2), status, qualification (3), stays (4: count, page, exclusions, refunds),
    activity (4: count, page, exclusions, the bills' bonus and posting entries), open claims."""
    with django_assert_max_num_queries(max_queries) as captured:
        response = client.get(reverse("summary"))
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_a4_summary_runs_a_fixed_number_of_queries(client, django_assert_max_num_queries, db):
    # Given a member with five years of history and one with a single stay
    long = portal_member("one-harmony")
    history(long, years=5)
    short = portal_member("one-harmony")
    stay(
        short,
        hotel=HotelFactory(program=short.program),
        paid_on=timezone.localdate() - dt.timedelta(days=40),
        points=10,
    )
    # When each opens the summary, then both pages take the same, bounded number of queries
    client.force_login(long.user)
    long_count = _queries(client, django_assert_max_num_queries)
    long_page2 = client.get(reverse("summary") + "?page=2")
    assert long_page2.status_code == 200
    client.force_login(short.user)
    short_count = _queries(client, django_assert_max_num_queries)
    assert long_count == short_count, (long_count, short_count)
