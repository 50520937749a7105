"""Review probe: with the cache at a closed port, every POST of the contract still answers (keys included)."""

from __future__ import annotations

import time

from points.models import Bill, BillRefund
from tests.api.test_bills_api import URL
from tests.api.test_degradation import cache_down  # noqa: F401

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def test_cache_down_bill_refund_with_keys(not_client, folio, member, cache_down):  # noqa: F811
    started = time.monotonic()
    r = not_client.post(URL, folio, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    assert r.status_code == 201, r.content
    r2 = not_client.post(URL, folio, format="json", HTTP_IDEMPOTENCY_KEY="b1")
    assert r2.status_code == 201 and r2.json() == r.json()
    r3 = not_client.generic(
        "POST", REFUND, '{"amount": 5000}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    assert r3.status_code == 200, r3.content
    r4 = not_client.generic(
        "POST", REFUND, '{"amount": 5000}', content_type="application/json", HTTP_IDEMPOTENCY_KEY="r1"
    )
    assert r4.json() == r3.json()
    assert Bill.objects.count() == 1 and BillRefund.objects.count() == 1
    assert time.monotonic() - started < 10
