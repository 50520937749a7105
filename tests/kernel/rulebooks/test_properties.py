"""Properties of both rulebooks over generated valid bills (hypothesis)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from loyalty.rulebooks import (
    CHANNELS,
    CHARGE_CATEGORIES,
    DEFAULT_RATES,
    PAYMENT_METHODS,
    SETTLEMENTS,
    Bill,
    Charge,
    Check,
    Context,
    HotelInfo,
    Payment,
    Room,
    calculate,
    validate,
)

FIRST = date(2025, 3, 1)
OUTLETS = ("SATSUKI", "BAR", "LOUNGE")
FOLIO_KINDS = {"room", "package", "additional_room"}
EARNING = {"phone", "official_website", "walk_in", "reservation_center"}

# Strategies are built once: composing them inside the composites costs more
# than the calculations under test.


def usually(common, rare) -> st.SearchStrategy:
    """Mostly ``common``, sometimes ``rare``: so that most generated bills get to earn."""
    return st.sampled_from([common] * 7 + [rare])


def one_to(n: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=1, max_value=n)


days = st.sampled_from([FIRST + timedelta(days=n) for n in range(5)])
amounts = st.one_of(st.integers(1_000, 40_000), st.integers(min_value=0, max_value=999))
taxes = st.integers(min_value=0, max_value=6_000)
categories = st.sampled_from(sorted(CHARGE_CATEGORIES))
folio_categories = st.one_of(st.sampled_from(sorted(FOLIO_KINDS)), categories)
check_categories = st.one_of(st.sampled_from(["food_beverage", "package"]), categories)
outlets = st.sampled_from(OUTLETS)
mostly_true = usually(True, False)
mostly_false = usually(False, True)
settlements = st.one_of(st.just("on_the_spot"), st.sampled_from(sorted(SETTLEMENTS)))
channels = st.one_of(st.sampled_from(sorted(EARNING)), st.sampled_from(sorted(CHANNELS)))
programs = st.sampled_from(["new-otani", "one-harmony"])
oh_brands = st.sampled_from(["okura", "nikko", "jal-city"])
statuses = st.sampled_from(["member", "loyal", "exclusive"])
countries = usually("JP", "FR")
affiliations = usually("group", "associate")
undesignated = usually(None, "SATSUKI")
admissions = usually(FIRST, FIRST + timedelta(days=2))
excluded_sets = st.frozensets(categories, max_size=2)
common_means = st.sampled_from(["cash", "credit_card"])
all_means = st.sampled_from(sorted(PAYMENT_METHODS))
means_without_jal = st.sampled_from(sorted(PAYMENT_METHODS - {"jal_coupon"}))
dining_charges = st.lists(st.builds(Charge, days, check_categories, amounts, taxes), min_size=1, max_size=3).map(tuple)
check_charges = st.lists(
    st.builds(Charge, st.just(FIRST), check_categories, amounts, taxes), min_size=1, max_size=3
).map(tuple)


@st.composite
def contexts(draw) -> Context:
    program = draw(programs)
    hotel = HotelInfo(
        code="H1",
        country=draw(countries),
        affiliation=draw(affiliations),
        brand="new-otani" if program == "new-otani" else draw(oh_brands),
        accepts_jal_coupons=draw(st.booleans()),
        travel_agency_stays_earn=draw(st.booleans()),
    )
    rates = replace(
        DEFAULT_RATES[program],
        excluded_categories=draw(excluded_sets),
        max_rooms=draw(one_to(3)),
    )
    return Context(
        program=program,
        hotel=hotel,
        rates=rates,
        designated_outlets=frozenset(OUTLETS) - {draw(undesignated)},
        known_outlets=frozenset(OUTLETS),
        member_since=draw(admissions),
        status=draw(statuses),
    )


def draw_payments(draw, total: int, context: Context) -> tuple[Payment, ...]:
    """Split ``total`` into 1-3 payments with means the hotel accepts (OE5)."""
    jal_ok = context.program == "one-harmony" and context.hotel.takes_jal_coupons
    means = st.one_of(common_means, all_means if jal_ok else means_without_jal)
    count = draw(one_to(3))
    cuts = sorted(draw(st.integers(min_value=0, max_value=total)) for _ in range(count - 1))
    parts = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    return tuple(Payment(draw(means), part) for part in parts)


@st.composite
def cases(draw) -> tuple[Bill, Context]:
    """A valid bill (stay or dining) and the context it is calculated in."""
    context = draw(contexts())
    flags = {
        "card_presented": draw(mostly_true),
        "paid_by_member": draw(mostly_true),
        "settlement": draw(settlements),
        "with_banquet": draw(mostly_false),
        "wedding": draw(mostly_false),
        "other_hotel_program": draw(mostly_false),
    }
    if draw(st.booleans()):
        charges = draw(dining_charges)
        bill = Bill(
            kind="dining",
            number="D-1",
            paid_on=FIRST + timedelta(days=4),
            reservation_channel=None,
            payments=draw_payments(draw, sum(c.total for c in charges), context),
            charges=charges,
            outlet=draw(outlets),
            **flags,
        )
        return bill, context
    names = [f"10{i}" for i in range(draw(one_to(3)))]
    rooms = tuple(
        Room(n, draw(mostly_true if i == 0 else mostly_false), draw(st.booleans())) for i, n in enumerate(names)
    )
    on_room = st.sampled_from(names + ([None] if len(names) == 1 else []))
    charges = tuple(
        Charge(draw(days), draw(folio_categories), draw(amounts), draw(taxes), draw(on_room))
        for _ in range(draw(one_to(6)))
    )
    checks = tuple(
        Check(draw(outlets), f"C-{i}", draw(days), draw(check_charges))
        for i in range(draw(st.integers(min_value=0, max_value=2)))
    )
    total = sum(c.total for c in charges) + sum(c.total for k in checks for c in k.charges)
    bill = Bill(
        kind="stay",
        number="F-1",
        paid_on=FIRST + timedelta(days=5),
        reservation_channel=draw(channels),
        payments=draw_payments(draw, total, context),
        rooms=rooms,
        charges=charges,
        room_charged_checks=checks,
        **flags,
    )
    return bill, context


def non_earning(method: str, bill: Bill, context: Context) -> bool:
    """Payment means that earn nothing (NE9; OE2; OE5 for One Harmony dining)."""
    if method in {"reward_certificate", "coupon", "other_organization_points"}:
        return True
    if method == "bank_transfer":
        return bill.settlement != "later_approved"
    if method == "jal_coupon":
        return context.program == "new-otani" or bill.kind == "dining"
    return False


SETTINGS = settings(max_examples=100, deadline=None)


@SETTINGS
@given(cases())
def test_generated_bills_are_valid(case):
    bill, context = case
    assert validate(bill, context) == []


@SETTINGS
@given(cases())
def test_points_are_never_negative(case):
    calc = calculate(*case)
    assert calc.points >= 0
    assert calc.bonus_points >= 0
    assert all(u.points >= 0 and u.eligible_amount >= 0 for u in calc.units)
    assert all(e.amount >= 0 for e in calc.exclusions)


@SETTINGS
@given(cases())
def test_points_are_the_sum_of_the_units(case):
    calc = calculate(*case)
    assert calc.points == sum(u.points for u in calc.units)
    assert calc.bonus_points == sum(u.bonus_points for u in calc.units)


@SETTINGS
@given(cases())
def test_eligible_and_excluded_amounts_never_exceed_the_charges(case):
    bill, context = case
    calc = calculate(bill, context)
    assert calc.eligible_amount + calc.excluded_amount <= bill.charge_total
    assert all(u.eligible_amount <= u.charged_amount for u in calc.units)


@SETTINGS
@given(cases())
def test_every_yen_is_eligible_or_excluded_when_paid_in_cash(case):
    # Given a bill paid in cash (no part earns nothing, NE9)
    # Then every yen of its charges is either eligible or excluded for a reason
    bill, context = case
    bill = replace(bill, payments=(Payment("cash", bill.charge_total),))
    calc = calculate(bill, context)
    assert calc.eligible_amount + calc.excluded_amount == bill.charge_total


@SETTINGS
@given(cases())
def test_unit_points_are_multiples_of_the_rate(case):
    bill, context = case
    rates = context.rates
    for unit in calculate(bill, context).units:
        step, per_yen = (
            (rates.stay_points, rates.stay_per_yen)
            if unit.kind in FOLIO_KINDS
            else (rates.dining_points, rates.dining_per_yen)
        )
        assert unit.points % step == 0
        assert unit.points == unit.eligible_amount // per_yen * step


@SETTINGS
@given(cases())
def test_the_bonus_is_a_share_of_each_units_points(case):
    bill, context = case
    percent = context.rates.bonus_percent(context.status) if context.program == "one-harmony" else 0
    for unit in calculate(bill, context).units:
        assert unit.bonus_points == unit.points * percent // 100


@SETTINGS
@given(cases(), st.data())
def test_removing_a_non_earning_payment_never_lowers_points(case, data):
    bill, context = case
    removable = [i for i, p in enumerate(bill.payments) if non_earning(p.method, bill, context)]
    if not removable:
        return
    i = data.draw(st.sampled_from(removable))
    fewer = replace(bill, payments=bill.payments[:i] + bill.payments[i + 1 :])
    assert calculate(fewer, context).points >= calculate(bill, context).points


@SETTINGS
@given(cases())
def test_the_calculation_is_deterministic_and_labels_are_unique(case):
    calc = calculate(*case)
    assert calc == calculate(*case)
    labels = [u.label for u in calc.units]
    assert len(labels) == len(set(labels))
    assert all(e.unit is None or e.unit in labels for e in calc.exclusions)


@SETTINGS
@given(cases())
def test_nights_are_distinct_sorted_dates_of_the_stay(case):
    bill, context = case
    nights = calculate(bill, context).nights
    assert list(nights) == sorted(set(nights))
    assert set(nights) <= {c.date for c in bill.charges}
    if bill.kind == "dining" or bill.reservation_channel in {"group", "complimentary"}:
        assert nights == ()


@SETTINGS
@given(cases())
def test_a_whole_bill_exclusion_leaves_one_reason_and_no_points(case):
    calc = calculate(*case)
    whole = calc.excluded_whole
    if whole is not None:
        assert calc.exclusions == (whole,)
        assert calc.points == 0
        assert calc.eligible_amount == 0
