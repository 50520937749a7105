"""Review probes: redemption races, boundaries, odd dates; media types on refunds."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from points.models import BillRefund, MemberBalance
from points.services.tokens import api_token_issue
from rewards.models import CertificateRequest
from tests.api.conftest import client_with
from tests.api.test_bills_api import URL
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post
from tests.points.test_ledger_guards import race

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def recent():
    return timezone.localdate() - dt.timedelta(days=30)


def body(count=1, arrival=None):
    return {
        "count": count,
        "hotel": "NOT",
        "arrival_on": arrival or (timezone.localdate() + dt.timedelta(days=20)).isoformat(),
    }


@pytest.mark.parametrize("keyed", [True, False])
@pytest.mark.django_db(transaction=True)
def test_concurrent_certificate_requests_spend_once(postgres_only, keyed):
    from points.models import Hotel
    from tests.factories import HotelFactory

    hotel = HotelFactory(code="NOT", brand=Hotel.Brand.NEW_OTANI)
    key = api_token_issue(hotel=hotel)[1]
    key2 = api_token_issue(hotel=hotel)[1]
    member = make_member("new-otani")
    earn_and_post(member, 9999, recent())
    url = f"/api/v1/members/{member.number}/certificates/"

    def work(i):
        extra = {"HTTP_IDEMPOTENCY_KEY": f"k{i}"} if keyed else {}
        r = client_with(key if i % 2 else key2).post(url, body(), format="json", **extra)
        return r.status_code, r.json()

    results = race(6, work)
    assert all(not isinstance(x, Exception) for x in results), results
    assert sorted(s for s, _ in results) == [201, 409, 409, 409, 409, 409], results
    assert CertificateRequest.objects.count() == 1
    assert MemberBalance.objects.get(member=member).posted == 4999


def test_certificate_exact_balance(not_client, hotel_not, member):
    earn_and_post(member, 10000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    r = not_client.post(url, body(2), format="json")
    assert r.status_code == 201 and r.json()["balance"] == 0, r.content
    r = not_client.post(url, body(1), format="json")
    assert r.status_code == 409 and r.json()["code"] == "insufficient_points", r.content


@pytest.mark.parametrize(
    "ctype",
    [
        None,
        "",
        "text/plain",
        "application/x-www-form-urlencoded",
        "application/json; charset=utf-16",
        "application/json; charset=bogus",
        "application/vnd.api+json",
        "multipart/form-data; boundary=x",
    ],
)
def test_refund_content_types_never_refund_the_whole_bill(not_client, folio, ctype):
    assert not_client.post(URL, folio, format="json").status_code == 201
    if ctype is None:
        r = not_client.generic("POST", REFUND, b'{"amount": 5000}')
    else:
        r = not_client.generic("POST", REFUND, b'{"amount": 5000}', content_type=ctype)
    refunded = sum(x.amount for x in BillRefund.objects.all())
    print(ctype, r.status_code, r.content, refunded)
    assert r.status_code < 500, r.content
    assert refunded in (0, 5000), (ctype, r.status_code, r.content, refunded)
