"""The programs and the choices of the integration contract (API.md "Bills"): what a bill may say.

Input outside these sets is refused by :func:`~loyalty.rulebooks.validation.validate`.
"""

from __future__ import annotations

NEW_OTANI = "new-otani"
ONE_HARMONY = "one-harmony"
PROGRAMS = frozenset({NEW_OTANI, ONE_HARMONY})

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
# NE4 Default: the channels of stays that earn: reserved by phone directly with the hotel, on its official website,
# or through the reservation center (the group's own telephone reservation office). A ``walk_in`` stay has no
# reservation and earns only if the office adds it (a program setting, ``Rates.earning_channels``).
DIRECT_CHANNELS = frozenset({"phone", "official_website", "reservation_center"})
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
