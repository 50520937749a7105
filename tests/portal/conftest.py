"""My Account fixtures: members with a login (made through the services), their bills, entries and status."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from members.models import Card, StatusPeriod, Tier
from members.services.account import member_user_create
from points.models import Bill, BillExclusion
from points.services import ledger
from tests.factories import HotelFactory, make_bill, make_member

PASSWORD = "Harmony2026"  # A2: 6-12 characters, capitals, small letters and digits


def portal_member(program_code: str = "one-harmony", *, password: str | None = PASSWORD, **kwargs):
    member = make_member(program_code, **kwargs)
    member_user_create(member=member, password=password)
    member.refresh_from_db()
    return member


def stay(member, *, hotel, paid_on: dt.date, points: int, nights: int = 2, exclusions=(), post: bool = True):
    """A stay bill with its earned points (pending, then posted unless ``post`` is False) and its exclusions."""
    bill = make_bill(
        member,
        hotel=hotel,
        paid_on=paid_on,
        points=points,
        kind=Bill.Kind.STAY,
        nights=nights,
        arrival_on=paid_on - dt.timedelta(days=nights),
        departure_on=paid_on,
    )
    for position, (rule, amount, detail) in enumerate(exclusions):
        BillExclusion.objects.create(bill=bill, position=position, rule=rule, amount=amount, detail=detail)
    ledger.points_earn(
        member=member,
        bill=bill,
        points=points,
        bonus_points=0,
        used_on=paid_on,
        posts_on=bill.posts_on,
        expires_on=bill.expires_on,
    )
    if post:
        ledger.lots_post(member=member, as_of=bill.posts_on)
    return bill


def history(member, *, years: int, per_year: int = 3):
    """``years`` of stays (each with an exclusion) ending this year, and a status period for each year."""
    hotel = HotelFactory(program=member.program)
    today = timezone.localdate()
    for back in range(years):
        year = today.year - back
        for n in range(per_year):
            paid_on = min(dt.date(year, 2 + n * 3, 10), today - dt.timedelta(days=30))
            stay(member, hotel=hotel, paid_on=paid_on, points=400, exclusions=[("NX3", 800, "mini bar")])
        StatusPeriod.objects.get_or_create(
            member=member,
            qualification_year=year - 1,
            source=StatusPeriod.Source.QUALIFICATION,
            defaults={"tier": Tier.LOYAL, "valid_from": dt.date(year, 4, 1), "valid_until": dt.date(year + 1, 3, 31)},
        )
    return hotel


def legacy_cards(member, *, myj: str | None = None, oci_number: str | None = None):
    if myj:
        Card.objects.create(
            program=member.program, member=member, number=myj, kind=Card.Kind.MYJ, issued_on=member.enrolled_on
        )
    return member


@pytest.fixture
def member(db):
    return portal_member("one-harmony")


@pytest.fixture
def noc_member(db):
    return portal_member("new-otani")


@pytest.fixture
def member_client(client, member):
    client.force_login(member.user)
    return client
