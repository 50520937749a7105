"""POST /api/v1/bills/ and .../refund/ (API.md "Bills"): every field of the contract, scoping, idempotency, 409,
refund to a negative balance (R1), bad input answered 4xx with a clear body and nothing stored, never a 500."""

from __future__ import annotations

import copy
import datetime as dt

import pytest

from points.models import Bill, BillRefund, EntryKind, LedgerEntry, MemberBalance, Outlet, OutletDesignation
from points.services import ledger
from points.services.jobs import post_points
from tests.factories import make_member

D = dt.date
URL = "/api/v1/bills/"


def nothing_stored():
    return Bill.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_first_receipt_answers_201_with_every_field_of_the_contract(not_client, folio):
    response = not_client.post(URL, folio, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert {k: body[k] for k in ("hotel", "number", "member", "points", "bonus_points", "posts_on")} == {
        "hotel": "NOT",
        "number": "F-1001",
        "member": folio["member"],
        "points": 3910,
        "bonus_points": 0,
        "posts_on": "2025-03-13",
    }
    assert body["units"][0] == {
        "label": "2025-03-01 room 1203",
        "kind": "room",
        "date": "2025-03-01",
        "eligible_amount": 34500,
        "points": 1725,
        "bonus_points": 0,
    }
    assert [(e["rule"], e["amount"]) for e in body["exclusions"]] == [("NX3", 2300)]
    assert body["exclusions"][0]["detail"]


def test_same_billing_again_answers_200_with_the_same_body(not_client, folio, member):
    first = not_client.post(URL, folio, format="json")
    again = not_client.post(URL, folio, format="json")
    assert (again.status_code, again.json()) == (200, first.json())
    assert MemberBalance.objects.get(member=member).pending == 3910


def test_same_number_other_content_answers_409(not_client, folio):
    not_client.post(URL, folio, format="json")
    other = copy.deepcopy(folio)
    other["card_presented"] = False
    response = not_client.post(URL, other, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "bill_conflict"
    assert Bill.objects.count() == 1


def test_a_hotel_token_reports_only_its_own_hotels_bills(hok_client, folio):
    response = hok_client.post(URL, folio, format="json")
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden_hotel"
    assert nothing_stored()


def test_an_office_token_reports_only_its_programs_hotels(oh_office, noc_office, folio):
    assert oh_office.post(URL, folio, format="json").status_code == 403
    assert noc_office.post(URL, folio, format="json").status_code == 201


def test_no_token_is_401(anonymous, folio):
    response = anonymous.post(URL, folio, format="json")
    assert response.status_code == 401
    assert nothing_stored()


@pytest.mark.parametrize(
    ("mutate", "status", "code", "field"),
    [
        (lambda p: p.pop("paid_on"), 400, "invalid", "paid_on"),
        (lambda p: p.pop("payments"), 400, "invalid", "payments"),
        (lambda p: p.update(kind="banquet"), 400, "invalid", "kind"),
        (lambda p: p.update(reservation_channel="carrier_pigeon"), 400, "invalid", "reservation_channel"),
        (lambda p: p["payments"][0].update(method="bitcoin"), 400, "invalid", "payments[0].method"),
        (lambda p: p["charges"][0].update(category="spa"), 400, "invalid", "charges[0].category"),
        (lambda p: p["charges"][0].update(amount=-30000), 400, "invalid", "charges[0].amount"),
        (lambda p: p.update(paid_on="2025-02-30"), 400, "invalid", "paid_on"),
        (lambda p: p.update(hotel="NOPE"), 400, "unknown_hotel", "hotel"),
        (lambda p: p.update(member="0000000000"), 400, "unknown_member", "member"),
        (lambda p: p["room_charged_checks"][0].update(outlet="NOPE"), 400, "unknown_outlet", None),
        (lambda p: p["payments"][0].update(amount=80000), 400, "payments_mismatch", None),
        (lambda p: p.update(card_presented="yes please"), 400, "invalid", "card_presented"),
    ],
)
def test_bad_input_is_a_4xx_naming_what_is_wrong_and_stores_nothing(not_client, folio, mutate, status, code, field):
    mutate(folio)
    response = not_client.post(URL, folio, format="json")
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["detail"]
    if field:
        assert field in body["fields"], body
    assert nothing_stored()


def test_malformed_json_is_a_400(not_client):
    response = not_client.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"


def test_oe5_jal_coupons_at_an_okura_hotel_are_invalid_input(oh_office, hotel_hok, oh):
    member = make_member("one-harmony", enrolled_on=D(2020, 1, 1))
    outlet = Outlet.objects.create(hotel=hotel_hok, code="YAMAZATO", name="Yamazato", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=D(2013, 4, 1), designated=True)
    bill = {
        "hotel": "HOK",
        "number": "R-1",
        "member": member.number,
        "kind": "dining",
        "paid_on": "2025-05-05",
        "outlet": "YAMAZATO",
        "payments": [{"method": "jal_coupon", "amount": 5000}],
        "charges": [{"category": "food_beverage", "amount": 5000, "tax_service": 0}],
    }
    response = oh_office.post(URL, bill, format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "jal_coupon_not_accepted"
    assert nothing_stored()


def test_r1_refund_part_then_whole_down_to_a_negative_balance(not_client, folio, member):
    not_client.post(URL, folio, format="json")
    post_points(as_of=D(2025, 3, 13))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=3000, on=D(2025, 4, 1))
    part = not_client.post("/api/v1/bills/NOT/F-1001/refund/", {"amount": 5000}, format="json")
    assert part.status_code == 200, part.content
    # R1 Default: the amount takes the mini bar's 2,300 (which earned nothing) first, then 2,700 of the dinner
    assert part.json() == {"points_retracted": 135, "balance": 775}
    whole = not_client.post("/api/v1/bills/NOT/F-1001/refund/", {}, format="json")
    assert whole.json() == {"points_retracted": 3775, "balance": -3000}
    assert BillRefund.objects.count() == 2
    again = not_client.post("/api/v1/bills/NOT/F-1001/refund/", {}, format="json")
    assert again.status_code == 400 and again.json()["code"] == "invalid_refund"


def test_refund_of_an_unknown_or_foreign_bill(not_client, hok_client, folio):
    assert not_client.post("/api/v1/bills/NOT/NOPE/refund/", {}, format="json").status_code == 404
    not_client.post(URL, folio, format="json")
    # Another hotel's bill is not found, as one that does not exist (issue 13 item 8)
    assert hok_client.post("/api/v1/bills/NOT/F-1001/refund/", {}, format="json").status_code == 404
    bad = not_client.post("/api/v1/bills/NOT/F-1001/refund/", {"amount": -5}, format="json")
    assert bad.status_code == 400 and "amount" in bad.json()["fields"]


def test_r1_contract_1_1_refund_of_named_lines(not_client, folio):
    not_client.post(URL, folio, format="json")
    refund = "/api/v1/bills/NOT/F-1001/refund/"
    minibar = {"date": "2025-03-02", "room": "1203", "category": "minibar", "amount": 2000, "tax_service": 300}
    # A line that earned nothing retracts nothing; a check is refunded whole by outlet and number
    response = not_client.post(refund, {"charges": [minibar]}, format="json")
    assert response.status_code == 200, response.content
    assert response.json()["points_retracted"] == 0
    checked = not_client.post(refund, {"checks": [{"outlet": "SATSUKI", "number": "C-77"}]}, format="json")
    assert checked.json()["points_retracted"] == 460
    # A line refunded before is 409 already_refunded, one that matches nothing 400 unknown_line
    again = not_client.post(refund, {"charges": [minibar]}, format="json")
    assert (again.status_code, again.json()["code"]) == (409, "already_refunded")
    unknown = not_client.post(refund, {"checks": [{"outlet": "SATSUKI", "number": "NOPE"}]}, format="json")
    assert (unknown.status_code, unknown.json()["code"]) == (400, "unknown_line")
    both = not_client.post(refund, {"amount": 100, "charges": [minibar]}, format="json")
    assert both.status_code == 400
    assert BillRefund.objects.count() == 2
