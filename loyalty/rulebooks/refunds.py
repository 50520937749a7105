"""Refunds (R1): what a bill still earns once part of it is refunded, recalculated per unit.

Two kinds of refund (API.md 1.1):

* **Named lines** (:func:`without_lines`): the bill is recalculated without the refunded charges and room-charged
  checks, by its program's rulebook, per unit; the points retracted are the bill's points minus the points of the
  same bill without those lines. Refunding a line that earned nothing (a mini bar, laundry, a part the NE9 means
  paid) retracts nothing. The money goes back the way the member paid it: the refund comes off the payments that
  earn (cash, card, ...) first, from the last one back, and off the means that earn nothing (Reward Certificates,
  coupons, ...) only when those do not cover it: a certificate gives no change and is never reissued (NR3).
* **An amount only** (:func:`points_after_amount`): the hotel did not say what was refunded. The amount is taken
  first from the yen of the bill that earned nothing (charges set aside, parts paid by means that earn nothing, and
  the part of each unit below its last full yen step), then from the earning units, the last one back (the latest
  night or check first). So a refund never retracts more than the refunded part could have earned, and a refund
  as large as what earned nothing retracts nothing (why: ARCHITECTURE.md, "Refunds").
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import replace

from loyalty.rulebooks.bill import Bill, Payment
from loyalty.rulebooks.choices import ONE_HARMONY
from loyalty.rulebooks.context import Context
from loyalty.rulebooks.earning import NON_EARNING_MEANS, points_for
from loyalty.rulebooks.results import Calculation


def without_lines(bill: Bill, *, charges: Collection[int] = (), checks: Collection[int] = ()) -> Bill:
    """R1: the same bill without the folio charges and room-charged checks at these positions (their order in the
    bill as sent), its payments reduced by what those lines came to: earning means first, the last one back."""
    kept_charges = tuple(c for i, c in enumerate(bill.charges) if i not in charges)
    kept_checks = tuple(k for i, k in enumerate(bill.room_charged_checks) if i not in checks)
    refunded = sum(c.total for i, c in enumerate(bill.charges) if i in charges) + sum(
        c.total for i, k in enumerate(bill.room_charged_checks) if i in checks for c in k.charges
    )
    amounts = [p.amount for p in bill.payments]
    order = [i for i, p in enumerate(bill.payments) if p.method not in NON_EARNING_MEANS][::-1]
    order += [i for i, p in enumerate(bill.payments) if p.method in NON_EARNING_MEANS][::-1]
    for i in order:
        taken = min(refunded, amounts[i])
        amounts[i] -= taken
        refunded -= taken
    payments = tuple(Payment(p.method, a) for p, a in zip(bill.payments, amounts, strict=True) if a > 0)
    return replace(bill, charges=kept_charges, room_charged_checks=kept_checks, payments=payments)


def points_after_amount(bill: Bill, calculation: Calculation, context: Context, refunded: int) -> tuple[int, int]:
    """R1: ``(base, bonus)`` points of a calculated bill once ``refunded`` yen of it are refunded without naming
    what: first from the yen that earned nothing, then from the earning units, the last one back; each unit's points
    recomputed from what is left of it (NE1/OE2), its bonus by the status on its date of use (OE6)."""
    units = list(calculation.units)
    eligible = [u.eligible_amount for u in units]
    left = max(refunded - max(bill.payment_total - sum(eligible), 0), 0)  # the yen that earned nothing first
    rates = context.rates
    steps = [rates.dining_per_yen if u.kind in ("dining", "check") else rates.stay_per_yen for u in units]
    for i in range(len(units)):  # then the part of each unit below its last full yen step
        taken = min(left, eligible[i] % steps[i])
        eligible[i] -= taken
        left -= taken
    for i in reversed(range(len(units))):  # then whole units, the last one back
        taken = min(left, eligible[i])
        eligible[i] -= taken
        left -= taken
    base = bonus = 0
    for unit, amount, step in zip(units, eligible, steps, strict=True):
        each = rates.dining_points if unit.kind in ("dining", "check") else rates.stay_points
        points = min(points_for(amount, points=each, per_yen=step), unit.points)
        percent = rates.bonus_percent(context.status_on(unit.date)) if context.program == ONE_HARMONY else 0
        base += points
        bonus += min(points * percent // 100, unit.bonus_points)
    return base, bonus
