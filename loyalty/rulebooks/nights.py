"""The nights a stay counts towards the member's stay history (SH1)."""

from __future__ import annotations

from datetime import date

from loyalty.rulebooks.bill import Bill
from loyalty.rulebooks.context import Context


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
