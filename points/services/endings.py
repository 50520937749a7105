"""PT2 (NOC Art. 13): the office ends the program, a hotel's part in it or a service, from a date it announces
(issue 15, item 7). Announcing records the ending (with its history); from the day after its last day, uses earn
nothing (``points.endings``, in the bill's calculation) and the part ended is not redeemed. Ending the whole program,
the remaining points lapse after the last day, or after the later date the announcement keeps them until:
``ending_lapse`` forfeits them (one entry per member, reason PT2) and closes the memberships (program ended).

``ending_preview`` says what an ending would do before the office confirms it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import refusal_text
from members.models import Member, Program

from ..exceptions import EndingError
from ..models import Bill, Hotel, PointLot, ProgramEnding
from . import ledger

Scope = ProgramEnding.Scope


ENDING_HORIZON_YEARS = 20


def _check(*, program: Program, scope: str, ends_on: dt.date, announced_on: dt.date, hotel, service, kept) -> None:
    if scope not in Scope.values:
        raise EndingError(
            refusal_text(_("unknown scope %(scope)s"), scope=repr(scope)), scope=["program, hotel or service"]
        )
    if ends_on < announced_on:
        raise EndingError(
            refusal_text(
                _("the last day %(day)s is before the announcement: an ending is announced ahead (PT2)"),
                day=ends_on.isoformat(),
            ),
            ends_on=["on or after the announcement"],
        )
    if scope == Scope.HOTEL and (hotel is None or hotel.program_id != program.pk):
        raise EndingError(
            refusal_text(_("a hotel of %(program)s is required"), program=program.name), hotel=["required"]
        )
    if scope == Scope.SERVICE and service not in ProgramEnding.Service.values:
        raise EndingError(_("a service is required"), service=["required"])
    horizon = announced_on + dt.timedelta(days=366 * ENDING_HORIZON_YEARS)
    if ends_on > horizon or (kept is not None and kept > horizon):
        # An ending is announced months ahead (PT2), not decades: 9999-12-31 is a typing slip (and would overflow
        # the day after it, when points lapse).
        raise EndingError(
            refusal_text(_("an ending is announced at most %(years)s years ahead"), years=ENDING_HORIZON_YEARS),
            ends_on=["too far ahead"],
        )
    if kept is not None and (scope != Scope.PROGRAM or kept < ends_on):
        raise EndingError(
            _("points are kept after the last day of the whole program only"), points_kept_until=["not after the end"]
        )
    if scope == Scope.PROGRAM and ProgramEnding.objects.filter(program=program, scope=Scope.PROGRAM).exists():
        raise EndingError(
            refusal_text(_("the end of %(program)s is already announced"), program=program.name),
            scope=["already announced"],
        )


def ending_preview(
    *,
    program: Program,
    scope: str,
    ends_on: dt.date,
    on: dt.date,
    hotel: Hotel | None = None,
    service: str = "",
    points_kept_until: dt.date | None = None,
) -> dict:
    """What the ending would do, as the office reads it before confirming: who is affected, what stops earning and
    what lapses. Reads only."""
    _check(
        program=program,
        scope=scope,
        ends_on=ends_on,
        announced_on=on,
        hotel=hotel,
        service=service,
        kept=points_kept_until,
    )
    members = Member.objects.filter(program=program, closed_on__isnull=True)
    lines: list[str] = []
    if scope == Scope.PROGRAM:
        lots = PointLot.objects.filter(member__program=program, member__closed_on__isnull=True, remaining__gt=0)
        totals = lots.aggregate(
            posted=Sum("remaining", filter=Q(state=PointLot.State.POSTED)),
            pending=Sum("remaining", filter=Q(state=PointLot.State.PENDING)),
            holders=Count("member", distinct=True),
        )
        valid_until = points_kept_until or ends_on
        lapse_on = valid_until + dt.timedelta(days=1)
        posted, pending, holders = totals["posted"] or 0, totals["pending"] or 0, totals["holders"] or 0
        lines += [
            refusal_text(
                _("%(count)s open memberships of %(program)s end; uses after %(day)s earn nothing."),
                count=f"{members.count():,}",
                program=program.name,
                day=ends_on.isoformat(),
            ),
            refusal_text(
                _(
                    "%(holders)s members hold %(posted)s posted and %(pending)s pending points: they can be redeemed "
                    "through %(valid_until)s and lapse on %(lapse_on)s (PT2)."
                ),
                holders=f"{holders:,}",
                posted=f"{posted:,}",
                pending=f"{pending:,}",
                valid_until=valid_until.isoformat(),
                lapse_on=lapse_on.isoformat(),
            ),
        ]
    elif scope == Scope.HOTEL:
        lines.append(
            refusal_text(
                _(
                    "%(hotel)s: stays and dining after %(day)s earn nothing; certificates and awards of this hotel are "
                    "not redeemed after that day. Points already earned stay valid."
                ),
                hotel=f"{hotel.code} {hotel.name}",
                day=ends_on.isoformat(),
            )
        )
    else:
        label = ProgramEnding.Service(service).label
        lines.append(
            refusal_text(
                _("%(service)s of %(program)s end after %(day)s. Points already earned stay valid."),
                service=label,
                program=program.name,
                day=ends_on.isoformat(),
            )
        )
    later = Bill.objects.filter(hotel__program=program, paid_on__gt=ends_on)
    if scope == Scope.HOTEL:
        later = later.filter(hotel=hotel)
    if later.exists():
        lines.append(
            refusal_text(
                _("%(count)s bills paid after the last day are already recorded; they keep their points."),
                count=f"{later.count():,}",
            )
        )
    return {"lines": [str(line) for line in lines], "members": members.count()}  # in the language of the reader


@transaction.atomic
def ending_announce(
    *,
    program: Program,
    scope: str,
    ends_on: dt.date,
    announced_on: dt.date,
    hotel: Hotel | None = None,
    service: str = "",
    points_kept_until: dt.date | None = None,
    note: str = "",
    created_by=None,
) -> ProgramEnding:
    """PT2: record the ending the office announces (its history records who). The whole program's end is also the
    program's ``ended_on`` (no website enrolment from now on)."""
    Program.objects.select_for_update().filter(pk=program.pk).first()
    _check(
        program=program,
        scope=scope,
        ends_on=ends_on,
        announced_on=announced_on,
        hotel=hotel,
        service=service,
        kept=points_kept_until,
    )
    ending = ProgramEnding(
        program=program,
        scope=scope,
        hotel=hotel if scope == Scope.HOTEL else None,
        service=service if scope == Scope.SERVICE else "",
        announced_on=announced_on,
        ends_on=ends_on,
        points_kept_until=points_kept_until,
        note=note,
        created_by=created_by,
    )
    ending._history_user = created_by
    ending.save()
    if scope == Scope.PROGRAM:
        locked = Program.objects.get(pk=program.pk)
        locked.ended_on = ends_on
        locked._history_user = created_by
        locked.save(update_fields=["ended_on"])
        program.ended_on = ends_on
    return ending


@transaction.atomic
def ending_lapse(*, ending: ProgramEnding, as_of: dt.date, created_by=None) -> int:
    """PT2: the whole program ended and the day its points were kept until has passed: every open membership's
    remaining points (posted and pending) lapse in one forfeit entry each, and the membership closes (program
    ended). Run again, it changes nothing. Returns the number of memberships closed."""
    ending = ProgramEnding.objects.select_for_update().select_related("program").get(pk=ending.pk)
    if ending.scope != Scope.PROGRAM:
        raise EndingError(_("only the end of the whole program lapses the remaining points (PT2)"), scope=["program"])
    if as_of <= ending.points_valid_until:
        raise EndingError(
            refusal_text(
                _("the points are valid through %(day)s: they lapse after that day (PT2)"),
                day=ending.points_valid_until.isoformat(),
            ),
            as_of=[f"after {ending.points_valid_until.isoformat()}"],
        )
    closed = 0
    for member in Member.objects.filter(program=ending.program, closed_on__isnull=True).order_by("pk").iterator():
        ledger.points_forfeit(member=member, on=as_of, reason="PT2: the program ended", created_by=created_by)
        member.closed_on, member.closed_reason = as_of, Member.ClosedReason.PROGRAM_ENDED
        member._history_user = created_by
        member.save(update_fields=["closed_on", "closed_reason"])
        closed += 1
    if ending.lapsed_on is None:
        ending.lapsed_on = as_of
        ending._history_user = created_by
        ending.save(update_fields=["lapsed_on"])
    return closed


def endings_due(*, as_of: dt.date) -> list[ProgramEnding]:
    """Whole-program endings whose points are past their last valid day and not lapsed yet."""
    return [
        e
        for e in ProgramEnding.objects.filter(scope=Scope.PROGRAM, lapsed_on__isnull=True).select_related("program")
        if as_of > e.points_valid_until
    ]
