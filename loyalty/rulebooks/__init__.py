"""The earning rulebooks: a settled bill in, calculation units, exclusions and points out.

Pure functions over plain data (no ORM, no HTTP, no clock)::

    from loyalty.rulebooks import calculate, validate

    problems = validate(bill, context)      # [] when the input is acceptable
    calculation = calculate(bill, context)  # units, exclusions, points, bonus, nights

``context.program`` chooses the rulebook: ``"new-otani"`` (:mod:`.new_otani`,
Rulebook NE1-NE9, NX1-NX15) or ``"one-harmony"`` (:mod:`.one_harmony`, OE1-OE6).
Both return the nights a stay counts (SH1).

Nothing here reads a clock, a database, a file or the network, so the same bill
and the same settings always give the same answer (PT1). The program modules decide *which* rule applies and cite
its ID; what both programs share is one module per concern:

* :mod:`.choices`: the programs and the choices of the integration contract (API.md "Bills");
* :mod:`.bill`: the input records (a :class:`Bill` and its charges, payments, rooms, room-charged checks);
* :mod:`.context`: what the rulebook needs besides the bill (hotel, :class:`Rates` in force, PT1);
* :mod:`.results`: the output records (:class:`Unit`, :class:`Exclusion`, :class:`Calculation`, :class:`Problem`);
* :mod:`.earning`: eligible charges (NE3), non-earning payment means (NE9), points per yen step (NE1/OE2), NE7;
* :mod:`.nights`: the nights a stay counts (SH1);
* :mod:`.worksheet`: the building of calculation units (NE6) and the payment allocation (NE9);
* :mod:`.validation`: the input checks of :func:`validate`;
* :mod:`.refunds`: a bill without refunded lines, and its points after an amount refunded (R1);
* :mod:`.validity`: the last valid day of points (EX1-EX3); :mod:`.catalog`: every rule ID with a staff title.
"""

from __future__ import annotations

from loyalty.rulebooks import new_otani, one_harmony
from loyalty.rulebooks.bill import Bill, Charge, Check, Payment, Room
from loyalty.rulebooks.choices import (
    CHANNELS,
    CHARGE_CATEGORIES,
    DIRECT_CHANNELS,
    KINDS,
    NEW_OTANI,
    ONE_HARMONY,
    PAYMENT_METHODS,
    PROGRAMS,
    SETTLEMENTS,
    STATUSES,
)
from loyalty.rulebooks.context import Context, HotelInfo, Rates
from loyalty.rulebooks.earning import points_for, posting_date
from loyalty.rulebooks.nights import count_nights
from loyalty.rulebooks.results import Calculation, Exclusion, Problem, Unit
from loyalty.rulebooks.validation import validate

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
    "DIRECT_CHANNELS",
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
