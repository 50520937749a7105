"""API.md 1.1, issue 13 items 2, 3 and 8: strict refund bodies (R1), hostile input answered 4xx with the contract's
code and nothing stored (never a 500), 401 documented on every operation, and a foreign bill not found."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import override_settings
from django.utils import timezone

from loyalty.api.parsers import MAX_DEPTH
from points.models import Bill, BillRefund, LedgerEntry
from tests.api.test_bills_api import URL, nothing_stored

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def raw_post(client, url: str, body: str | bytes, **extra):
    return client.generic("POST", url, body, content_type="application/json", **extra)


def retracted() -> int:
    return LedgerEntry.objects.filter(kind="retract").count()


# --- item 2: a malformed refund refunds nothing (R1) -----------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ("null", "body"),
        ("[]", "body"),
        ("0", "body"),
        ('""', "body"),
        ("[{}]", "body"),
        ("true", "body"),
        ('{"Amount": 5000}', "Amount"),
        ('{"amount": 5000, "reason": "x"}', "reason"),
        ('{"amount": "all"}', "amount"),
        ('{"amount": 0}', "amount"),
        ('{"charges": []}', "charges"),
        ('{"checks": [{"outlet": "SATSUKI", "number": "C-77", "Amount": 1}]}', "checks[0].Amount"),
        ('{"amount": 100, "checks": [{"outlet": "SATSUKI", "number": "C-77"}]}', "amount"),
    ],
)
def test_r1_item2_a_refund_body_that_is_not_the_contract_answers_400_and_retracts_nothing(
    not_client, folio, body, field
):
    # Given a recorded bill
    assert not_client.post(URL, folio, format="json").status_code == 201
    # When its refund is sent with a body that is not a refund
    response = raw_post(not_client, REFUND, body)
    # Then 400 names the field at fault, and nothing is refunded or retracted
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert field in response.json()["fields"], response.json()
    assert BillRefund.objects.count() == 0 and retracted() == 0
    assert Bill.objects.get().refunded_amount == 0


def test_r1_item2_an_empty_object_still_refunds_the_whole_bill(not_client, folio):
    not_client.post(URL, folio, format="json")
    response = raw_post(not_client, REFUND, "{}")
    assert response.status_code == 200, response.content
    assert response.json()["points_retracted"] == 3910


def test_r1_item2_refund_of_named_lines_takes_the_strict_body(not_client, folio):
    # API.md 1.1's named lines (issue 15) pass the same strict body check and are refunded
    not_client.post(URL, folio, format="json")
    body = {"checks": [{"outlet": "SATSUKI", "number": "C-77"}]}
    response = not_client.post(REFUND, body, format="json")
    assert response.status_code == 200, response.content
    assert BillRefund.objects.count() == 1


# --- item 8: another hotel's bill is not found ------------------------------------------------------------------


def test_item8_refunding_another_hotels_bill_answers_as_for_a_bill_that_does_not_exist(
    not_client, hok_client, hotel_nikko, folio
):
    # Given a bill of NOT, and a One Harmony hotel (HOK) whose token asks to refund it
    not_client.post(URL, folio, format="json")
    foreign = hok_client.post(REFUND, {}, format="json")
    missing = hok_client.post("/api/v1/bills/NOT/F-9999/refund/", {}, format="json")
    # Then both answers are the same 404: HOK cannot learn which numbers NOT has used
    assert foreign.status_code == missing.status_code == 404
    assert foreign.json()["code"] == missing.json()["code"] == "not_found"
    assert BillRefund.objects.count() == 0


def test_item8_another_hotel_of_the_same_program_gets_404_too(not_client, folio, noc):
    from points.models import Hotel
    from points.services.tokens import api_token_issue
    from tests.api.conftest import client_with

    not_client.post(URL, folio, format="json")
    other = Hotel.objects.create(program=noc, code="NOO", name="New Otani Osaka", brand=Hotel.Brand.NEW_OTANI)
    client = client_with(api_token_issue(hotel=other)[1])
    assert client.post(REFUND, {}, format="json").status_code == 404
    assert BillRefund.objects.count() == 0


def test_item8_the_schema_documents_401_on_every_operation(anonymous):
    schema = anonymous.get("/api/schema/?format=json").json()
    operations = [
        (path, method, op)
        for path, ops in schema["paths"].items()
        if path.startswith("/api/v1/")
        for method, op in ops.items()
        if isinstance(op, dict) and "responses" in op
    ]
    assert len(operations) >= 9
    missing = [(path, method) for path, method, op in operations if "401" not in op["responses"]]
    assert missing == []
    posts = [op for _, method, op in operations if method == "post"]
    assert all("413" in op["responses"] and "409" in op["responses"] for op in posts)
    assert all(any(p["name"] == "Idempotency-Key" for p in op["parameters"]) for op in posts)


# --- item 3: hostile input ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 1000, 100_000])
def test_item3_json_nested_deeply_answers_400_malformed_json(not_client, folio, depth):
    body = "[" * depth + "]" * depth
    response = raw_post(not_client, URL, body)
    assert response.status_code == 400, response.content[:200]
    assert response.json()["code"] == "malformed_json"
    nested = json.dumps({**folio, "rooms": [{"room": "1", "members": []}]})[:-1] + ', "x": ' + "{" * 1000
    nested += '"a": 1' + "}" * 1000 + "}"
    assert raw_post(not_client, URL, nested).json()["code"] == "malformed_json"
    assert nothing_stored()


def test_item3_brackets_inside_strings_do_not_count_as_nesting(not_client, folio):
    folio["number"] = "[[[[[[[[[[[[{{{{{{{{{{{{"
    response = not_client.post(URL, folio, format="json")
    assert response.status_code == 201, response.content


@pytest.mark.parametrize("body", ["{", "nope", '{"a": NaN}', '{"a": Infinity}', b"\xff\xfe"])
def test_item3_malformed_json_answers_400_malformed_json(not_client, body):
    response = raw_post(not_client, URL, body)
    assert response.status_code == 400
    assert response.json()["code"] == "malformed_json"


def test_item3_a_10_mb_body_answers_413_too_large_not_500(not_client, folio):
    folio["padding"] = "x" * (10 * 1024 * 1024)
    response = raw_post(not_client, URL, json.dumps(folio))
    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert nothing_stored()


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=1000)
def test_item3_djangos_own_body_limit_answers_413_in_the_contracts_body(not_client, folio):
    from django.core.exceptions import RequestDataTooBig

    from loyalty.api.errors import exception_handler

    response = exception_handler(RequestDataTooBig("too big"), {})
    assert response.status_code == 413 and response.data["code"] == "too_large"


@override_settings(API_MAX_BODY_BYTES=500)
def test_item3_the_body_limit_is_a_setting(not_client, folio):
    assert len(json.dumps(folio)) > 500
    assert raw_post(not_client, URL, json.dumps(folio)).status_code == 413
    assert nothing_stored()


def tomorrow() -> dt.date:
    return timezone.localdate() + dt.timedelta(days=1)


@pytest.mark.parametrize(
    "paid_on", ["9999-12-31", "9997-01-01", "2099-01-01", "0001-01-01", "1999-12-31", "after-tomorrow"]
)
def test_item3_an_implausible_paid_on_answers_400_implausible_date(not_client, folio, paid_on):
    if paid_on == "after-tomorrow":
        paid_on = (tomorrow() + dt.timedelta(days=1)).isoformat()
    folio["paid_on"] = paid_on
    response = not_client.post(URL, folio, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "implausible_date"
    assert "paid_on" in response.json()["fields"]
    assert nothing_stored()


@pytest.mark.parametrize("where", ["charge", "check", "check_charge"])
def test_item3_every_date_of_a_bill_is_checked(not_client, folio, where):
    if where == "charge":
        folio["charges"][0]["date"] = "9999-12-31"
    elif where == "check":
        folio["room_charged_checks"][0]["date"] = "0001-01-01"
    else:
        folio["room_charged_checks"][0]["charges"][0]["date"] = "2099-01-01"
    response = not_client.post(URL, folio, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "implausible_date"
    assert nothing_stored()


def test_item3_plausible_edges_are_taken(not_client, folio):
    # 2000-01-01 is the earliest date and tomorrow the latest: neither is refused as implausible
    folio["paid_on"] = "2000-01-01"
    for charge in folio["charges"]:
        charge["date"] = "2000-01-01"
    for check in folio["room_charged_checks"]:
        check["date"] = "2000-01-01"
    response = not_client.post(URL, folio, format="json")
    assert response.status_code != 500
    assert response.json().get("code") != "implausible_date"
    folio["number"], folio["paid_on"] = "F-1002", tomorrow().isoformat()
    response = not_client.post(URL, folio, format="json")
    assert response.status_code != 500 and response.json().get("code") != "implausible_date"


@pytest.mark.parametrize("enrolled_on", ["9999-12-31", "2099-01-01", "0001-01-01"])
def test_item3_m3_an_implausible_enrolment_date_answers_400_implausible_date(noc_office, enrolled_on):
    body = {"family_name": "Sato", "given_name": "Hana", "enrolled_on": enrolled_on}
    response = noc_office.post("/api/v1/members/", body, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "implausible_date"
    from members.models import Member

    assert Member.objects.count() == 0
