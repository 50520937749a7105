"""New Otani Club rulebook: one test (or table) per Rulebook ID, with worked yen examples.

Every test asserts exact points and the exact exclusions (rule, amount), so a
rule that is broken makes its own test fail.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from loyalty.rulebooks import (
    DEFAULT_RATES,
    Context,
    Exclusion,
    HotelInfo,
    Payment,
    Rates,
    Room,
    calculate,
    new_otani,
)
from tests.kernel.rulebooks.builders import Builders, earned, excluded

MAR1 = date(2025, 3, 1)
MAR2 = date(2025, 3, 2)
MAR3 = date(2025, 3, 3)
NOC_RATES = DEFAULT_RATES["new-otani"]
TOKYO = HotelInfo(code="NOT", country="JP", affiliation="group", brand="new-otani")
MEMBER = Room("1203", member_room=True, for_points=True)


B = Builders(
    base_context=Context(
        program="new-otani",
        hotel=TOKYO,
        rates=NOC_RATES,
        designated_outlets=frozenset({"SATSUKI", "BAR"}),
        known_outlets=frozenset({"SATSUKI", "BAR", "BANQUET"}),
        member_since=date(2020, 1, 1),
    ),
    room=MEMBER,
    day=MAR1,
    stay_paid_on=MAR3,
    outlet="SATSUKI",
    stay_number="F-1001",
    dining_number="F-2001",
    # A stay is booked on the official website unless a test says otherwise.
    reservation_channel="official_website",
)
context, night, dish, check, stay, dining = B.context, B.night, B.dish, B.check, B.stay, B.dining


# --------------------------------------------------------------------------
# The contract's example (API.md "Bills")
# --------------------------------------------------------------------------


def test_api_example_bill_earns_3910_points():
    # Given the folio of API.md: two nights at 30,000 + 4,500, a mini bar and a
    # dinner at Satsuki charged to the room
    bill = stay(
        night(30000, MAR1, tax=4500),
        night(30000, MAR2, tax=4500),
        night(2000, MAR2, tax=300, category="minibar"),
        checks=[check("C-77", dish(8000, tax=1200))],
    )
    assert bill.payment_total == 80500
    # When it is calculated
    calc = calculate(bill, context())
    # Then each night earns 1,725, the dinner 460, the mini bar nothing (NX3)
    assert calc.points == 3910
    assert calc.bonus_points == 0
    assert earned(calc) == [
        ("2025-03-01 room 1203", 34500, 1725),
        ("2025-03-02 room 1203", 34500, 1725),
        ("check C-77 SATSUKI", 9200, 460),
    ]
    assert calc.exclusions == (Exclusion("NX3", 2300, "mini bar is not a room charge", None, "charge"),)
    assert calc.posts_on == date(2025, 3, 13)
    assert calc.nights == (MAR1, MAR2)


# --------------------------------------------------------------------------
# NE1 rate
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "points"),
    [(0, 0), (99, 0), (100, 5), (199, 5), (200, 10), (10050, 500), (34500, 1725)],
)
def test_ne1_five_points_for_every_full_100_yen(amount, points):
    # Given one night with an eligible amount
    bill = stay(night(amount))
    # When it is calculated (the NX2 minimum is set to 0 to see the rate alone)
    calc = calculate(bill, context(rates=replace(NOC_RATES, minimum_payment=0)))
    # Then it earns 5 points per full JPY 100, the remainder earns nothing
    assert calc.points == points
    assert calc.units[0].points == points


def test_ne1_the_rate_is_a_setting_in_force_on_the_date_of_use():
    # Given the office doubled the rate (PT1): 10 points per JPY 100
    rates = replace(NOC_RATES, stay_points=10, dining_points=10)
    bill = stay(night(10050), checks=[check("C-1", dish(1000))])
    # When calculated with those settings
    calc = calculate(bill, context(rates=rates))
    # Then the night earns 1,000 and the check 100
    assert [u.points for u in calc.units] == [1000, 100]


# --------------------------------------------------------------------------
# NE2 places: designated outlets on the date of use
# --------------------------------------------------------------------------


def test_ne2_dining_at_a_designated_outlet_earns():
    # Given dinner of 8,000 + 1,200 at Satsuki, designated that day
    calc = calculate(dining(dish(8000, tax=1200)), context())
    # Then it earns 92 x 5
    assert calc.points == 460
    assert earned(calc) == [("check F-2001 SATSUKI", 9200, 460)]
    assert calc.units[0].kind == "dining"
    assert calc.exclusions == ()


def test_ne2_dining_at_an_outlet_not_designated_earns_nothing():
    # Given the same dinner at Satsuki when it was not designated
    bill = dining(dish(8000, tax=1200))
    # When calculated with the outlets designated on that date
    calc = calculate(bill, context(designated_outlets=frozenset({"BAR"})))
    # Then the whole bill earns nothing, its unit is listed with nothing eligible
    assert calc.points == 0
    assert excluded(calc) == [("NE2", 9200)]
    assert calc.exclusions[0].scope == "bill"
    assert earned(calc) == [("check F-2001 SATSUKI", 0, 0)]
    assert calc.units[0].charged_amount == 9200


def test_ne2_room_charged_check_at_an_outlet_not_designated_earns_nothing():
    # Given a night of 10,000 and two checks charged to the room, one at the
    # banquet outlet which is not designated
    bill = stay(
        night(10000),
        checks=[check("C-1", dish(3000), outlet="BANQUET"), check("C-2", dish(2000))],
    )
    # When calculated
    calc = calculate(bill, context())
    # Then the room and the designated check earn, the other check does not
    assert calc.points == 500 + 100
    assert calc.exclusions == (
        Exclusion("NE2", 3000, "BANQUET is not a designated restaurant/bar", "check C-1 BANQUET", "unit"),
    )
    assert earned(calc)[1] == ("check C-1 BANQUET", 0, 0)


def test_ne2_a_room_charged_check_is_judged_on_the_day_of_the_meal_not_the_payment_day():
    # Given Satsuki was designated until March 2 and not from then on (its designation changes, by date)
    designations = {"SATSUKI": ((date(2007, 10, 1), True), (MAR2, False))}
    # And a stay paid on March 3 with a dinner at Satsuki on March 1, charged to the room
    bill = stay(night(10000), checks=[check("C-1", dish(3000), day=MAR1)])
    # When calculated with the designations by date (Date of use convention)
    calc = calculate(bill, context(designated_outlets=frozenset(), designations=designations))
    # Then the dinner earns: the outlet was designated on the day of the meal
    assert earned(calc) == [("2025-03-01 room 1203", 10000, 500), ("check C-1 SATSUKI", 3000, 150)]
    assert calc.exclusions == ()
    # And a dinner of March 2, when it no longer was, earns nothing (NE2)
    later = stay(night(10000), checks=[check("C-2", dish(3000), day=MAR2)])
    calc = calculate(later, context(designations=designations))
    assert excluded(calc) == [("NE2", 3000)]


def test_ne2_a_dining_bill_is_judged_on_its_date_of_use():
    # Given a dinner on March 1 paid on March 3, Satsuki designated from March 1 to March 2
    designations = {"SATSUKI": ((MAR1, True), (MAR3, False))}
    bill = replace(dining(dish(3000)), paid_on=MAR3)
    # Then it earns: designated on the day of use, whatever the payment day
    assert calculate(bill, context(designations=designations)).points == 150
    # And an outlet with no designation at all earns nothing
    assert excluded(calculate(bill, context(designations={}))) == [("NE2", 3000)]


# --------------------------------------------------------------------------
# NE3 eligible amounts
# --------------------------------------------------------------------------


def test_ne3_tax_and_service_of_eligible_charges_earn():
    # Given a room charge of 30,000 with 4,500 tax and service
    calc = calculate(stay(night(30000, tax=4500)), context())
    # Then 34,500 is eligible: 1,725 points (not 1,500)
    assert earned(calc) == [("2025-03-01 room 1203", 34500, 1725)]


def test_ne3_package_fees_earn_on_stays_and_checks():
    # Given a package fee on the folio and a package on a check
    bill = stay(
        night(20000, tax=2000, category="package"),
        checks=[check("C-5", dish(5000, tax=500, category="package"), dish(1000))],
    )
    calc = calculate(bill, context())
    # Then both are eligible with their tax and service
    assert earned(calc) == [
        ("2025-03-01 room 1203 package", 22000, 1100),
        ("check C-5 SATSUKI", 6500, 325),
    ]
    assert calc.points == 1425


# --------------------------------------------------------------------------
# NE4 conditions
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bill", "detail"),
    [
        (stay(night(10000), card_presented=False), "the membership card was not presented"),
        (dining(dish(10000), card_presented=False), "the membership card was not presented"),
        (
            stay(night(10000), rooms=[Room("1203", member_room=False, for_points=True)]),
            "the member did not stay in any of the rooms",
        ),
        (
            stay(night(10000), reservation_channel="complimentary"),
            "complimentary stays are not paid on the spot",
        ),
        (
            stay(night(10000), reservation_channel=None),
            "the stay was not reserved directly with the hotel",
        ),
    ],
    ids=["card-stay", "card-dining", "not-personally", "complimentary", "no-channel"],
)
def test_ne4_conditions_not_met_earn_nothing(bill, detail):
    # Given a bill of 10,000 that misses one of the conditions of Art. 2
    # When calculated
    calc = calculate(bill, context())
    # Then it earns nothing, for NE4, with the whole payment excluded
    assert calc.points == 0
    assert calc.exclusions == (Exclusion("NE4", 10000, detail, None, "bill"),)


@pytest.mark.parametrize("channel", ["phone", "official_website", "reservation_center"])
def test_ne4_stays_reserved_directly_with_the_hotel_earn(channel):
    # Given a night of 10,000 reserved directly (NE4 Default: phone, official website, reservation center)
    calc = calculate(stay(night(10000), reservation_channel=channel), context())
    # Then it earns 500
    assert calc.points == 500
    assert calc.exclusions == ()


def test_ne4_default_a_walk_in_stay_has_no_reservation_and_earns_nothing():
    # Given a night of 10,000 without a reservation, under the NE4 Default channels
    assert NOC_RATES.earning_channels == frozenset({"phone", "official_website", "reservation_center"})
    calc = calculate(stay(night(10000), reservation_channel="walk_in"), context())
    # Then it earns nothing, for NE4
    assert calc.points == 0
    assert calc.exclusions == (
        Exclusion("NE4", 10000, "the stay was not reserved directly with the hotel", None, "bill"),
    )


def test_ne4_the_earning_channels_are_a_setting_the_office_may_extend_to_walk_ins():
    # Given the office added walk-ins to the channels that earn
    rates = replace(NOC_RATES, earning_channels=NOC_RATES.earning_channels | {"walk_in"})
    calc = calculate(stay(night(10000), reservation_channel="walk_in"), context(rates=rates))
    # Then a walk-in stay earns
    assert calc.points == 500
    # And a channel the office removes no longer earns
    rates = replace(NOC_RATES, earning_channels=frozenset({"official_website"}))
    assert calculate(stay(night(10000), reservation_channel="phone"), context(rates=rates)).points == 0


# --------------------------------------------------------------------------
# NE5 two rooms at most
# --------------------------------------------------------------------------

OTHER = Room("1204", member_room=False, for_points=True)
THIRD = Room("1205", member_room=False, for_points=True)


def test_ne5_own_room_and_one_named_room_paid_by_cash_or_card_earn():
    # Given the member's room and a named room, paid by card and cash
    bill = stay(
        night(10000),
        night(8000, room="1204"),
        rooms=[MEMBER, OTHER],
        payments=[Payment("credit_card", 10000), Payment("cash", 8000)],
    )
    calc = calculate(bill, context())
    # Then both rooms earn
    assert calc.points == 500 + 400
    assert calc.exclusions == ()


def test_ne5_a_room_not_named_for_points_earns_nothing():
    # Given a second room the member did not name
    bill = stay(night(10000), night(8000, room="1204"), rooms=[MEMBER, replace(OTHER, for_points=False)])
    calc = calculate(bill, context())
    # Then only the member's room earns; room 1204's night is excluded
    assert calc.points == 500
    assert calc.exclusions == (
        Exclusion(
            "NE5",
            8000,
            "room 1204 was not named by the member for points",
            "2025-03-01 room 1204",
            "unit",
        ),
    )


def test_ne5_the_second_room_earns_only_when_paid_by_cash_or_card():
    # Given a named second room, part of the bill paid with a Group Hotel cash
    # voucher (which earns, Art. 2 (12), but is not cash or credit card)
    bill = stay(
        night(10000),
        night(8000, room="1204"),
        rooms=[MEMBER, OTHER],
        payments=[Payment("credit_card", 13000), Payment("cash_voucher", 5000)],
    )
    calc = calculate(bill, context())
    # Then the member's room earns in full, the second room nothing
    assert calc.points == 500
    assert excluded(calc) == [("NE5", 8000)]
    assert "cash or credit card" in calc.exclusions[0].detail


def test_ne5_a_third_room_earns_nothing():
    # Given three rooms, two of them named for points
    bill = stay(
        night(10000),
        night(8000, room="1204"),
        night(6000, room="1205"),
        rooms=[MEMBER, OTHER, THIRD],
    )
    calc = calculate(bill, context())
    # Then the member's room and the first named room earn; the third does not
    assert calc.points == 500 + 400
    assert calc.exclusions == (
        Exclusion("NE5", 6000, "points are awarded for 2 rooms at most", "2025-03-01 room 1205", "unit"),
    )


def test_ne5_the_number_of_rooms_is_a_setting():
    # Given the office allows three rooms
    bill = stay(
        night(10000),
        night(8000, room="1204"),
        night(6000, room="1205"),
        rooms=[MEMBER, OTHER, THIRD],
    )
    calc = calculate(bill, context(rates=replace(NOC_RATES, max_rooms=3)))
    # Then all three earn
    assert calc.points == 500 + 400 + 300


def test_ne5_the_members_own_room_need_not_be_listed_first():
    # Given the folio lists the named room before the member's own room, with a
    # third named room
    bill = stay(
        night(10000),
        night(8000, room="1204"),
        night(6000, room="1205"),
        rooms=[OTHER, THIRD, MEMBER],
    )
    calc = calculate(bill, context())
    # Then the own room and the first named room in folio order earn
    assert calc.points == 500 + 400
    assert excluded(calc) == [("NE5", 6000)]


# --------------------------------------------------------------------------
# NE6 calculation units
# --------------------------------------------------------------------------


def test_ne6_each_night_is_rounded_apart():
    # Given two nights of 10,050
    calc = calculate(stay(night(10050, MAR1), night(10050, MAR2)), context())
    # Then each night earns 500: 1,000 in all, not 1,005
    assert [u.points for u in calc.units] == [500, 500]
    assert calc.points == 1000


def test_ne6_room_charges_and_package_fees_are_separate_units():
    # Given a room charge of 10,050 and a package fee of 1,050 on one night
    bill = stay(night(10050), night(1050, category="package"))
    calc = calculate(bill, context())
    # Then they are rounded apart: 500 + 50 (not 555)
    assert earned(calc) == [
        ("2025-03-01 room 1203", 10050, 500),
        ("2025-03-01 room 1203 package", 1050, 50),
    ]
    assert calc.units[1].kind == "package"


def test_ne6_additional_room_charges_are_not_added_to_package_fees():
    # Given a package fee of 1,050 and an additional room charge of 1,050 (Art. 4 (2))
    bill = stay(night(1050, category="additional_room"), night(1050, category="package"))
    calc = calculate(bill, context())
    # Then each earns 50 (not 105 together), package listed before the additional charge
    assert earned(calc) == [
        ("2025-03-01 room 1203 package", 1050, 50),
        ("2025-03-01 room 1203 additional room charge", 1050, 50),
    ]
    assert calc.units[1].kind == "additional_room"
    assert calc.points == 100


def test_ne6_charges_of_one_kind_on_one_night_add_up():
    # Given two room charge lines on the same night (e.g. rate and extra bed)
    calc = calculate(stay(night(5050), night(5050)), context())
    # Then they form one unit of 10,100: 505 points (not 500)
    assert earned(calc) == [("2025-03-01 room 1203", 10100, 505)]


def test_ne6_each_room_charged_check_is_calculated_apart():
    # Given two checks of 150 at the same outlet on the same day
    bill = stay(night(10000), checks=[check("C-1", dish(150)), check("C-2", dish(150))])
    calc = calculate(bill, context())
    # Then each earns 5 (not 15 together), apart from the room
    assert earned(calc) == [
        ("2025-03-01 room 1203", 10000, 500),
        ("check C-1 SATSUKI", 150, 5),
        ("check C-2 SATSUKI", 150, 5),
    ]
    assert calc.points == 510


def test_ne6_units_are_listed_by_date_room_and_kind_then_checks():
    # Given charges posted out of order on two rooms
    bill = stay(
        night(100, MAR2, room="1204", category="package"),
        night(100, MAR2, room="1204"),
        night(100, MAR1, room="1204"),
        night(100, MAR2),
        night(100, MAR1, category="additional_room"),
        night(100, MAR1),
        rooms=[MEMBER, OTHER],
        payments=[Payment("cash", 600 + 300)],
        checks=[check("C-9", dish(300), day=MAR1)],
    )
    calc = calculate(bill, context())
    # Then units follow date, room (folio order), kind, and the checks come last
    assert [u.label for u in calc.units] == [
        "2025-03-01 room 1203",
        "2025-03-01 room 1203 additional room charge",
        "2025-03-01 room 1204",
        "2025-03-02 room 1203",
        "2025-03-02 room 1204",
        "2025-03-02 room 1204 package",
        "check C-9 SATSUKI",
    ]
    assert calc.points == 6 * 5 + 15


def test_ne6_a_shared_room_earns_once_for_the_member_of_the_bill():
    # Given another member shares the member's room
    shared = replace(MEMBER, members=("1000000025",))
    calc = calculate(stay(night(10000), rooms=[shared]), context())
    # Then the room earns once, for the member the bill is reported for
    assert calc.points == 500
    assert len(calc.units) == 1


def test_ne6_a_room_night_another_members_bill_earned_for_earns_nothing():
    # Given a two-night stay in room 1203 whose first night already earned for another member's bill
    bill = stay(night(10000, MAR1), night(10000, MAR2), checks=[check("C-1", dish(2000))])
    calc = calculate(bill, context(rooms_earned_elsewhere=frozenset({("1203", MAR1)})))
    # Then only one of the members earns for that night: this bill's first night earns nothing (NE6)
    assert earned(calc) == [
        ("2025-03-01 room 1203", 0, 0),
        ("2025-03-02 room 1203", 10000, 500),
        ("check C-1 SATSUKI", 2000, 100),
    ]
    assert calc.exclusions == (
        Exclusion(
            "NE6", 10000, "room 1203 already earned for this night on another bill", "2025-03-01 room 1203", "unit"
        ),
    )
    # And the night still counts in the member's stay history (SH1: nights stayed)
    assert calc.nights == (MAR1, MAR2)


def test_ne6_a_folio_charge_without_room_belongs_to_the_members_room():
    # Given a one-room folio whose room charge names no room
    calc = calculate(stay(night(10000, room=None)), context())
    # Then it is the member's room night
    assert earned(calc) == [("2025-03-01 room 1203", 10000, 500)]
    assert calc.nights == (MAR1,)


def test_ne6_a_dining_bill_is_one_unit_dated_on_its_use():
    # Given a lunch with two lines
    calc = calculate(dining(dish(1550), dish(1550)), context())
    # Then one unit of 3,100: 155 points
    assert earned(calc) == [("check F-2001 SATSUKI", 3100, 155)]
    assert calc.units[0].date == MAR1
    assert calc.units[0].outlet == "SATSUKI"
    assert calc.units[0].check == "F-2001"


# --------------------------------------------------------------------------
# NE7 posting
# --------------------------------------------------------------------------


def test_ne7_points_post_10_days_after_payment():
    # Given a stay paid on 2025-03-03
    calc = calculate(stay(night(10000)), context())
    # Then the points post on 2025-03-13
    assert calc.posts_on == MAR3 + timedelta(days=10)


def test_ne7_the_posting_delay_is_a_setting():
    rates = replace(NOC_RATES, posting_days=14)
    calc = calculate(stay(night(10000)), context(rates=rates))
    assert calc.posts_on == date(2025, 3, 17)


# --------------------------------------------------------------------------
# NE8 duplication with other programs of the hotel
# --------------------------------------------------------------------------


def test_ne8_a_bill_earning_another_hotel_program_earns_nothing():
    # Given a stay that earned points of another program of the Group Hotel
    calc = calculate(stay(night(10000), other_hotel_program=True), context())
    # Then it earns no New Otani Club points
    assert calc.points == 0
    assert excluded(calc) == [("NE8", 10000)]


# --------------------------------------------------------------------------
# NE9 payment parts that earn nothing
# --------------------------------------------------------------------------


def test_ne9_a_reward_certificate_reduces_the_first_unit():
    # Given two nights of 10,050, JPY 5,000 paid with a Reward Certificate
    bill = stay(
        night(10050, MAR1),
        night(10050, MAR2),
        payments=[Payment("reward_certificate", 5000), Payment("credit_card", 15100)],
    )
    calc = calculate(bill, context())
    # Then the first night keeps 5,050 (250 points), the second earns 500
    assert earned(calc) == [
        ("2025-03-01 room 1203", 5050, 250),
        ("2025-03-02 room 1203", 10050, 500),
    ]
    assert calc.exclusions == (
        Exclusion("NX11", 5000, "paid with Reward Certificates", "2025-03-01 room 1203", "payment"),
    )


def test_ne9_a_reduction_spills_over_to_the_next_unit():
    # Given two nights of 10,050 and a coupon of 12,000 then a certificate of 1,000
    bill = stay(
        night(10050, MAR1),
        night(10050, MAR2),
        payments=[
            Payment("coupon", 12000),
            Payment("reward_certificate", 1000),
            Payment("cash", 7100),
        ],
    )
    calc = calculate(bill, context())
    # Then the first night is used up, the second keeps 7,100: 355 points
    assert earned(calc) == [
        ("2025-03-01 room 1203", 0, 0),
        ("2025-03-02 room 1203", 7100, 355),
    ]
    assert [(e.rule, e.amount, e.unit) for e in calc.exclusions] == [
        ("NX12", 10050, "2025-03-01 room 1203"),
        ("NX12", 1950, "2025-03-02 room 1203"),
        ("NX11", 1000, "2025-03-02 room 1203"),
    ]


def test_ne9_reductions_reach_room_charged_checks_after_the_folio():
    # Given a night of 1,000 and a check of 2,000, paid 2,500 with coupons
    bill = stay(
        night(1000),
        checks=[check("C-1", dish(2000))],
        payments=[Payment("coupon", 2500), Payment("cash", 500)],
    )
    calc = calculate(bill, context())
    # Then the night is used up and the check keeps 500: 25 points
    assert earned(calc) == [("2025-03-01 room 1203", 0, 0), ("check C-1 SATSUKI", 500, 25)]
    assert excluded(calc) == [("NX12", 1000), ("NX12", 1500)]


def test_ne9_reductions_skip_units_that_already_earn_nothing():
    # Given a night before admission and a night after it, paid partly by coupon
    bill = stay(
        night(10000, MAR1),
        night(10000, MAR2),
        payments=[Payment("coupon", 4000), Payment("cash", 16000)],
    )
    calc = calculate(bill, context(member_since=MAR2))
    # Then the coupon comes off the night that earns
    assert earned(calc) == [("2025-03-01 room 1203", 0, 0), ("2025-03-02 room 1203", 6000, 300)]
    assert excluded(calc) == [("NX13", 10000), ("NX12", 4000)]


def test_ne9_a_part_larger_than_what_is_eligible_stops_at_zero():
    # Given a night of 1,000 and a mini bar of 500 paid wholly with coupons
    bill = stay(night(1000), night(500, category="minibar"), payments=[Payment("coupon", 1500)])
    calc = calculate(bill, context())
    # Then nothing earns, and no more than the eligible 1,000 is excluded for NX12
    assert calc.points == 0
    assert excluded(calc) == [("NX3", 500), ("NX12", 1000)]


@pytest.mark.parametrize("method", ["cash", "credit_card", "approved_other", "cash_voucher"])
def test_ne9_cash_cards_approved_means_and_cash_vouchers_earn(method):
    # Given a night of 10,000 paid with a means that earns
    calc = calculate(stay(night(10000), payments=[Payment(method, 10000)]), context())
    # Then it earns in full
    assert calc.points == 500
    assert calc.exclusions == ()


# --------------------------------------------------------------------------
# NX1-NX15 exclusions
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hotel", "detail"),
    [
        (replace(TOKYO, affiliation="associate"), "points are not awarded at associate hotels"),
        (replace(TOKYO, country="CN"), "points are not awarded at hotels outside Japan"),
    ],
    ids=["associate-in-japan", "group-abroad"],
)
def test_nx1_associate_hotels_and_hotels_abroad_earn_nothing(hotel, detail):
    # Given a stay of 10,000 at such a hotel
    calc = calculate(stay(night(10000)), context(hotel=hotel))
    # Then it earns nothing
    assert calc.points == 0
    assert calc.exclusions == (Exclusion("NX1", 10000, detail, None, "bill"),)


@pytest.mark.parametrize(("amount", "points", "rules"), [(99, 0, ["NX2"]), (100, 5, [])])
def test_nx2_payments_under_100_yen_earn_nothing(amount, points, rules):
    # Given a bar bill of 99 / 100 yen
    calc = calculate(dining(dish(amount), outlet="BAR"), context())
    # Then under 100 earns nothing
    assert calc.points == points
    assert [e.rule for e in calc.exclusions] == rules


def test_nx2_the_minimum_payment_is_a_setting():
    # Given the office raised the minimum to JPY 1,000
    rates = replace(NOC_RATES, minimum_payment=1000)
    calc = calculate(dining(dish(999)), context(rates=rates))
    # Then a bill of 999 earns nothing
    assert excluded(calc) == [("NX2", 999)]
    assert calc.exclusions[0].detail == "payments under JPY 1,000 earn no points"


@pytest.mark.parametrize(
    ("category", "detail"),
    [
        ("minibar", "mini bar is not a room charge"),
        ("massage", "massage is not a room charge"),
        ("laundry", "laundry is not a room charge"),
        ("other", "other charge is not a room charge"),
        ("food_beverage", "food and beverage is not a room charge"),
    ],
)
def test_nx3_stay_charges_other_than_room_and_package_earn_nothing(category, detail):
    # Given a night of 10,000 and a charge of 1,000 + 150 tax/service
    bill = stay(night(10000), night(1000, tax=150, category=category))
    calc = calculate(bill, context())
    # Then only the night earns and the charge is excluded with its tax/service
    assert calc.points == 500
    assert calc.exclusions == (Exclusion("NX3", 1150, detail, None, "charge"),)


@pytest.mark.parametrize(
    ("category", "detail"),
    [
        ("private_room", "private room is not food and beverage"),
        ("flowers", "flower decoration is not food and beverage"),
        ("other", "other charge is not food and beverage"),
    ],
)
def test_nx4_dining_charges_other_than_food_and_packages_earn_nothing(category, detail):
    # Given a dinner of 10,000 with a charge of 3,000 + 300
    calc = calculate(dining(dish(10000), dish(3000, tax=300, category=category)), context())
    # Then only the food earns
    assert calc.points == 500
    assert calc.exclusions == (Exclusion("NX4", 3300, detail, None, "charge"),)
    assert calc.units[0].charged_amount == 10000


def test_nx4_applies_to_room_charged_checks_too():
    # Given a check charged to the room with flowers of 2,000
    bill = stay(night(10000), checks=[check("C-3", dish(4000), dish(2000, category="flowers"))])
    calc = calculate(bill, context())
    # Then the check earns on its food only
    assert earned(calc)[1] == ("check C-3 SATSUKI", 4000, 200)
    assert excluded(calc) == [("NX4", 2000)]


def test_nx5_restaurant_weddings_earn_nothing():
    # Given a wedding dinner of 500,000
    calc = calculate(dining(dish(500000), wedding=True), context())
    # Then it earns nothing
    assert calc.points == 0
    assert excluded(calc) == [("NX5", 500000)]


@pytest.mark.parametrize("channel", ["travel_agency", "ota"])
def test_nx6_stays_booked_through_agents_earn_nothing(channel):
    # Given a stay booked through an agent, at a hotel that would allow it for
    # One Harmony (the flag is not a New Otani term)
    hotel = replace(TOKYO, travel_agency_stays_earn=True)
    calc = calculate(stay(night(10000), reservation_channel=channel), context(hotel=hotel))
    # Then it earns nothing, but its night still counts (SH1)
    assert calc.points == 0
    assert excluded(calc) == [("NX6", 10000)]
    assert calc.nights == (MAR1,)


def test_nx7_payments_not_made_by_the_member_earn_nothing():
    calc = calculate(stay(night(10000), paid_by_member=False), context())
    assert calc.points == 0
    assert excluded(calc) == [("NX7", 10000)]


@pytest.mark.parametrize(
    ("settlement", "points", "rules"),
    [("later", 0, [("NX8", 10000)]), ("later_approved", 500, []), ("on_the_spot", 500, [])],
)
def test_nx8_later_payment_earns_only_when_the_hotel_approved_it(settlement, points, rules):
    # Given a stay of 10,000 settled at a later date
    calc = calculate(stay(night(10000), settlement=settlement), context())
    # Then it earns only if the hotel approved the later payment
    assert calc.points == points
    assert excluded(calc) == rules


@pytest.mark.parametrize(
    ("settlement", "points", "rules"),
    [("on_the_spot", 250, [("NX8", 5000)]), ("later_approved", 500, [])],
)
def test_nx8_a_bank_transfer_earns_only_when_approved(settlement, points, rules):
    # Given a night of 10,000, half paid by bank transfer
    payments = [Payment("bank_transfer", 5000), Payment("cash", 5000)]
    bill = stay(night(10000), payments=payments, settlement=settlement)
    calc = calculate(bill, context())
    # Then the transferred part earns only with the hotel's approval
    assert calc.points == points
    assert excluded(calc) == rules


@pytest.mark.parametrize(
    ("changes", "detail"),
    [
        ({"settlement": "master_account"}, "the bill was paid through a master account"),
        ({"reservation_channel": "group"}, "group stays are paid through the group's account"),
    ],
)
def test_nx9_master_accounts_and_groups_earn_nothing(changes, detail):
    calc = calculate(stay(night(10000), **changes), context())
    assert calc.points == 0
    assert calc.exclusions == (Exclusion("NX9", 10000, detail, None, "bill"),)


def test_nx9_a_dining_bill_on_a_master_account_earns_nothing():
    calc = calculate(dining(dish(10000), settlement="master_account"), context())
    assert excluded(calc) == [("NX9", 10000)]


@pytest.mark.parametrize("kind", ["stay", "dining"])
def test_nx10_bills_paid_with_banquet_fees_earn_nothing(kind):
    bill = stay(night(10000)) if kind == "stay" else dining(dish(10000))
    calc = calculate(replace(bill, with_banquet=True), context())
    assert calc.points == 0
    assert excluded(calc) == [("NX10", 10000)]


def test_nx11_reward_certificates_earn_nothing():
    # Given a dinner of 12,000, 5,000 of it paid with a Reward Certificate
    payments = [Payment("reward_certificate", 5000), Payment("cash", 7000)]
    calc = calculate(dining(dish(12000), payments=payments), context())
    # Then 7,000 earns: 350 points
    assert calc.points == 350
    assert excluded(calc) == [("NX11", 5000)]


def test_nx12_coupons_earn_nothing_but_cash_vouchers_do():
    # Given a dinner of 12,000: 2,000 by meal coupon, 3,000 by a hotel cash voucher
    payments = [Payment("coupon", 2000), Payment("cash_voucher", 3000), Payment("cash", 7000)]
    calc = calculate(dining(dish(12000), payments=payments), context())
    # Then the coupon part earns nothing, the voucher part earns
    assert calc.points == 500
    assert calc.exclusions == (
        Exclusion("NX12", 2000, "paid with tickets, coupons or vouchers", "check F-2001 SATSUKI", "payment"),
    )


def test_nx12_a_jal_coupon_that_slips_through_is_a_coupon():
    # Given a JAL Coupon reported at New Otani (validation refuses it, OE5)
    payments = [Payment("jal_coupon", 2000), Payment("cash", 10000)]
    calc = calculate(dining(dish(12000), payments=payments), context())
    # Then it earns nothing like any coupon
    assert excluded(calc) == [("NX12", 2000)]
    assert calc.points == 500


def test_nx13_uses_before_admission_earn_nothing():
    # Given a stay of two nights, the member admitted on the second day (M6)
    bill = stay(night(10000, MAR1), night(10000, MAR2))
    calc = calculate(bill, context(member_since=MAR2))
    # Then only the second night earns
    assert calc.points == 500
    assert calc.exclusions == (
        Exclusion(
            "NX13",
            10000,
            "used before the member's admission on 2025-03-02",
            "2025-03-01 room 1203",
            "unit",
        ),
    )
    assert calc.nights == (MAR2,)


def test_nx13_applies_to_dining_and_room_charged_checks():
    # Given a check of the day before admission and a dinner of that day
    bill = stay(night(10000, MAR2), checks=[check("C-1", dish(3000), day=MAR1)])
    calc = calculate(bill, context(member_since=MAR2))
    assert calc.points == 500
    assert excluded(calc) == [("NX13", 3000)]
    din = calculate(dining(dish(3000)), context(member_since=MAR2))
    assert din.points == 0
    assert excluded(din) == [("NX13", 3000)]


def test_nx14_other_organizations_points_earn_nothing():
    payments = [Payment("other_organization_points", 3000), Payment("cash", 7000)]
    calc = calculate(stay(night(10000), payments=payments), context())
    assert calc.points == 350
    assert excluded(calc) == [("NX14", 3000)]


def test_nx14_stays_at_other_organizations_rates_earn_nothing():
    calc = calculate(stay(night(10000), reservation_channel="other_organization_rate"), context())
    assert calc.points == 0
    assert excluded(calc) == [("NX14", 10000)]


def test_nx15_categories_the_program_excludes_earn_nothing():
    # Given the office excludes package fees and the mini bar
    rates = replace(NOC_RATES, excluded_categories=frozenset({"package", "minibar"}))
    bill = stay(night(10000), night(5000, category="package"), night(700, category="minibar"))
    calc = calculate(bill, context(rates=rates))
    # Then packages earn nothing, and NX15 is cited before NX3
    assert calc.points == 500
    assert excluded(calc) == [("NX15", 5000), ("NX15", 700)]
    assert calc.exclusions[0].detail == "package or plan fee is excluded from the program"


# --------------------------------------------------------------------------
# Whole-bill exclusions: one reason, units still listed
# --------------------------------------------------------------------------


def test_whole_bill_exclusion_names_the_first_reason_and_lists_the_units():
    # Given an associate hotel, a bill not paid by the member, with a mini bar
    bill = stay(night(10000), night(1000, category="minibar"), paid_by_member=False)
    calc = calculate(bill, context(hotel=replace(TOKYO, affiliation="associate")))
    # Then one exclusion of the whole payment total, citing NX1 (Art. 2 (1) first)
    assert excluded(calc) == [("NX1", 11000)]
    assert earned(calc) == [("2025-03-01 room 1203", 0, 0)]
    assert calc.excluded_whole is calc.exclusions[0]
    assert calc.units[0].charged_amount == 10000


def test_new_otani_has_no_status_bonus():
    # Given a member whose context says exclusive (a One Harmony status)
    calc = calculate(stay(night(10000)), context(status="exclusive"))
    # Then New Otani awards no bonus
    assert calc.bonus_points == 0
    assert calc.units[0].bonus_points == 0


def test_rooms_that_earn_reports_why_each_other_room_does_not():
    rooms = (MEMBER, replace(OTHER, for_points=False), THIRD, Room("1206", False, True))
    bill = stay(night(100), rooms=rooms)
    earning, why_not = new_otani.rooms_that_earn(bill, NOC_RATES)
    assert earning == {"1203", "1205"}
    assert set(why_not) == {"1204", "1206"}


def test_calculate_refuses_an_unknown_program_or_kind():
    with pytest.raises(ValueError):
        calculate(stay(night(100)), context(program="other"))
    with pytest.raises(ValueError):
        calculate(replace(stay(night(100)), kind="banquet"), context())


def test_rates_refuse_settings_that_cannot_work():
    with pytest.raises(ValueError):
        Rates(stay_points=5, stay_per_yen=0, dining_points=5, dining_per_yen=100)
    with pytest.raises(ValueError):
        Rates(stay_points=-5, stay_per_yen=100, dining_points=5, dining_per_yen=100)
    with pytest.raises(ValueError):
        replace(NOC_RATES, max_rooms=0)
    with pytest.raises(ValueError):
        NOC_RATES.bonus_percent("gold")
