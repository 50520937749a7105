"""The earning rulebooks: a settled bill in, calculation units, exclusions and points out.

Pure functions over plain data (no ORM, no HTTP, no clock)::

    from loyalty.rulebooks import calculate, validate

    problems = validate(bill, context)      # [] when the input is acceptable
    calculation = calculate(bill, context)  # units, exclusions, points, bonus, nights

``context.program`` chooses the rulebook: ``"new-otani"`` (:mod:`.new_otani`,
Rulebook NE1-NE9, NX1-NX15) or ``"one-harmony"`` (:mod:`.one_harmony`, OE1-OE6).
Both return the nights a stay counts (SH1).
"""

from __future__ import annotations

from loyalty.rulebooks import new_otani, one_harmony
from loyalty.rulebooks.base import (
    CHANNELS,
    CHARGE_CATEGORIES,
    KINDS,
    NEW_OTANI,
    ONE_HARMONY,
    PAYMENT_METHODS,
    PROGRAMS,
    SETTLEMENTS,
    STATUSES,
    Bill,
    Calculation,
    Charge,
    Check,
    Context,
    Exclusion,
    HotelInfo,
    Payment,
    Problem,
    Rates,
    Room,
    Unit,
    count_nights,
    points_for,
    posting_date,
    validate,
)

RULEBOOKS = {NEW_OTANI: new_otani, ONE_HARMONY: one_harmony}

#: The Default settings of each program, as the office starts with them.
DEFAULT_RATES = {NEW_OTANI: new_otani.DEFAULT_RATES, ONE_HARMONY: one_harmony.DEFAULT_RATES}


def calculate(bill: Bill, context: Context) -> Calculation:
    """The points of one billing under the rulebook of ``context.program``."""
    try:
        rulebook = RULEBOOKS[context.program]
    except KeyError:
        raise ValueError(f"unknown program {context.program!r}") from None
    return rulebook.calculate(bill, context)


__all__ = [
    "CHANNELS",
    "CHARGE_CATEGORIES",
    "DEFAULT_RATES",
    "KINDS",
    "NEW_OTANI",
    "ONE_HARMONY",
    "PAYMENT_METHODS",
    "PROGRAMS",
    "RULEBOOKS",
    "SETTLEMENTS",
    "STATUSES",
    "Bill",
    "Calculation",
    "Charge",
    "Check",
    "Context",
    "Exclusion",
    "HotelInfo",
    "Payment",
    "Problem",
    "Rates",
    "Room",
    "Unit",
    "calculate",
    "count_nights",
    "points_for",
    "posting_date",
    "validate",
]
