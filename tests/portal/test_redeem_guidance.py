"""Redeeming without guesswork (NR1, NR2, OR1): what the posted points pay for, no form when they pay for nothing,
and distinct words for a past arrival date and one too close."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rewards.models import Award
from tests.factories import HotelFactory

from .conftest import PASSWORD, stay

pytestmark = pytest.mark.django_db


def _noc_with(client, noc_member, points: int):
    hotel = HotelFactory(program=noc_member.program, name="Hotel New Otani Tokyo")
    if points:
        stay(noc_member, hotel=hotel, paid_on=timezone.localdate() - dt.timedelta(days=40), points=points)
    client.force_login(noc_member.user)
    return hotel


def test_nr1_page_says_how_many_certificates_the_points_pay_for(client, noc_member):
    _noc_with(client, noc_member, 12000)
    response = client.get(reverse("certificates"))
    assert response.context["affordable"] == 2
    assert "Your posted points pay for up to 2 certificates of ¥5,000 (10,000 points)." in response.text
    form = response.context["form"]
    assert form.fields["count"].max_value == 2
    assert "2 certificates" in str(form.fields["count"].help_text)


def test_nr1_no_form_when_the_points_pay_for_no_certificate(client, noc_member):
    _noc_with(client, noc_member, 3000)
    response = client.get(reverse("certificates"))
    assert response.context["form"] is None
    assert 'name="count"' not in response.text
    assert "2,000 more points are needed" in response.text
    # and a post is refused without touching the points
    refused = client.post(reverse("certificates"), {"count": 1}, follow=True)
    assert "Your posted points do not pay for a certificate yet." in refused.text
    assert not noc_member.certificate_requests.exists()


def test_nr1_more_certificates_than_the_points_pay_for_are_refused_by_the_form(client, noc_member):
    hotel = _noc_with(client, noc_member, 6000)
    arrival = timezone.localdate() + dt.timedelta(days=30)
    data = {"count": 2, "hotel": hotel.pk, "arrival_on": arrival.isoformat(), "accept": "on", "password": PASSWORD}
    response = client.post(reverse("certificates"), data)
    assert response.status_code == 200 and response.context["form"].errors["count"]


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (-3, "This date has passed"),
        (0, "This arrival is too close"),
        (4, "This arrival is too close"),
    ],
)
def test_nr2_past_and_too_close_arrival_dates_have_their_own_words(client, noc_member, days, words):
    hotel = _noc_with(client, noc_member, 6000)
    arrival = timezone.localdate() + dt.timedelta(days=days)
    data = {"count": 1, "hotel": hotel.pk, "arrival_on": arrival.isoformat(), "accept": "on", "password": PASSWORD}
    response = client.post(reverse("certificates"), data)
    errors = " ".join(response.context["form"].errors["arrival_on"])
    assert words in errors
    other = "This arrival is too close" if words == "This date has passed" else "This date has passed"
    assert other not in errors
    assert not noc_member.certificate_requests.exists()
    ja = client.post(reverse("certificates"), data, HTTP_ACCEPT_LANGUAGE="ja")
    assert ("既に過ぎています" if days < 0 else "到着日が近すぎます") in ja.text


def test_or1_awards_page_says_which_awards_the_points_pay_for(member_client, member):
    cheap = Award.objects.create(
        program=member.program,
        code="GIFT-TEA",
        kind="gift",
        name="Afternoon tea",
        name_ja="アフタヌーンティー",
        points=300,
    )
    dear = Award.objects.create(program=member.program, code="GIFT-SPA", kind="gift", name="Spa", points=5000)
    hotel = HotelFactory(program=member.program)
    stay(member, hotel=hotel, paid_on=timezone.localdate() - dt.timedelta(days=40), points=1000)
    response = member_client.get(reverse("awards"))
    catalog = {row["award"]: row for row in response.context["catalog"]}
    assert catalog[cheap]["affordable"] and not catalog[dear]["affordable"]
    assert catalog[dear]["short"] == 4000
    assert "4,000 more points needed" in response.text
    # the form offers only what the points pay for, by name (never the code)
    choices = [label for _value, label in response.context["form"].fields["award"].choices]
    assert choices == ["Afternoon tea (300 points)"]
    assert "GIFT-TEA" not in response.text and "GIFT-SPA" not in response.text
    assert "アフタヌーンティー" in member_client.get(reverse("awards"), HTTP_ACCEPT_LANGUAGE="ja").text


def test_or1_no_award_form_when_the_points_pay_for_none(member_client, member):
    Award.objects.create(program=member.program, code="GIFT-SPA", kind="gift", name="Spa", points=5000)
    response = member_client.get(reverse("awards"))
    assert response.context["form"] is None
    assert 'name="award"' not in response.text


def test_nr1_ex5_with_a_negative_balance_the_points_needed_include_the_debt(client, noc_member):
    from points.models import BillRefund
    from points.services import ledger

    # Given a stay of 5,000 points, all redeemed, then refunded: the balance is -5,000
    hotel = _noc_with(client, noc_member, 0)
    today = timezone.localdate()
    bill = stay(noc_member, hotel=hotel, paid_on=today - dt.timedelta(days=60), points=5000)
    ledger.points_debit(member=noc_member, kind="redeem", points=5000, on=today)
    refund = BillRefund.objects.create(bill=bill, amount=100000, points_retracted=5000)
    ledger.points_retract(member=noc_member, bill=bill, refund=refund, points=5000, bonus_points=0, on=today)
    # Then one certificate needs the debt paid first: 10,000 more points, and no form
    response = client.get(reverse("certificates"))
    assert response.context["form"] is None
    assert "10,000 more points are needed" in response.text
