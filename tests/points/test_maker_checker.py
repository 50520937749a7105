"""Maker-checker adjustments: above the threshold (Default 10,000) a supervisor other than the requester decides."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from members.models import ProgramSettings, User
from points.models import Adjustment, EntryKind, LedgerEntry, MemberBalance
from points.services.adjustments import (
    AdjustmentError,
    NotAllowedToApprove,
    adjustment_approve,
    adjustment_reject,
    adjustment_request,
)
from tests.factories import make_member

D = dt.date
TODAY = D(2025, 6, 30)


def staff(username: str, group: str) -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def people(db):
    return {
        "clerk": staff("clerk", "Office clerk"),
        "clerk2": staff("clerk2", "Office clerk"),
        "supervisor": staff("boss", "Office supervisor"),
        "supervisor2": staff("boss2", "Office supervisor"),
    }


def test_small_adjustment_posts_at_once_with_its_expiry(people):
    member = make_member("new-otani")
    adj = adjustment_request(
        member=member, points=10_000, reason="goodwill", used_on=D(2024, 10, 1), requested_by=people["clerk"], on=TODAY
    )
    assert adj.state == Adjustment.State.POSTED
    entry = LedgerEntry.objects.get(adjustment=adj)
    assert entry.kind == EntryKind.ADJUST and entry.points == 10_000 and entry.created_by == people["clerk"]
    assert entry.lots.get().expires_on == D(2027, 9, 30)  # EX2


def test_large_adjustment_waits_and_nothing_moves(people):
    member = make_member("new-otani")
    adj = adjustment_request(
        member=member, points=10_001, reason="x", used_on=D(2025, 1, 1), requested_by=people["clerk"], on=TODAY
    )
    assert adj.state == Adjustment.State.AWAITING_APPROVAL
    assert not LedgerEntry.objects.filter(adjustment=adj).exists()


def test_threshold_is_a_program_setting(people, noc):
    ProgramSettings.objects.filter(program=noc).update(adjustment_approval_threshold=100)
    member = make_member("new-otani")
    adj = adjustment_request(
        member=member, points=101, reason="x", used_on=D(2025, 1, 1), requested_by=people["clerk"], on=TODAY
    )
    assert adj.state == Adjustment.State.AWAITING_APPROVAL


def test_a_clerk_cannot_approve_and_nobody_approves_their_own(people):
    member = make_member("new-otani")
    adj = adjustment_request(
        member=member, points=50_000, reason="x", used_on=D(2025, 1, 1), requested_by=people["supervisor"], on=TODAY
    )
    with pytest.raises(NotAllowedToApprove):
        adjustment_approve(adjustment=adj, approved_by=people["clerk2"], on=TODAY)
    with pytest.raises(NotAllowedToApprove):
        adjustment_approve(adjustment=adj, approved_by=people["supervisor"], on=TODAY)
    adj.refresh_from_db()
    assert adj.state == Adjustment.State.AWAITING_APPROVAL


def test_another_supervisor_approves_through_the_ledger(people):
    member = make_member("new-otani")
    adj = adjustment_request(
        member=member,
        points=50_000,
        reason="x",
        used_on=D(2025, 1, 1),
        qualifies=True,
        requested_by=people["clerk"],
        on=TODAY,
    )
    adj = adjustment_approve(adjustment=adj, approved_by=people["supervisor"], on=TODAY)
    assert adj.state == Adjustment.State.POSTED and adj.approved_by == people["supervisor"]
    entry = LedgerEntry.objects.get(adjustment=adj)
    assert entry.qualifying_points == 50_000
    assert MemberBalance.objects.get(member=member).posted == 50_000
    with pytest.raises(AdjustmentError):
        adjustment_approve(adjustment=adj, approved_by=people["supervisor2"], on=TODAY)


def test_negative_adjustment_debits_and_rejection_moves_nothing(people):
    member = make_member("new-otani")
    adjustment_request(
        member=member, points=5_000, reason="x", used_on=D(2025, 1, 1), requested_by=people["clerk"], on=TODAY
    )
    minus = adjustment_request(
        member=member, points=-2_000, reason="y", used_on=D(2025, 1, 1), requested_by=people["clerk"], on=TODAY
    )
    assert minus.state == Adjustment.State.POSTED
    assert MemberBalance.objects.get(member=member).posted == 3_000
    big = adjustment_request(
        member=member, points=-20_000, reason="z", used_on=D(2025, 1, 1), requested_by=people["clerk"], on=TODAY
    )
    big = adjustment_reject(adjustment=big, by=people["supervisor"], reason="wrong member")
    assert big.state == Adjustment.State.REJECTED
    assert MemberBalance.objects.get(member=member).posted == 3_000
