"""Bill builders shared by the rulebook tests of both programs.

A test module makes one ``Builders`` with its program's defaults (the
context: program, hotel, rates, outlets; the member's room, the day of the
first charge, bill numbers, ...) and binds its methods to the short names its
tests call::

    B = Builders(base_context=Context(program="new-otani", ...), room=MEMBER, ...)
    context, night, dish, check, stay, dining = B.context, B.night, ...
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from loyalty.rulebooks import Bill, Charge, Check, Context, Payment, Room

# Stands for "the program's default" in a builder's signature, so that a test
# can still pass None itself (a charge that names no room, say).
_DEFAULT: Any = object()


def _or(value, default):
    return default if value is _DEFAULT else value


@dataclass(frozen=True)
class Builders:
    """One program's defaults for contexts, charges, checks and bills.

    ``base_context``: the program at its hotel, which ``context()`` varies.
    ``room``: the member's room, where nights are charged and stays are held.
    ``day``: the default date of charges and checks, and the day a dining bill
    is paid. ``stay_paid_on``: the day a stay is paid (check-out). ``outlet``:
    the default outlet of checks and dining bills. ``reservation_channel``: how
    a stay was booked unless a test says otherwise.
    """

    base_context: Context
    room: Room
    day: date
    stay_paid_on: date
    outlet: str
    stay_number: str
    dining_number: str
    reservation_channel: str

    def context(self, **changes) -> Context:
        """The program's context at its hotel, with ``changes`` applied."""
        return replace(self.base_context, **changes)

    def night(
        self, amount: int, day: date = _DEFAULT, *, tax: int = 0, room: str = _DEFAULT, category="room"
    ) -> Charge:
        """A room night (or another charge to a room): on ``day``, to the member's room, unless told otherwise."""
        return Charge(
            date=_or(day, self.day),
            category=category,
            amount=amount,
            tax_service=tax,
            room=_or(room, self.room.room),
        )

    def dish(self, amount: int, *, tax: int = 0, category: str = "food_beverage", day: date = _DEFAULT) -> Charge:
        """A food and beverage charge (not tied to a room), on ``day`` unless told otherwise."""
        return Charge(date=_or(day, self.day), category=category, amount=amount, tax_service=tax)

    def check(self, number: str, *charges: Charge, outlet: str = _DEFAULT, day: date = _DEFAULT) -> Check:
        """An outlet's check, at the default outlet on ``day`` unless told otherwise."""
        return Check(outlet=_or(outlet, self.outlet), number=number, date=_or(day, self.day), charges=charges)

    def stay(self, *charges: Charge, payments=None, rooms=_DEFAULT, checks=(), **changes) -> Bill:
        """A stay in the member's room, booked through the program's default
        channel and paid by card in full, unless told otherwise."""
        if payments is None:
            payments = (Payment("credit_card", _total(charges, checks)),)
        return Bill(
            kind="stay",
            number=self.stay_number,
            paid_on=self.stay_paid_on,
            reservation_channel=changes.pop("reservation_channel", self.reservation_channel),
            payments=tuple(payments),
            rooms=tuple(_or(rooms, (self.room,))),
            charges=charges,
            room_charged_checks=tuple(checks),
            **changes,
        )

    def dining(self, *charges: Charge, payments=None, outlet: str = _DEFAULT, **changes) -> Bill:
        """A dining bill at the default outlet, paid on ``day`` by card in full, unless told otherwise."""
        if payments is None:
            payments = (Payment("credit_card", _total(charges)),)
        return Bill(
            kind="dining",
            number=self.dining_number,
            paid_on=self.day,
            reservation_channel=None,
            payments=tuple(payments),
            charges=charges,
            outlet=_or(outlet, self.outlet),
            **changes,
        )


def _total(charges, checks=()) -> int:
    """What the charges and the room-charged checks come to, tax and service included."""
    return sum(c.amount + c.tax_service for c in charges) + sum(
        c.amount + c.tax_service for k in checks for c in k.charges
    )


def excluded(calculation) -> list[tuple[str, int]]:
    """A calculation's exclusions as (rule, amount)."""
    return [(e.rule, e.amount) for e in calculation.exclusions]


def earned(calculation) -> list[tuple[str, int, int]]:
    """A calculation's earning units as (label, eligible amount, points)."""
    return [(u.label, u.eligible_amount, u.points) for u in calculation.units]
