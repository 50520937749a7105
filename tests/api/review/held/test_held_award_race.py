"""Held: six Breakfast Award redemptions at once against 5,999 points: one 201, five insufficient_points."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from points.models import EntryKind, LedgerEntry, MemberBalance
from points.services.tokens import api_token_issue
from rewards.models import Award
from tests.api.conftest import client_with
from tests.factories import HotelFactory, make_member
from tests.points.test_ledger import earn_and_post
from tests.points.test_ledger_guards import race


@pytest.mark.django_db(transaction=True)
def test_concurrent_award_redemptions(postgres_only, oh):
    hotel = HotelFactory(code="HOK", program=oh, brand="okura")
    Award.objects.create(program=oh, code="BREAKFAST-HOK", kind="breakfast", name="B", points=3000, hotel=hotel)
    key = api_token_issue(hotel=hotel)[1]
    member = make_member("one-harmony")
    earn_and_post(member, 5999, timezone.localdate() - dt.timedelta(days=30))
    url = f"/api/v1/members/{member.number}/redemptions/"

    def work(i):
        r = client_with(key).post(url, {"award": "BREAKFAST-HOK"}, format="json", HTTP_IDEMPOTENCY_KEY=f"k{i}")
        return r.status_code

    results = race(6, work)
    assert sorted(results) == [201, 409, 409, 409, 409, 409], results
    assert MemberBalance.objects.get(member=member).posted == 2999
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).count() == 1
