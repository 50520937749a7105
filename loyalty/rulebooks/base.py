"""The shared vocabulary of the earning rulebooks.

A rulebook takes a settled billing (a :class:`Bill`) and the settings in force on
its date (a :class:`Context`) and answers with a :class:`Calculation`: the
calculation units of the bill, what each earns, and every amount that earns
nothing together with the Rulebook ID of the reason. Plain data in, plain data
out: nothing here reads a clock, a database, a file or the network, so the same
bill and the same settings always give the same answer (PT1).

This module holds what both programs share:

* the input and output records (frozen dataclasses);
* the choices the integration contract allows (API.md "Bills");
* the building of calculation units (NE6) from the eligible charges (NE3);
* the allocation of payment parts that earn nothing (NE9) to the units;
* the nights a stay counts towards stay history (SH1);
* the input checks of :func:`validate`.

The program modules (``new_otani``, ``one_harmony``) decide *which* rule applies
and cite its ID; the mechanics they call live here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

NEW_OTANI = "new-otani"
ONE_HARMONY = "one-harmony"
PROGRAMS = frozenset({NEW_OTANI, ONE_HARMONY})

# --------------------------------------------------------------------------
# The choices of the integration contract (API.md "Bills")
# --------------------------------------------------------------------------

KINDS = frozenset({"stay", "dining"})
CHANNELS = frozenset(
    {
        "phone",
        "official_website",
        "reservation_center",
        "walk_in",
        "travel_agency",
        "ota",
        "group",
        "complimentary",
        "other_organization_rate",
    }
)
SETTLEMENTS = frozenset({"on_the_spot", "later", "later_approved", "master_account"})
PAYMENT_METHODS = frozenset(
    {
        "cash",
        "credit_card",
        "approved_other",
        "cash_voucher",
        "reward_certificate",
        "coupon",
        "jal_coupon",
        "other_organization_points",
        "bank_transfer",
    }
)
CHARGE_CATEGORIES = frozenset(
    {
        "room",
        "additional_room",
        "package",
        "food_beverage",
        "minibar",
        "massage",
        "private_room",
        "flowers",
        "laundry",
        "other",
    }
)
STATUSES = frozenset({"member", "loyal", "exclusive"})
JAL_COUPON_BRANDS = frozenset({"nikko", "jal-city"})  # OE5

# NE3 (1): a stay earns on room charges and package/plan fees (with their tax and
# service charge). NE6: each is its own unit per night and room; additional room
# charges are counted apart from package/plan fees (Art. 4 (2)).
STAY_UNIT_KINDS: Mapping[str, str] = {
    "room": "room",
    "package": "package",
    "additional_room": "additional_room",
}
# NE3 (2): a restaurant/bar bill earns on food and beverage and package/plan fees.
DINING_CATEGORIES = frozenset({"food_beverage", "package"})

# NE9: the payment means that earn nothing. ``bank_transfer`` earns only when the
# hotel approved the later payment (settlement ``later_approved``, NX8); JAL
# Coupons earn at One Harmony stays (OE5) and are decided by the program module.
NON_EARNING_MEANS: Mapping[str, str] = {
    "reward_certificate": "paid with Reward Certificates",
    "coupon": "paid with tickets, coupons or vouchers",
    "jal_coupon": "paid with JAL Coupons",
    "other_organization_points": "paid with another organization's points or benefits",
    "bank_transfer": "paid later by bank transfer without the hotel's approval",
}

# Words a member can read, for the details of exclusions.
CATEGORY_WORDS: Mapping[str, str] = {
    "room": "room charge",
    "additional_room": "additional room charge",
    "package": "package or plan fee",
    "food_beverage": "food and beverage",
    "minibar": "mini bar",
    "massage": "massage",
    "private_room": "private room",
    "flowers": "flower decoration",
    "laundry": "laundry",
    "other": "other charge",
}

_UNIT_ORDER = {"room": 0, "package": 1, "additional_room": 2}
_UNIT_SUFFIX = {"room": "", "package": " package", "additional_room": " additional room charge"}


# --------------------------------------------------------------------------
# Input records
# --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Charge:
    """One line of a folio or check: ``amount`` plus the ``tax_service`` on it (NE3)."""

    date: date
    category: str
    amount: int
    tax_service: int = 0
    room: str | None = None  # stays: the room it was posted to

    @property
    def total(self) -> int:
        """The charge with its tax and service charge."""
        return self.amount + self.tax_service


@dataclass(frozen=True, slots=True)
class Payment:
    method: str
    amount: int


@dataclass(frozen=True, slots=True)
class Room:
    """A room on a stay folio.

    ``member_room``: the member's own room. ``for_points``: a room the member
    names to earn as well (NE5). ``members``: card numbers of other members
    staying in it (NE6: only the member the bill is reported for earns for it).
    """

    room: str
    member_room: bool
    for_points: bool
    members: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Check:
    """A restaurant/bar check charged to the room and paid with the folio (NE6, OE4)."""

    outlet: str
    number: str
    date: date
    charges: tuple[Charge, ...]


@dataclass(frozen=True, slots=True)
class Bill:
    """One settled billing: a stay folio or a restaurant/bar check (API.md "Bills")."""

    kind: str  # "stay" | "dining"
    number: str
    paid_on: date
    reservation_channel: str | None  # stays only
    card_presented: bool = True
    paid_by_member: bool = True
    settlement: str = "on_the_spot"
    with_banquet: bool = False
    wedding: bool = False
    other_hotel_program: bool = False
    payments: tuple[Payment, ...] = ()
    rooms: tuple[Room, ...] = ()
    charges: tuple[Charge, ...] = ()
    room_charged_checks: tuple[Check, ...] = ()
    outlet: str | None = None  # dining bills

    @property
    def payment_total(self) -> int:
        return sum(p.amount for p in self.payments)

    @property
    def charge_total(self) -> int:
        """Every charge of the bill and of its room-charged checks, tax and service included."""
        folio = sum(c.total for c in self.charges)
        checks = sum(c.total for check in self.room_charged_checks for c in check.charges)
        return folio + checks

    @property
    def own_room(self) -> Room | None:
        """The member's own room: the first room marked ``member_room`` (NE4, NE5)."""
        return next((r for r in self.rooms if r.member_room), None)

    def room_of(self, charge: Charge) -> str | None:
        """The room a folio charge belongs to.

        A charge posted without a room belongs to the member's own room (or the
        only room of the folio); :func:`validate` refuses room, package and
        additional room charges without a room on a folio of several rooms.
        """
        if charge.room is not None:
            return charge.room
        own = self.own_room
        if own is not None:
            return own.room
        return self.rooms[0].room if self.rooms else None


@dataclass(frozen=True, slots=True)
class HotelInfo:
    code: str
    country: str
    affiliation: str  # "group" | "associate"
    brand: str  # "okura" | "nikko" | "jal-city" | "new-otani"
    accepts_jal_coupons: bool = False
    travel_agency_stays_earn: bool = False

    @property
    def takes_jal_coupons(self) -> bool:
        """OE5: JAL Coupons are accepted only at Nikko Hotels and Hotel JAL City."""
        return self.accepts_jal_coupons and self.brand in JAL_COUPON_BRANDS


@dataclass(frozen=True, slots=True)
class Rates:
    """The program settings in force on the date of use (PT1).

    Every value is a Default the office can change in the admin: the rulebooks
    never hold a rate of their own. ``points`` are awarded for every full
    ``per_yen`` of eligible amount in a unit (NE1, OE2).
    """

    stay_points: int
    stay_per_yen: int
    dining_points: int
    dining_per_yen: int
    minimum_payment: int = 100  # NX2
    loyal_bonus_percent: int = 25  # OE6
    exclusive_bonus_percent: int = 50  # OE6
    excluded_categories: frozenset[str] = frozenset()  # NX15
    max_rooms: int = 2  # NE5
    posting_days: int = 10  # NE7

    def __post_init__(self) -> None:
        if self.stay_per_yen <= 0 or self.dining_per_yen <= 0:
            raise ValueError("a rate needs a positive yen step")
        if min(self.stay_points, self.dining_points, self.minimum_payment) < 0:
            raise ValueError("rates cannot be negative")
        if self.max_rooms < 1:
            raise ValueError("at least the member's own room earns")

    def bonus_percent(self, status: str) -> int:
        """OE6: the status bonus, in percent of base points."""
        if status not in STATUSES:
            raise ValueError(f"unknown status {status!r}")
        return {
            "member": 0,
            "loyal": self.loyal_bonus_percent,
            "exclusive": self.exclusive_bonus_percent,
        }[status]


@dataclass(frozen=True, slots=True)
class Context:
    """What the rulebook needs to know besides the bill, as of its date of use."""

    program: str  # "new-otani" | "one-harmony"
    hotel: HotelInfo
    rates: Rates
    designated_outlets: frozenset[str]  # NE2, on the date of use
    known_outlets: frozenset[str]  # every outlet of the hotel (validation)
    member_since: date  # NOC admission date (M6, NX13) / OH registration (OE1)
    status: str = "member"  # OE6, in force on the date of use


# --------------------------------------------------------------------------
# Output records
# --------------------------------------------------------------------------


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


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def points_for(eligible: int, *, points: int, per_yen: int) -> int:
    """NE1/OE2: ``points`` for every *full* ``per_yen`` of the eligible amount."""
    return (max(eligible, 0) // per_yen) * points


def yen(amount: int) -> str:
    return f"JPY {amount:,}"


def charge_category_rule(category: str, kind: str, rates: Rates) -> tuple[str, str] | None:
    """Why a charge earns nothing, as ``(reason, detail)``, or None if it is eligible.

    ``kind`` is ``"stay"`` for a folio charge and ``"dining"`` for a charge of a
    restaurant/bar bill or of a room-charged check. The reason is one of
    ``"configured"`` (a category the program excludes, NX15, checked first),
    ``"stay"`` (NX3: anything on a folio but room charges and package/plan fees)
    or ``"dining"`` (NX4: anything on a check but food and beverage and
    package/plan fees); each program maps it to its own Rulebook ID.
    """
    words = CATEGORY_WORDS.get(category, category)
    if category in rates.excluded_categories:
        return "configured", f"{words} is excluded from the program"
    if kind == "stay":
        if category not in STAY_UNIT_KINDS:
            return "stay", f"{words} is not a room charge"
        return None
    if category not in DINING_CATEGORIES:
        return "dining", f"{words} is not food and beverage"
    return None


def posting_date(paid_on: date, rates: Rates) -> date:
    """NE7: points post a fixed number of days after payment (Default 10)."""
    return paid_on + timedelta(days=rates.posting_days)


def count_nights(bill: Bill, context: Context) -> tuple[date, ...]:
    """SH1: the nights a stay adds to the member's stay history.

    One night per distinct date on which the member's own room (``member_room``)
    has a room charge or package fee, whatever the reservation channel (a
    travel-agency stay that earns no points still counts), except group and
    complimentary stays, which count none. Nights before the member joined
    (``member_since``, OE1/NX13) are not the member's history and do not count.
    Dining bills count no nights.
    """
    if bill.kind != "stay" or bill.reservation_channel in {"group", "complimentary"}:
        return ()
    own = {r.room for r in bill.rooms if r.member_room}
    nights = {
        c.date
        for c in bill.charges
        if c.category in {"room", "package"} and bill.room_of(c) in own and c.date >= context.member_since
    }
    return tuple(sorted(nights))


# --------------------------------------------------------------------------
# The worksheet: units (NE6), exclusions and the payment allocation (NE9)
# --------------------------------------------------------------------------


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
        used_on = min((c.date for c in bill.charges), default=bill.paid_on)
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

    def finish(self, *, bonus_percent: int = 0) -> Calculation:
        """Close the worksheet: points per unit (NE1/OE2), bonus per unit (OE6)."""
        units = tuple(
            Unit(
                label=d.label,
                kind=d.kind,
                date=d.date,
                eligible_amount=d.eligible,
                points=d.points,
                bonus_points=d.points * bonus_percent // 100,
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


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------


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
