"""The input checks of :func:`validate`: is this bill acceptable at all (an HTTP 400 elsewhere if not)."""

from __future__ import annotations

from collections.abc import Iterable

from loyalty.rulebooks.bill import Bill, Charge
from loyalty.rulebooks.choices import (
    CHANNELS,
    CHARGE_CATEGORIES,
    KINDS,
    ONE_HARMONY,
    PAYMENT_METHODS,
    PROGRAMS,
    SETTLEMENTS,
)
from loyalty.rulebooks.context import Context
from loyalty.rulebooks.earning import STAY_UNIT_KINDS, yen
from loyalty.rulebooks.results import Problem


def validate(bill: Bill, context: Context) -> list[Problem]:
    """Check a bill before it is calculated; an empty list means it is valid.

    Pure input checks (the answer becomes an HTTP 400 elsewhere); whether the
    bill *earns* is the rulebook's business, not this one's. Field names are the
    JSON paths of API.md ("charges[0].amount", "payments[1].method").
    """
    if context.program not in PROGRAMS:
        raise ValueError(f"unknown program {context.program!r}")
    problems: list[Problem] = []
    add = problems.append

    if bill.kind not in KINDS:
        add(Problem("invalid_kind", "kind", f"kind must be stay or dining, not {bill.kind!r}"))
    if bill.settlement not in SETTLEMENTS:
        add(_choice("settlement", bill.settlement, SETTLEMENTS))

    if bill.kind == "stay":
        if not bill.rooms:
            add(Problem("required", "rooms", "a stay needs at least one room"))
        if not bill.charges:
            add(Problem("required", "charges", "a stay needs at least one charge"))
        if bill.reservation_channel is None:
            add(Problem("required", "reservation_channel", "a stay needs its reservation channel"))
        elif bill.reservation_channel not in CHANNELS:
            add(_choice("reservation_channel", bill.reservation_channel, CHANNELS))
    elif bill.kind == "dining":
        if not bill.outlet:
            add(Problem("required", "outlet", "a restaurant/bar bill needs its outlet"))
        elif bill.outlet not in context.known_outlets:
            add(_unknown_outlet("outlet", bill.outlet))
        if not bill.charges:
            add(Problem("required", "charges", "a restaurant/bar bill needs at least one charge"))
        if bill.room_charged_checks:
            add(
                Problem(
                    "not_allowed",
                    "room_charged_checks",
                    "only a stay has checks charged to the room",
                )
            )

    rooms = {r.room for r in bill.rooms}
    for i, charge in enumerate(bill.charges):
        _check_charge(charge, f"charges[{i}]", add)
        if bill.kind != "stay":
            continue
        if charge.room is not None and charge.room not in rooms:
            add(Problem("unknown_room", f"charges[{i}].room", f"room {charge.room} is not on the bill"))
        elif charge.room is None and len(bill.rooms) > 1 and charge.category in STAY_UNIT_KINDS:
            add(
                Problem(
                    "unknown_room",
                    f"charges[{i}].room",
                    "say which room this charge is for: the bill has several rooms",
                )
            )

    for i, check in enumerate(bill.room_charged_checks):
        if check.outlet not in context.known_outlets:
            add(_unknown_outlet(f"room_charged_checks[{i}].outlet", check.outlet))
        for j, charge in enumerate(check.charges):
            _check_charge(charge, f"room_charged_checks[{i}].charges[{j}]", add)

    jal_ok = context.program == ONE_HARMONY and context.hotel.takes_jal_coupons
    for i, payment in enumerate(bill.payments):
        where = f"payments[{i}]"
        if payment.method not in PAYMENT_METHODS:
            add(_choice(f"{where}.method", payment.method, PAYMENT_METHODS))
        elif payment.method == "jal_coupon" and not jal_ok:
            # OE5: only Nikko Hotels International and Hotel JAL City take them.
            add(
                Problem(
                    "jal_coupon_not_accepted",
                    f"{where}.method",
                    f"hotel {context.hotel.code} does not accept JAL Coupons",
                )
            )
        if payment.amount < 0:
            add(_negative(f"{where}.amount", payment.amount))

    if bill.payment_total != bill.charge_total:
        add(
            Problem(
                "payments_mismatch",
                "payments",
                f"payments total {yen(bill.payment_total)} but charges total {yen(bill.charge_total)}",
            )
        )
    return problems


def _check_charge(charge: Charge, where: str, add) -> None:
    if charge.category not in CHARGE_CATEGORIES:
        add(_choice(f"{where}.category", charge.category, CHARGE_CATEGORIES))
    if charge.amount < 0:
        add(_negative(f"{where}.amount", charge.amount))
    if charge.tax_service < 0:
        add(_negative(f"{where}.tax_service", charge.tax_service))


def _choice(field: str, value: object, choices: Iterable[str]) -> Problem:
    allowed = ", ".join(sorted(choices))
    return Problem("invalid_choice", field, f"{value!r} is not one of: {allowed}")


def _negative(field: str, amount: int) -> Problem:
    return Problem("negative_amount", field, f"amount cannot be negative ({amount})")


def _unknown_outlet(field: str, code: str) -> Problem:
    return Problem("unknown_outlet", field, f"outlet {code} is not an outlet of this hotel")
