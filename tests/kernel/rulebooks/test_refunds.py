"""Refunds recalculated per unit (R1): named lines (API.md 1.1) and amounts without lines."""

from __future__ import annotations

from datetime import date

from loyalty.rulebooks import Payment, calculate
from loyalty.rulebooks.refunds import points_after_amount, without_lines
from tests.kernel.rulebooks import test_new_otani as noc
from tests.kernel.rulebooks import test_one_harmony as oh

MAR1, MAR2 = noc.MAR1, noc.MAR2


def example(payments=None):
    """The API.md folio: two nights of 34,500 (1,725 each), a mini bar of 2,300 (NX3), a dinner of 9,200 (460)."""
    return noc.stay(
        noc.night(30000, MAR1, tax=4500),
        noc.night(30000, MAR2, tax=4500),
        noc.night(2000, MAR2, tax=300, category="minibar"),
        checks=[noc.check("C-77", noc.dish(8000, tax=1200))],
        payments=payments,
    )


def points(bill, context=None) -> int:
    return calculate(bill, context or noc.context()).points


def test_r1_a_named_mini_bar_line_earned_nothing_and_its_refund_retracts_nothing():
    # Given the example folio (3,910 points)
    bill = example()
    # When the mini bar line is refunded
    after = without_lines(bill, charges={2})
    # Then the bill still earns 3,910: nothing is retracted, and the card gets the 2,300 back
    assert points(after) == points(bill) == 3910
    assert after.payments == (Payment("credit_card", 78200),)


def test_r1_a_named_night_or_check_retracts_exactly_its_points():
    bill = example()
    assert points(bill) - points(without_lines(bill, charges={1})) == 1725
    assert points(bill) - points(without_lines(bill, checks={0})) == 460


def test_r1_named_lines_are_refunded_to_the_earning_payments_first():
    # Given the folio paid with a Reward Certificate of 5,000 (NE9: the first night earns on 29,500) and a card
    bill = example(payments=[Payment("reward_certificate", 5000), Payment("credit_card", 75500)])
    assert points(bill) == 1475 + 1725 + 460
    # When the mini bar is refunded, the money goes back to the card, not to the certificate (NR3: no change)
    after = without_lines(bill, charges={2})
    assert after.payments == (Payment("reward_certificate", 5000), Payment("credit_card", 73200))
    # Then nothing is retracted
    assert points(after) == points(bill)


def test_r1_default_an_amount_is_taken_from_what_earned_nothing_first():
    # Given the example folio, of which 2,300 (the mini bar) earned nothing
    bill = example()
    context = noc.context()
    calc = calculate(bill, context)
    # When 2,300 are refunded without naming what, nothing is retracted
    assert points_after_amount(bill, calc, context, 2300) == (3910, 0)
    # And of 5,000, the 2,700 beyond it come off the last unit (the dinner 9,200 -> 6,500: 460 -> 325)
    assert points_after_amount(bill, calc, context, 5000) == (3775, 0)
    # And the whole bill leaves nothing
    assert points_after_amount(bill, calc, context, 80500) == (0, 0)


def test_r1_default_a_certificate_paid_part_refunded_as_an_amount_takes_no_room_night_points():
    # Given the folio paid partly with a Reward Certificate of 5,000, which earned nothing (NE9, NX11)
    bill = example(payments=[Payment("reward_certificate", 5000), Payment("credit_card", 75500)])
    context = noc.context()
    calc = calculate(bill, context)
    # When 5,000 are refunded: the yen that earned nothing (mini bar 2,300 and the certificate's 5,000) cover it
    assert points_after_amount(bill, calc, context, 5000) == (calc.points, 0)
    assert points_after_amount(bill, calc, context, 7300) == (calc.points, 0)


def test_r1_default_an_amount_takes_the_part_of_each_unit_below_its_last_yen_step_before_whole_steps():
    # Given a One Harmony Loyal member's night of 30,500 (600 points + 150) and a dinner of 10,900 (100 + 25)
    bill = oh.stay(oh.night(30500), checks=[oh.check("C-1", oh.dish(10900))])
    context = oh.context(status="loyal")
    calc = calculate(bill, context)
    assert (calc.points, calc.bonus_points) == (700, 175)
    # When 1,400 are refunded, the 500 and 900 below the last full JPY 1,000 of each unit earned nothing
    assert points_after_amount(bill, calc, context, 1400) == (700, 175)
    # And 1,401 take one yen of the last unit's last step: the dinner earns 90 (+22)
    assert points_after_amount(bill, calc, context, 1401) == (690, 172)


def test_r1_the_bonus_after_a_refund_follows_each_units_status_on_its_date_of_use():
    # Given a member Exclusive until March 31: a night of April 1 (600, no bonus), a dinner of March 31 (100 + 50)
    mar31 = date(2025, 3, 31)
    context = oh.context(statuses=((date(2024, 4, 1), mar31, "exclusive"),))
    bill = oh.stay(oh.night(30000), checks=[oh.check("C-1", oh.dish(10000), day=mar31)])
    calc = calculate(bill, context)
    assert [(u.points, u.bonus_points) for u in calc.units] == [(600, 0), (100, 50)]
    # When 1,000 are refunded, they come off the dinner: 90 points and the Exclusive bonus of its day, 45
    assert points_after_amount(bill, calc, context, 1000) == (690, 45)
