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

from django.db import IntegrityError, OperationalError, connection, transaction

from loyalty import rulebooks as rb
from loyalty.db import Batch, ids_reserve
from loyalty.rulebooks.validity import valid_through
from members.models import Member, Program, Tier
from members.selectors import members_by_cards, settings_on, status_on

from ..exceptions import BillConflict, InvalidBill, MembershipClosed, NothingToRefund, PointsError
from ..models import (
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRefund,
    BillRoom,
    BillUnit,
    Hotel,
    LedgerEntry,
    MemberBalance,
    Outlet,
    StayNight,
)
from ..reference import reference
from . import ledger


class HotelOutOfScope(PointsError):
    """This token may only report bills of its own hotel."""

    code = "forbidden_hotel"
    status = 403


class UnknownHotel(InvalidBill):
    code = "unknown_hotel"


class UnknownMember(InvalidBill):
    code = "unknown_member"


@dataclass
class BillOutcome:
    """What became of one reported bill: ``created`` (201), a resend (200), or ``error`` (nothing stored)."""

    payload: dict
    bill_id: int | None = None
    created: bool = False
    body: dict | None = None
    error: PointsError | None = None

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

    def settings_on(self, program: Program, on: dt.date):
        return self.reference.settings_on(program, on)


def _context(*, hotel: Hotel, member: Member, paid_on: dt.date, lookups: Lookups) -> tuple[rb.Context, object, str]:
    program = hotel.program
    settings = lookups.settings_on(program, paid_on)
    tier = Tier.MEMBER
    if program.is_one_harmony:
        period = status_on(member=member, on=paid_on)  # OE6: the status in force on the date of use
        tier = period.tier if period else Tier.MEMBER
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
        member_since=member.member_since,
        status=tier,
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
        raise HotelOutOfScope(f"this token reports bills of {scope_hotel.code} only", hotel=["not your hotel"])
    if scope_program is not None and hotel.program_id != scope_program.pk:
        raise HotelOutOfScope(f"hotel {hotel.code} is not a {scope_program.name} hotel", hotel=["not your program"])
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
    context, settings, tier = _context(hotel=hotel, member=member, paid_on=rb_bill.paid_on, lookups=lookups)
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
    posts_on = rb_bill.paid_on + dt.timedelta(days=settings.posting_delay_days)  # NE7
    expires_on = valid_through(hotel.program.code, rb_bill.paid_on)  # EX1/EX2 from the date of use (EX3)
    outcome.body = _response(payload, calc, posts_on)
    return _Prepared(
        outcome, hotel, member, calc, print_, posts_on, expires_on, tier, rb_bill, outlets=lookups.outlets_of(hotel)
    )


BILL_FIELDS = [
    "hotel_id",
    "number",
    "member_id",
    "card_number",
    "kind",
    "outlet_id",
    "paid_on",
    "reservation_channel",
    "settlement",
    "card_presented",
    "paid_by_member",
    "with_banquet",
    "wedding",
    "other_hotel_program",
    "total_amount",
    "eligible_amount",
    "points",
    "bonus_points",
    "nights",
    "arrival_on",
    "departure_on",
    "posts_on",
    "expires_on",
    "status_on_use",
    "payload",
    "fingerprint",
    "response",
    "source",
]


def _write(prepared: Sequence[_Prepared], *, source: str) -> None:
    """Write the new bills of a batch: bills, their parts, nights (SH1) and pending points (NE7).

    Rows are plain tuples (a model instance per row would cost more than the database's work at hundreds of
    bills a batch). The ids of the bills, their room-charged checks and the ledger entries are reserved first, in
    one round trip, so every row can name its parent; then everything goes as one write batch (``loyalty.db``:
    one round trip for an API request, COPY for a file's batch).
    """
    awards = [
        ledger.Award(
            p.member,
            0,
            p.calc.points,
            p.calc.bonus_points,
            p.rb_bill.paid_on,
            p.posts_on,
            p.expires_on,
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
    bills, rooms, checks, charges, payments, units, exclusions, nights = [], [], [], [], [], [], [], []
    for n, (p, bill_id) in enumerate(zip(prepared, bill_ids, strict=True)):
        payload, calc, b = p.outcome.payload, p.calc, p.rb_bill
        p.outcome.bill_id, p.outcome.created, awards[n] = bill_id, True, replace(awards[n], bill_id=bill_id)
        stay_dates = sorted({c.date for c in b.charges if c.category in ("room", "package")})
        outlet = p.outlets.get(payload.get("outlet") or "")
        bills.append(
            (
                bill_id,
                p.hotel.pk,
                payload["number"],
                p.member.pk,
                payload["member"],
                b.kind,
                outlet.pk if outlet else None,
                b.paid_on,
                b.reservation_channel or "",
                b.settlement,
                b.card_presented,
                b.paid_by_member,
                b.with_banquet,
                b.wedding,
                b.other_hotel_program,
                sum(x.amount for x in b.payments),
                sum(u.eligible_amount for u in calc.units),
                calc.points,
                calc.bonus_points,
                len(calc.nights),
                stay_dates[0] if stay_dates else None,
                stay_dates[-1] + dt.timedelta(days=1) if stay_dates else None,
                p.posts_on,
                p.expires_on,
                p.tier,
                payload,
                p.fingerprint,
                p.outcome.body,
                source,
            )
        )
        rooms += [(bill_id, r.room, r.member_room, r.for_points, list(r.members)) for r in b.rooms]
        for k in b.room_charged_checks:
            check_id = next(check_ids)
            checks.append((check_id, bill_id, p.outlets[k.outlet].pk, k.number, k.date))
            charges += [(bill_id, c.date, "", c.category, c.amount, c.tax_service, check_id) for c in k.charges]
        charges += [(bill_id, c.date, c.room or "", c.category, c.amount, c.tax_service, None) for c in b.charges]
        payments += [(bill_id, x.method, x.amount) for x in b.payments]
        units += [
            (bill_id, i, u.label, u.kind, u.date, u.eligible_amount, u.points, u.bonus_points)
            for i, u in enumerate(calc.units)
        ]
        exclusions += [
            (bill_id, i, e.rule, e.amount, e.detail[:300], e.unit or "") for i, e in enumerate(calc.exclusions)
        ]
        nights += [(p.member.pk, night, bill_id, p.hotel.pk) for night in calc.nights]
    with Batch() as batch:
        _lock_members(batch, {p.member.pk for p in prepared})
        batch.insert(Bill, ["id", *BILL_FIELDS], bills)
        batch.insert(BillCheck, ["id", "bill_id", "outlet_id", "number", "date"], checks)
        batch.insert(BillRoom, ["bill_id", "room", "member_room", "for_points", "members"], rooms)
        batch.insert(
            BillCharge, ["bill_id", "date", "room", "category", "amount", "tax_service", "room_check_id"], charges
        )
        batch.insert(BillPayment, ["bill_id", "method", "amount"], payments)
        batch.insert(
            BillUnit,
            ["bill_id", "position", "label", "kind", "date", "eligible_amount", "points", "bonus_points"],
            units,
        )
        batch.insert(BillExclusion, ["bill_id", "position", "rule", "amount", "detail", "unit"], exclusions)
        # SH1: one night per member and date, whichever bill reports it first
        batch.insert(StayNight, ["member_id", "night_of", "bill_id", "hotel_id"], nights, ignore_conflicts=True)
        ledger.points_earn_many(
            awards=[a for a in awards if a.points or a.bonus_points], batch=batch, entry_ids=ids.get(LedgerEntry, [])
        )


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
        except PointsError as error:
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
                    _write(fresh, source=source)
                break
            except OperationalError as error:
                # Belt and braces: the lock order above should leave nothing to deadlock on; a batch that lost
                # one anyway (a writer outside this module) is rolled back whole and tried again, a few times.
                if not _deadlocked(error) or attempt == DEADLOCK_RETRIES:
                    raise
    except IntegrityError:
        if len(payloads) == 1:
            # A concurrent request recorded the same bill first: answer as a resend or a conflict.
            return bills_record(**again, payloads=payloads)
        return [bills_record(**again, payloads=[o.payload])[0] for o in outcomes]
    except MembershipClosed as error:
        for p in fresh:
            p.outcome.error, p.outcome.created, p.outcome.bill_id = error, False, None
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


def _points_after_refund(bill: Bill, refunded: int) -> tuple[int, int]:
    """R1: the bill's base and bonus points once ``refunded`` yen are taken off, recalculated per unit.

    The refund is taken off the earning units from the last one back (the latest night or check first), each unit
    down to zero before the one before it; each unit's points are recomputed from what is left of its eligible
    amount, and its bonus from its points at the bill's bonus percentage (OE6).
    """
    units = list(bill.units.order_by("position"))
    settings = settings_on(program=bill.hotel.program, on=bill.paid_on)
    per_kind = {
        True: (settings.dining_points, settings.dining_per_yen),
        False: (settings.stay_points, settings.stay_per_yen),
    }
    percent = {"loyal": settings.loyal_bonus_percent, "exclusive": settings.exclusive_bonus_percent}.get(
        bill.status_on_use, 0
    )
    left = refunded
    base = bonus = 0
    for unit in reversed(units):
        eligible = unit.eligible_amount if unit.points else 0
        take = min(left, eligible)
        left -= take
        points_each, per_yen = per_kind[unit.kind in ("dining", "check")]
        points = rb.points_for(eligible - take, points=points_each, per_yen=per_yen) if unit.points else 0
        points = min(points, unit.points)
        base += points
        bonus += min(points * percent // 100, unit.bonus_points)
    return base, bonus


@transaction.atomic
def bill_refund(*, bill: Bill, amount: int | None = None, on: dt.date, created_by=None) -> BillRefund:
    """R1: a paid amount refunded (or not paid): retract the points of the refunded part. If they were already
    spent, the balance goes negative (EX5) and the office charges the member for it."""
    bill = Bill.objects.select_for_update().select_related("hotel__program", "member").get(pk=bill.pk)
    refundable = bill.total_amount - bill.refunded_amount
    if amount is None:
        amount = refundable
    if amount <= 0:
        raise NothingToRefund(
            "the bill has nothing left to refund" if refundable == 0 else "amount must be positive",
            amount=["must be a positive number of yen"],
        )
    if amount > refundable:
        raise NothingToRefund(f"only JPY {refundable:,} of this bill is left to refund", amount=["more than is left"])
    already = sum(r.points_retracted for r in bill.refunds.all())
    awarded = bill.points + bill.bonus_points
    if amount == refundable:
        base_after, bonus_after = 0, 0
    else:
        base_after, bonus_after = _points_after_refund(bill, bill.refunded_amount + amount)
    retract_total = max(0, awarded - already - (base_after + bonus_after))
    retracted_base = max(0, min(retract_total, (bill.points - base_after) - min(already, bill.points)))
    retracted_bonus = retract_total - retracted_base
    refund = BillRefund.objects.create(bill=bill, amount=amount, points_retracted=retract_total, created_by=created_by)
    bill.refunded_amount += amount
    bill.save(update_fields=["refunded_amount"])
    ledger.points_retract(
        member=bill.member, bill=bill, refund=refund, points=retracted_base, bonus_points=retracted_bonus, on=on
    )
    return refund
