"""The one catalog of what My Account tells a member, in the member's language (STYLE.md "Members read plain words").

Rule IDs are for code, tests and staff: a member page never shows one. A bill's exclusions, a refusal of a service
and the kind of a ledger entry are looked up here by their rule ID or error code and shown as a translated sentence;
anything the catalog does not know is shown as a plain, translated fallback, never as the raw ID, code or English
detail of the service.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Why (part of) a bill earned nothing, by the Rulebook ID that kept it from earning.
EXCLUSION_REASONS = {
    "PT2": _("The program, or this part of it, had ended by the date of use."),
    "NE1": _("Amounts under ¥100 in a calculation unit do not earn points."),
    "NE2": _("This hotel, restaurant or bar does not earn points of the program on that date."),
    "NE3": _("Only room, food and beverage charges and package fees, with their tax and service charge, earn points."),
    "NE4": _(
        "Points are earned when the member uses the hotel, shows the card, pays on the spot and books directly "
        "with the hotel."
    ),
    "NE5": _("At most two rooms earn points per stay: your own room and one other room in your name."),
    "NE8": _("This bill earns points of another program of the hotel group."),
    "NE9": _("The part paid with certificates, coupons or other points does not earn points."),
    "NX1": _("Stays and meals at associate hotels in Japan and at hotels outside Japan do not earn points."),
    "NX2": _("A payment under ¥100 does not earn points."),
    "NX3": _("Room extras such as the mini bar or massage do not earn points; room charges and package fees do."),
    "NX4": _("Restaurant extras such as private rooms or flowers do not earn points; food and drink do."),
    "NX5": _("Weddings at the restaurants do not earn points."),
    "NX6": _("Stays booked through travel agencies or online travel sites do not earn points."),
    "NX7": _("Payments not made by the member do not earn points."),
    "NX8": _("Payments made after the day of use, such as bank transfers, do not earn points."),
    "NX9": _("Payments through the master account of a convention, organisation or group do not earn points."),
    "NX10": _("Stays or meals paid together with banquet fees do not earn points."),
    "NX11": _("The part paid with Reward Certificates does not earn points."),
    "NX12": _("The part paid with tickets, coupons or vouchers does not earn points."),
    "NX13": _("Uses before your admission date do not earn points."),
    "NX14": _("Payments with other programs' points or benefits, or at their rates, do not earn points."),
    "NX15": _("This kind of charge does not earn points."),
    "OE1": _("Uses before your registration, or outside the member hotels, do not earn points."),
    "OE2": _(
        "Only room charges, food and drink and package fees paid by the member earn points, for every full ¥1,000; "
        "extras, other guests' rooms and parts paid by other means do not."
    ),
    "OE3": _(
        "Stays booked through travel agencies or online travel sites, group stays and special rates earn points "
        "only where the hotel allows it."
    ),
    "OE4": _("Restaurant bills charged to the room earn points with the stay, at check-out."),
    "OE5": _(
        "JAL Coupons: dining paid with them does not earn points, and stays earn only at Nikko and JAL City hotels."
    ),
    "OE6": _("The status bonus does not count toward your status."),
    "SH1": _("Group and complimentary stays do not count as nights."),
}
EXCLUSION_FALLBACK = _("This part of the bill does not earn points under the program's terms.")

# A refusal of a service, by its error code (and, for a general code, the field at fault).
ERROR_TEXTS = {
    "claim_too_late": _("Missing points must be reported within 6 months of the date of use."),
    ("invalid_claim", "used_on"): _("The date of use cannot be in the future."),
    ("invalid_claim", "hotel"): _("Please choose a hotel of your program."),
    ("invalid_claim", "description"): _("Please describe what is missing."),
    "insufficient_points": _("Your points are not enough for this request."),
    "membership_closed": _("Your membership is closed."),
    ("invalid", "arrival_on"): _(
        "Certificates are valid for a limited time: please ask for them for a stay before they would expire."
    ),
    "too_close_to_arrival": _("The arrival date is too close: please ask at least 10 days before your arrival."),
    "hotel_not_eligible": _("Certificates are handed over only at New Otani Group Hotels in Japan."),
    "award_not_available": _("This award is not available."),
    "wrong_channel": _("This award cannot be redeemed on the website. Please contact the office."),
    "not_applicable": _("This service is not part of your program."),
    "service_ended": _("This service of the program has ended."),
    "invalid_enrolment": _("We could not enrol you with these details. Please check them or contact the office."),
    "invalid_account": _("This link is invalid or has expired."),
}
ERROR_FALLBACK = _("We could not accept this request. Please check the details or contact the office.")


def exclusion_reason(rule: str) -> str:
    """Why an amount earned nothing, in the member's words (never the rule ID)."""
    return str(EXCLUSION_REASONS.get((rule or "").strip().upper(), EXCLUSION_FALLBACK))


def error_text(exc) -> str:
    """A refusal of a service in the member's words: by code and field, then by code, else a plain fallback."""
    code = getattr(exc, "code", "")
    field = (getattr(exc, "fields", None) or {}).get("field")
    text = ERROR_TEXTS.get((code, field)) or ERROR_TEXTS.get(code) or ERROR_FALLBACK
    return str(text)
