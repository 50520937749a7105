"""M8: merge duplicate memberships (a person who held both OCI and MYJ cards got two One Harmony numbers) into one
surviving member.

Everything moves in one transaction with both balance rows locked (primary-key order):

* points: the duplicate's pending points are posted first (they would post on their dates anyway; the merge says
  so in its summary), then all its valid posted points leave it in one ``adjust`` debit (no forfeiture) and reach
  the survivor in one ``migrate`` credit with one lot per (date of use, expiry date): each point keeps its expiry;
* qualification: the duplicate's qualifying points per year become qualification credits of the survivor, its
  qualification credits move (ST2);
* stay nights (SH1) move, except dates the survivor already has (one night per date); bills move;
* cards: every card moves; the duplicate's current membership card becomes ``merged_away`` and keeps resolving
  (M2) to the survivor, as does the duplicate's own number (``merged_into``);
* status: each current or future status period of the duplicate that is better than the survivor's is copied;
* the duplicate is closed (``merged``, ``merged_into`` = survivor).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils.translation import gettext

from loyalty import clock
from members.models import Member, User
from members.services.merge import member_rows_merge, status_to_copy

from ..exceptions import MergeError
from ..models import Bill, EntryKind, LedgerEntry, LotConsumption, PointLot, QualificationCredit, StayNight
from .ledger import LotSpec, balances_lock, lots_post, points_credit, points_debit


def merge_refusals(*, survivor: Member, duplicate: Member) -> list[str]:
    """Why the two memberships cannot be merged (empty: they can), in the reader's language."""
    reasons = []
    if survivor.pk == duplicate.pk:
        reasons.append(gettext("a membership is not merged into itself"))
    if survivor.program_id != duplicate.program_id:
        reasons.append(gettext("the memberships belong to different programs: a person in both programs keeps both"))
    for member in (survivor, duplicate):
        if member.closed_on is not None:
            reasons.append(
                gettext("membership %(number)s is closed (%(reason)s)")
                % {"number": member.number, "reason": member.get_closed_reason_display()}
            )
    if PointLot.objects.filter(member=duplicate, remaining__lt=0).exists():
        reasons.append(
            gettext("membership %(number)s has a negative balance (R1): the office settles it before the merge")
            % {"number": duplicate.number}
        )
    return reasons


def merge_preview(*, survivor: Member, duplicate: Member, on: dt.date | None = None) -> dict:
    """What a merge would move (the confirm page of the admin): points per expiry date, nights, cards, status."""
    on = on or clock.today()
    lots = (
        PointLot.objects.filter(member=duplicate, remaining__gt=0)
        .values("state", "expires_on")
        .annotate(points=Sum("remaining"))
        .order_by("expires_on")
    )
    by_expiry: dict[dt.date, int] = defaultdict(int)
    pending = lapsed = 0
    for row in lots:
        if row["state"] == PointLot.State.PENDING:
            pending += row["points"]
            by_expiry[row["expires_on"]] += row["points"]
        elif row["expires_on"] < on:
            lapsed += row["points"]
        else:
            by_expiry[row["expires_on"]] += row["points"]
    survivor_nights = set(StayNight.objects.filter(member=survivor).values_list("night_of", flat=True))
    nights = list(StayNight.objects.filter(member=duplicate).values_list("night_of", flat=True))
    return {
        "refusals": merge_refusals(survivor=survivor, duplicate=duplicate),
        "points_by_expiry": sorted(by_expiry.items()),
        "points_total": sum(by_expiry.values()),
        "pending_posted_first": pending,
        "lapsed_left_behind": lapsed,
        "nights_moving": sum(1 for n in nights if n not in survivor_nights),
        "nights_already_on_survivor": sum(1 for n in nights if n in survivor_nights),
        "bills": Bill.objects.filter(member=duplicate).count(),
        "cards": list(duplicate.cards.order_by("kind", "number").values_list("number", "kind", "state")),
        "qualification_credits": QualificationCredit.objects.filter(member=duplicate).count(),
        "status_copied": [
            (p.tier, p.valid_from, p.valid_until) for p in status_to_copy(survivor=survivor, duplicate=duplicate, on=on)
        ],
    }


def _move_points(*, survivor: Member, duplicate: Member, on: dt.date, created_by: User | None) -> int:
    pending_until = (
        PointLot.objects.filter(member=duplicate, state=PointLot.State.PENDING, remaining__gt=0)
        .order_by("-posts_on")
        .values_list("posts_on", flat=True)
        .first()
    )
    if pending_until is not None:
        lots_post(member=duplicate, as_of=max(pending_until, on))
    amount = (
        PointLot.objects.filter(
            member=duplicate, state=PointLot.State.POSTED, remaining__gt=0, expires_on__gte=on
        ).aggregate(total=Sum("remaining"))["total"]
        or 0
    )
    if amount == 0:
        return 0
    reason = f"M8 merged into {survivor.number}"
    out = points_debit(
        member=duplicate, kind=EntryKind.ADJUST, points=amount, on=on, reason=reason, created_by=created_by
    )
    specs: dict[tuple[dt.date, dt.date], int] = defaultdict(int)
    for used_on, expires_on, points in LotConsumption.objects.filter(entry=out).values_list(
        "lot__used_on", "lot__expires_on", "points"
    ):
        specs[(used_on, expires_on)] += points
    points_credit(
        member=survivor,
        kind=EntryKind.MIGRATE,
        lots=[LotSpec(n, used_on, expires_on) for (used_on, expires_on), n in sorted(specs.items())],
        on=on,
        used_on=on,
        reason=f"M8 merged from {duplicate.number}",
        created_by=created_by,
    )
    return amount


def _move_qualification(*, survivor: Member, duplicate: Member, on: dt.date) -> None:
    source = f"merge {duplicate.number}"
    by_year = (
        LedgerEntry.objects.filter(member=duplicate)
        .exclude(qualifying_points=0)
        .annotate(year=ExtractYear("used_on"))
        .values("year")
        .annotate(points=Sum("qualifying_points"))
        .order_by("year")
    )
    for row in by_year:
        if row["points"]:
            QualificationCredit.objects.create(
                member=survivor, year=row["year"], credited_on=on, points=row["points"], source=source
            )
    for credit in QualificationCredit.objects.filter(member=duplicate):
        clash = QualificationCredit.objects.filter(member=survivor, year=credit.year, source=credit.source).first()
        if clash is None:
            credit.member = survivor
            credit.save(update_fields=["member"])
        else:
            QualificationCredit.objects.create(
                member=survivor,
                year=credit.year,
                credited_on=credit.credited_on,
                points=credit.points,
                nights=credit.nights,
                source=f"{credit.source} ({source})"[:100],
            )
            credit.delete()


@transaction.atomic
def members_merge(*, survivor: Member, duplicate: Member, on: dt.date, created_by: User | None = None) -> Member:
    """M8: merge ``duplicate`` into ``survivor`` (see the module docstring); returns the survivor."""
    balances_lock(member_ids=[survivor.pk, duplicate.pk])
    locked = {m.pk: m for m in Member.objects.select_for_update().filter(pk__in=[survivor.pk, duplicate.pk])}
    survivor, duplicate = locked[survivor.pk], locked[duplicate.pk]
    refusals = merge_refusals(survivor=survivor, duplicate=duplicate)
    if refusals:
        raise MergeError("; ".join(refusals))

    _move_points(survivor=survivor, duplicate=duplicate, on=on, created_by=created_by)
    _move_qualification(survivor=survivor, duplicate=duplicate, on=on)

    taken = StayNight.objects.filter(member=survivor).values("night_of")
    StayNight.objects.filter(member=duplicate).exclude(night_of__in=taken).update(member=survivor)
    Bill.objects.filter(member=duplicate).update(member=survivor)

    member_rows_merge(survivor=survivor, duplicate=duplicate, on=on, created_by=created_by)
    return survivor
