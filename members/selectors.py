"""Reads of the members domain."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .exceptions import MemberNotFound
from .models import Card, Member, Program, StatusPeriod, Tier

TIER_ORDER = {Tier.MEMBER: 0, Tier.LOYAL: 1, Tier.EXCLUSIVE: 2}


def members_by_cards(*, numbers, program: Program | None = None) -> dict[str, Member]:
    """M2, M8: the member behind each card number (current, legacy, lost, merged-away), in two queries however many
    numbers: a batch of bills resolves its cards at once. A merged-away membership resolves to its survivor; a
    number held by more than one member (only possible across programs) resolves to none. Status periods come
    prefetched (OE6 reads the status in force on each date of use)."""
    numbers = {(n or "").strip() for n in numbers} - {""}
    if not numbers:
        return {}
    cards = Card.objects.filter(number__in=numbers).order_by()  # no default ordering: no join to sort by program
    if program is not None:
        cards = cards.filter(program=program)
    holders: dict[str, set[int]] = {}
    for number, member_id in cards.values_list("number", "member_id"):
        holders.setdefault(number, set()).add(member_id)
    if program is not None:  # a membership number is always a card too; fall back to the member row itself
        for number, member_id in Member.objects.filter(
            program=program, number__in=numbers - holders.keys()
        ).values_list("number", "pk"):
            holders[number] = {member_id}
    wanted = {next(iter(ids)) for ids in holders.values() if len(ids) == 1}
    members = {
        m.pk: m
        for m in Member.objects.filter(pk__in=wanted).select_related("program").prefetch_related("status_periods")
    }
    survivors = {m.merged_into_id for m in members.values() if m.merged_into_id}
    seen: set[int] = set()
    while survivors - members.keys() - seen:  # merged into a member merged in turn: follow the chain
        seen |= survivors
        for m in (
            Member.objects.filter(pk__in=survivors - members.keys())
            .select_related("program")
            .prefetch_related("status_periods")
        ):
            members[m.pk] = m
        survivors = {m.merged_into_id for m in members.values() if m.merged_into_id}

    def final(member: Member) -> Member:
        hops = 0
        while member.merged_into_id and member.merged_into_id in members and hops < 10:
            member, hops = members[member.merged_into_id], hops + 1
        return member

    return {n: final(members[next(iter(ids))]) for n, ids in holders.items() if len(ids) == 1}


def member_by_card(*, number: str, program: Program | None = None) -> Member:
    """M2, M8: the member who holds or held the card ``number``; a merged-away membership resolves to its survivor."""
    number = (number or "").strip()
    member = members_by_cards(numbers=[number], program=program).get(number)
    if member is None:
        raise MemberNotFound(f"no member holds card {number}")
    return member


def status_on(*, member: Member, on: dt.date) -> StatusPeriod | None:
    """The status period in force on ``on`` (ST1, OE6): the highest tier whose validity covers the date."""
    periods = [p for p in member.status_periods.all() if p.valid_from <= on <= p.valid_until]
    if not periods:
        return None
    return max(periods, key=lambda p: (TIER_ORDER[p.tier], p.valid_until))


def tier_on(*, member: Member, on: dt.date) -> str:
    period = status_on(member=member, on=on)
    return period.tier if period else Tier.MEMBER


def members_search(*, query: str, programs: QuerySet[Program] | None = None) -> QuerySet[Member]:
    """Find members by any card number, email, phone or name."""
    query = query.strip()
    qs = Member.objects.all()
    if programs is not None:
        qs = qs.filter(program__in=programs)
    return qs.filter(
        Q(cards__number=query)
        | Q(email__iexact=query)
        | Q(phone=query)
        | Q(family_name__icontains=query)
        | Q(given_name__icontains=query)
    ).distinct()


def settings_on(*, program: Program, on: dt.date):
    """PT1: the program settings in force on ``on`` (the latest row effective on or before it)."""
    from .models import ProgramSettings

    row = ProgramSettings.objects.filter(program=program, effective_from__lte=on).order_by("-effective_from").first()
    if row is None:  # a date before the program's first settings: judge it by the first ones
        row = ProgramSettings.objects.filter(program=program).order_by("effective_from").first()
    return row
