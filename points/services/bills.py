"""Bills in, points out: record settled billings, judge them by their program's rulebook, award the points (NE7)
and take them back on refund (R1).

One core, ``bills_record``, records a batch: the API sends batches of one, ``import_bills`` batches of hundreds.
For each bill it resolves the hotel and the member (any card ever held, M2), refuses what cannot be taken
(validation problems of the rulebook, a closed membership, a hotel out of the caller's scope), answers a resend of
the same content with the stored answer and another content under the same number with a conflict (409); then,
for the bills that are new, it writes the bill as received, its units and exclusions, the member's room nights
(SH1) and the pending points, with bulk inserts and one lock pass over the members' balance rows.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import NamedTuple

from django.db import DataError, IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Sum

from loyalty import rulebooks as rb
from loyalty.db import Batch, ids_reserve
from loyalty.exceptions import ForbiddenHotel, LoyaltyError
from loyalty.rulebooks import refunds
from loyalty.rulebooks.validity import valid_through
from members.models import Member, Program, Tier
from members.selectors import members_by_cards, status_on
from members.services.terms import terms_uses_record

from .. import endings
from ..exceptions import (
    BillConflict,
    InvalidBill,
    MembershipClosed,
    NothingToRefund,
    RefundLineAlreadyRefunded,
    UnknownHotel,
    UnknownMember,
    UnknownRefundLine,
)
from ..models import (
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRefund,
    BillRoom,
    BillUnit,
    EarnedRoomNight,
    EntryKind,
    Hotel,
    LedgerEntry,
    MemberBalance,
    Outlet,
    StayNight,
)
from ..reference import reference
from . import ledger


@dataclass
class BillOutcome:
    """What became of one reported bill: ``created`` (201), a resend (200), or ``error`` (nothing stored)."""

    payload: dict
    bill_id: int | None = None
    created: bool = False
    body: dict | None = None
    error: LoyaltyError | None = None

    @property
    def bill(self) -> Bill | None:
        """The bill recorded (read when asked: the feed itself only needs the answer)."""
        return Bill.objects.get(pk=self.bill_id) if self.bill_id else None


def fingerprint(payload: dict) -> str:
    """The canonical hash of a bill's content: key order and spacing do not matter."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def to_rulebook_bill(data: dict) -> rb.Bill:
    """The validated payload (API.md shape) as the rulebook's plain data."""

    def charge(c: dict) -> rb.Charge:
        return rb.Charge(
            date=_date(c.get("date") or data["paid_on"]),
            category=c["category"],
            amount=c["amount"],
            tax_service=c.get("tax_service", 0),
            room=c.get("room"),
        )

    return rb.Bill(
        kind=data["kind"],
        number=data["number"],
        paid_on=_date(data["paid_on"]),
        reservation_channel=data.get("reservation_channel"),
        card_presented=data.get("card_presented", True),
        paid_by_member=data.get("paid_by_member", True),
        settlement=data.get("settlement", "on_the_spot"),
        with_banquet=data.get("with_banquet", False),
        wedding=data.get("wedding", False),
        other_hotel_program=data.get("other_hotel_program", False),
        payments=tuple(rb.Payment(p["method"], p["amount"]) for p in data.get("payments", ())),
        rooms=tuple(
            rb.Room(r["room"], r.get("member_room", False), r.get("for_points", False), tuple(r.get("members", ())))
            for r in data.get("rooms", ())
        ),
        charges=tuple(charge(c) for c in data.get("charges", ())),
        room_charged_checks=tuple(
            rb.Check(
                outlet=k["outlet"],
                number=k["number"],
                date=_date(k["date"]),
                charges=tuple(charge({**c, "date": c.get("date") or k["date"]}) for c in k.get("charges", ())),
            )
            for k in data.get("room_charged_checks", ())
        ),
        outlet=data.get("outlet"),
    )


class Lookups:
    """What judging bills reads besides the bills: the reference data (hotels, outlets, designations, settings:
    ``points.reference``, kept per process) and the members behind the cards, resolved once per batch."""

    def __init__(self):
        self.reference = reference()
        self.members: dict[tuple[int, str], Member] = {}
        # NE6: room nights already earned, by hotel id: {(room, night)}. Read for a batch of several bills (one
        # query), or when asked (``check_claims``: a bill met a concurrent one); a single bill is written on the
        # optimistic guess that nobody else earned its room nights, and the unique constraint tells it otherwise.
        self.earned_nights: dict[int, set[tuple[str, dt.date]]] = {}
        self.check_claims = False

    def resolve_earned_nights(self, payloads: Sequence[dict]) -> None:
        """NE6: the room nights of this batch's stays that bills already earned for, in one query."""
        self.earned_nights = {}
        if len(payloads) < 2 and not self.check_claims:
            return
        hotels, rooms, nights = set(), set(), set()
        for payload in payloads:
            hotel = self.hotel(payload.get("hotel") or "")
            if hotel is None or payload.get("kind") != "stay":
                continue
            hotels.add(hotel.pk)
            rooms.update(r.get("room") for r in payload.get("rooms", ()) if isinstance(r, dict))
            for charge in payload.get("charges", ()):
                try:
                    nights.add(_date(charge.get("date") or payload.get("paid_on")))
                except (AttributeError, TypeError, ValueError):
                    continue  # not a bill the service will take (it is refused with its problem)
        if not hotels or not nights:
            return
        days = sorted(nights)
        for hotel_id, room, night in EarnedRoomNight.objects.filter(
            hotel_id__in=hotels, room__in=rooms, night_of__range=(min(days), max(days))
        ).values_list("hotel_id", "room", "night_of"):
            self.earned_nights.setdefault(hotel_id, set()).add((room, night))

    def resolve_members(self, payloads: Sequence[dict]) -> None:
        """Resolve every card number of a batch at once, per program (M2): a few queries, not some per bill."""
        self.reference = reference()  # a long import sees reference changes from one batch to the next
        self.members = {}
        by_program: dict[int, tuple[Program, set[str]]] = {}
        for payload in payloads:
            hotel = self.hotel(payload["hotel"])
            if hotel is not None:
                by_program.setdefault(hotel.program_id, (hotel.program, set()))[1].add(payload["member"])
        for program, numbers in by_program.values():
            found = members_by_cards(numbers=numbers, program=program, with_status=program.is_one_harmony)  # OE6
            for number, member in found.items():
                self.members[(program.pk, number)] = member

    def member(self, program: Program, number: str) -> Member | None:
        return self.members.get((program.pk, (number or "").strip()))

    def hotel(self, code: str) -> Hotel | None:
        return self.reference.hotel(code)

    def outlets_of(self, hotel: Hotel) -> dict[str, Outlet]:
        return self.reference.outlets_of(hotel)

    def designated_on(self, hotel: Hotel, on: dt.date) -> frozenset[str]:
        return self.reference.designated_on(hotel, on)

    def designation_periods(self, hotel: Hotel) -> dict[str, tuple[tuple[dt.date, bool], ...]]:
        return self.reference.designation_periods(hotel)

    def settings_on(self, program: Program, on: dt.date):
        return self.reference.settings_on(program, on)


def _context(
    *,
    hotel: Hotel,
    member: Member,
    paid_on: dt.date,
    lookups: Lookups,
    earned_elsewhere: frozenset[tuple[str, dt.date]] = frozenset(),
) -> tuple[rb.Context, object, str]:
    program = hotel.program
    settings = lookups.settings_on(program, paid_on)
    tier = Tier.MEMBER
    statuses: tuple[tuple[dt.date, dt.date, str], ...] = ()
    if program.is_one_harmony:
        period = status_on(member=member, on=paid_on)  # the status on the payment date, recorded on the bill
        tier = period.tier if period else Tier.MEMBER
        # OE6 per unit on its date of use: the member's status periods as plain data (prefetched with the member)
        statuses = tuple((p.valid_from, p.valid_until, p.tier) for p in member.status_periods.all())
    rates = rb.Rates(
        stay_points=settings.stay_points,
        stay_per_yen=settings.stay_per_yen,
        dining_points=settings.dining_points,
        dining_per_yen=settings.dining_per_yen,
        minimum_payment=settings.minimum_payment,
        loyal_bonus_percent=settings.loyal_bonus_percent,
        exclusive_bonus_percent=settings.exclusive_bonus_percent,
        excluded_categories=frozenset(settings.excluded_categories or ()),
        max_rooms=settings.max_rooms,
        posting_days=settings.posting_delay_days,
        earning_channels=frozenset(settings.earning_channels),  # NE4 (4), OE3
        jal_coupon_checks_earn=settings.jal_coupon_checks_earn,  # OE5
    )
    context = rb.Context(
        program=program.code,
        hotel=rb.HotelInfo(
            code=hotel.code,
            country=hotel.country,
            affiliation=hotel.affiliation,
            brand=hotel.brand,
            accepts_jal_coupons=hotel.accepts_jal_coupons,
            travel_agency_stays_earn=hotel.travel_agency_stays_earn,
        ),
        rates=rates,
        designated_outlets=lookups.designated_on(hotel, paid_on),
        known_outlets=frozenset(lookups.outlets_of(hotel)),
        member_since=member.member_since,  # NX13, OE1: judged per unit on its date of use
        status=tier,
        designations=lookups.designation_periods(hotel),  # NE2 per unit on its date of use
        statuses=statuses,  # OE6 per unit on its date of use
        rooms_earned_elsewhere=earned_elsewhere,  # NE6: room nights another member's bill earned for
    )
    return context, settings, tier


def _response(payload: dict, calc: rb.Calculation, posts_on: dt.date) -> dict:
    """The answer of API.md "Bills" (201 the first time, 200 with the same body on a resend)."""
    return {
        "hotel": payload["hotel"],
        "number": payload["number"],
        "member": payload["member"],
        "points": calc.points,
        "bonus_points": calc.bonus_points,
        "posts_on": posts_on.isoformat(),
        "nights": len(calc.nights),
        "units": [
            {
                "label": u.label,
                "kind": u.kind,
                "date": u.date.isoformat(),
                "eligible_amount": u.eligible_amount,
                "points": u.points,
                "bonus_points": u.bonus_points,
            }
            for u in calc.units
        ],
        "exclusions": [
            {"rule": e.rule, "amount": e.amount, "detail": e.detail, **({"unit": e.unit} if e.unit else {})}
            for e in calc.exclusions
        ],
    }


@dataclass
class _Prepared:
    outcome: BillOutcome
    hotel: Hotel
    member: Member
    calc: rb.Calculation
    fingerprint: str
    posts_on: dt.date
    expires_on: dt.date
    tier: str
    rb_bill: rb.Bill
    outlets: dict[str, Outlet] = field(default_factory=dict)


def _prepare(
    payload: dict,
    *,
    scope_hotel: Hotel | None,
    scope_program: Program | None,
    lookups: Lookups,
    existing: dict[tuple[str, str], tuple[str, dict]],
) -> _Prepared | BillOutcome:
    """Judge one payload without writing: resolve, check scope, detect resends and conflicts, run the rulebook."""
    outcome = BillOutcome(payload=payload)
    hotel = lookups.hotel(payload["hotel"])
    if hotel is None:
        raise UnknownHotel(f"unknown hotel {payload['hotel']!r}", hotel=["unknown hotel code"])
    if scope_hotel is not None and hotel.pk != scope_hotel.pk:
        raise ForbiddenHotel(f"this token reports bills of {scope_hotel.code} only", hotel=["not your hotel"])
    if scope_program is not None and hotel.program_id != scope_program.pk:
        raise ForbiddenHotel(f"hotel {hotel.code} is not a {scope_program.name} hotel", hotel=["not your program"])
    print_ = fingerprint(payload)
    seen = existing.get((hotel.code, payload["number"]))
    if seen is not None:
        if seen[0] == print_:
            outcome.body = seen[1]  # a resend: the same answer, nothing more awarded
            return outcome
        raise BillConflict(
            f"bill {payload['number']} of {hotel.code} was already received with other content",
            number=["already received with other content"],
        )
    member = lookups.member(hotel.program, payload["member"])
    if member is None:
        raise UnknownMember(
            f"no {hotel.program.name} member holds card {payload['member']!r}", member=["unknown card number"]
        )
    if member.closed_on is not None:
        raise MembershipClosed(f"membership {member.number} is closed (M9): it earns no points")
    rb_bill = to_rulebook_bill(payload)
    earned = lookups.earned_nights.setdefault(hotel.pk, set())
    context, settings, tier = _context(
        hotel=hotel,
        member=member,
        paid_on=rb_bill.paid_on,
        lookups=lookups,
        earned_elsewhere=frozenset(earned) if earned else frozenset(),
    )
    problems = rb.validate(rb_bill, context)
    if problems:
        first = problems[0]
        fields: dict[str, list[str]] = {}
        for p in problems:
            fields.setdefault(p.field, []).append(p.detail)
        error = InvalidBill("; ".join(f"{p.field}: {p.detail}" for p in problems), **fields)
        error.code = first.code
        raise error
    calc = rb.calculate(rb_bill, context)
    calc = endings.apply_to_calculation(calc, program=hotel.program, hotel_id=hotel.pk)  # PT2: uses after an ending
    earned.update(_room_nights_earned(calc))  # NE6: a later bill of this batch sees them
    posts_on = rb_bill.paid_on + dt.timedelta(days=settings.posting_delay_days)  # NE7
    expires_on = valid_through(hotel.program.code, rb_bill.paid_on)  # EX1/EX2 from the date of use (EX3)
    outcome.body = _response(payload, calc, posts_on)
    return _Prepared(
        outcome=outcome,
        hotel=hotel,
        member=member,
        calc=calc,
        fingerprint=print_,
        posts_on=posts_on,
        expires_on=expires_on,
        tier=tier,
        rb_bill=rb_bill,
        outlets=lookups.outlets_of(hotel),
    )


def _room_nights_earned(calc: rb.Calculation) -> set[tuple[str, dt.date]]:
    """NE6: the ``(room, night)`` pairs this calculation earned points for (room charges, packages, additional room
    charges of a night): only this bill earns for them."""
    return {(u.room, u.date) for u in calc.units if u.room is not None and u.points > 0}


# The rows ``_write`` inserts, one type per table: the fields are the columns (attnames) given to the write batch
# (``Row._fields``), so a value can only go to the column that names it. Plain tuples all the same (``loyalty.db``
# takes them as they are, COPY or INSERT).


class BillRow(NamedTuple):
    id: int
    hotel_id: int
    number: str
    member_id: int
    card_number: str
    kind: str
    outlet_id: int | None
    paid_on: dt.date
    reservation_channel: str
    settlement: str
    card_presented: bool
    paid_by_member: bool
    with_banquet: bool
    wedding: bool
    other_hotel_program: bool
    total_amount: int
    eligible_amount: int
    points: int
    bonus_points: int
    nights: int
    arrival_on: dt.date | None
    departure_on: dt.date | None
    posts_on: dt.date
    expires_on: dt.date
    status_on_use: str
    payload: dict
    fingerprint: str
    response: dict
    source: str


class BillCheckRow(NamedTuple):
    id: int
    bill_id: int
    outlet_id: int
    number: str
    date: dt.date


class BillRoomRow(NamedTuple):
    bill_id: int
    room: str
    member_room: bool
    for_points: bool
    members: list[str]


class BillChargeRow(NamedTuple):
    bill_id: int
    date: dt.date
    room: str
    category: str
    amount: int
    tax_service: int
    room_check_id: int | None


class BillPaymentRow(NamedTuple):
    bill_id: int
    method: str
    amount: int


class BillUnitRow(NamedTuple):
    bill_id: int
    position: int
    label: str
    kind: str
    date: dt.date
    eligible_amount: int
    points: int
    bonus_points: int


class BillExclusionRow(NamedTuple):
    bill_id: int
    position: int
    rule: str
    amount: int
    detail: str
    unit: str


class EarnedRoomNightRow(NamedTuple):
    hotel_id: int
    room: str
    night_of: dt.date
    bill_id: int


class StayNightRow(NamedTuple):
    member_id: int
    night_of: dt.date
    bill_id: int
    hotel_id: int


def _write(prepared: Sequence[_Prepared], *, source: str) -> None:
    """Write the new bills of a batch: bills, their parts, nights (SH1) and pending points (NE7).

    Rows are named tuples, one type per table (``BillRow``, ...; a model instance per row would cost more than the
    database's work at hundreds of bills a batch). The ids of the bills, their room-charged checks and the ledger
    entries are reserved first, in one round trip, so every row can name its parent; then everything goes as one
    write batch (``loyalty.db``: one round trip for an API request, COPY for a file's batch).
    """
    awards = [
        ledger.Award(
            member=p.member,
            bill_id=0,
            points=p.calc.points,
            bonus_points=p.calc.bonus_points,
            used_on=p.rb_bill.paid_on,
            posts_on=p.posts_on,
            expires_on=p.expires_on,
            reason=p.hotel.program.code,
        )
        for p in prepared
    ]
    ids = ids_reserve(
        {
            Bill: len(prepared),
            BillCheck: sum(len(p.rb_bill.room_charged_checks) for p in prepared),
            LedgerEntry: ledger.entries_of(awards),
        }
    )
    bill_ids, check_ids = ids.get(Bill, []), iter(ids.get(BillCheck, []))
    bills: list[BillRow] = []
    rooms: list[BillRoomRow] = []
    checks: list[BillCheckRow] = []
    charges: list[BillChargeRow] = []
    payments: list[BillPaymentRow] = []
    units: list[BillUnitRow] = []
    exclusions: list[BillExclusionRow] = []
    nights: list[StayNightRow] = []
    earned: list[EarnedRoomNightRow] = []
    for n, (p, bill_id) in enumerate(zip(prepared, bill_ids, strict=True)):
        payload, calc, b = p.outcome.payload, p.calc, p.rb_bill
        p.outcome.bill_id, p.outcome.created, awards[n] = bill_id, True, replace(awards[n], bill_id=bill_id)
        stay_dates = sorted({c.date for c in b.charges if c.category in ("room", "package")})
        outlet = p.outlets.get(payload.get("outlet") or "")
        bills.append(
            BillRow(
                id=bill_id,
                hotel_id=p.hotel.pk,
                number=payload["number"],
                member_id=p.member.pk,
                card_number=payload["member"],
                kind=b.kind,
                outlet_id=outlet.pk if outlet else None,
                paid_on=b.paid_on,
                reservation_channel=b.reservation_channel or "",
                settlement=b.settlement,
                card_presented=b.card_presented,
                paid_by_member=b.paid_by_member,
                with_banquet=b.with_banquet,
                wedding=b.wedding,
                other_hotel_program=b.other_hotel_program,
                total_amount=sum(x.amount for x in b.payments),
                eligible_amount=sum(u.eligible_amount for u in calc.units),
                points=calc.points,
                bonus_points=calc.bonus_points,
                nights=len(calc.nights),
                arrival_on=stay_dates[0] if stay_dates else None,
                departure_on=stay_dates[-1] + dt.timedelta(days=1) if stay_dates else None,
                posts_on=p.posts_on,
                expires_on=p.expires_on,
                status_on_use=p.tier,
                payload=payload,
                fingerprint=p.fingerprint,
                response=p.outcome.body,
                source=source,
            )
        )
        rooms += [
            BillRoomRow(
                bill_id=bill_id,
                room=r.room,
                member_room=r.member_room,
                for_points=r.for_points,
                members=list(r.members),
            )
            for r in b.rooms
        ]
        for k in b.room_charged_checks:
            check_id = next(check_ids)
            checks.append(
                BillCheckRow(
                    id=check_id, bill_id=bill_id, outlet_id=p.outlets[k.outlet].pk, number=k.number, date=k.date
                )
            )
            charges += [
                BillChargeRow(
                    bill_id=bill_id,
                    date=c.date,
                    room="",
                    category=c.category,
                    amount=c.amount,
                    tax_service=c.tax_service,
                    room_check_id=check_id,
                )
                for c in k.charges
            ]
        charges += [
            BillChargeRow(
                bill_id=bill_id,
                date=c.date,
                room=c.room or "",
                category=c.category,
                amount=c.amount,
                tax_service=c.tax_service,
                room_check_id=None,
            )
            for c in b.charges
        ]
        payments += [BillPaymentRow(bill_id=bill_id, method=x.method, amount=x.amount) for x in b.payments]
        units += [
            BillUnitRow(
                bill_id=bill_id,
                position=i,
                label=u.label,
                kind=u.kind,
                date=u.date,
                eligible_amount=u.eligible_amount,
                points=u.points,
                bonus_points=u.bonus_points,
            )
            for i, u in enumerate(calc.units)
        ]
        exclusions += [
            BillExclusionRow(
                bill_id=bill_id, position=i, rule=e.rule, amount=e.amount, detail=e.detail[:300], unit=e.unit or ""
            )
            for i, e in enumerate(calc.exclusions)
        ]
        nights += [
            StayNightRow(member_id=p.member.pk, night_of=night, bill_id=bill_id, hotel_id=p.hotel.pk)
            for night in calc.nights
        ]
        earned += [
            EarnedRoomNightRow(hotel_id=p.hotel.pk, room=room, night_of=night, bill_id=bill_id)
            for room, night in sorted(_room_nights_earned(calc))
        ]
    with Batch() as batch:
        _lock_members(batch, {p.member.pk for p in prepared})
        batch.insert(Bill, BillRow._fields, bills)
        batch.insert(BillCheck, BillCheckRow._fields, checks)
        batch.insert(BillRoom, BillRoomRow._fields, rooms)
        batch.insert(BillCharge, BillChargeRow._fields, charges)
        batch.insert(BillPayment, BillPaymentRow._fields, payments)
        batch.insert(BillUnit, BillUnitRow._fields, units)
        batch.insert(BillExclusion, BillExclusionRow._fields, exclusions)
        # SH1: one night per member and date, whichever bill reports it first
        batch.insert(StayNight, StayNightRow._fields, nights, ignore_conflicts=True)
        # NE6: one bill earns for a room's night; a concurrent bill that earned it first makes this fail
        batch.insert(EarnedRoomNight, EarnedRoomNightRow._fields, earned)
        ledger.points_earn_many(
            awards=[a for a in awards if a.points or a.bonus_points], batch=batch, entry_ids=ids.get(LedgerEntry, [])
        )


def _ensure_open(prepared: Sequence[_Prepared]) -> None:
    """M9 on the embedded database (one process: no cancellation can slip in between): a membership closed while
    its bill was judged earns nothing."""
    ids = {p.member.pk for p in prepared}
    if Member.objects.filter(pk__in=ids, closed_on__isnull=False).exists():
        raise MembershipClosed(_closed_text(prepared))


def _closed_text(prepared: Sequence[_Prepared]) -> str:
    numbers = sorted({p.member.number for p in prepared})
    which = numbers[0] if len(numbers) == 1 else "of this batch"
    return f"membership {which} is closed (M9): it earns no points"


def _closed_while_judged(error: DataError) -> bool:
    from psycopg import errors

    return isinstance(error.__cause__, errors.DivisionByZero)


def _lock_members(batch: Batch, member_ids: set[int]) -> None:
    """One lock order for everything a batch touches per member (issue 13 item 1): the members' balance rows first,
    in member-id order, as every ledger service locks them (STYLE.md "Lock before you check"). Two transactions
    writing the same member's room nights (SH1, unique per member and night) or points then meet on the first
    balance row they share and one waits for the other, instead of each holding a night the other needs (the
    nightly feed's ``deadlock detected ... points_staynight``). The statement is the batch's first: it travels with
    the writes (no extra round trip) and runs before them."""
    if not batch.postgresql or not member_ids:
        return
    ids = sorted(member_ids)
    table = MemberBalance._meta.db_table
    batch.statement(
        f"SELECT member_id FROM {table} WHERE member_id IN ({', '.join(['%s'] * len(ids))})"
        " ORDER BY member_id FOR UPDATE",
        ids,
    )
    # M9: a membership closed while its bills were judged earns nothing. The cancellation holds the balance row
    # while it closes the membership and forfeits; this statement, after the locks (its own snapshot, as every
    # statement's in READ COMMITTED), sees a closing that committed meanwhile and fails the batch with a division
    # by zero (``_closed_while_judged``), in the same round trip as the writes: no read of its own per bill.
    batch.statement(
        f"SELECT 1 / (id - id) FROM {Member._meta.db_table} WHERE id IN ({', '.join(['%s'] * len(ids))})"
        " AND closed_on IS NOT NULL",
        ids,
    )


def _deadlocked(error: OperationalError) -> bool:
    from psycopg import errors

    return isinstance(error.__cause__, errors.DeadlockDetected)


DEADLOCK_RETRIES = 3


def _received(hotel_ids, numbers) -> list[tuple]:
    """(hotel id, number, fingerprint, answer) of the bills already received among these: one plain query (it runs
    for every bill reported; the ORM would spend longer building it than the database answering it)."""
    if not hotel_ids or not numbers:
        return []
    json_field = Bill._meta.get_field("response")
    sql = (
        f"SELECT hotel_id, number, fingerprint, response FROM {Bill._meta.db_table} "
        f"WHERE hotel_id IN ({', '.join(['%s'] * len(hotel_ids))}) AND number IN ({', '.join(['%s'] * len(numbers))})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*hotel_ids, *numbers])
        return [
            (hotel_id, number, print_, json_field.from_db_value(body, None, connection))
            for hotel_id, number, print_, body in cursor.fetchall()
        ]


def _uses(prepared: Sequence[_Prepared]) -> list[tuple[int, int, dt.date]]:
    """PT3: (member, program, date of use) of each unit of the new bills (the payment date of a bill without)."""
    return [
        (p.member.pk, p.hotel.program_id, day)
        for p in prepared
        for day in ({u.date for u in p.calc.units} or {p.rb_bill.paid_on})
    ]


def bills_record(
    *,
    payloads: Sequence[dict],
    source: str = Bill.Source.API,
    scope_hotel: Hotel | None = None,
    scope_program: Program | None = None,
    lookups: Lookups | None = None,
) -> list[BillOutcome]:
    """Record a batch of validated bill payloads (API.md shape); one outcome per payload, in order.

    A payload that cannot be taken gets an ``error`` and writes nothing; the others are written together in one
    transaction. If that transaction meets a concurrent writer of the same bill number, the batch is retried one
    bill at a time, so each still gets its exact answer (201, 200 or 409).
    """
    lookups = lookups or Lookups()
    lookups.resolve_members(payloads)
    lookups.resolve_earned_nights(payloads)
    keys = {(p["hotel"], p["number"]) for p in payloads}
    hotels = {h.pk: h.code for code, _ in keys if (h := lookups.hotel(code)) is not None}
    existing = {
        (hotels[hotel_id], number): (print_, body)
        for hotel_id, number, print_, body in _received(hotels, {k[1] for k in keys})
        if (hotels[hotel_id], number) in keys
    }
    outcomes: list[BillOutcome] = []
    fresh: list[_Prepared] = []
    for payload in payloads:
        try:
            prepared = _prepare(
                payload, scope_hotel=scope_hotel, scope_program=scope_program, lookups=lookups, existing=existing
            )
        except LoyaltyError as error:
            outcomes.append(BillOutcome(payload=payload, error=error))
            continue
        if isinstance(prepared, BillOutcome):
            outcomes.append(prepared)
            continue
        outcomes.append(prepared.outcome)
        fresh.append(prepared)
        # A second copy in the same batch is a resend (or a conflict) of this one.
        existing[(prepared.hotel.code, payload["number"])] = (prepared.fingerprint, prepared.outcome.body)
    if not fresh:
        return outcomes
    again = {"source": source, "scope_hotel": scope_hotel, "scope_program": scope_program, "lookups": lookups}
    try:
        for attempt in range(1, DEADLOCK_RETRIES + 1):
            try:
                with transaction.atomic():
                    try:
                        _write(fresh, source=source)
                    except DataError as error:
                        if not _closed_while_judged(error):
                            raise
                        raise MembershipClosed(_closed_text(fresh)) from error
                    if connection.vendor != "postgresql":
                        _ensure_open(fresh)  # on PostgreSQL the batch checked it under its locks
                    terms_uses_record(uses=_uses(fresh), how="bill")  # PT3: first use under the terms in force
                break
            except OperationalError as error:
                # Belt and braces: the lock order above should leave nothing to deadlock on; a batch that lost
                # one anyway (a writer outside this module) is rolled back whole and tried again, a few times.
                if not _deadlocked(error) or attempt == DEADLOCK_RETRIES:
                    raise
    except IntegrityError:
        # A concurrent request recorded the same bill, or earned a room night of it first (NE6): judge again,
        # reading the room nights earned.
        lookups.check_claims = True
        if len(payloads) == 1:
            # A concurrent request recorded the same bill first: answer as a resend or a conflict.
            return bills_record(**again, payloads=payloads)
        return [bills_record(**again, payloads=[o.payload])[0] for o in outcomes]
    except MembershipClosed as error:
        if len(payloads) == 1:
            for p in fresh:
                p.outcome.error, p.outcome.created, p.outcome.bill_id = error, False, None
        else:
            # A membership of the batch closed while it was judged: judge each bill again (the closed one is
            # refused, the others are recorded).
            return [bills_record(**again, payloads=[o.payload])[0] for o in outcomes]
    return outcomes


def bill_record(
    *,
    payload: dict,
    source: str = Bill.Source.API,
    scope_hotel: Hotel | None = None,
    scope_program: Program | None = None,
) -> BillOutcome:
    """Record one bill (the API's POST /api/v1/bills/). Raises the error of a bill that cannot be taken."""
    outcome = bills_record(payloads=[payload], source=source, scope_hotel=scope_hotel, scope_program=scope_program)[0]
    if outcome.error is not None:
        raise outcome.error
    return outcome


# --- Refunds (R1) ----------------------------------------------------------------------------------------------


def _refunded_lines(bill: Bill) -> tuple[set[int], set[int], int]:
    """The charges and checks (positions in the bill as sent) refunded so far, and the yen refunded as amounts."""
    charges: set[int] = set()
    checks: set[int] = set()
    by_amount = 0
    for refund in bill.refunds.all():
        if refund.lines:
            charges.update(refund.lines.get("charges", ()))
            checks.update(refund.lines.get("checks", ()))
        else:
            by_amount += refund.amount
    return charges, checks, by_amount


def _match_lines(
    rb_bill: rb.Bill, *, charges: Sequence[dict], checks: Sequence[dict], refunded: tuple[set[int], set[int]]
) -> tuple[list[int], list[int]]:
    """API.md 1.1: the positions of the named lines in the bill as sent. A charge matches a folio charge of the same
    category and amount, and of the same date, room and tax and service charge where the request gives them; a
    check matches by outlet and number. A line that matches nothing is ``unknown_line``; one that matches only
    lines refunded before (or named twice) is ``already_refunded``."""
    done_charges, done_checks = set(refunded[0]), set(refunded[1])
    found_charges: list[int] = []
    for n, line in enumerate(charges):
        matches = [
            i
            for i, c in enumerate(rb_bill.charges)
            if c.category == line["category"]
            and c.amount == line["amount"]
            and (line.get("tax_service") is None or c.tax_service == line["tax_service"])
            and (line.get("date") is None or c.date == _date(line["date"]))
            and (line.get("room") is None or rb_bill.room_of(c) == line["room"])
        ]
        free = [i for i in matches if i not in done_charges]
        if not matches:
            raise UnknownRefundLine(f"charges[{n}] matches no charge of the bill", charges=["matches no charge"])
        if not free:
            raise RefundLineAlreadyRefunded(f"charges[{n}] was refunded before", charges=["refunded before"])
        found_charges.append(free[0])
        done_charges.add(free[0])
    found_checks: list[int] = []
    for n, line in enumerate(checks):
        matches = [
            i
            for i, k in enumerate(rb_bill.room_charged_checks)
            if k.outlet == line["outlet"] and k.number == line["number"]
        ]
        if not matches:
            raise UnknownRefundLine(f"checks[{n}] matches no check of the bill", checks=["matches no check"])
        if matches[0] in done_checks:
            raise RefundLineAlreadyRefunded(f"checks[{n}] was refunded before", checks=["refunded before"])
        found_checks.append(matches[0])
        done_checks.add(matches[0])
    return found_charges, found_checks


def _refund_context(bill: Bill, rb_bill: rb.Bill) -> rb.Context:
    """The bill's context, built again as the bill service built it when it was received (settings, designations
    and status by date of use; the room nights other bills earned, NE6)."""
    dates = [c.date for c in rb_bill.charges]
    earned: frozenset[tuple[str, dt.date]] = frozenset()
    if dates:
        earned = frozenset(
            EarnedRoomNight.objects.filter(hotel=bill.hotel, night_of__range=(min(dates), max(dates)))
            .exclude(bill=bill)
            .values_list("room", "night_of")
        )
    context, _settings, _tier = _context(
        hotel=bill.hotel, member=bill.member, paid_on=bill.paid_on, lookups=Lookups(), earned_elsewhere=earned
    )
    return context


def _points_after(
    rb_bill: rb.Bill, context: rb.Context, *, charges: set[int], checks: set[int], by_amount: int
) -> tuple[int, int]:
    """R1: ``(base, bonus)`` the bill earns without the refunded lines and with ``by_amount`` yen refunded without
    naming what (``loyalty.rulebooks.refunds``), recalculated per unit."""
    remaining = refunds.without_lines(rb_bill, charges=charges, checks=checks)
    calc = rb.calculate(remaining, context)
    if by_amount <= 0:
        return calc.points, calc.bonus_points
    return refunds.points_after_amount(remaining, calc, context, by_amount)


@transaction.atomic
def bill_refund(
    *,
    bill: Bill,
    amount: int | None = None,
    charges: Sequence[dict] | None = None,
    checks: Sequence[dict] | None = None,
    on: dt.date,
    created_by=None,
) -> BillRefund:
    """R1: a paid amount refunded (or not paid): retract the points of the refunded part, recalculated per unit.

    * ``charges`` / ``checks`` (API.md 1.1) name the refunded lines: the points retracted are what the bill earns
      now minus what it earns without those lines (a mini bar, laundry or a certificate-paid part retracts nothing);
    * ``amount`` alone: the amount is taken from the yen that earned nothing first, then from the earning units,
      the last one back (``loyalty.rulebooks.refunds``): never more than the refunded part could have earned;
    * neither: the whole of what is left of the bill, and every point it still holds.

    If the points were already spent, the balance goes negative (EX5) and the office charges the member for it.
    """
    bill = Bill.objects.select_for_update().select_related("hotel__program", "member").get(pk=bill.pk)
    refundable = bill.total_amount - bill.refunded_amount
    done_charges, done_checks, by_amount = _refunded_lines(bill)
    rb_bill = to_rulebook_bill(bill.payload)
    named = charges is not None or checks is not None
    new_charges: list[int] = []
    new_checks: list[int] = []
    if named:
        new_charges, new_checks = _match_lines(
            rb_bill, charges=charges or (), checks=checks or (), refunded=(done_charges, done_checks)
        )
        amount = sum(rb_bill.charges[i].total for i in new_charges) + sum(
            c.total for i in new_checks for c in rb_bill.room_charged_checks[i].charges
        )
        if amount <= 0:
            raise NothingToRefund("the lines named come to nothing", charges=["nothing to refund"])
    elif amount is None:
        amount = refundable
    if amount <= 0:
        raise NothingToRefund(
            "the bill has nothing left to refund" if refundable == 0 else "amount must be positive",
            amount=["must be a positive number of yen"],
        )
    if amount > refundable:
        raise NothingToRefund(f"only JPY {refundable:,} of this bill is left to refund", amount=["more than is left"])
    retracted = LedgerEntry.objects.filter(bill=bill, kind=EntryKind.RETRACT).aggregate(
        points=Sum(F("points") + F("pending")), base=Sum("qualifying_points")
    )
    left_base = bill.points + (retracted["base"] or 0)  # retractions are negative
    left_total = bill.points + bill.bonus_points + (retracted["points"] or 0)
    left_bonus = max(left_total - left_base, 0)
    if amount == refundable:
        retract_base, retract_bonus = left_base, left_bonus  # nothing of the bill is left: nor of its points
    else:
        context = _refund_context(bill, rb_bill)
        before = _points_after(rb_bill, context, charges=done_charges, checks=done_checks, by_amount=by_amount)
        after = _points_after(
            rb_bill,
            context,
            charges=done_charges | set(new_charges),
            checks=done_checks | set(new_checks),
            by_amount=by_amount + (0 if named else amount),
        )
        retract_base = min(max(before[0] - after[0], 0), left_base)
        retract_bonus = min(max(before[1] - after[1], 0), left_bonus)
    refund = BillRefund.objects.create(
        bill=bill,
        amount=amount,
        points_retracted=retract_base + retract_bonus,
        created_by=created_by,
        lines={"charges": sorted(new_charges), "checks": sorted(new_checks)} if named else {},
    )
    bill.refunded_amount += amount
    bill.save(update_fields=["refunded_amount"])
    entry = ledger.points_retract(
        member=bill.member,
        bill=bill,
        refund=refund,
        points=retract_base,
        bonus_points=retract_bonus,
        on=on,
        only_what_is_left=True,
    )
    # What lapsed (EX1/EX2) or was forfeited (M9) of the bill's points is not taken a second time: the refund
    # records what actually left the account.
    taken = -(entry.points + entry.pending) if entry else 0
    if taken != refund.points_retracted:
        refund.points_retracted = taken
        refund.save(update_fields=["points_retracted"])
    return refund
