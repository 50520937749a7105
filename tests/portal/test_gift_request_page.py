"""OR1 on My Account (issue 15, item 10): a Gift Award asked for on the website is a request to the One Harmony
Office; the member reads that its points are held, in English and Japanese, without rule IDs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from rewards.models import Award

from .conftest import PASSWORD, stay

pytestmark = pytest.mark.django_db


def test_or1_a_website_gift_award_is_a_request_with_its_points_held(member_client, member):
    from tests.factories import HotelFactory

    award = Award.objects.create(program=member.program, code="GIFT-TEA", kind="gift", name="Afternoon tea", points=300)
    stay(
        member,
        hotel=HotelFactory(program=member.program),
        paid_on=timezone.localdate() - dt.timedelta(days=40),
        points=1000,
    )
    response = member_client.post(reverse("awards"), {"award": award.pk, "password": PASSWORD}, follow=True)
    assert member.award_redemptions.get().state == "requested"
    assert "sent to the One Harmony Office" in response.text
    assert "Requested: points held" in response.text
    assert "OR1" not in response.text
    japanese = member_client.get(reverse("awards"), HTTP_ACCEPT_LANGUAGE="ja")
    assert "ポイント保留中" in japanese.text
