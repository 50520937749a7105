"""validate(bill, context): pure input checks that become an HTTP 400 elsewhere."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from loyalty.rulebooks import (
    DEFAULT_RATES,
    Bill,
    Charge,
    Check,
    Context,
    HotelInfo,
    Payment,
    Problem,
    Room,
    validate,
)

DAY = date(2025, 3, 1)
TOKYO = HotelInfo(code="NOT", country="JP", affiliation="group", brand="new-otani")
NIKKO = HotelInfo(code="NKT", country="JP", affiliation="group", brand="nikko", accepts_jal_coupons=True)


def context(**changes) -> Context:
    base = Context(
        program="new-otani",
        hotel=TOKYO,
        rates=DEFAULT_RATES["new-otani"],
        designated_outlets=frozenset({"SATSUKI"}),
        known_outlets=frozenset({"SATSUKI", "BANQUET"}),
        member_since=date(2020, 1, 1),
    )
    return replace(base, **changes)


def oh(hotel: HotelInfo = NIKKO) -> Context:
    return context(program="one-harmony", rates=DEFAULT_RATES["one-harmony"], hotel=hotel)


GOOD_STAY = Bill(
    kind="stay",
    number="F-1001",
    paid_on=date(2025, 3, 3),
    reservation_channel="official_website",
    payments=(Payment("credit_card", 45000),),
    rooms=(Room("1203", True, True),),
    charges=(
        Charge(DAY, "room", 30000, 4500, "1203"),
        Charge(DAY, "minibar", 1000, 300, "1203"),
    ),
    room_charged_checks=(Check("SATSUKI", "C-77", DAY, (Charge(DAY, "food_beverage", 8000, 1200),)),),
)
GOOD_DINING = Bill(
    kind="dining",
    number="F-2001",
    paid_on=DAY,
    reservation_channel=None,
    payments=(Payment("cash", 5500),),
    charges=(Charge(DAY, "food_beverage", 5000, 500),),
    outlet="SATSUKI",
)


def codes(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.code, p.field) for p in problems]


@pytest.mark.parametrize("bill", [GOOD_STAY, GOOD_DINING], ids=["stay", "dining"])
def test_valid_bills_have_no_problems(bill):
    assert validate(bill, context()) == []


def test_kind_must_be_stay_or_dining():
    assert codes(validate(replace(GOOD_DINING, kind="banquet"), context())) == [("invalid_kind", "kind")]


def test_a_stay_needs_rooms_charges_and_a_channel():
    # Given a stay with no rooms, no charges, no checks, no payments, no channel
    bill = replace(
        GOOD_STAY,
        rooms=(),
        charges=(),
        room_charged_checks=(),
        payments=(),
        reservation_channel=None,
    )
    # Then each missing part is named
    assert codes(validate(bill, context())) == [
        ("required", "rooms"),
        ("required", "charges"),
        ("required", "reservation_channel"),
    ]


def test_a_dining_bill_needs_an_outlet_and_charges():
    bill = replace(GOOD_DINING, outlet=None, charges=(), payments=())
    assert codes(validate(bill, context())) == [("required", "outlet"), ("required", "charges")]


def test_a_dining_bill_has_no_room_charged_checks():
    check = GOOD_STAY.room_charged_checks[0]
    bill = replace(GOOD_DINING, room_charged_checks=(check,), payments=(Payment("cash", 14700),))
    assert codes(validate(bill, context())) == [("not_allowed", "room_charged_checks")]


def test_outlets_must_be_outlets_of_the_hotel():
    dining = replace(GOOD_DINING, outlet="NOWHERE")
    assert codes(validate(dining, context())) == [("unknown_outlet", "outlet")]
    check = replace(GOOD_STAY.room_charged_checks[0], outlet="NOWHERE")
    stay = replace(GOOD_STAY, room_charged_checks=(check,))
    assert codes(validate(stay, context())) == [("unknown_outlet", "room_charged_checks[0].outlet")]


def test_a_known_outlet_need_not_be_designated_to_be_valid():
    # Designation decides earning (NE2), not validity
    assert validate(replace(GOOD_DINING, outlet="BANQUET"), context()) == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"reservation_channel": "fax"}, "reservation_channel"),
        ({"settlement": "someday"}, "settlement"),
        ({"payments": (Payment("crypto", 45000),)}, "payments[0].method"),
        (
            {"charges": (Charge(DAY, "room", 30000, 4500, "1203"), Charge(DAY, "spa", 1300))},
            "charges[1].category",
        ),
    ],
)
def test_choices_outside_the_contract_are_invalid(changes, field):
    problems = validate(replace(GOOD_STAY, **changes), context())
    assert codes(problems) == [("invalid_choice", field)]


def test_a_check_charge_category_outside_the_contract_is_invalid():
    check = replace(GOOD_STAY.room_charged_checks[0], charges=(Charge(DAY, "corkage", 9200),))
    problems = validate(replace(GOOD_STAY, room_charged_checks=(check,)), context())
    assert codes(problems) == [("invalid_choice", "room_charged_checks[0].charges[0].category")]


def test_negative_amounts_are_refused():
    # Given negative amounts that still add up
    bill = replace(
        GOOD_DINING,
        charges=(Charge(DAY, "food_beverage", 6000, -500),),
        payments=(Payment("cash", 6000), Payment("cash", -500)),
    )
    assert codes(validate(bill, context())) == [
        ("negative_amount", "charges[0].tax_service"),
        ("negative_amount", "payments[1].amount"),
    ]
    check = replace(GOOD_STAY.room_charged_checks[0], charges=(Charge(DAY, "food_beverage", -1),))
    stay = replace(GOOD_STAY, room_charged_checks=(check,), payments=(Payment("cash", 35799),))
    assert codes(validate(stay, context())) == [("negative_amount", "room_charged_checks[0].charges[0].amount")]
    dining = replace(GOOD_DINING, charges=(Charge(DAY, "food_beverage", -5),))
    dining = replace(dining, payments=(Payment("cash", -5),))
    assert ("negative_amount", "charges[0].amount") in codes(validate(dining, context()))


def test_room_charges_must_name_a_room_of_the_bill():
    charges = (Charge(DAY, "room", 30000, 4500, "9999"), Charge(DAY, "minibar", 1000, 300))
    problems = validate(replace(GOOD_STAY, charges=charges), context())
    assert codes(problems) == [("unknown_room", "charges[0].room")]


def test_on_several_rooms_a_room_charge_must_say_which():
    rooms = (Room("1203", True, True), Room("1204", False, True))
    charges = (Charge(DAY, "room", 30000, 4500), Charge(DAY, "minibar", 1000, 300))
    problems = validate(replace(GOOD_STAY, rooms=rooms, charges=charges), context())
    # the room charge must say; the mini bar (not eligible) may stay unassigned
    assert codes(problems) == [("unknown_room", "charges[0].room")]


def test_payments_must_add_up_to_the_charges():
    # Given payments of 40,000 on charges of 45,000
    bill = replace(GOOD_STAY, payments=(Payment("credit_card", 40000),))
    problems = validate(bill, context())
    assert problems == [
        Problem("payments_mismatch", "payments", "payments total JPY 40,000 but charges total JPY 45,000")
    ]


@pytest.mark.parametrize(
    ("ctx", "accepted"),
    [
        (oh(NIKKO), True),
        (oh(replace(NIKKO, brand="jal-city")), True),
        (oh(replace(NIKKO, accepts_jal_coupons=False)), False),
        (oh(replace(NIKKO, brand="okura")), False),
        (context(hotel=replace(TOKYO, accepts_jal_coupons=True)), False),
        (context(hotel=NIKKO), False),
    ],
    ids=["nikko", "jal-city", "nikko-not-flagged", "okura", "new-otani", "new-otani-program"],
)
def test_oe5_jal_coupons_only_at_nikko_and_jal_city_hotels(ctx, accepted):
    bill = replace(GOOD_STAY, payments=(Payment("jal_coupon", 5000), Payment("credit_card", 40000)))
    problems = validate(bill, ctx)
    expected = [] if accepted else [("jal_coupon_not_accepted", "payments[0].method")]
    assert codes(problems) == expected


def test_every_problem_is_reported_at_once():
    bill = replace(
        GOOD_STAY,
        settlement="x",
        payments=(Payment("cash", -1),),
        charges=(Charge(DAY, "room", 1, 0, "7"),),
    )
    assert codes(validate(bill, context())) == [
        ("invalid_choice", "settlement"),
        ("unknown_room", "charges[0].room"),
        ("negative_amount", "payments[0].amount"),
        ("payments_mismatch", "payments"),
    ]


def test_validate_refuses_an_unknown_program():
    with pytest.raises(ValueError):
        validate(GOOD_STAY, context(program="other"))
