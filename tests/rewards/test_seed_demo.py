"""``seed_demo``: the demo world made through the services, idempotent, and the logins printed."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone

from members.models import Member, User
from points.models import Bill, BillExclusion, LedgerEntry, MemberBalance, PointLot
from points.selectors import points_summary
from rewards.models import Award


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_runs_twice_and_prints_the_logins():
    # When the demo is seeded, then seeded again (``make run`` does it on every start)
    first = seed()
    counts = (Member.objects.count(), Bill.objects.count(), LedgerEntry.objects.count(), User.objects.count())
    second = seed()
    # Then the second run changes nothing
    assert (Member.objects.count(), Bill.objects.count(), LedgerEntry.objects.count(), User.objects.count()) == counts
    assert "exists already" in second
    # And both print the logins: My Account, the admin, members and staff with their passwords
    for output in (first, second):
        assert "http://127.0.0.1:8000/" in output
        assert "http://127.0.0.1:8000/admin/" in output
        assert "700123456" in output and "hana.sato@example.com" in output
        assert "Harmony2026" in output and "Office2026!" in output
        for username in ("oh-office", "oh-supervisor", "noc-center", "noc-supervisor", "frontdesk-not"):
            assert username in output
        assert "createsuperuser" in output


@pytest.mark.django_db
def test_seed_demo_world_is_made_through_the_services():
    seed()
    # M2: the former OCI member has the 700-number and keeps the OCI card; the MYJ member keeps the MYJ card
    hana = Member.objects.get(number="700123456")
    assert set(hana.cards.values_list("number", flat=True)) == {"700123456", "123456"}
    kenji = Member.objects.get(email="kenji.tanaka@example.com")
    assert "MYJ00012345" in kenji.cards.values_list("number", flat=True)
    # T1, M10: a New Otani family with a corporate-category member
    taro = Member.objects.get(email="taro.yamamoto@example.com")
    assert taro.family_members.count() == 2
    assert taro.family_members.filter(category__code="corporate").exists()
    # A1, A2: each member logs in with the membership number
    for member in Member.objects.all():
        assert authenticate(username=member.number, password="Harmony2026") == member.user
    # Staff are staff, not superusers, scoped to a program or a hotel
    staff = User.objects.filter(is_staff=True)
    assert set(staff.values_list("username", flat=True)) == {
        "oh-office",
        "oh-supervisor",
        "noc-center",
        "noc-supervisor",
        "frontdesk-not",
    }
    assert not staff.filter(is_superuser=True).exists()
    assert list(User.objects.get(username="noc-center").programs.values_list("code", flat=True)) == ["new-otani"]
    assert User.objects.get(username="frontdesk-not").hotel.code == "NOT"
    assert User.objects.get(username="oh-office").groups.get().name == "Office clerk"
    # OR1: one award of each kind
    assert set(Award.objects.values_list("kind", flat=True)) == {"stay", "upgrade", "breakfast", "gift"}
    # Bills of several years came through the bill service, with exclusions by rule (NX1, NX3, NE2, OE3 ...)
    assert set(Bill.objects.values_list("source", flat=True)) == {Bill.Source.DEMO}
    years = {d.year for d in Bill.objects.values_list("paid_on", flat=True)}
    today = timezone.localdate()
    assert years == set(range(today.year - 3, today.year + 1))
    assert {"NX1", "NX3", "NE2", "OE3", "OE5"} <= set(BillExclusion.objects.values_list("rule", flat=True))
    # NE7: posted, with the last few days still pending
    assert PointLot.objects.filter(state=PointLot.State.POSTED).exists()
    assert PointLot.objects.filter(state=PointLot.State.PENDING, posts_on__gt=today).exists()


@pytest.mark.django_db
def test_r1_ex5_seed_demo_leaves_the_principal_member_with_a_negative_balance():
    seed()
    taro = Member.objects.get(email="taro.yamamoto@example.com")
    # R1: a refund after the points were redeemed leaves a debt the office sees
    assert points_summary(member=taro, on=timezone.localdate()).balance < 0
    assert taro.ledger_entries.filter(kind="redeem").exists()
    assert taro.ledger_entries.filter(kind="retract").exists()
    # The balance rows equal the sum of the entries (the ledger's invariant)
    for row in MemberBalance.objects.all():
        sums = LedgerEntry.objects.filter(member_id=row.member_id).aggregate(p=Sum("points"), q=Sum("pending"))
        assert (row.posted, row.pending) == (sums["p"] or 0, sums["q"] or 0)
