"""Review probe: API.md 1.1 "refunding a line that earned nothing retracts nothing", on a bill paid in part by
means that earn nothing (NE9)."""

from __future__ import annotations

import json

import pytest

from tests.api.test_bills_api import URL

REFUND = "/api/v1/bills/NOT/F-1001/refund/"
MINIBAR = {"date": "2025-03-02", "room": "1203", "category": "minibar", "amount": 2000, "tax_service": 300}


@pytest.mark.parametrize("method", ["reward_certificate", "coupon", "other_organization_points"])
def test_refunding_the_minibar_of_a_part_certificate_bill_retracts_nothing(not_client, folio, method):
    folio["payments"] = [{"method": "credit_card", "amount": 40000}, {"method": method, "amount": 40500}]
    r = not_client.post(URL, folio, format="json")
    assert r.status_code == 201, r.content
    before = r.json()
    r = not_client.generic("POST", REFUND, json.dumps({"charges": [MINIBAR]}), content_type="application/json")
    assert r.status_code == 200, r.content
    assert r.json()["points_retracted"] == 0, (before["points"], before["exclusions"], r.json())
