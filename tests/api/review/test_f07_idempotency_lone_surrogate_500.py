"""F07 (MEDIUM): any POST with an ``Idempotency-Key`` whose JSON body has a string with a lone UTF-16 surrogate
escape (``"\\ud800"``, valid JSON syntax) answers 500: points/api/idempotency.py:50 ``_fingerprint`` dumps the body
with ``ensure_ascii=False`` and ``.encode()``s it: UnicodeEncodeError. Nothing is stored (it fails before the key is
claimed), but the contract says 400, never a 500. Without the header the same bodies answer 400."""

from __future__ import annotations

import json

import pytest

from tests.api.test_bills_api import URL

LONE = "\\ud800"  # six ASCII characters in the JSON text


def raw_post(client, url, body, **extra):
    return client.generic("POST", url, body, content_type="application/json", **extra)


def test_f07_bill(not_client, folio):
    body = json.dumps(folio).replace('"F-1001"', f'"F-{LONE}"')
    r = raw_post(not_client, URL, body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert r.status_code == 400, (r.status_code, r.content)  # Before the fix: 500


def test_f07_enrolment(noc_office):
    body = '{"family_name": "Sato' + LONE + '", "given_name": "Hana", "email": "hana@example.com"}'
    r = raw_post(noc_office, "/api/v1/members/", body, HTTP_IDEMPOTENCY_KEY="k-2")
    assert r.status_code == 400, (r.status_code, r.content)  # Before the fix: 500


def test_f07_refund(not_client, folio):
    assert not_client.post(URL, folio, format="json").status_code == 201
    body = '{"checks": [{"outlet": "SATSUKI", "number": "C-' + LONE + '"}]}'
    r = raw_post(not_client, "/api/v1/bills/NOT/F-1001/refund/", body, HTTP_IDEMPOTENCY_KEY="k-3")
    assert r.status_code == 400, (r.status_code, r.content)  # Before the fix: 500


@pytest.mark.parametrize("key", [None])
def test_f07_control_without_the_header_it_is_a_400(not_client, folio, key):
    body = json.dumps(folio).replace('"F-1001"', f'"F-{LONE}"')
    assert raw_post(not_client, URL, body).status_code == 400  # passes
