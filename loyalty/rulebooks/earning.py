"""What earns and how much: the eligible charges (NE3), the payment means that earn nothing (NE9), points for
every full yen step (NE1/OE2) and the posting date (NE7), with the words a member reads in an exclusion.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from loyalty.rulebooks.context import Rates

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
