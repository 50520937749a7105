"""The output records: calculation units (NE6) and what they earn, exclusions with their Rulebook ID, the
calculation of a bill, and the problems :func:`~loyalty.rulebooks.validation.validate` finds in its input.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Unit:
    """A calculation unit (NE6) and what it earns.

    ``charged_amount`` is what its eligible charges came to (NE3);
    ``eligible_amount`` is what is left of it after every exclusion, and the
    points are computed from that: ``floor(eligible / per_yen) * points``.
    """

    label: str
    kind: str  # "room" | "package" | "additional_room" | "dining" | "check"
    date: date
    eligible_amount: int
    points: int
    bonus_points: int = 0
    outlet: str | None = None
    check: str | None = None
    room: str | None = None
    charged_amount: int = 0


@dataclass(frozen=True, slots=True)
class Exclusion:
    """An amount that earns nothing and the Rulebook ID of the reason.

    ``scope`` says what was excluded: ``"bill"`` (the whole billing, its payment
    total), ``"charge"`` (an ineligible charge line), ``"unit"`` (a whole
    calculation unit) or ``"payment"`` (part of a unit paid by a means that
    earns nothing, NE9). ``unit`` is the label of the unit for the last two.
    """

    rule: str
    amount: int
    detail: str
    unit: str | None = None
    scope: str = "charge"


@dataclass(frozen=True, slots=True)
class Calculation:
    units: tuple[Unit, ...]
    exclusions: tuple[Exclusion, ...]
    points: int  # base points: the sum of the units' points
    bonus_points: int  # OE6: the sum of the units' bonus points
    nights: tuple[date, ...]  # SH1: the nights counted, one per date
    posts_on: date | None = None  # NE7: when the points are posted

    @property
    def eligible_amount(self) -> int:
        return sum(u.eligible_amount for u in self.units)

    @property
    def excluded_amount(self) -> int:
        return sum(e.amount for e in self.exclusions)

    @property
    def total_points(self) -> int:
        return self.points + self.bonus_points

    @property
    def excluded_whole(self) -> Exclusion | None:
        """The exclusion that kept the whole billing from earning, if any."""
        return next((e for e in self.exclusions if e.scope == "bill"), None)

    def unit(self, label: str) -> Unit:
        """The unit with this label (KeyError if there is none)."""
        for unit in self.units:
            if unit.label == label:
                return unit
        raise KeyError(label)


@dataclass(frozen=True, slots=True)
class Problem:
    """Invalid input: ``code`` for machines, ``field`` as a JSON path, ``detail`` for people."""

    code: str
    field: str
    detail: str
