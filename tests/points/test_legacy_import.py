"""M2, ST3: the 2013 OCI and MYJ files: numbers, cards, points x 10, status, qualification credits, duplicates;
bad rows reported by line; a second run changes nothing."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from members.models import Card, Member, StatusPeriod, Tier
from members.selectors import member_by_card
from points.models import LedgerEntry, MemberBalance, PointLot, QualificationCredit

D = dt.date

OCI = """oci_number,family_name,given_name,email,points_2013_03_31,points_2012,points_2013_q1
123456,Sato,Hana,hana@example.com,1234,1600,50
234567,Ito,Ken,,10,600,0
12345,Bad,Number,bad@example.com,1,1,1
345678,Ueda,Mai,mai@example.com,lots,0,0
456789,Noda,Jun,jun@example.com,0,0,0
"""

MYJ = """myj_number,family_name,given_name,email,nights_2011_10_2012_09,nights_2012_10_2013_03,points
J1000001,Sato,Hana,HANA@example.com,6,4,
J1000002,Kato,Rin,rin@example.com,25,0,300
J1000003,,NoFamily,x@example.com,1,1,
"""


def run(kind, path):
    out, err = StringIO(), StringIO()
    call_command("import_legacy", kind, str(path), "--no-progress", stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def files(tmp_path):
    oci, myj = tmp_path / "oci.csv", tmp_path / "myj.csv"
    oci.write_text(OCI)
    myj.write_text(MYJ)
    return oci, myj


@pytest.mark.django_db
def test_st3_oci_import(files):
    out, err = run("oci", files[0])
    assert "3 imported, 0 already there, 2 bad rows" in out
    assert "line 4:" in err and "6 digits" in err
    assert "line 5:" in err and "points_2013_03_31" in err
    hana = Member.objects.get(number="700123456")  # M2
    assert member_by_card(number="123456") == hana
    assert hana.email == "hana@example.com" and hana.channel == Member.Channel.MIGRATION
    lot = PointLot.objects.get(member=hana)
    assert (lot.points, lot.used_on, lot.expires_on) == (12_340, D(2013, 3, 31), D(2016, 1, 31))
    assert LedgerEntry.objects.get(member=hana).kind == "migrate"
    period = StatusPeriod.objects.get(member=hana)
    assert (period.tier, period.valid_from, period.valid_until, period.source) == (
        Tier.EXCLUSIVE,
        D(2013, 4, 1),
        D(2014, 3, 31),
        "migration",
    )
    assert QualificationCredit.objects.get(member=hana).points == 500
    ken = Member.objects.get(number="700234567")
    assert StatusPeriod.objects.get(member=ken).tier == Tier.LOYAL
    assert not StatusPeriod.objects.filter(member__number="700456789").exists()


@pytest.mark.django_db
def test_st3_myj_import_and_duplicates(files):
    run("oci", files[0])
    out, err = run("myj", files[1])
    assert "2 imported, 0 already there, 1 bad rows" in out and "line 4:" in err
    hana_myj = member_by_card(number="J1000001")
    assert hana_myj.number != "700123456"
    assert StatusPeriod.objects.get(member=hana_myj).tier == Tier.LOYAL
    assert QualificationCredit.objects.get(member=hana_myj).nights == 4
    rin = member_by_card(number="J1000002")
    assert StatusPeriod.objects.get(member=rin).tier == Tier.EXCLUSIVE
    assert MemberBalance.objects.get(member=rin).posted == 300
    # M8: Hana is in both files: both memberships flagged, nobody else
    flagged = set(Member.objects.filter(duplicate_candidate=True).values_list("number", flat=True))
    assert flagged == {"700123456", hana_myj.number}
    assert "2 memberships flagged" in out


@pytest.mark.django_db
def test_st3_import_is_idempotent(files):
    run("oci", files[0])
    run("myj", files[1])
    counts = (Member.objects.count(), Card.objects.count(), LedgerEntry.objects.count(), StatusPeriod.objects.count())
    out_oci, _ = run("oci", files[0])
    out_myj, _ = run("myj", files[1])
    assert "0 imported, 3 already there" in out_oci
    assert "0 imported, 2 already there" in out_myj
    assert counts == (
        Member.objects.count(),
        Card.objects.count(),
        LedgerEntry.objects.count(),
        StatusPeriod.objects.count(),
    )
