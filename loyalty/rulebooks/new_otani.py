"""New Otani Club Point Program: Articles 2 to 5 of the terms (Rulebook NE1-NE9, NX1-NX15).

Read top to bottom, :func:`calculate` follows the terms:

1. The bill is cut into calculation units (Art. 4, NE6); only room charges,
   package/plan fees, food and beverage and their tax and service charge are
   eligible (Art. 2, NE3); other charges are set aside (NX3, NX4, NX15).
2. Some bills earn nothing at all (Art. 2 (1)-(15), Art. 5): the first reason
   that applies is recorded with the bill's payment total.
3. Some units earn nothing: rooms beyond the two the member may name (NE5),
   a room night another member sharing the room already earned for (NE6),
   room-charged checks of outlets not designated on the date of use (NE2), uses
   before admission (NX13).
4. Parts paid with Reward Certificates, coupons, other organizations' points or
   an unapproved bank transfer earn nothing (NE9): they come off the units.
5. Each unit earns 5 points for every full JPY 100 left (Art. 3, NE1).

New Otani has no status bonus: ``bonus_points`` is always 0.
"""

from __future__ import annotations

from loyalty.rulebooks.bill import Bill
from loyalty.rulebooks.choices import DIRECT_CHANNELS, NEW_OTANI
from loyalty.rulebooks.context import Context, Rates
from loyalty.rulebooks.earning import NON_EARNING_MEANS, yen
from loyalty.rulebooks.results import Calculation
from loyalty.rulebooks.worksheet import Worksheet

PROGRAM = NEW_OTANI

#: The Defaults the office starts with (NE1: 5 points per full JPY 100, stays and
#: dining alike; NX2: JPY 100 minimum; NE5: two rooms; NE4 (4): stays reserved by
#: phone, on the official website or through the reservation center earn, a
#: walk-in does not). Admin-editable settings: the platform passes the ones in force.
DEFAULT_RATES = Rates(
    stay_points=5, stay_per_yen=100, dining_points=5, dining_per_yen=100, earning_channels=DIRECT_CHANNELS
)

# NX15 first (a category New Otani specifies), then NX3 (folio), NX4 (checks).
CHARGE_RULES = {"configured": "NX15", "stay": "NX3", "dining": "NX4"}


# NE9: the payment parts that earn nothing, and the exclusion each one cites.
NON_EARNING_PAYMENTS = {
    "reward_certificate": "NX11",  # Art. 2 (11), Art. 12 (10)
    "coupon": "NX12",  # Art. 2 (12): invitation/advance-sale tickets, meal coupons
    "jal_coupon": "NX12",  # not accepted at all (OE5); a coupon if it slips through
    "other_organization_points": "NX14",  # Art. 2 (14)
    "bank_transfer": "NX8",  # Art. 2 (8), unless the hotel approved it
}
# Art. 2 (12): cash vouchers of Group Hotels and credit card companies do earn;
# so do cash, credit cards and the means a hotel approves (NE4 (3)).

# NE5: the second room earns only when everything is paid by cash or credit card.
CASH_OR_CARD = frozenset({"cash", "credit_card"})


def calculate(bill: Bill, context: Context) -> Calculation:
    """The New Otani Club points of one billing (Art. 2-5)."""
    sheet = Worksheet(bill, context, charge_rules=CHARGE_RULES)  # NE6, NE3, NX3/NX4/NX15

    reason = whole_bill_exclusion(bill, context)
    if reason is not None:
        return sheet.exclude_bill(*reason)

    earning_rooms, why_not = rooms_that_earn(bill, context.rates)
    for unit in sheet.units:
        if unit.kind == "check" and not context.designated_on(unit.outlet, unit.date):
            # NE2: a room-charged check earns only at an outlet designated on its date of use (the check's
            # date, not the day the folio is paid).
            sheet.exclude_unit(unit, "NE2", f"{unit.outlet} is not a designated restaurant/bar")
        elif unit.room is not None and unit.room not in earning_rooms:
            # NE5: the member's own room and one other room the member names.
            sheet.exclude_unit(unit, "NE5", why_not.get(unit.room, f"room {unit.room} is not on the bill"))
        elif sheet.room_earned_elsewhere(unit):
            # NE6: members sharing a room: only one of them earns for it, the first bill reported.
            sheet.exclude_unit(unit, "NE6", f"room {unit.room} already earned for this night on another bill")
        elif unit.date < context.member_since:
            # NX13: uses before the date of admission (M6).
            sheet.exclude_unit(
                unit,
                "NX13",
                f"used before the member's admission on {context.member_since.isoformat()}",
            )

    # NE9: parts paid by means that earn nothing come off the units, in bill order.
    for payment in bill.payments:
        rule = NON_EARNING_PAYMENTS.get(payment.method)
        if payment.method == "bank_transfer" and bill.settlement == "later_approved":
            rule = None  # NX8: the hotel approved the later payment.
        if rule is not None:
            sheet.reduce_by_payment(payment.amount, rule, NON_EARNING_MEANS[payment.method])

    return sheet.finish()  # NE1: 5 points per full JPY 100 of each unit


def whole_bill_exclusion(bill: Bill, context: Context) -> tuple[str, str] | None:
    """The first reason, in the order of the terms, for which the billing earns nothing.

    Returns ``(rule, detail)`` or None when the bill may earn.
    """
    hotel, rates = context.hotel, context.rates
    stay = bill.kind == "stay"

    # NX1: associate hotels in Japan, and Group Hotels outside Japan.
    if hotel.affiliation != "group":
        return "NX1", "points are not awarded at associate hotels"
    if hotel.country != "JP":
        return "NX1", "points are not awarded at hotels outside Japan"
    # NE2: dining earns only at restaurants/bars designated on the date of use.
    if not stay and not context.designated_on(bill.outlet, bill.used_on):
        return "NE2", f"{bill.outlet} is not a designated restaurant/bar"
    # NX2: payment amounts under JPY 100.
    if bill.payment_total < rates.minimum_payment:
        return "NX2", f"payments under {yen(rates.minimum_payment)} earn no points"
    # NX5: restaurant weddings.
    if not stay and bill.wedding:
        return "NX5", "restaurant weddings earn no points"
    # NX6: stays booked through travel companies or internet channels other than
    # the hotel's official website.
    if stay and bill.reservation_channel in {"travel_agency", "ota"}:
        return "NX6", "stays booked through travel companies or online agents earn no points"
    # NX7: payments not made by the member.
    if not bill.paid_by_member:
        return "NX7", "the bill was not paid by the member"
    # NX8: payments later than the day of use, unless the hotel approved it.
    if bill.settlement == "later":
        return "NX8", "the bill was paid after the day of use without the hotel's approval"
    # NX9: payments through master accounts of conventions, organizations, groups.
    if bill.settlement == "master_account":
        return "NX9", "the bill was paid through a master account"
    if stay and bill.reservation_channel == "group":
        return "NX9", "group stays are paid through the group's account"
    # NX10: accommodation or dining paid collectively with banquet fees.
    if bill.with_banquet:
        return "NX10", "the bill was paid together with banquet fees"
    # NX14: stays under package plans or rates of other organizations.
    if stay and bill.reservation_channel == "other_organization_rate":
        return "NX14", "stays at another organization's plan or rate earn no points"
    # NE8 (Art. 5): not together with another point program of the Group Hotel.
    if bill.other_hotel_program:
        return "NE8", "the bill earned points of another program of the hotel"
    # NE4 (2): the card is presented at arrival (stay) or at payment (dining).
    if not bill.card_presented:
        return "NE4", "the membership card was not presented"
    if stay:
        # NE4 (1): used by the member personally: the member stays in a room.
        if bill.own_room is None:
            return "NE4", "the member did not stay in any of the rooms"
        # NE4 (3): paid on the spot; a complimentary stay is not paid at all.
        if bill.reservation_channel == "complimentary":
            return "NE4", "complimentary stays are not paid on the spot"
        # NE4 (4): reserved by phone with the hotel or on its official website; the channels that earn are a
        # program setting (Default: phone, official website, reservation center; not a walk-in).
        if bill.reservation_channel not in rates.earning_channels:
            return "NE4", "the stay was not reserved directly with the hotel"
    return None


def rooms_that_earn(bill: Bill, rates: Rates) -> tuple[frozenset[str], dict[str, str]]:
    """NE5: the rooms of a stay that earn, and why each other room does not.

    The member's own room earns, plus at most ``max_rooms - 1`` other rooms the
    member named (``for_points``), in the order of the folio, and those only
    when every payment of the billing is cash or credit card.
    """
    own = bill.own_room
    earning = {own.room} if own is not None else set()
    others_allowed = rates.max_rooms - 1
    cash_or_card = all(p.method in CASH_OR_CARD for p in bill.payments)
    why_not: dict[str, str] = {}
    for room in bill.rooms:
        if room.room in earning:
            continue
        if not room.for_points:
            why_not[room.room] = f"room {room.room} was not named by the member for points"
        elif not cash_or_card:
            why_not[room.room] = f"room {room.room} earns only when the bill is paid by cash or credit card"
        elif others_allowed <= 0:
            why_not[room.room] = f"points are awarded for {rates.max_rooms} rooms at most"
        else:
            earning.add(room.room)
            others_allowed -= 1
    return frozenset(earning), why_not
