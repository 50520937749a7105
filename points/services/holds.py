"""Points held for a request and returned if it is refused (OR1, issue 15 item 10).

A Gift Award asked for on the website is a request the One Harmony Office fulfils. Its points are held from the
request: the hold IS the redemption's ``redeem`` entry (``ledger.points_debit``, soonest-expiring first, EX4), so
held points can never be spent twice. A refusal returns them with ``points_release``: one posted credit (kind
``adjust``, no adjustment row: the reason names the request) whose lots are the lots the hold consumed, each with
its date of use and expiry date (as T3 keeps them). A point whose validity ended while it was held comes back valid
for ``released_points_grace_days`` (program setting, Default 30) from the refusal, so the member loses nothing the
office held and refused. Only ``points`` writes ledger entries: ``rewards`` calls this.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from members.models import Member
from members.selectors import settings_on

from ..models import EntryKind, LedgerEntry, LotConsumption
from . import ledger


@transaction.atomic
def points_release(*, member: Member, hold: LedgerEntry, on: dt.date, reason: str, created_by=None) -> LedgerEntry:
    """Return the points ``hold`` (a redeem entry of ``member``) took, each lot's expiry kept (see the module)."""
    if hold.member_id != member.pk or hold.kind != EntryKind.REDEEM:
        raise ValueError("only a member's own redeem entry is released")
    row = settings_on(program=member.program, on=on)
    grace = dt.timedelta(days=row.released_points_grace_days if row is not None else 30)
    specs: dict[tuple[dt.date, dt.date], int] = {}
    for used_on, expires_on, points in LotConsumption.objects.filter(entry=hold).values_list(
        "lot__used_on", "lot__expires_on", "points"
    ):
        valid = expires_on if expires_on is not None and expires_on >= on else on + grace
        specs[(used_on, valid)] = specs.get((used_on, valid), 0) + points
    lots = [ledger.LotSpec(n, used_on, expires_on) for (used_on, expires_on), n in sorted(specs.items())]
    if not lots:  # a hold with no recorded consumption (never the case for a debit): return it as one lot
        lots = [ledger.LotSpec(-hold.points, hold.used_on, on + grace)]
    return ledger.points_credit(
        member=member, kind=EntryKind.ADJUST, lots=lots, on=on, reason=reason[:300], created_by=created_by
    )
