"""What a rulebook needs besides the bill, as of its date of use: the hotel, the rates in force (PT1), the
designated outlets (NE2), the member's start date (M6, NX13, OE1) and status (OE6).

Date of use (RULEBOOK conventions): designation (NE2), admission and registration (NX13, OE1) and status (OE6) are
judged per calculation unit on the unit's own date (the night, the check's date), not on the payment date. A stay
paid on April 2 holds a March 31 night and an April 1 night, and a dinner charged to the room on a day its outlet
was designated: so the context carries those facts *by date*, as plain data the platform builds
(``designations``: outlet -> its designation changes; ``statuses``: the member's status periods), and the rulebooks
ask :meth:`Context.designated_on` and :meth:`Context.status_on` with each unit's date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from loyalty.rulebooks.choices import DIRECT_CHANNELS, JAL_COUPON_BRANDS, STATUSES


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
    earning_channels: frozenset[str] = DIRECT_CHANNELS  # NE4 (4) / OE3: reservation channels of stays that earn
    jal_coupon_checks_earn: bool = False  # OE5: room-charged checks of a folio paid with JAL Coupons (Default: no)

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
    status: str = "member"  # OE6, in force on the payment date (what the bill records)
    # Date of use, per unit. NE2: each outlet's designation changes, ``(effective_from, designated)`` in date order;
    # None: ``designated_outlets`` holds on every date. OE6: the member's status periods,
    # ``(valid_from, valid_until, tier)``; None: ``status`` holds on every date.
    designations: Mapping[str, tuple[tuple[date, bool], ...]] | None = None
    statuses: tuple[tuple[date, date, str], ...] | None = None
    # NE6: the ``(room, night)`` pairs of this hotel that already earned for another bill (another member sharing
    # the room): only one of them earns for it, the first bill reported.
    rooms_earned_elsewhere: frozenset[tuple[str, date]] = frozenset()

    def designated_on(self, outlet: str | None, on: date) -> bool:
        """NE2: was ``outlet`` a designated restaurant/bar on ``on`` (the date of use)?

        The latest designation change on or before the date decides; an outlet never designated does not earn.
        """
        if self.designations is None:
            return outlet in self.designated_outlets
        designated = False
        for effective_from, state in self.designations.get(outlet or "", ()):
            if effective_from > on:
                break
            designated = state
        return designated

    def status_on(self, on: date) -> str:
        """OE6: the status in force on ``on`` (the date of use): the highest tier whose period covers it."""
        if self.statuses is None:
            return self.status
        best = "member"
        for valid_from, valid_until, tier in self.statuses:
            if valid_from <= on <= valid_until and _RANK[tier] > _RANK[best]:
                best = tier
        return best


_RANK = {"member": 0, "loyal": 1, "exclusive": 2}  # ST1: the tiers, lowest first
