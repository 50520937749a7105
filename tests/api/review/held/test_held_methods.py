from __future__ import annotations

import pytest

PATHS = [
    "/api/v1/bills/",
    "/api/v1/bills/NOT/F-1001/refund/",
    "/api/v1/members/",
    "/api/v1/members/1/",
    "/api/v1/members/1/certificates/",
    "/api/v1/members/1/redemptions/",
    "/api/v1/transfers/",
    "/api/v1/members/1/qualification/2025/",
    "/api/v1/bills",
    "/api/v1/bills/NOT/F-1001/refund",
    "/api/v1/members/1/certificates",
]


@pytest.mark.parametrize("method", ["GET", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD", "TRACE", "POST"])
@pytest.mark.parametrize("path", PATHS)
def test_methods(noc_office, hotel_not, method, path):
    r = noc_office.generic(method, path, b"{}", content_type="application/json")
    print(method, path, r.status_code, r.content[:200])
    assert r.status_code < 500, r.content[:300]
    if r.status_code >= 400 and method != "HEAD":
        assert "code" in r.json(), r.content[:300]
