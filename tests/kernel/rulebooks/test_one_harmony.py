"""One Harmony rulebook (OE1-OE6) and stay history (SH1): one test or table per Rulebook ID."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from loyalty.rulebooks import (
    DEFAULT_RATES,
    Context,
    Exclusion,
    HotelInfo,
    Payment,
    Room,
    calculate,
)
from tests.kernel.rulebooks.builders import Builders, earned, excluded

APR1 = date(2025, 4, 1)
APR2 = date(2025, 4, 2)
APR3 = date(2025, 4, 3)
APR4 = date(2025, 4, 4)
OH_RATES = DEFAULT_RATES["one-harmony"]
OKURA = HotelInfo(code="HOK", country="JP", affiliation="group", brand="okura")
NIKKO = HotelInfo(code="NKT", country="JP", affiliation="group", brand="nikko", accepts_jal_coupons=True)
MEMBER = Room("801", member_room=True, for_points=True)


B = Builders(
    base_context=Context(
        program="one-harmony",
        hotel=OKURA,
        rates=OH_RATES,
        designated_outlets=frozenset({"YAMAZATO", "ORCHID"}),
        known_outlets=frozenset({"YAMAZATO", "ORCHID"}),
        member_since=date(2024, 1, 10),
    ),
    room=MEMBER,
    day=APR1,
    stay_paid_on=APR3,
    outlet="YAMAZATO",
    stay_number="HOK-501",
    dining_number="Y-88",
    # A stay is booked through the reservation center unless a test says otherwise.
    reservation_channel="reservation_center",
)
context, night, dish, check, stay, dining = B.context, B.night, B.dish, B.check, B.stay, B.dining


# --------------------------------------------------------------------------
# OE1 from the day of registration
# --------------------------------------------------------------------------


def test_oe1_points_are_earned_from_the_day_of_registration():
    # Given a two-night stay, the member registered on the second day
    bill = stay(night(30000, APR1), night(30000, APR2))
    # When calculated
    calc = calculate(bill, context(member_since=APR2))
    # Then the first night earns nothing, the second 30 x 20
    assert calc.points == 600
    assert calc.exclusions == (
        Exclusion("OE1", 30000, "used before registration on 2025-04-02", "2025-04-01 room 801", "unit"),
    )


def test_oe1_applies_to_restaurants_and_bars():
    calc = calculate(dining(dish(5000)), context(member_since=APR2))
    assert calc.points == 0
    assert excluded(calc) == [("OE1", 5000)]


# --------------------------------------------------------------------------
# OE2 rates, eligible amounts and units
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("amount", "points"), [(999, 0), (1000, 20), (10999, 200), (34500, 680)])
def test_oe2_stays_earn_20_points_per_full_1000_yen(amount, points):
    # Given one night with an eligible amount
    calc = calculate(stay(night(amount)), context())
    # Then it earns 20 points per full JPY 1,000
    assert calc.points == points


@pytest.mark.parametrize(("amount", "points"), [(999, 0), (1000, 10), (9999, 90), (9200, 90)])
def test_oe2_restaurants_and_bars_earn_10_points_per_full_1000_yen(amount, points):
    calc = calculate(dining(dish(amount)), context())
    assert calc.points == points
    assert calc.units[0].label == "check Y-88 YAMAZATO"


def test_oe2_units_are_rounded_apart_as_at_new_otani():
    # Given two nights of 10,999 and a package fee of 1,999 on the first
    bill = stay(night(10999, APR1), night(1999, APR1, category="package"), night(10999, APR2))
    calc = calculate(bill, context())
    # Then each unit is rounded on its own: 200 + 20 + 200 (not 460)
    assert earned(calc) == [
        ("2025-04-01 room 801", 10999, 200),
        ("2025-04-01 room 801 package", 1999, 20),
        ("2025-04-02 room 801", 10999, 200),
    ]
    assert calc.points == 420


@pytest.mark.parametrize(
    ("charge", "detail"),
    [
        (night(2000, category="minibar"), "mini bar is not a room charge"),
        (night(2000, category="laundry"), "laundry is not a room charge"),
    ],
)
def test_oe2_charges_other_than_rooms_and_packages_cite_oe2(charge, detail):
    # Given a night of 30,000 and a mini bar / laundry of 2,000
    calc = calculate(stay(night(30000), charge), context())
    # Then the charge is set aside for OE2 (as NE3), in words
    assert calc.points == 600
    assert calc.exclusions == (Exclusion("OE2", 2000, detail, None, "charge"),)


def test_oe2_dining_charges_other_than_food_cite_oe2():
    calc = calculate(dining(dish(10000), dish(5000, category="private_room")), context())
    assert calc.points == 100
    assert calc.exclusions == (Exclusion("OE2", 5000, "private room is not food and beverage", None, "charge"),)


def test_oe2_the_programs_excluded_categories_cite_oe2():
    rates = replace(OH_RATES, excluded_categories=frozenset({"package"}))
    calc = calculate(stay(night(10000), night(5000, category="package")), context(rates=rates))
    assert calc.points == 200
    assert calc.exclusions == (
        Exclusion("OE2", 5000, "package or plan fee is excluded from the program", None, "charge"),
    )


@pytest.mark.parametrize(
    ("method", "detail"),
    [
        ("coupon", "paid with tickets, coupons or vouchers"),
        ("reward_certificate", "paid with Reward Certificates"),
        ("other_organization_points", "paid with another organization's points or benefits"),
        ("bank_transfer", "paid later by bank transfer without the hotel's approval"),
    ],
)
def test_oe2_parts_paid_by_means_that_earn_nothing_cite_oe2(method, detail):
    # Given a night of 30,000, 10,000 of it paid with a means that earns nothing
    payments = [Payment(method, 10000), Payment("cash", 20000)]
    calc = calculate(stay(night(30000), payments=payments), context())
    # Then 20,000 earns: 400 points, the rest is excluded citing OE2 (not NX)
    assert calc.points == 400
    assert calc.exclusions == (Exclusion("OE2", 10000, detail, "2025-04-01 room 801", "payment"),)


def test_oe2_an_approved_bank_transfer_earns():
    payments = [Payment("bank_transfer", 10000), Payment("cash", 20000)]
    bill = stay(night(30000), payments=payments, settlement="later_approved")
    calc = calculate(bill, context())
    assert calc.points == 600
    assert calc.exclusions == ()


def test_oe2_rooms_the_member_named_earn_without_a_limit():
    # Given the member's room and two named rooms, partly paid by cash voucher
    rooms = [MEMBER, Room("802", False, True), Room("803", False, True)]
    bill = stay(
        night(10000),
        night(10000, room="802"),
        night(10000, room="803"),
        rooms=rooms,
        payments=[Payment("cash_voucher", 5000), Payment("credit_card", 25000)],
    )
    calc = calculate(bill, context())
    # Then all three rooms earn (the New Otani two-room limit, NE5, is not OH's)
    assert calc.points == 600
    assert calc.exclusions == ()


def test_oe2_a_room_neither_the_members_nor_named_earns_nothing():
    rooms = [MEMBER, Room("802", member_room=False, for_points=False)]
    calc = calculate(stay(night(10000), night(8000, room="802"), rooms=rooms), context())
    assert calc.points == 200
    assert calc.exclusions == (
        Exclusion(
            "OE2",
            8000,
            "room 802 was not the member's or named for points",
            "2025-04-01 room 802",
            "unit",
        ),
    )


def test_oe2_a_stay_without_the_members_room_still_earns_for_named_rooms():
    # Given the member books a named room for a guest and does not stay
    rooms = [Room("802", member_room=False, for_points=True)]
    calc = calculate(stay(night(10000, room="802"), rooms=rooms), context())
    # Then the room earns (NE4 is a New Otani term), but no night counts (SH1)
    assert calc.points == 200
    assert calc.nights == ()


@pytest.mark.parametrize(
    "changes",
    [
        {"settlement": "master_account"},
        {"settlement": "later"},
        {"paid_by_member": False},
        {"with_banquet": True},
        {"other_hotel_program": True},
        {"card_presented": False},
    ],
    ids=lambda c: next(iter(c)),
)
def test_oe2_new_otani_exclusions_are_not_one_harmony_terms(changes):
    # Given a stay that New Otani would not reward
    calc = calculate(stay(night(10000), **changes), context())
    # Then One Harmony rewards it: its terms do not say otherwise
    assert calc.points == 200
    assert calc.exclusions == ()


def test_oe2_rates_are_settings_per_kind_of_use():
    rates = replace(OH_RATES, stay_points=30, dining_points=15, dining_per_yen=500)
    bill = stay(night(10000), checks=[check("C-1", dish(1000))])
    calc = calculate(bill, context(rates=rates))
    assert [u.points for u in calc.units] == [300, 30]


# --------------------------------------------------------------------------
# OE3 reservation channel
# --------------------------------------------------------------------------


@pytest.mark.parametrize("channel", ["phone", "official_website", "reservation_center", "walk_in"])
def test_oe3_direct_and_reservation_center_stays_earn(channel):
    calc = calculate(stay(night(10000), reservation_channel=channel), context())
    assert calc.points == 200
    assert calc.exclusions == ()


@pytest.mark.parametrize("channel", ["travel_agency", "ota"])
@pytest.mark.parametrize(("allowed", "points", "rules"), [(True, 200, []), (False, 0, ["OE3"])])
def test_oe3_agency_stays_earn_only_where_the_hotel_allows_it(channel, allowed, points, rules):
    # Given an agency booking at a hotel that does / does not allow it
    hotel = replace(OKURA, travel_agency_stays_earn=allowed)
    calc = calculate(stay(night(10000), reservation_channel=channel), context(hotel=hotel))
    # Then it earns only where allowed, and counts its night either way (SH1)
    assert calc.points == points
    assert [e.rule for e in calc.exclusions] == rules
    assert calc.nights == (APR1,)


@pytest.mark.parametrize(
    ("channel", "detail"),
    [
        ("group", "group stays earn no points"),
        ("complimentary", "complimentary stays earn no points"),
        ("other_organization_rate", "stays at another organization's rate earn no points"),
        (None, "the stay was not booked through a channel that earns"),
    ],
)
def test_oe3_group_complimentary_and_other_rates_earn_nothing(channel, detail):
    hotel = replace(OKURA, travel_agency_stays_earn=True)
    calc = calculate(stay(night(10000), reservation_channel=channel), context(hotel=hotel))
    assert calc.points == 0
    assert calc.exclusions == (Exclusion("OE3", 10000, detail, None, "bill"),)
    assert [u.points for u in calc.units] == [0]


def test_oe3_the_earning_channels_are_a_setting():
    # Given One Harmony's Default channels (OE3: reservation centers, official website, directly with the hotel)
    assert OH_RATES.earning_channels == frozenset({"phone", "official_website", "reservation_center", "walk_in"})
    # When the office takes walk-ins off the list
    rates = replace(OH_RATES, earning_channels=OH_RATES.earning_channels - {"walk_in"})
    calc = calculate(stay(night(30000), reservation_channel="walk_in"), context(rates=rates))
    # Then a walk-in stay earns nothing (OE3)
    assert excluded(calc) == [("OE3", 30000)]


# --------------------------------------------------------------------------
# OE4 restaurant bills charged to the room
# --------------------------------------------------------------------------


def test_oe4_restaurant_bills_charged_to_the_room_earn_at_the_dining_rate():
    # Given a night of 30,000 and a dinner of 9,999 charged to the room
    bill = stay(night(30000), checks=[check("C-7", dish(8999, tax=1000))])
    calc = calculate(bill, context())
    # Then the dinner earns 9 x 10 with the room bill, apart from the room (600)
    assert earned(calc) == [
        ("2025-04-01 room 801", 30000, 600),
        ("check C-7 YAMAZATO", 9999, 90),
    ]
    assert calc.units[1].kind == "check"
    assert calc.points == 690


def test_oe4_every_outlet_of_a_member_hotel_earns():
    # Given a check at an outlet missing from the designated set (OH passes all
    # outlets; designation is a New Otani term, NE2)
    bill = stay(night(1000), checks=[check("C-8", dish(2000), outlet="ORCHID")])
    calc = calculate(bill, context(designated_outlets=frozenset()))
    assert calc.points == 20 + 20


# --------------------------------------------------------------------------
# OE5 JAL Coupons
# --------------------------------------------------------------------------


def test_oe5_a_stay_paid_with_jal_coupons_earns():
    # Given a stay at a Nikko hotel of 30,000, half in JAL Coupons
    bill = stay(night(30000), payments=[Payment("jal_coupon", 15000), Payment("cash", 15000)])
    calc = calculate(bill, context(hotel=NIKKO))
    # Then it earns in full
    assert calc.points == 600
    assert calc.exclusions == ()


@pytest.mark.parametrize("coupon", [1000, 35000])
def test_oe5_default_a_check_charged_to_a_room_paid_with_jal_coupons_earns_nothing(coupon):
    # Given a stay at a Nikko hotel of 30,000 + a dinner of 5,000 charged to the room, the folio paid partly or
    # wholly with JAL Coupons
    payments = [Payment("jal_coupon", coupon)] + ([Payment("cash", 35000 - coupon)] if coupon < 35000 else [])
    bill = stay(night(30000), checks=[check("C-1", dish(5000))], payments=payments)
    # When calculated under the OE5 Default (such a check is a restaurant bill paid with JAL Coupons)
    assert OH_RATES.jal_coupon_checks_earn is False
    calc = calculate(bill, context(hotel=NIKKO))
    # Then the dinner earns nothing and the stay's own night still earns
    assert earned(calc) == [("2025-04-01 room 801", 30000, 600), ("check C-1 YAMAZATO", 0, 0)]
    assert calc.exclusions == (
        Exclusion(
            "OE5",
            5000,
            "restaurant and bar bills charged to a room paid with JAL Coupons earn no points",
            "check C-1 YAMAZATO",
            "unit",
        ),
    )


def test_oe5_room_charged_checks_of_a_coupon_folio_earn_if_the_office_says_so():
    rates = replace(OH_RATES, jal_coupon_checks_earn=True)
    bill = stay(
        night(30000),
        checks=[check("C-1", dish(5000))],
        payments=[Payment("jal_coupon", 17500), Payment("cash", 17500)],
    )
    assert calculate(bill, context(hotel=NIKKO, rates=rates)).points == 600 + 50


@pytest.mark.parametrize("coupon", [1000, 11000])
def test_oe5_a_restaurant_bill_paid_partly_or_wholly_with_jal_coupons_earns_nothing(coupon):
    # Given a dinner of 11,000 paid partly / wholly with JAL Coupons
    payments = [Payment("jal_coupon", coupon)]
    if coupon < 11000:
        payments.append(Payment("cash", 11000 - coupon))
    calc = calculate(dining(dish(11000), payments=payments), context(hotel=NIKKO))
    # Then it earns nothing
    assert calc.points == 0
    assert calc.exclusions == (
        Exclusion(
            "OE5",
            11000,
            "restaurant and bar bills paid with JAL Coupons earn no points",
            None,
            "bill",
        ),
    )


# --------------------------------------------------------------------------
# OE6 status bonus
# --------------------------------------------------------------------------


@pytest.mark.parametrize(("status", "bonus"), [("member", 0), ("loyal", 150), ("exclusive", 300)])
def test_oe6_loyal_and_exclusive_members_earn_a_bonus(status, bonus):
    # Given a night of 30,000 (600 points)
    calc = calculate(stay(night(30000)), context(status=status))
    # Then Loyal earns +25%, Exclusive +50%, on top of the base points
    assert calc.points == 600
    assert calc.bonus_points == bonus
    assert calc.units[0].bonus_points == bonus
    assert calc.total_points == 600 + bonus


def test_oe6_the_bonus_is_rounded_down_per_unit():
    # Given two checks of 1,000 (10 points each) for a Loyal member
    bill = stay(night(1000), checks=[check("C-1", dish(1000)), check("C-2", dish(1000))])
    calc = calculate(bill, context(status="loyal"))
    # Then each check's bonus is 2 (10 x 25% rounded down), the night's 5: 9, not 10
    assert [u.bonus_points for u in calc.units] == [5, 2, 2]
    assert calc.bonus_points == 9


def test_oe6_the_bonus_percentages_are_settings():
    rates = replace(OH_RATES, loyal_bonus_percent=10)
    calc = calculate(stay(night(30000)), context(rates=rates, status="loyal"))
    assert calc.bonus_points == 60


def test_oe6_each_night_gets_the_status_in_force_on_its_date_of_use():
    # Given a Loyal member whose status ends on March 31 and who is Exclusive from April 1 (ST1)
    statuses = ((date(2024, 4, 1), date(2025, 3, 31), "loyal"), (APR1, date(2026, 3, 31), "exclusive"))
    # And a stay of the nights of March 30, March 31 and April 1, paid on April 2
    mar30, mar31 = date(2025, 3, 30), date(2025, 3, 31)
    bill = replace(stay(night(30000, mar30), night(30000, mar31), night(30000, APR1)), paid_on=APR2)
    # When calculated with the status periods (Date of use convention), the payment-day status being Exclusive
    calc = calculate(bill, context(status="exclusive", statuses=statuses))
    # Then the March nights get the Loyal bonus (+25%), the April night the Exclusive one (+50%)
    assert [(u.label, u.points, u.bonus_points) for u in calc.units] == [
        ("2025-03-30 room 801", 600, 150),
        ("2025-03-31 room 801", 600, 150),
        ("2025-04-01 room 801", 600, 300),
    ]
    assert calc.bonus_points == 600


def test_oe6_a_room_charged_check_gets_the_status_of_the_day_of_the_meal():
    # Given a member Loyal until March 31 and Member (no status) after
    statuses = ((date(2024, 4, 1), date(2025, 3, 31), "loyal"),)
    bill = stay(night(30000, APR1), checks=[check("C-1", dish(10000), day=date(2025, 3, 31))])
    calc = calculate(bill, context(statuses=statuses))
    # Then the night of April 1 earns no bonus and the dinner of March 31 earns the Loyal one
    assert [u.bonus_points for u in calc.units] == [0, 25]


def test_oe6_a_bill_that_earns_nothing_earns_no_bonus():
    calc = calculate(stay(night(30000), reservation_channel="group"), context(status="exclusive"))
    assert (calc.points, calc.bonus_points) == (0, 0)


# --------------------------------------------------------------------------
# SH1 nights
# --------------------------------------------------------------------------


def test_sh1_one_night_per_date_of_the_members_room():
    # Given three nights, a package fee on a night that has a room charge, a
    # package-only night, an additional room charge and a second room
    rooms = [MEMBER, Room("802", False, True)]
    bill = stay(
        night(10000, APR1),
        night(2000, APR1, category="package"),
        night(10000, APR2),
        night(12000, APR3, category="package"),
        night(3000, APR4, category="additional_room"),
        night(10000, APR4, room="802"),
        night(500, APR4, category="minibar"),
        rooms=rooms,
    )
    calc = calculate(bill, context())
    # Then the member's room counts one night per date with a room charge or package
    assert calc.nights == (APR1, APR2, APR3)


@pytest.mark.parametrize(
    ("channel", "nights"),
    [
        ("group", ()),
        ("complimentary", ()),
        ("travel_agency", (APR1, APR2)),
        ("ota", (APR1, APR2)),
        ("other_organization_rate", (APR1, APR2)),
        ("walk_in", (APR1, APR2)),
    ],
)
def test_sh1_nights_count_whatever_the_reservation_except_group_and_complimentary(channel, nights):
    bill = stay(night(10000, APR1), night(10000, APR2), reservation_channel=channel)
    assert calculate(bill, context()).nights == nights


def test_sh1_dining_counts_no_nights():
    assert calculate(dining(dish(10000)), context()).nights == ()


def test_sh1_nights_before_registration_do_not_count():
    bill = stay(night(10000, APR1), night(10000, APR2))
    assert calculate(bill, context(member_since=APR2)).nights == (APR2,)


def test_sh1_new_otani_bills_report_their_nights_too():
    bill = stay(night(10000, APR1), night(10000, APR2))
    noc = context(program="new-otani", rates=DEFAULT_RATES["new-otani"])
    assert calculate(bill, noc).nights == (APR1, APR2)
