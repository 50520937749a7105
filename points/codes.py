"""The bill's codes in words (issue 16: every code shown by its label, in English and Japanese): reservation
channels, settlements, payment methods and charge categories are the API's enums (``loyalty.rulebooks.choices``),
stored as received; the office reads them by their label. The models give them as choices (``choices_of``), so every
list, filter and form of the admin shows the label; a calculation unit's kind (NE6) too."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

CODE_LABELS = {
    # reservation channels
    "phone": _("Phone"),
    "official_website": _("Official website"),
    "reservation_center": _("Reservation center"),
    "walk_in": _("Walk-in"),
    "travel_agency": _("Travel agency"),
    "ota": _("Online travel agency"),
    "group": _("Group"),
    "complimentary": _("Complimentary"),
    "other_organization_rate": _("Another organization's rate"),
    # settlements
    "on_the_spot": _("Paid on the spot"),
    "later": _("Paid later"),
    "later_approved": _("Paid later, approved by the hotel"),
    "master_account": _("Master account"),
    # payment methods
    "cash": _("Cash"),
    "credit_card": _("Credit card"),
    "approved_other": _("Other approved means"),
    "cash_voucher": _("Cash voucher"),
    "reward_certificate": _("Reward Certificate"),
    "coupon": _("Ticket, coupon or voucher"),
    "jal_coupon": _("JAL Coupon"),
    "other_organization_points": _("Another organization's points"),
    "bank_transfer": _("Bank transfer"),
    # charge categories
    "room": _("Room charge"),
    "additional_room": _("Additional room charge"),
    "package": _("Package or plan fee"),
    "food_beverage": _("Food and beverage"),
    "minibar": _("Mini bar"),
    "massage": _("Massage"),
    "private_room": _("Private room"),
    "flowers": _("Flower decoration"),
    "laundry": _("Laundry"),
    "other": _("Other charge"),
}


UNIT_KIND_LABELS = {
    # calculation units (NE6): a night of a room, its package or additional room charge, a restaurant or bar bill, a
    # room-charged check (OE4)
    "room": _("Room night"),
    "package": _("Package or plan fee"),
    "additional_room": _("Additional room charge"),
    "dining": _("Restaurant or bar bill"),
    "check": _("Room-charged check"),
}


def choices_of(codes, labels=CODE_LABELS) -> list[tuple[str, str]]:
    """Model choices of a set of the contract's codes, each with its label, in a stable order."""
    return [(code, labels.get(code, code)) for code in sorted(codes)]


def code_label(code: str | None) -> str:
    """The label of a code; an unknown code as it is; nothing for none."""
    if not code:
        return "—"
    return str(CODE_LABELS.get(code, code))
