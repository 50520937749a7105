"""ST2, SH1, ST3, OE6: qualifying points, eligible nights and the tier they reach in a calendar year."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from members.models import ProgramSettings
from points.models import EntryKind, LedgerEntry, QualificationCredit, StayNight
from points.qualification import (
    Qualification,
    QualificationNotApplicable,
    qualification,
)
from points.services.ledger import points_earn
from tests.factories import HotelFactory, make_bill, make_member

D = dt.date
DEFAULTS = SimpleNamespace(loyal_points=5000, loyal_nights=5, exclusive_points=15000, exclusive_nights=20)


@pytest.fixture
def hotel(oh):
    return HotelFactory(program=oh, code="HOK", brand="okura")


def earn(member, hotel, used_on: dt.date, points: int, bonus: int = 0):
    bill = make_bill(member, hotel=hotel, paid_on=used_on, points=points)
    points_earn(
        member=member,
        bill=bill,
        points=points,
        bonus_points=bonus,
        used_on=used_on,
        posts_on=used_on + dt.timedelta(days=10),
        expires_on=D(used_on.year + 3, 1, 31),
    )
    return bill


def stay(member, hotel, first: dt.date, nights: int) -> None:
    for n in range(nights):
        StayNight.objects.create(member=member, night_of=first + dt.timedelta(days=n), hotel=hotel)


def test_st2_4999_points_and_4_nights_stay_member_then_one_more_of_either_is_loyal(hotel):
    # Given 4,999 qualifying points and 4 nights in 2025
    member = make_member("one-harmony")
    earn(member, hotel, D(2025, 3, 1), 4999)
    stay(member, hotel, D(2025, 3, 1), 4)
    assert qualification(member=member, year=2025) == Qualification(2025, 4999, 4, "member")
    # When one more point is earned, Loyal (5,000 points)
    other = make_member("one-harmony")
    earn(other, hotel, D(2025, 3, 1), 5000)
    assert qualification(member=other, year=2025).tier == "loyal"
    # And one more night instead, Loyal (5 nights)
    stay(member, hotel, D(2025, 8, 1), 1)
    assert qualification(member=member, year=2025) == Qualification(2025, 4999, 5, "loyal")


def test_st2_14999_points_and_19_nights_are_loyal_15000_or_20_exclusive(hotel):
    member = make_member("one-harmony")
    earn(member, hotel, D(2025, 1, 1), 14999)
    stay(member, hotel, D(2025, 5, 1), 19)
    assert qualification(member=member, year=2025) == Qualification(2025, 14999, 19, "loyal")
    stay(member, hotel, D(2025, 12, 31), 1)
    assert qualification(member=member, year=2025).tier == "exclusive"
    other = make_member("one-harmony")
    earn(other, hotel, D(2025, 12, 31), 15000)
    assert qualification(member=other, year=2025) == Qualification(2025, 15000, 0, "exclusive")


def test_oe6_bonus_points_do_not_qualify(hotel):
    # Given 4,000 base points with a 2,000-point status bonus
    member = make_member("one-harmony")
    earn(member, hotel, D(2025, 6, 1), 4000, bonus=2000)
    # Then only the base points count: still Member
    assert qualification(member=member, year=2025) == Qualification(2025, 4000, 0, "member")


def test_st1_the_period_is_the_calendar_year_by_date_of_use(hotel):
    member = make_member("one-harmony")
    earn(member, hotel, D(2024, 12, 31), 3000)
    earn(member, hotel, D(2025, 1, 1), 2000)
    earn(member, hotel, D(2026, 1, 1), 9000)
    stay(member, hotel, D(2024, 12, 30), 3)  # Dec 30, Dec 31, Jan 1
    assert qualification(member=member, year=2024) == Qualification(2024, 3000, 2, "member")
    assert qualification(member=member, year=2025) == Qualification(2025, 2000, 1, "member")
    assert qualification(member=member, year=2026).points == 9000


def test_st3_credits_count_toward_their_year(hotel):
    member = make_member("one-harmony")
    earn(member, hotel, D(2013, 5, 1), 2000)
    stay(member, hotel, D(2013, 6, 1), 2)
    QualificationCredit.objects.create(
        member=member, year=2013, credited_on=D(2013, 3, 31), points=3000, nights=0, source="OCI Jan-Mar 2013"
    )
    QualificationCredit.objects.create(
        member=member, year=2013, credited_on=D(2013, 3, 31), points=0, nights=3, source="MYJ Oct 2012-Mar 2013"
    )
    QualificationCredit.objects.create(
        member=member, year=2014, credited_on=D(2014, 1, 1), points=50000, nights=50, source="another year"
    )
    assert qualification(member=member, year=2013) == Qualification(2013, 5000, 5, "loyal")


def test_r1_a_retraction_takes_its_qualifying_points_back(hotel):
    member = make_member("one-harmony")
    bill = earn(member, hotel, D(2025, 6, 1), 6000)
    assert qualification(member=member, year=2025).tier == "loyal"
    # When 2,000 of them are retracted (R1: the retraction carries the bill's date of use)
    LedgerEntry.objects.create(
        member=member,
        kind=EntryKind.RETRACT,
        pending=-2000,
        used_on=bill.paid_on,
        effective_on=D(2026, 1, 5),
        qualifying_points=-2000,
        bill=bill,
    )
    assert qualification(member=member, year=2025) == Qualification(2025, 4000, 0, "member")


def test_pt1_thresholds_in_force_on_december_31(oh, hotel):
    # Given stricter thresholds from 2026-01-01 (not in force for 2025)
    ProgramSettings.objects.create(
        program=oh,
        effective_from=D(2026, 1, 1),
        stay_points=20,
        stay_per_yen=1000,
        dining_points=10,
        dining_per_yen=1000,
        loyal_points=6000,
    )
    member = make_member("one-harmony")
    earn(member, hotel, D(2025, 6, 1), 5500)
    earn(member, hotel, D(2026, 6, 1), 5500)
    assert qualification(member=member, year=2025).tier == "loyal"
    assert qualification(member=member, year=2026).tier == "member"


def test_st1_new_otani_has_no_qualification(noc):
    member = make_member("new-otani")
    with pytest.raises(QualificationNotApplicable) as refused:
        qualification(member=member, year=2025)
    assert (refused.value.code, refused.value.status) == ("not_applicable", 400)


@pytest.mark.parametrize(
    ("points", "nights", "tier"),
    [
        (0, 0, "member"),
        (4999, 4, "member"),
        (5000, 0, "loyal"),
        (0, 5, "loyal"),
        (4999, 5, "loyal"),
        (14999, 19, "loyal"),
        (15000, 0, "exclusive"),
        (0, 20, "exclusive"),
        (14999, 20, "exclusive"),
        (-300, 0, "member"),
    ],
)
def test_st2_thresholds(oh, points, nights, tier):
    # Given a member with exactly these qualifying points and nights in 2025 (as legacy credits, ST3)
    member = make_member("one-harmony")
    QualificationCredit.objects.create(
        member=member, year=2025, credited_on=D(2025, 1, 1), points=points, nights=nights, source="test"
    )
    # Then the tier reached is the one of ST2's Default thresholds
    assert qualification(member=member, year=2025).tier == tier


def test_st2_thresholds_come_from_the_settings_in_force_on_december_31(oh):
    from members.models import ProgramSettings

    base = ProgramSettings.objects.filter(program=oh).first()
    base.pk = None
    base.effective_from = D(2025, 6, 1)
    base.loyal_points, base.loyal_nights, base.exclusive_points, base.exclusive_nights = 6000, 6, 20000, 25
    base.save()
    member = make_member("one-harmony")
    QualificationCredit.objects.create(
        member=member, year=2025, credited_on=D(2025, 1, 1), points=5000, nights=5, source="test"
    )
    assert qualification(member=member, year=2025).tier == "member"
    assert qualification(member=member, year=2024).tier == "member"  # no 2024 credits


def test_qualification_totals_are_one_statement_for_the_program(oh, hotel):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from points.qualification import totals_sql

    a, b, quiet = make_member("one-harmony"), make_member("one-harmony"), make_member("one-harmony")
    earn(a, hotel, D(2025, 2, 1), 1000)
    stay(b, hotel, D(2025, 2, 1), 2)
    QualificationCredit.objects.create(member=b, year=2025, credited_on=D(2025, 1, 1), points=10, source="x")
    noc_member = make_member("new-otani")
    earn(noc_member, HotelFactory(code="NOT"), D(2025, 2, 1), 700)
    sql, params = totals_sql(program=oh, year=2025, settings=oh.settings_versions.first())
    with CaptureQueriesContext(connection) as queries, connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = {member_id: (int(p), int(n), tier) for member_id, p, n, tier in cursor.fetchall()}
    assert len(queries) == 1
    assert rows == {a.pk: (1000, 0, "member"), b.pk: (10, 2, "member")}
    assert quiet.pk not in rows
