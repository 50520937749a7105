"""What a rulebook needs besides the bill, as of its date of use: the hotel, the rates in force (PT1), the
designated outlets (NE2), the member's start date (M6, NX13, OE1) and status (OE6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from loyalty.rulebooks.choices import JAL_COUPON_BRANDS, STATUSES


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
