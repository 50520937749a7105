"""Reads of the members domain."""

from __future__ import annotations

import datetime as dt

from django.db.models import Q, QuerySet

from .exceptions import MemberNotFound
from .models import Card, Member, Program, StatusPeriod, Tier

TIER_ORDER = {Tier.MEMBER: 0, Tier.LOYAL: 1, Tier.EXCLUSIVE: 2}


def member_by_card(*, number: str, program: Program | None = None) -> Member:
    """M2, M8: the member who holds or held the card ``number`` (current, legacy, lost, merged-away).

    A merged-away membership resolves to its survivor.
    """
    number = (number or "").strip()
    cards = Card.objects.filter(number=number).select_related("member", "member__program")
    if program is not None:
        cards = cards.filter(program=program)
    members = {card.member_id: card.member for card in cards}
    if not members:
        # A membership number is always a card too, but fall back to the member row itself.
        found = Member.objects.filter(number=number).select_related("program")
        if program is not None:
            found = found.filter(program=program)
        members = {m.pk: m for m in found}
    if len(members) != 1:
        raise MemberNotFound(f"no member holds card {number}" if not members else f"card {number} is ambiguous")
    member = next(iter(members.values()))
    seen = set()
    while member.merged_into_id and member.pk not in seen:
        seen.add(member.pk)
        member = Member.objects.select_related("program").get(pk=member.merged_into_id)
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
