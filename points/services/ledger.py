"""The ledger's primitive operations: every change of a member's points goes through here.

Each public function runs in one transaction and locks the member's balance row first (``select_for_update``;
several members always in primary-key order, so two transfers never deadlock). While the lock is held it appends
entries, creates or consumes lots and moves the balance row by exactly the entries' deltas, so:

* balance.posted == SUM(entries.points) == SUM(remaining of posted lots)
* balance.pending == SUM(entries.pending) == SUM(remaining of pending lots)

Debits consume valid posted lots soonest-expiring first (EX4) and refuse what the lots do not cover; only a
retraction (R1) may go further, into a *debt lot* that never expires (EX5) and that every later credit pays off
first. So a member never holds a debt and spendable points at once.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.db import transaction
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy

from loyalty import metrics
from loyalty.db import Batch, ids_reserve
from loyalty.exceptions import refusal_text
from members.models import Member

from ..exceptions import InsufficientPoints, MembershipClosed
from ..models import EntryKind, LedgerEntry, LotConsumption, MemberBalance, PointLot


@dataclass(frozen=True, slots=True)
class LotSpec:
    """A lot to create with a credit: its points, date of use and last valid day (EX1-EX3)."""

    points: int
    used_on: dt.date
    expires_on: dt.date


def balances_lock(*, member_ids: Iterable[int]) -> dict[int, MemberBalance]:
    """Lock the balance rows of the members, in primary-key order (no deadlocks), creating missing ones."""
    ids = sorted(set(member_ids))
    locked = {
        row.member_id: row
        for row in MemberBalance.objects.select_for_update().filter(member_id__in=ids).order_by("member_id")
    }
    missing = [i for i in ids if i not in locked]
    if missing:  # a member's first points: create the row, then lock it (one query when every row exists)
        MemberBalance.objects.bulk_create([MemberBalance(member_id=i) for i in missing], ignore_conflicts=True)
        locked.update(
            (row.member_id, row)
            for row in MemberBalance.objects.select_for_update().filter(member_id__in=missing).order_by("member_id")
        )
    return locked


def balance_lock(*, member: Member) -> MemberBalance:
    return balances_lock(member_ids=[member.pk])[member.pk]


def _apply(balance: MemberBalance, *, points: int = 0, pending: int = 0) -> None:
    """Move the balance row by an entry's deltas, in SQL (never a read-modify-write in Python)."""
    if points or pending:
        MemberBalance.objects.filter(pk=balance.pk).update(posted=F("posted") + points, pending=F("pending") + pending)
        balance.posted += points
        balance.pending += pending


def _ensure_open(member: Member) -> None:
    if member.closed_on is not None:
        raise MembershipClosed(
            refusal_text(gettext_lazy("membership %(number)s is closed"), number=member.number), member=member.number
        )


def _settle_debts(*, entry: LedgerEntry, lots: Sequence[PointLot]) -> None:
    """EX5: a negative balance is paid off by later earnings first. ``lots`` are newly posted credit lots."""
    debts = list(PointLot.objects.filter(member_id=entry.member_id, points__lt=0, remaining__lt=0).order_by("id"))
    if not debts:
        return
    consumptions = []
    for lot in lots:
        for debt in debts:
            if lot.remaining == 0:
                break
            owed = -debt.remaining
            if owed == 0:
                continue
            paid = min(owed, lot.remaining)
            lot.remaining -= paid
            debt.remaining += paid
            consumptions.append(LotConsumption(entry=entry, lot=lot, points=paid, settles=debt))
    if consumptions:
        LotConsumption.objects.bulk_create(consumptions)
        PointLot.objects.bulk_update([*lots, *debts], ["remaining"])


def _credit(
    balance: MemberBalance,
    *,
    member: Member,
    kind: str,
    lots: Sequence[LotSpec],
    posted: bool,
    effective_on: dt.date,
    posts_on: dt.date | None = None,
    **entry_fields,
) -> LedgerEntry:
    """Append a credit entry and its lots; posted credits pay off debts first (EX5)."""
    total = sum(spec.points for spec in lots)
    metrics.points_issued(str(kind), total)
    entry = LedgerEntry.objects.create(
        member=member,
        kind=kind,
        points=total if posted else 0,
        pending=0 if posted else total,
        used_on=entry_fields.pop("used_on", None) or min(spec.used_on for spec in lots),
        effective_on=effective_on,
        **entry_fields,
    )
    created = PointLot.objects.bulk_create(
        [
            PointLot(
                member=member,
                entry=entry,
                state=PointLot.State.POSTED if posted else PointLot.State.PENDING,
                points=spec.points,
                remaining=spec.points,
                used_on=spec.used_on,
                posts_on=effective_on if posted else (posts_on or effective_on),
                expires_on=spec.expires_on,
            )
            for spec in lots
            if spec.points > 0
        ]
    )
    _apply(balance, points=entry.points, pending=entry.pending)
    if posted:
        _settle_debts(entry=entry, lots=created)
    return entry


def _consume(
    *, entry: LedgerEntry, amount: int, on: dt.date, first: Sequence[PointLot] = ()
) -> tuple[int, list[tuple[PointLot, int]]]:
    """Take up to ``amount`` from the member's valid posted lots: ``first`` ones, then soonest-expiring (EX4).

    Returns what was taken and the (lot, points) pairs; records each as a ``LotConsumption`` of ``entry``.
    """
    taken: list[tuple[PointLot, int]] = []
    left = amount
    seen: set[int] = set()
    candidates = PointLot.objects.filter(
        member_id=entry.member_id, state=PointLot.State.POSTED, remaining__gt=0, expires_on__gte=on
    ).order_by("expires_on", "id")
    for lot in [*first, *candidates]:
        if left == 0:
            break
        if lot.pk in seen or lot.remaining <= 0:
            continue
        seen.add(lot.pk)
        take = min(left, lot.remaining)
        lot.remaining -= take
        left -= take
        taken.append((lot, take))
    if taken:
        PointLot.objects.bulk_update([lot for lot, _ in taken], ["remaining"])
        LotConsumption.objects.bulk_create([LotConsumption(entry=entry, lot=lot, points=n) for lot, n in taken])
    return amount - left, taken


def available_points(*, member: Member, on: dt.date) -> int:
    """Posted points still valid on ``on``: what can be spent (never points past their validity, EX1/EX2)."""
    return (
        PointLot.objects.filter(
            member=member, state=PointLot.State.POSTED, remaining__gt=0, expires_on__gte=on
        ).aggregate(total=Sum("remaining"))["total"]
        or 0
    )


def _debit(
    balance: MemberBalance, *, member: Member, kind: str, points: int, on: dt.date, **entry_fields
) -> tuple[LedgerEntry, list[tuple[PointLot, int]]]:
    """Spend ``points`` posted points (redeem, transfer out, negative adjustment): never below zero."""
    if points <= 0:
        raise ValueError("a debit takes a positive number of points")
    available = available_points(member=member, on=on)
    if available < points:
        raise InsufficientPoints(
            refusal_text(
                gettext_lazy("%(points)s points asked for, %(available)s available"),
                points=f"{points:,}",
                available=f"{max(available, 0):,}",
            ),
            requested=points,
            available=available,
        )
    entry = LedgerEntry.objects.create(
        member=member, kind=kind, points=-points, pending=0, used_on=on, effective_on=on, **entry_fields
    )
    _, taken = _consume(entry=entry, amount=points, on=on)
    _apply(balance, points=-points)
    metrics.points_redeemed(str(kind), points)
    return entry, taken


# --- Public services -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Award:
    """What one bill earns (NE7): base and bonus points, pending until ``posts_on``, valid through ``expires_on``."""

    member: Member
    bill_id: int
    points: int
    bonus_points: int
    used_on: dt.date
    posts_on: dt.date
    expires_on: dt.date
    reason: str = ""


class EntryRow(NamedTuple):
    """A ``LedgerEntry`` row as ``points_earn_many`` writes it: the fields are the columns (attnames), in order."""

    id: int
    member_id: int
    kind: str
    points: int
    pending: int
    used_on: dt.date
    effective_on: dt.date
    bill_id: int
    qualifying_points: int
    reason: str


class LotRow(NamedTuple):
    """A ``PointLot`` row as ``points_earn_many`` writes it: the fields are the columns (attnames), in order."""

    entry_id: int
    member_id: int
    state: str
    points: int
    remaining: int
    used_on: dt.date
    posts_on: dt.date
    expires_on: dt.date


def entries_of(awards: Sequence[Award]) -> int:
    """How many ledger entries ``points_earn_many`` writes for ``awards`` (to reserve their ids with others)."""
    return sum((a.points > 0) + (a.bonus_points > 0) for a in awards)


@transaction.atomic(savepoint=False)  # inside the caller's transaction: no savepoint round trips
def points_earn_many(
    *, awards: Sequence[Award], batch: Batch | None = None, entry_ids: list[int] | None = None
) -> list[int]:
    """Award many bills at once: pending points (NE7), base points qualify (ST2), bonus points do not (OE6).
    Each bill is awarded once (a unique constraint on bill and kind). Returns the ids of the new entries.

    Entries and lots are rows of a write batch (``loyalty.db``: COPY or one round trip) with their ids reserved
    first; the balance rows are moved by one upsert, in member order, so two concurrent batches lock them in the
    same order. Pending points only grow here: no balance needs reading first. Given a ``batch``, the writes join
    it (the caller sends it); otherwise they are sent before returning. ``entry_ids``: ids the caller reserved
    (``entries_of(awards)`` of them).
    """
    for award in awards:
        _ensure_open(award.member)
    earned: list[tuple[Award, str, int, int]] = []  # (award, kind, points, qualifying points): one entry each
    deltas: dict[int, dict[str, int]] = {}
    for award in awards:
        for kind, amount, qualifying in (
            (EntryKind.EARN, award.points, award.points),
            (EntryKind.BONUS, award.bonus_points, 0),
        ):
            if amount > 0:
                earned.append((award, kind.value, amount, qualifying))
                deltas.setdefault(award.member.pk, {"pending": 0})["pending"] += amount
    if entry_ids is None:
        entry_ids = ids_reserve({LedgerEntry: len(earned)})[LedgerEntry]
    entries: list[EntryRow] = []
    lots: list[LotRow] = []
    for entry_id, (award, kind, amount, qualifying) in zip(entry_ids, earned, strict=True):
        member_id, used_on = award.member.pk, award.used_on
        entries.append(
            EntryRow(
                id=entry_id,
                member_id=member_id,
                kind=kind,
                points=0,
                pending=amount,
                used_on=used_on,
                effective_on=used_on,
                bill_id=award.bill_id,
                qualifying_points=qualifying,
                reason=award.reason,
            )
        )
        lots.append(
            LotRow(
                entry_id=entry_id,
                member_id=member_id,
                state="pending",
                points=amount,
                remaining=amount,
                used_on=used_on,
                posts_on=award.posts_on,
                expires_on=award.expires_on,
            )
        )
    for kind in (EntryKind.EARN, EntryKind.BONUS):
        metrics.points_issued(kind.value, sum(row.pending for row in entries if row.kind == kind.value))
    with Batch() if batch is None else contextlib.nullcontext(batch) as writes:
        writes.insert(LedgerEntry, EntryRow._fields, entries)
        writes.insert(PointLot, LotRow._fields, lots)
        writes.increments(MemberBalance, deltas)
    return entry_ids


def points_earn(
    *,
    member: Member,
    bill,
    points: int,
    bonus_points: int,
    used_on: dt.date,
    posts_on: dt.date,
    expires_on: dt.date,
    reason: str = "",
) -> list[LedgerEntry]:
    """Award one bill's base and bonus points as pending (NE7) until ``posts_on``."""
    award = Award(
        member=member,
        bill_id=bill.pk,
        points=points,
        bonus_points=bonus_points,
        used_on=used_on,
        posts_on=posts_on,
        expires_on=expires_on,
        reason=reason,
    )
    return list(LedgerEntry.objects.filter(pk__in=points_earn_many(awards=[award])).order_by("id"))


@transaction.atomic
def lots_post(*, member: Member, as_of: dt.date, job_run=None) -> list[LedgerEntry]:
    """J1 for one member: post the pending lots whose posting date has come; each lot posts once."""
    balance = balance_lock(member=member)
    due = list(PointLot.objects.filter(member=member, state=PointLot.State.PENDING, posts_on__lte=as_of).order_by("id"))
    entries = []
    for lot in due:
        if lot.remaining > 0:
            entry = LedgerEntry.objects.create(
                member=member,
                kind=EntryKind.POST,
                points=lot.remaining,
                pending=-lot.remaining,
                used_on=lot.used_on,
                effective_on=lot.posts_on,
                lot=lot,
                bill_id=lot.entry.bill_id,
                job_run=job_run,
            )
            _apply(balance, points=lot.remaining, pending=-lot.remaining)
            entries.append(entry)
        lot.state = PointLot.State.POSTED
        lot.save(update_fields=["state"])
        if lot.remaining > 0:
            _settle_debts(entry=entry, lots=[lot])
    return entries


@transaction.atomic
def points_credit(
    *,
    member: Member,
    kind: str,
    lots: Sequence[LotSpec],
    on: dt.date,
    qualifying_points: int = 0,
    **causes,
) -> LedgerEntry:
    """A posted credit: positive adjustment, transfer in (T3, keeping each lot's expiry) or migration (ST3)."""
    if kind not in (EntryKind.ADJUST, EntryKind.TRANSFER_IN, EntryKind.MIGRATE):
        raise ValueError(f"{kind} is not a posted credit")
    _ensure_open(member)
    balance = balance_lock(member=member)
    return _credit(
        balance,
        member=member,
        kind=kind,
        lots=lots,
        posted=True,
        effective_on=on,
        qualifying_points=qualifying_points,
        **causes,
    )


@transaction.atomic
def points_debit(*, member: Member, kind: str, points: int, on: dt.date, **causes) -> LedgerEntry:
    """Spend posted points (redeem, negative adjustment) soonest-expiring first (EX4); never below zero."""
    if kind not in (EntryKind.REDEEM, EntryKind.ADJUST):
        raise ValueError(f"{kind} is not a debit")
    _ensure_open(member)
    balance = balance_lock(member=member)
    entry, _ = _debit(balance, member=member, kind=kind, points=points, on=on, **causes)
    return entry


@transaction.atomic
def points_transfer(*, giver: Member, receiver: Member, on: dt.date, transfer) -> tuple[LedgerEntry, LedgerEntry]:
    """T3: move all of the giver's valid posted points at once; each moved point keeps its expiry date."""
    _ensure_open(giver)
    _ensure_open(receiver)
    locked = balances_lock(member_ids=[giver.pk, receiver.pk])
    amount = available_points(member=giver, on=on)
    out, taken = _debit(
        locked[giver.pk], member=giver, kind=EntryKind.TRANSFER_OUT, points=amount, on=on, transfer=transfer
    )
    specs: dict[tuple[dt.date, dt.date], int] = {}
    for lot, n in taken:
        key = (lot.used_on, lot.expires_on)
        specs[key] = specs.get(key, 0) + n
    into = _credit(
        locked[receiver.pk],
        member=receiver,
        kind=EntryKind.TRANSFER_IN,
        lots=[LotSpec(n, used_on, expires_on) for (used_on, expires_on), n in sorted(specs.items())],
        posted=True,
        effective_on=on,
        used_on=on,
        transfer=transfer,
    )
    return out, into


def _retractable(bill) -> int:
    """R1 with EX1/EX2 and M9: what a refund of ``bill`` may still take back. The bill earned its lots' points; what
    earlier refunds took, what lapsed at the end of its validity and what a cancellation forfeited are gone already,
    and taking them again would cost the member the same points twice (a lapse or forfeiture is not a redemption:
    only redeemed points become a debt). Read under the member's balance lock."""
    lots = PointLot.objects.filter(entry__bill=bill, points__gt=0).aggregate(
        earned=Sum("points", default=0), lapsed=Sum("lapsed", default=0)
    )
    forfeited = LotConsumption.objects.filter(lot__entry__bill=bill, lot__points__gt=0, entry__kind=EntryKind.FORFEIT)
    retracted = LedgerEntry.objects.filter(bill=bill, kind=EntryKind.RETRACT).aggregate(
        n=Sum(-(F("points") + F("pending")), default=0)
    )["n"]
    gone = forfeited.aggregate(n=Sum("points", default=0))["n"] + lots["lapsed"] + retracted
    return max(0, lots["earned"] - gone)


@transaction.atomic
def points_retract(
    *,
    member: Member,
    bill,
    refund,
    points: int,
    bonus_points: int,
    on: dt.date,
    reason: str = "R1",
    only_what_is_left: bool = False,
) -> LedgerEntry | None:
    """R1: take back a refunded part's points: from the bill's own lots (pending first), then other valid posted
    lots soonest-expiring first (EX4), and what is still missing becomes a debt: the balance goes negative and
    stays so past any validity (EX5) until later earnings pay it off. ``only_what_is_left`` (a refund): never more
    than the bill still holds or spent (``_retractable``), so lapsed or forfeited points are not taken twice."""
    balance = balance_lock(member=member)
    total = points + bonus_points
    if only_what_is_left:  # a refund: not what lapsed or was forfeited of the bill's points (``_retractable``)
        total = min(total, _retractable(bill))
    if total <= 0:
        return None
    own = list(PointLot.objects.filter(entry__bill=bill, remaining__gt=0).order_by("state", "expires_on", "id"))
    own_pending = [lot for lot in own if lot.state == PointLot.State.PENDING]
    # The bill's own posted lots first, also one past its validity that the expiry job has not reached yet: its
    # points are the ones refunded, and taking them now means the job does not lapse them a second time.
    own_posted = [lot for lot in own if lot.state == PointLot.State.POSTED]
    from_pending = min(total, sum(lot.remaining for lot in own_pending))
    entry = LedgerEntry.objects.create(
        member=member,
        kind=EntryKind.RETRACT,
        points=-(total - from_pending),
        pending=-from_pending,
        used_on=bill.paid_on,
        effective_on=on,
        qualifying_points=-points,
        bill=bill,
        refund=refund,
        reason=reason,
    )
    # Pending lots of the bill are reduced directly (they were never spendable).
    left = from_pending
    touched = []
    consumptions = []
    for lot in own_pending:
        if left == 0:
            break
        take = min(left, lot.remaining)
        lot.remaining -= take
        left -= take
        touched.append(lot)
        consumptions.append(LotConsumption(entry=entry, lot=lot, points=take))
    if touched:
        PointLot.objects.bulk_update(touched, ["remaining"])
        LotConsumption.objects.bulk_create(consumptions)
    posted_part = total - from_pending
    if posted_part:
        got, _ = _consume(entry=entry, amount=posted_part, on=on, first=own_posted)
        shortfall = posted_part - got
        if shortfall:
            PointLot.objects.create(
                member=member,
                entry=entry,
                state=PointLot.State.POSTED,
                points=-shortfall,
                remaining=-shortfall,
                used_on=bill.paid_on,
                posts_on=on,
                expires_on=None,
            )
    _apply(balance, points=entry.points, pending=entry.pending)
    return entry


@transaction.atomic
def points_forfeit(*, member: Member, on: dt.date, reason: str, created_by=None) -> LedgerEntry | None:
    """M9: withdrawal, cancellation or fraud forfeits all points at once (posted and pending) in one entry.

    A debt (negative balance) is not forgiven by forfeiture: it stays for the office to charge.
    """
    balance = balance_lock(member=member)
    lots = list(PointLot.objects.filter(member=member, remaining__gt=0).order_by("expires_on", "id"))
    posted = sum(lot.remaining for lot in lots if lot.state == PointLot.State.POSTED)
    pending = sum(lot.remaining for lot in lots if lot.state == PointLot.State.PENDING)
    if not posted and not pending:
        return None
    entry = LedgerEntry.objects.create(
        member=member,
        kind=EntryKind.FORFEIT,
        points=-posted,
        pending=-pending,
        used_on=on,
        effective_on=on,
        reason=reason,
        created_by=created_by,
    )
    LotConsumption.objects.bulk_create([LotConsumption(entry=entry, lot=lot, points=lot.remaining) for lot in lots])
    for lot in lots:
        lot.remaining = 0
    PointLot.objects.bulk_update(lots, ["remaining"])
    _apply(balance, points=-posted, pending=-pending)
    return entry
