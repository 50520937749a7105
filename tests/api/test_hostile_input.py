"""Hostile input over every endpoint (issue 13 items 3 and "fuzzing", API.md 1.1 "Hostile input"): nesting, size,
dates, unicode, wrong types. Every answer is a 4xx (or a 2xx) with the contract's JSON error body, never a 5xx, and
a refused request stores nothing."""

from __future__ import annotations

import json

import pytest

from members.models import Member
from points.models import Bill, LedgerEntry
from rewards.models import CertificateRequest, Transfer
from tests.api.test_bills_api import URL

ENDPOINTS = [
    "/api/v1/bills/",
    "/api/v1/bills/NOT/F-1001/refund/",
    "/api/v1/members/",
    "/api/v1/members/{card}/certificates/",
    "/api/v1/members/{card}/redemptions/",
    "/api/v1/transfers/",
]

DEEP = "[" * 50_000 + "]" * 50_000
HOSTILE_BODIES = {
    "deep_list": DEEP,
    "deep_object": '{"a":' * 5000 + "1" + "}" * 5000,
    "null": "null",
    "list": "[]",
    "number": "0",
    "string": '""',
    "huge_int": '{"amount": ' + "9" * 5000 + "}",
    "float": '{"amount": 1e400, "count": 1.5}',
    "nan": '{"amount": NaN}',
    "truncated": '{"hotel": "NOT", "num',
    "bad_utf8": b'{"hotel": "\xff\xfe"}',
    "nul": '{"hotel": "N\\u0000T", "number": "\\u0000", "family_name": "\\u0000"}',
    "lone_surrogate": '{"hotel": "\\ud800", "family_name": "\\udfff", "given_name": "x"}',
    "unicode": json.dumps({"hotel": "ホテル", "number": "🏨" * 40, "family_name": "\u202e" * 200, "given_name": "ǅ"}),
    "wrong_types": json.dumps(
        {
            "hotel": 1,
            "number": [],
            "member": {},
            "kind": True,
            "paid_on": 20250303,
            "payments": "cash",
            "count": "two",
            "award": None,
            "from": 1,
            "to": [],
            "consents": "from",
            "family_name": 7,
            "legacy": "oci",
        }
    ),
}
DATES = ["9999-12-31", "0001-01-01", "2099-01-01", "2025-02-30", "99999-01-01", "-2025-01-01", "2025-13-01"]


def raw(client, url: str, body, content_type: str = "application/json"):
    return client.generic("POST", url, body, content_type=content_type)


def assert_contract_refusal(response):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        body = response.json()
        assert set(body) == {"code", "detail", "fields"}, body
        assert body["code"] and body["detail"]


@pytest.fixture
def urls(member, folio, not_client):
    assert not_client.post(URL, folio, format="json").status_code == 201
    return [url.format(card=member.number) for url in ENDPOINTS]


@pytest.mark.parametrize("name", sorted(HOSTILE_BODIES))
def test_hostile_bodies_on_every_post_endpoint_never_answer_5xx(urls, noc_office, not_client, name):
    body = HOSTILE_BODIES[name]
    before = (Bill.objects.count(), LedgerEntry.objects.count(), Member.objects.count())
    for client in (noc_office, not_client):
        for url in urls:
            response = raw(client, url, body)
            assert_contract_refusal(response)
            assert response.status_code != 201, (url, name)
    assert (Bill.objects.count(), LedgerEntry.objects.count(), Member.objects.count()) == before
    assert CertificateRequest.objects.count() == Transfer.objects.count() == 0


def test_oversized_bodies_on_every_post_endpoint_answer_413(urls, noc_office):
    body = json.dumps({"padding": "x" * (2 * 1024 * 1024)})
    for url in urls:
        response = raw(noc_office, url, body)
        assert response.status_code == 413, url
        assert response.json()["code"] == "too_large"


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_other_media_types_are_refused_not_crashed(urls, noc_office, content_type):
    for url in urls:
        assert_contract_refusal(raw(noc_office, url, "a=1&b=2", content_type=content_type))


@pytest.mark.parametrize("date", DATES)
def test_every_date_field_takes_hostile_dates_without_5xx(urls, noc_office, not_client, folio, member, date):
    bill = {**folio, "number": "F-dates", "paid_on": date}
    enrolment = {"family_name": "Sato", "given_name": "Hana", "enrolled_on": date}
    certificate = {"count": 1, "hotel": "NOT", "arrival_on": date}
    for client, url, body in [
        (not_client, URL, bill),
        (not_client, URL, {**folio, "number": "F-d2", "charges": [{**folio["charges"][0], "date": date}]}),
        (noc_office, "/api/v1/members/", enrolment),
        (noc_office, f"/api/v1/members/{member.number}/certificates/", certificate),
    ]:
        response = client.post(url, body, format="json")
        assert_contract_refusal(response)
        assert 400 <= response.status_code < 500, (url, date, response.content)
    assert not Bill.objects.filter(number__in=["F-dates", "F-d2"]).exists()


@pytest.mark.parametrize(
    "card",
    ["9" * 5000, "%00", "%F0%9F%8F%A8", "..%2F..%2Fetc", "1000000017%20OR%201=1", "%E2%80%AE", "-1", "0" * 21],
)
def test_hostile_card_numbers_in_paths_never_answer_5xx(noc_office, card):
    for url in [
        f"/api/v1/members/{card}/",
        f"/api/v1/members/{card}/qualification/2025/",
        f"/api/v1/members/{card}/qualification/99999999999999999999/",
    ]:
        assert_contract_refusal(noc_office.get(url))
    for url in [f"/api/v1/members/{card}/certificates/", f"/api/v1/members/{card}/redemptions/"]:
        assert_contract_refusal(noc_office.post(url, {"count": 1, "hotel": "NOT", "award": "X"}, format="json"))
    assert_contract_refusal(noc_office.delete(f"/api/v1/members/{card}/"))
    assert_contract_refusal(noc_office.post(f"/api/v1/bills/{card}/{card}/refund/", {}, format="json"))


@pytest.mark.parametrize("header", ["Token", "Token " + "x" * 10000, "Token \u00ff\u00fe", "Bearer x", "Token a b"])
def test_hostile_authorization_headers_answer_401(folio, header):
    from rest_framework.test import APIClient

    client = APIClient()
    response = client.post(URL, folio, format="json", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
