"""PT2 reads: which endings apply to a use or a redemption on a date (issue 15, item 7).

An ending of the whole program (a ``ProgramEnding`` row, or ``Program.ended_on`` set by hand) stops earning after
its last day and lapses the remaining points after ``points_valid_until``; an ending of a hotel stops earning and
redeeming at that hotel after its last day; an ending of a service stops that service after its last day. The rows
are few and read on every bill: each process keeps them with the reference data (``points.reference``: saving a
row makes every process read them again).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from loyalty import rulebooks as rb
from members.models import Program

from .models import ProgramEnding
from .reference import reference

Scope, Service = ProgramEnding.Scope, ProgramEnding.Service
STAY_UNITS = frozenset({"room", "package", "additional_room"})


@dataclass(frozen=True, slots=True)
class Ending:
    """One ending as read for a decision (a row, or ``Program.ended_on`` as an ending of the whole program)."""

    scope: str
    ends_on: dt.date
    points_valid_until: dt.date
    hotel_id: int | None = None
    service: str = ""
    note: str = ""


def endings_of(program: Program) -> list[Ending]:
    """The program's endings (kept per process with the reference data)."""
    ref = reference()
    cache: dict[int, list[Ending]] = ref.__dict__.setdefault("_pt2_endings", {})
    if program.pk not in cache:
        rows = [
            Ending(e.scope, e.ends_on, e.points_valid_until, e.hotel_id, e.service, e.note)
            for e in ProgramEnding.objects.filter(program_id=program.pk)
        ]
        ended_on = Program.objects.filter(pk=program.pk).values_list("ended_on", flat=True).first()
        if ended_on is not None and not any(e.scope == Scope.PROGRAM for e in rows):
            rows.append(Ending(Scope.PROGRAM, ended_on, ended_on))
        cache[program.pk] = rows
    return cache[program.pk]


def earning_ended(*, program: Program, hotel_id: int, unit_kind: str, on: dt.date) -> Ending | None:
    """PT2: the ending that keeps a use of ``unit_kind`` at the hotel on ``on`` (its date of use) from earning."""
    service = Service.STAYS if unit_kind in STAY_UNITS else Service.DINING
    for ending in endings_of(program):
        if on <= ending.ends_on:
            continue
        if (
            ending.scope == Scope.PROGRAM
            or (ending.scope == Scope.HOTEL and ending.hotel_id == hotel_id)
            or (ending.scope == Scope.SERVICE and ending.service == service)
        ):
            return ending
    return None


def service_ended(*, program: Program, service: str, on: dt.date, hotel_id: int | None = None) -> Ending | None:
    """PT2: the ending that refuses ``service`` (certificates, awards, transfers) on ``on``, at ``hotel_id`` if the
    service is bound to a hotel. The whole program's points stay redeemable until ``points_valid_until``."""
    for ending in endings_of(program):
        if ending.scope == Scope.PROGRAM and on > ending.points_valid_until:
            return ending
        if ending.scope == Scope.SERVICE and ending.service == service and on > ending.ends_on:
            return ending
        if ending.scope == Scope.HOTEL and hotel_id is not None and ending.hotel_id == hotel_id and on > ending.ends_on:
            return ending
    return None


def apply_to_calculation(calc: rb.Calculation, *, program: Program, hotel_id: int) -> rb.Calculation:
    """PT2 on a bill's calculation: each unit used after the ending of the program, the hotel or its kind of use
    earns nothing, with an exclusion citing PT2; the bill's totals follow."""
    if not endings_of(program):
        return calc
    units, exclusions = [], list(calc.exclusions)
    for unit in calc.units:
        ending = earning_ended(program=program, hotel_id=hotel_id, unit_kind=unit.kind, on=unit.date)
        if ending is None or not (unit.points or unit.bonus_points):
            units.append(unit)
            continue
        what = {Scope.PROGRAM: "the program", Scope.HOTEL: "this hotel's participation"}.get(
            ending.scope, "this service"
        )
        exclusions.append(
            rb.Exclusion(
                "PT2",
                unit.eligible_amount,
                f"{what} ended on {ending.ends_on.isoformat()}: uses after it earn nothing",
                unit=unit.label,
                scope="unit",
            )
        )
        units.append(replace(unit, eligible_amount=0, points=0, bonus_points=0))
    return replace(
        calc,
        units=tuple(units),
        exclusions=tuple(exclusions),
        points=sum(u.points for u in units),
        bonus_points=sum(u.bonus_points for u in units),
    )
