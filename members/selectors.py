"""Reads of the members domain."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import Q, QuerySet, prefetch_related_objects
from django.utils.translation import gettext_lazy as _

from loyalty.db import models_from_rows
from loyalty.exceptions import refusal_text

from .exceptions import MemberNotFound
from .models import Card, Member, Program, StatusPeriod, Tier

MEMBER_FIELDS = [f.attname for f in Member._meta.concrete_fields]


def _card_holders(numbers: set[str], program: Program | None) -> list[tuple[str, Member]]:
    """(card number, member) for each member holding or having held one of the numbers, the program's only if
    given: one query written by hand, the members built from its rows as the ORM builds them (no query to
    compile; the feed resolves a card for every bill it takes, and this is the hottest read of it)."""
    quote = connection.ops.quote_name
    columns = ", ".join(f"m.{quote(Member._meta.get_field(name).column)}" for name in MEMBER_FIELDS)
    sql = (
        f"SELECT c.number, {columns} FROM {Card._meta.db_table} c JOIN {Member._meta.db_table} m "
        f"ON m.id = c.member_id WHERE c.number IN ({', '.join(['%s'] * len(numbers))})"
    )
    params: list[object] = sorted(numbers)
    if program is not None:
        sql += " AND c.program_id = %s"
        params.append(program.pk)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    members = models_from_rows(Member, MEMBER_FIELDS, (row[1:] for row in rows))
    return [(row[0], member) for row, member in zip(rows, members, strict=True)]


def members_by_cards(*, numbers, program: Program | None = None, with_status: bool = True) -> dict[str, Member]:
    """M2, M8: the member behind each card number (current, legacy, lost, merged-away), in one query however many
    numbers (a batch of bills resolves its cards at once), one more for the status periods (``with_status``: OE6
    reads the status in force on each date of use) and one per merge hop. A merged-away membership resolves to its
    survivor; a number held by more than one member (only possible across programs) resolves to none."""
    numbers = {(n or "").strip() for n in numbers} - {""}
    if not numbers:
        return {}
    holders: dict[str, dict[int, Member]] = {}
    for number, member in _card_holders(numbers, program):
        holders.setdefault(number, {})[member.pk] = member
    if program is not None and numbers - holders.keys():  # a membership number is a card too; else the member row
        for member in Member.objects.filter(program=program, number__in=numbers - holders.keys()):
            holders[member.number] = {member.pk: member}
    members = {pk: m for held in holders.values() if len(held) == 1 for pk, m in held.items()}
    survivors = {m.merged_into_id for m in members.values() if m.merged_into_id}
    seen: set[int] = set()
    while survivors - members.keys() - seen:  # merged into a member merged in turn: follow the chain
        seen |= survivors
        for m in Member.objects.filter(pk__in=survivors - members.keys()).select_related("program"):
            members[m.pk] = m
        survivors = {m.merged_into_id for m in members.values() if m.merged_into_id}
    if program is not None:
        for m in members.values():
            m.program = program  # every one of them is the program's (merges stay within it): no query
    else:
        prefetch_related_objects(list(members.values()), "program")
    if with_status:
        prefetch_related_objects(list(members.values()), "status_periods")

    def final(member: Member) -> Member:
        hops = 0
        while member.merged_into_id and member.merged_into_id in members and hops < 10:
            member, hops = members[member.merged_into_id], hops + 1
        return member

    return {n: final(next(iter(held.values()))) for n, held in holders.items() if len(held) == 1}


def member_by_card(*, number: str, program: Program | None = None) -> Member:
    """M2, M8: the member who holds or held the card ``number``; a merged-away membership resolves to its survivor."""
    number = (number or "").strip()
    member = members_by_cards(numbers=[number], program=program).get(number)
    if member is None:
        raise MemberNotFound(refusal_text(_("no member holds card %(number)s"), number=number))
    return member


def status_on(*, member: Member, on: dt.date) -> StatusPeriod | None:
    """The status period in force on ``on`` (ST1, OE6): the highest tier whose validity covers the date."""
    periods = [p for p in member.status_periods.all() if p.valid_from <= on <= p.valid_until]
    if not periods:
        return None
    return max(periods, key=lambda p: (Tier(p.tier).rank, p.valid_until))


def tier_on(*, member: Member, on: dt.date) -> str:
    period = status_on(member=member, on=on)
    return period.tier if period else Tier.MEMBER


def members_search(*, query: str, programs: QuerySet[Program] | None = None) -> QuerySet[Member]:
    """Find members by what people know (M2): any card number ever held (OCI, MYJ, 700-numbers, lost or
    merged-away cards), the membership number, the email, the phone, or the name (every word of the query in the
    family or given name, "Sato Hana" or "hana")."""
    query = query.strip()
    qs = Member.objects.all()
    if programs is not None:
        qs = qs.filter(program__in=programs)
    if not query:
        return qs.none()
    names = Q()
    for word in query.split():
        names &= Q(family_name__icontains=word) | Q(given_name__icontains=word)
    return qs.filter(
        Q(pk__in=Card.objects.filter(number=query).values("member_id"))
        | Q(number=query)
        | Q(email__iexact=query)
        | Q(phone=query)
        | names
    )


def settings_in_force(rows, on: dt.date):
    """PT1 over a program's settings rows in ``effective_from`` order: the latest effective on or before ``on``; a
    date before the first row is judged by the first row."""
    chosen = None
    for row in rows:
        if row.effective_from <= on:
            chosen = row
        else:
            break
    return chosen or (rows[0] if rows else None)


def settings_on(*, program: Program, on: dt.date):
    """PT1: the program settings in force on ``on`` (a program has a few rows: read them all)."""
    from .models import ProgramSettings

    return settings_in_force(list(ProgramSettings.objects.filter(program=program).order_by("effective_from")), on)
