"""F10 (LOW): the refund ``amount`` is not strictly an integer: a JSON string ``"5000"``, a float ``5000.0`` or
``5e3`` is taken and refunds JPY 5,000 (DRF IntegerField coerces). API.md: "Amounts are integer yen"; the issue
claims strict refund bodies (string/float amounts). The same leniency applies to every yen field of a bill
(``"amount": "30000"``). Also: a body with a duplicate key ``{"amount": 1, "amount": 2}`` is taken (last wins)."""

from __future__ import annotations

import pytest

from points.models import BillRefund
from tests.api.test_bills_api import URL

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


@pytest.mark.parametrize(
    "body",
    [
        '{"amount": "5000"}',
        '{"amount": 5000.0}',
        '{"amount": 5e3}',
        '{"charges": [{"category": "room", "amount": "30000"}]}',
    ],
)
def test_f10_a_non_integer_amount_is_refused(not_client, folio, body):
    assert not_client.post(URL, folio, format="json").status_code == 201
    r = not_client.generic("POST", REFUND, body, content_type="application/json")
    # Before the fix: 200 and a refund row
    assert r.status_code == 400 and BillRefund.objects.count() == 0, (r.status_code, r.content)
