"""Held: refund bodies and path parameters that are refused with a 4xx (never a 500, nothing refunded)."""

from __future__ import annotations

import urllib.parse

import pytest

from points.models import BillRefund
from tests.api.test_bills_api import URL

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


@pytest.mark.parametrize(
    "body",
    [
        '{"amount": true}',
        '{"amount": 1e400}',
        '{"amount": ' + "9" * 400 + "}",
        '{"amount": ' + "9" * 5000 + "}",
        '{"amount": -5000}',
        '{"amount": 5000.5}',
        '{"amount": null}',
        '{"charges": null}',
        '{"checks": null}',
        '{"charges": [{"category": "room", "amount": 30000, "date": "9999-12-31"}]}',
        '{"charges": [{"category": "room", "amount": 30000, "date": "0001-01-01"}]}',
        '{"charges": [{"category": "room", "amount": 30000, "room": null}]}',
        '{"charges": {"category": "room", "amount": 30000}}',
        '{"amount": NaN}',
        '{"amount": Infinity}',
        '{"amount": 80501}',
        '{"charges": [{"category": "room", "amount": 30000, "date": "2025-03-01"}, '
        '{"category": "room", "amount": 30000, "date": "2025-03-01"}]}',
        "\ufeff{}",
        '{"amount": 5000}\x00',
    ],
)
def test_refund_body_refused(not_client, folio, body):
    assert not_client.post(URL, folio, format="json").status_code == 201
    r = not_client.generic("POST", REFUND, body.encode(), content_type="application/json")
    assert 400 <= r.status_code < 500 and "code" in r.json(), (r.status_code, r.content)
    assert BillRefund.objects.count() == 0


@pytest.mark.parametrize(
    "hotel,number",
    [
        ("NOT", "F\x00"),
        ("N\x00T", "F-1001"),
        ("ＮＯＴ", "F-1001"),
        ("x" * 5000, "F-1001"),
        ("NOT", "é" * 50),
        ("NOT", "F-1001 "),
    ],
)
def test_refund_paths_refused(not_client, folio, hotel, number):
    assert not_client.post(URL, folio, format="json").status_code == 201
    url = f"/api/v1/bills/{urllib.parse.quote(hotel, safe='')}/{urllib.parse.quote(number, safe='')}/refund/"
    r = not_client.generic("POST", url, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert 400 <= r.status_code < 500, (r.status_code, r.content)  # NUL: 400 "invalid" (DataError), others 404
    assert BillRefund.objects.count() == 0
