"""F04 (MEDIUM): refunding a bill whose points have lapsed takes the member's OTHER valid points: the bill's points
are lost twice (lapsed and retracted). ``points_retract`` skips the bill's own lots once ``expires_on < on``
(``own_posted``) and consumes other valid lots instead. Worst case (expire_first=False): on the morning of
Oct 1 (J3 not run yet) the refund takes 3,910 of the later points AND the job then expires the bill's own 3,910,
which were still sitting in its lot."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from loyalty import clock
from points.models import MemberBalance
from tests.api.test_bills_api import URL
from tests.points.test_ledger import earn_and_post

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def posted(member) -> int:
    return MemberBalance.objects.get(member=member).posted


@pytest.mark.parametrize("expire_first", [False, True])
def test_f04_refund_of_a_lapsed_bill_costs_its_points_twice(not_client, folio, member, monkeypatch, expire_first):
    # Given the API.md bill (paid 2025-03-03: 3,910 points valid through 2027-09-30, EX2), posted (J1)
    assert not_client.post(URL, folio, format="json").status_code == 201
    call_command("post_points", "--as-of", "2025-03-13")
    # and 10,000 later points valid through 2028-09-30
    earn_and_post(member, 10000, dt.date(2026, 11, 1))
    assert posted(member) == 13910
    # When, on 2027-10-01, the bill is refunded and the New Otani expiry (J3) runs (in either order)
    monkeypatch.setattr(clock, "today", lambda: dt.date(2027, 10, 1))
    if expire_first:
        call_command("expire_points", "--as-of", "2027-10-01", "--program", "new-otani")
        assert posted(member) == 10000
    refund = not_client.generic("POST", REFUND, "{}", content_type="application/json")
    assert refund.status_code == 200, refund.content
    if not expire_first:
        call_command("expire_points", "--as-of", "2027-10-01", "--program", "new-otani")
    # Then the bill's 3,910 points are gone once, not twice
    # Before the fix: refund answers points_retracted 3910, final posted balance 6090
    assert posted(member) == 10000, (refund.json(), posted(member))
