"""The worksheet: units (NE6), exclusions and the payment allocation (NE9).

The program modules (``new_otani``, ``one_harmony``) decide *which* rule applies and cite its ID; the
mechanics they call live here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from loyalty.rulebooks.bill import Bill, Charge
from loyalty.rulebooks.context import Context
from loyalty.rulebooks.earning import STAY_UNIT_KINDS, charge_category_rule, points_for, posting_date
from loyalty.rulebooks.nights import count_nights
from loyalty.rulebooks.results import Calculation, Exclusion, Unit

_UNIT_ORDER = {"room": 0, "package": 1, "additional_room": 2}
_UNIT_SUFFIX = {"room": "", "package": " package", "additional_room": " additional room charge"}


@dataclass(slots=True)
class _Draft:
    """A unit while the rules are applied to it; ``eligible`` only ever goes down."""

    label: str
    kind: str
    date: date
    charged: int
    eligible: int
    points_each: int
    per_yen: int
    room: str | None = None
    outlet: str | None = None
    check: str | None = None

    @property
    def points(self) -> int:
        return points_for(self.eligible, points=self.points_each, per_yen=self.per_yen)


class Worksheet:
    """A calculation in progress.

    Opening it builds the units of the bill (NE6) from its eligible charges
    (NE3) and records the ineligible charges (NX3/NX4/NX15, or the program's own
    ID through ``charge_rules``). The program module then applies its rules:
    :meth:`exclude_bill`, :meth:`exclude_unit`, :meth:`reduce_by_payment`, and
    closes it with :meth:`finish`.

    Units (NE6):

    * stay: one unit per night (charge date) and room for room charges, one for
      package/plan fees and one for additional room charges;
    * each room-charged check: one unit (its food and beverage and package fees),
      calculated with the room bill but apart from it (Art. 4 (4), OE4);
    * a dining bill: one unit, dated on its earliest charge (the date of use).

    Unit order (used by the payment allocation and in the output): folio units by
    date, then room in the order the folio lists its rooms, then room charge,
    package fee, additional room charge; then the room-charged checks in the
    order the bill lists them.
    """

    __slots__ = ("bill", "context", "exclusions", "units")

    def __init__(self, bill: Bill, context: Context, *, charge_rules: Mapping[str, str]) -> None:
        self.bill = bill
        self.context = context
        self.units: list[_Draft] = []
        self.exclusions: list[Exclusion] = []
        if bill.kind == "stay":
            self._build_stay(charge_rules)
        elif bill.kind == "dining":
            self._build_dining(charge_rules)
        else:
            raise ValueError(f"unknown kind of bill {bill.kind!r}")

    # -- building -----------------------------------------------------------

    def _exclude_charge(self, charge: Charge, kind: str, rules: Mapping[str, str]) -> bool:
        reason = charge_category_rule(charge.category, kind, self.context.rates)
        if reason is None:
            return False
        why, detail = reason
        self.exclusions.append(Exclusion(rules[why], charge.total, detail, None, "charge"))
        return True

    def _build_stay(self, rules: Mapping[str, str]) -> None:
        bill, rates = self.bill, self.context.rates
        position = {r.room: i for i, r in enumerate(bill.rooms)}
        drafts: dict[tuple[date, str, str], _Draft] = {}
        for charge in bill.charges:
            if self._exclude_charge(charge, "stay", rules):
                continue
            kind = STAY_UNIT_KINDS[charge.category]
            room = bill.room_of(charge) or ""
            key = (charge.date, room, kind)
            draft = drafts.get(key)
            if draft is None:
                label = f"{charge.date.isoformat()} room {room}{_UNIT_SUFFIX[kind]}"
                draft = drafts[key] = _Draft(
                    label, kind, charge.date, 0, 0, rates.stay_points, rates.stay_per_yen, room
                )
            draft.charged += charge.total
            draft.eligible += charge.total
        self.units = sorted(
            drafts.values(),
            key=lambda d: (
                d.date,
                position.get(d.room, len(position)),
                d.room,
                _UNIT_ORDER[d.kind],
            ),
        )
        for check in bill.room_charged_checks:
            self.units.append(
                self._check_draft(
                    f"check {check.number} {check.outlet}",
                    "check",
                    check.date,
                    check.charges,
                    check.outlet,
                    check.number,
                    rules,
                )
            )

    def _build_dining(self, rules: Mapping[str, str]) -> None:
        bill = self.bill
        used_on = bill.used_on
        outlet = bill.outlet or ""
        self.units.append(
            self._check_draft(
                f"check {bill.number} {outlet}",
                "dining",
                used_on,
                bill.charges,
                outlet,
                bill.number,
                rules,
            )
        )

    def _check_draft(
        self,
        label: str,
        kind: str,
        used_on: date,
        charges: Iterable[Charge],
        outlet: str,
        number: str,
        rules: Mapping[str, str],
    ) -> _Draft:
        rates = self.context.rates
        amount = sum(c.total for c in charges if not self._exclude_charge(c, "dining", rules))
        return _Draft(
            label,
            kind,
            used_on,
            amount,
            amount,
            rates.dining_points,
            rates.dining_per_yen,
            outlet=outlet,
            check=number,
        )

    # -- rules --------------------------------------------------------------

    def exclude_bill(self, rule: str, detail: str) -> Calculation:
        """The whole billing earns nothing: one exclusion of its payment total.

        The units are still listed, with nothing eligible; charge-level
        exclusions are dropped, as the one reason covers every yen of the bill.
        """
        for draft in self.units:
            draft.eligible = 0
        self.exclusions = [Exclusion(rule, self.bill.payment_total, detail, None, "bill")]
        return self.finish()

    def exclude_unit(self, draft: _Draft, rule: str, detail: str) -> None:
        """A whole unit earns nothing (NE2, NE5, NX13, OE1, OE2)."""
        if draft.eligible > 0:
            self.exclusions.append(Exclusion(rule, draft.eligible, detail, draft.label, "unit"))
        draft.eligible = 0

    def room_earned_elsewhere(self, draft: _Draft) -> bool:
        """NE6: is this a room night another member's bill already earned for (one member per shared room)?"""
        return draft.room is not None and (draft.room, draft.date) in self.context.rooms_earned_elsewhere

    def reduce_by_payment(self, amount: int, rule: str, detail: str) -> int:
        """NE9: take a payment part that earns nothing off the eligible units.

        The amount reduces the eligible amount of the units that still earn, in
        unit order, each down to zero before the next; every reduction is an
        exclusion with the unit's label. What is left over (it paid for charges
        that were not eligible anyway) is returned and not recorded again.
        Call it once per payment, in the order the bill lists the payments.
        """
        left = amount
        for draft in self.units:
            if left <= 0:
                break
            if draft.eligible <= 0:
                continue
            taken = min(left, draft.eligible)
            draft.eligible -= taken
            left -= taken
            self.exclusions.append(Exclusion(rule, taken, detail, draft.label, "payment"))
        return left

    def finish(self, *, bonus_percent: int = 0, bonus_percent_on: Callable[[date], int] | None = None) -> Calculation:
        """Close the worksheet: points per unit (NE1/OE2), bonus per unit (OE6).

        ``bonus_percent_on`` gives the bonus percentage on a unit's date of use (OE6: the status in force that
        day); without it every unit gets ``bonus_percent``. Each unit's bonus is rounded down on its own.
        """
        percent_on = bonus_percent_on or (lambda _day: bonus_percent)
        units = tuple(
            Unit(
                label=d.label,
                kind=d.kind,
                date=d.date,
                eligible_amount=d.eligible,
                points=d.points,
                bonus_points=d.points * percent_on(d.date) // 100,
                outlet=d.outlet,
                check=d.check,
                room=d.room,
                charged_amount=d.charged,
            )
            for d in self.units
        )
        return Calculation(
            units=units,
            exclusions=tuple(self.exclusions),
            points=sum(u.points for u in units),
            bonus_points=sum(u.bonus_points for u in units),
            nights=count_nights(self.bill, self.context),
            posts_on=posting_date(self.bill.paid_on, self.context.rates),
        )
