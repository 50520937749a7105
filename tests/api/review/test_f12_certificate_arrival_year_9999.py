"""F12 (LOW): a certificate request for an arrival in 9999 or 2099 is accepted and the points are redeemed
irrevocably (NR1) for certificates valid one year (NR3) - they can never be used for that stay. ``arrival_on`` is
a plain DateField (rewards/api/serializers.py), not the plausible-date check the bill and enrolment dates get.
(API.md 1.1 names implausible_date for bills and enrolments only, so this is outside the letter of the contract.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tests.points.test_ledger import earn_and_post


@pytest.mark.parametrize("arrival", ["9999-12-31", "2099-01-01"])
def test_f12_an_arrival_centuries_away_redeems_points(not_client, hotel_not, member, arrival):
    earn_and_post(member, 10000, timezone.localdate() - dt.timedelta(days=30))
    body = {"count": 1, "hotel": "NOT", "arrival_on": arrival}
    r = not_client.post(f"/api/v1/members/{member.number}/certificates/", body, format="json")
    # Before the fix: 201, points_redeemed 5000, valid_until one year from today
    assert r.status_code == 400, (r.status_code, r.content)
