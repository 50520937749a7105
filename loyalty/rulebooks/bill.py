"""The input records: a settled billing (a stay folio or a restaurant/bar check) as the rulebooks read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


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
    def used_on(self) -> date:
        """The date of use of a restaurant/bar bill: the day of its earliest charge (the payment day if none)."""
        return min((c.date for c in self.charges), default=self.paid_on)

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
