"""Issue 13 (API >= 200 bills/s with 4 clients): the bills endpoint's path does only what it must, and stays right.

* The reference data's version is asked of the shared cache once per request (it was four times: the token, the
  lookups, the members' resolution), and a change made by another process between two requests is still seen by the
  next one (issue 18: every process hears of reference changes through Redis).
* A JSON answer carries one fixed, strictest Content-Security-Policy instead of one built by django-csp for each
  response; pages keep django-csp's policy (issue 14).
"""

from __future__ import annotations

import copy

import pytest
from django.core.cache import cache

from points import reference
from points.models import OutletDesignation
from tests.points.test_bills import EXAMPLE

pytestmark = pytest.mark.django_db


def _version_reads(monkeypatch) -> list[str]:
    """Every read of the reference version from the shared cache, recorded."""
    reads: list[str] = []
    real_get = cache.get

    def get(key, *args, **kwargs):
        if key == reference.VERSION_KEY:
            reads.append(key)
        return real_get(key, *args, **kwargs)

    monkeypatch.setattr(reference.cache, "get", get)
    return reads


def test_a_bill_request_asks_the_shared_cache_for_the_reference_version_once(not_client, folio, monkeypatch):
    not_client.post("/api/v1/bills/", folio | {"number": "F-WARM"}, format="json")  # the version exists
    reads = _version_reads(monkeypatch)
    response = not_client.post("/api/v1/bills/", folio, format="json")
    assert response.status_code == 201, response.json()
    assert len(reads) == 1


def test_a_change_by_another_process_reaches_the_next_request(not_client, member, satsuki):
    """NE2 (a meal earns only at a designated outlet), judged with what another process changed in between."""
    dining = {
        "hotel": "NOT",
        "number": "R-1",
        "member": member.number,
        "kind": "dining",
        "paid_on": "2025-03-05",
        "outlet": "SATSUKI",
        "payments": [{"method": "cash", "amount": 10000}],
        "charges": [{"category": "food_beverage", "amount": 10000}],
    }
    first = not_client.post("/api/v1/bills/", dining, format="json")
    assert first.status_code == 201 and first.json()["points"] > 0
    # Another process withdraws the designation (no signal in this one) and replaces the version in the cache.
    OutletDesignation.objects.filter(outlet=satsuki).update(designated=False)
    cache.set(reference.VERSION_KEY, "changed by another process", timeout=None)
    second = not_client.post("/api/v1/bills/", dining | {"number": "R-2"}, format="json")
    assert second.status_code == 201 and second.json()["points"] == 0


def test_json_answers_get_the_strictest_fixed_policy_and_pages_keep_theirs(not_client, anonymous, folio, client):
    for response in (
        not_client.post("/api/v1/bills/", folio, format="json"),  # 201
        not_client.post("/api/v1/bills/", copy.deepcopy(EXAMPLE) | {"member": "0"}, format="json"),  # 4xx
        anonymous.post("/api/v1/bills/", folio, format="json"),  # 401
    ):
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Security-Policy"] == "default-src 'none'; frame-ancestors 'none'"
    page = client.get("/api/docs/")  # Swagger UI: an HTML page, django-csp's policy
    assert page.status_code == 200
    assert "script-src 'self'" in page["Content-Security-Policy"]
