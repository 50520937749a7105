"""F13 (LOW): a POST to an API path without its trailing slash answers 301 (APPEND_SLASH) with an empty body, not a
4xx with the contract's JSON body; most clients follow a 301 on POST with a GET (405). With DEBUG on it is a 500
(Django's RuntimeError). Nothing is stored."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("path", ["/api/v1/bills", "/api/v1/bills/NOT/F-1001/refund", "/api/v1/members"])
def test_f13_post_without_the_slash(noc_office, path):
    r = noc_office.generic("POST", path, b"{}", content_type="application/json")
    # Before the fix: 301 Location: <path>/
    assert 400 <= r.status_code < 500 and "code" in r.json(), (r.status_code, r.get("Location"))
