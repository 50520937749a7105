"""One Harmony: earning points at Okura, Nikko and JAL City hotels (Rulebook OE1-OE6).

The member FAQ is short; where it is silent the Rulebook gives Defaults, and
:func:`calculate` reads:

1. The bill is cut into calculation units and only eligible charges count,
   as at New Otani (OE2 "eligible amounts and calculation units as NE3/NE6");
   charges set aside cite OE2.
2. A stay earns only when booked through the reservation centers, the official
   website or directly with the hotel; travel-agency and online-agency stays only
   at hotels that allow it; group, complimentary and other organizations' rates
   never (OE3). A restaurant/bar bill paid wholly or partly with JAL Coupons
   earns nothing (OE5), a check charged to a room whose folio is paid with them
   included (Default); a stay paid with them earns.
3. Rooms the member neither stays in nor names for points, and uses before the
   day of registration (OE1), earn nothing.
4. Parts paid with Reward Certificates, coupons, other organizations' points or
   an unapproved bank transfer earn nothing (NE9 applied through OE2).
5. Each unit earns its rate (Default: stays 20 points per full JPY 1,000,
   restaurants and bars, room-charged checks included, 10 per full JPY 1,000,
   OE2); Loyal and Exclusive members earn a bonus per unit (OE6).

The other New Otani terms (NX1-NX15, NE4, NE5, NE8) are not One Harmony's terms
and do not apply here.
"""

from __future__ import annotations

from loyalty.rulebooks.bill import Bill
from loyalty.rulebooks.choices import DIRECT_CHANNELS, ONE_HARMONY
from loyalty.rulebooks.context import Context, Rates
from loyalty.rulebooks.earning import NON_EARNING_MEANS
from loyalty.rulebooks.results import Calculation
from loyalty.rulebooks.worksheet import Worksheet

PROGRAM = ONE_HARMONY

#: The Defaults the office starts with (OE2: stays 20 per full JPY 1,000, dining
#: 10 per full JPY 1,000; OE6: +25% Loyal, +50% Exclusive). Admin-editable.
#: OE3: the channels of stays that earn everywhere are a program setting (Default: the reservation centers, the
#: official website, and directly with the hotel: by phone or at its desk, ``walk_in``).
DEFAULT_RATES = Rates(
    stay_points=20,
    stay_per_yen=1000,
    dining_points=10,
    dining_per_yen=1000,
    earning_channels=DIRECT_CHANNELS | {"walk_in"},
)

# OE2: eligibility as NE3; every charge set aside cites OE2 with its reason in words.
CHARGE_RULES = {"configured": "OE2", "stay": "OE2", "dining": "OE2"}

# OE3: travel agencies and online travel agencies earn only where the hotel allows it.
AGENCY_CHANNELS = frozenset({"travel_agency", "ota"})

# OE2 with NE9: payment means that earn nothing. JAL Coupons are not among them:
# a stay paid with JAL Coupons earns (OE5).
NON_EARNING_PAYMENTS = frozenset({"reward_certificate", "coupon", "other_organization_points", "bank_transfer"})


def calculate(bill: Bill, context: Context) -> Calculation:
    """The One Harmony points (base and status bonus) of one billing."""
    sheet = Worksheet(bill, context, charge_rules=CHARGE_RULES)  # OE2 as NE3/NE6

    reason = whole_bill_exclusion(bill, context)
    if reason is not None:
        return sheet.exclude_bill(*reason)

    earning_rooms = {r.room for r in bill.rooms if r.member_room or r.for_points}
    # OE5: a restaurant/bar bill paid wholly or partly with JAL Coupons earns nothing; a check charged to a room
    # whose folio is so paid is such a bill (Default, a setting); the stay's own charges still earn.
    coupon_checks = any(p.method == "jal_coupon" for p in bill.payments) and not context.rates.jal_coupon_checks_earn
    for unit in sheet.units:
        if unit.room is not None and unit.room not in earning_rooms:
            # OE2: only the member's room and rooms named for points earn.
            sheet.exclude_unit(unit, "OE2", f"room {unit.room} was not the member's or named for points")
        elif sheet.room_earned_elsewhere(unit):
            # OE2 (units as NE6): members sharing a room: only one of them earns for it, the first bill reported.
            sheet.exclude_unit(unit, "OE2", f"room {unit.room} already earned for this night on another bill")
        elif unit.kind == "check" and coupon_checks:
            sheet.exclude_unit(
                unit, "OE5", "restaurant and bar bills charged to a room paid with JAL Coupons earn no points"
            )
        elif unit.date < context.member_since:
            # OE1: points are earned from the day of registration.
            sheet.exclude_unit(
                unit,
                "OE1",
                f"used before registration on {context.member_since.isoformat()}",
            )

    # OE2 (as NE9): parts paid by means that earn nothing come off the units.
    for payment in bill.payments:
        if payment.method not in NON_EARNING_PAYMENTS:
            continue
        if payment.method == "bank_transfer" and bill.settlement == "later_approved":
            continue  # the hotel approved the later payment
        sheet.reduce_by_payment(payment.amount, "OE2", NON_EARNING_MEANS[payment.method])

    # OE2 rates per unit; OE6 bonus per unit by the status in force on the unit's date of use (a stay across
    # March 31 / April 1 gets each night's tier), rounded down per unit.
    rates = context.rates
    return sheet.finish(bonus_percent_on=lambda day: rates.bonus_percent(context.status_on(day)))


def whole_bill_exclusion(bill: Bill, context: Context) -> tuple[str, str] | None:
    """The reason the whole billing earns nothing at One Harmony, or None."""
    if bill.kind == "stay":
        channel = bill.reservation_channel
        if channel in context.rates.earning_channels:  # OE3, a program setting
            return None
        if channel in AGENCY_CHANNELS:
            if context.hotel.travel_agency_stays_earn:
                return None
            # OE3: agency stays earn only at hotels flagged to allow it.
            return "OE3", "stays booked through travel agencies earn no points at this hotel"
        # OE3: group, complimentary and other organizations' rates do not earn.
        words = {
            "group": "group stays earn no points",
            "complimentary": "complimentary stays earn no points",
            "other_organization_rate": "stays at another organization's rate earn no points",
        }
        return "OE3", words.get(channel, "the stay was not booked through a channel that earns")
    if any(p.method == "jal_coupon" for p in bill.payments):
        # OE5: a restaurant/bar bill paid wholly or partly with JAL Coupons.
        return "OE5", "restaurant and bar bills paid with JAL Coupons earn no points"
    return None
