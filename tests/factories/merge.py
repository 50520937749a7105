"""Two memberships of one person, for the merge tests (M8) of the service and of the office's workspace."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import StatusPeriod, Tier
from points.models import EntryKind, QualificationCredit, StayNight
from points.services.ledger import LotSpec, points_credit
from tests.factories import HotelFactory, make_bill, make_member

D = dt.date


def credit(member, points, used_on, expires_on):
    points_credit(member=member, kind=EntryKind.MIGRATE, lots=[LotSpec(points, used_on, expires_on)], on=used_on)


@pytest.fixture
def pair(db):
    survivor = make_member("one-harmony", oci="123456", family_name="Sato", given_name="Hana")
    duplicate = make_member("one-harmony", myj="MYJ777", family_name="Sato", given_name="Hana")
    hotel = HotelFactory(code="OKT", program=survivor.program)
    credit(survivor, 1_000, D(2024, 5, 1), D(2027, 1, 31))
    credit(duplicate, 3_000, D(2024, 6, 1), D(2027, 1, 31))
    credit(duplicate, 2_000, D(2025, 2, 1), D(2028, 1, 31))
    credit(duplicate, 700, D(2021, 2, 1), D(2024, 1, 31))  # lapsed: stays behind
    bill = make_bill(duplicate, hotel=hotel, number="B-1", paid_on=D(2025, 3, 2))
    StayNight.objects.create(member=survivor, night_of=D(2025, 3, 1), hotel=hotel)
    StayNight.objects.create(member=duplicate, night_of=D(2025, 3, 1), hotel=hotel, bill=bill)
    StayNight.objects.create(member=duplicate, night_of=D(2025, 3, 2), hotel=hotel, bill=bill)
    StatusPeriod.objects.create(
        member=duplicate,
        tier=Tier.EXCLUSIVE,
        valid_from=D(2025, 4, 1),
        valid_until=D(2026, 3, 31),
        qualification_year=2024,
    )
    StatusPeriod.objects.create(
        member=survivor, tier=Tier.LOYAL, valid_from=D(2025, 4, 1), valid_until=D(2026, 3, 31), qualification_year=2024
    )
    QualificationCredit.objects.create(member=duplicate, year=2025, credited_on=D(2025, 1, 1), nights=3, source="x")
    return survivor, duplicate
