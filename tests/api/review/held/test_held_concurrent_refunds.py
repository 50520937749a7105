"""Held: concurrent refunds of one bill (different keys, 6 threads) never retract more than it earned, never 500."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.db.models import Sum

from points.models import Bill, BillRefund, LedgerEntry, Outlet, OutletDesignation
from points.services.tokens import api_token_issue
from tests.api.conftest import client_with
from tests.api.test_bills_api import URL
from tests.factories import make_member
from tests.points.test_ledger_guards import race

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def retracted_points(bill) -> int:
    agg = LedgerEntry.objects.filter(bill=bill, kind="retract").aggregate(p=Sum("points"), q=Sum("pending"))
    return -((agg["p"] or 0) + (agg["q"] or 0))


@pytest.mark.parametrize(
    "body",
    [
        "{}",
        '{"amount": 40000}',
        '{"charges": [{"category": "room", "amount": 30000}]}',
        '{"checks": [{"outlet": "SATSUKI", "number": "C-77"}]}',
    ],
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_refunds_never_retract_more_than_earned(postgres_only, body):
    from points.models import Hotel
    from tests.factories import HotelFactory
    from tests.points.test_bills import EXAMPLE

    hotel = HotelFactory(code="NOT", brand=Hotel.Brand.NEW_OTANI)
    o = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=o, effective_from=dt.date(2007, 10, 1), designated=True)
    key = api_token_issue(hotel=hotel)[1]
    member = make_member("new-otani")
    assert (
        client_with(key).post(URL, {**copy.deepcopy(EXAMPLE), "member": member.number}, format="json").status_code
        == 201
    )

    def work(i):
        r = client_with(key).generic(
            "POST", REFUND, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"k{i}"
        )
        return r.status_code, r.json()

    results = race(6, work)
    assert all(not isinstance(x, Exception) for x in results), results
    assert all(s < 500 for s, _ in results), results
    b = Bill.objects.get()
    assert b.refunded_amount <= b.total_amount
    assert retracted_points(b) <= b.points + b.bonus_points
    assert sum(x.points_retracted for x in BillRefund.objects.all()) == retracted_points(b)
