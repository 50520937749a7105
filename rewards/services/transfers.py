"""Family transfers (T1-T5, NOC Art. 7, 8): all valid posted points of the giver move at once to a family member,
each keeping its expiry date, once both sides have consented."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.utils import timezone

from members.models import Member
from members.selectors import settings_on
from members.services.terms import terms_use_record
from points.services import ledger

from ..exceptions import (
    CategoryExcluded,
    ConsentMissing,
    MembershipClosed,
    NotFamily,
    NothingToTransfer,
    TransfersNotOffered,
)
from ..models import Transfer
from .ended import ensure_not_ended

CONSENTS = frozenset({"from", "to"})


def are_family(giver: Member, receiver: Member) -> bool:
    """T1: one is the other's registered family member, or both are family members of the same member (T5: nobody
    else, and never oneself)."""
    if giver.pk == receiver.pk or giver.program_id != receiver.program_id:
        return False
    return (
        giver.family_of_id == receiver.pk
        or receiver.family_of_id == giver.pk
        or (giver.family_of_id is not None and giver.family_of_id == receiver.family_of_id)
    )


def _excluded_by_category(member: Member) -> bool:
    """T4, M10: the member's category does not allow family transfers (no category: allowed)."""
    return member.category is not None and not member.category.allows_family_transfer


def transfers_offered(*, program, on: dt.date) -> bool:
    """T1-T5 as a program setting (issue 15, item 11): Default New Otani on (Art. 7), One Harmony off."""
    row = settings_on(program=program, on=on)
    return bool(row is None or row.family_transfers)


@transaction.atomic
def points_transfer_family(
    *, giver: Member, receiver: Member, consents: Collection[str], today: dt.date, created_by=None
) -> Transfer:
    """T1-T5: move ALL of ``giver``'s valid posted points to ``receiver`` at once, each keeping its expiry date (T3).

    ``consents``: who asked for it, ``"from"`` (the giver) and ``"to"`` (the receiver); both are required and both
    are recorded (T2). The transfer row is created under the lock of both balance rows, with the points moved.
    """
    if not transfers_offered(program=giver.program, on=today):
        raise TransfersNotOffered(
            f"{giver.program.name} does not offer family transfers (T1-T5 are off in its program settings)",
            field="from",
        )
    ensure_not_ended(program=giver.program, service="transfers", on=today)
    for member in (giver, receiver):
        if member.closed_on is not None:
            raise MembershipClosed(f"membership {member.number} is closed (M9): it cannot transfer points")
    missing = sorted(CONSENTS - set(consents or ()))
    if missing:
        raise ConsentMissing(
            f"both members must request the transfer (T2): consent of {' and '.join(missing)} missing",
            consents=[f"{side} is missing" for side in missing],
        )
    if not are_family(giver, receiver):
        raise NotFamily(
            f"{giver.number} and {receiver.number} are not registered family members of each other (T1, T5)",
            to=["not a family member of the giver"],
        )
    excluded = [m.number for m in (giver, receiver) if _excluded_by_category(m)]
    if excluded:
        raise CategoryExcluded(
            f"the membership category of {', '.join(excluded)} does not allow family transfers (T4, M10)"
        )

    # Lock both balance rows (primary-key order: no deadlock), then read what is still there under the lock.
    ledger.balances_lock(member_ids=[giver.pk, receiver.pk])
    if Member.objects.filter(pk__in=[giver.pk, receiver.pk], closed_on__isnull=False).exists():
        raise MembershipClosed("a membership of this transfer is closed (M9)")
    points = ledger.available_points(member=giver, on=today)
    if points <= 0:
        raise NothingToTransfer(f"{giver.number} has no valid posted points to transfer (T3)")
    now = timezone.now()
    for side in (giver, receiver):  # PT3: first use under the terms in force
        terms_use_record(member=side, on=today, how="transfer")
    transfer = Transfer.objects.create(
        giver=giver,
        receiver=receiver,
        points=points,
        giver_consented_at=now,
        receiver_consented_at=now,
        transferred_on=today,
        created_by=created_by,
    )
    ledger.points_transfer(giver=giver, receiver=receiver, on=today, transfer=transfer)
    return transfer
