"""F09 (LOW-MEDIUM): POST /api/v1/bills/ takes a bill ``number`` containing "/" (CharField, any text), but its refund
``POST /api/v1/bills/{hotel}/{number}/refund/`` can never address it: ``<str:number>`` stops at "/", and "%2F" is
decoded before routing, so the answer is 404 "There is no endpoint". R1 retraction through the API is impossible
for such a bill (the points stay)."""

from __future__ import annotations

import urllib.parse

from points.models import Bill
from tests.api.test_bills_api import URL


def test_f09_a_bill_numbered_with_a_slash_cannot_be_refunded(not_client, folio):
    folio["number"] = "F/1001"
    assert not_client.post(URL, folio, format="json").status_code == 201
    url = f"/api/v1/bills/NOT/{urllib.parse.quote(Bill.objects.get().number, safe='')}/refund/"
    r = not_client.generic("POST", url, '{"amount": 5000}', content_type="application/json")
    # Before the fix: 404 {"code": "not_found", "detail": "There is no endpoint at /api/v1/bills/NOT/F/1001/refund/."}
    assert r.status_code == 200, (r.status_code, r.content)
