"""A5: discrepancy claims within 6 months of the date of use; approval makes an adjustment (maker-checker)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from members.models import ProgramSettings, User
from points.models import Adjustment, Claim, MemberBalance, QualificationCredit
from points.services.claims import ClaimError, ClaimTooLate, claim_approve, claim_reject, claim_submit
from tests.factories import make_member

D = dt.date
TODAY = D(2025, 6, 30)


@pytest.fixture
def clerk(db):
    user = User.objects.create_user(username="clerk", password="x", is_staff=True)
    user.groups.add(Group.objects.get(name="Office clerk"))
    return user


@pytest.mark.django_db
def test_a5_claim_within_six_months_is_taken():
    # Given a member
    member = make_member("one-harmony")
    # When a claim for a use exactly six months ago is submitted
    claim = claim_submit(member=member, kind="points", used_on=D(2024, 12, 30), description="stay missing", today=TODAY)
    # Then it is open
    assert claim.state == Claim.State.OPEN


@pytest.mark.django_db
def test_a5_claim_older_than_six_months_is_refused_with_the_rule():
    member = make_member("one-harmony")
    with pytest.raises(ClaimTooLate) as refused:
        claim_submit(member=member, kind="points", used_on=D(2024, 12, 29), description="x", today=TODAY)
    assert refused.value.code == "claim_too_late"
    assert refused.value.status == 400
    assert "6 months" in refused.value.detail
    assert not Claim.objects.exists()


@pytest.mark.django_db
def test_a5_claim_window_is_a_setting(oh):
    ProgramSettings.objects.filter(program=oh).update(claim_window_months=12)
    member = make_member("one-harmony")
    claim = claim_submit(member=member, kind="points", used_on=D(2024, 7, 1), description="x", today=TODAY)
    assert claim.pk


@pytest.mark.django_db
def test_a5_future_date_is_refused():
    member = make_member("one-harmony")
    with pytest.raises(ClaimError):
        claim_submit(member=member, kind="points", used_on=D(2025, 7, 1), description="x", today=TODAY)


@pytest.mark.django_db
def test_a5_approval_creates_and_links_a_posted_adjustment(clerk):
    # Given an open claim
    member = make_member("one-harmony")
    claim = claim_submit(member=member, kind="points", used_on=D(2025, 5, 1), description="dinner", today=TODAY)
    # When the office approves it with 800 points
    claim = claim_approve(claim=claim, points=800, by=clerk, answer="Added.", on=TODAY)
    # Then an adjustment (under the threshold: posted at once) is linked and the points are there
    assert claim.state == Claim.State.APPROVED
    assert claim.adjustment.state == Adjustment.State.POSTED
    assert claim.adjustment.points == 800
    assert MemberBalance.objects.get(member=member).posted == 800
    lot = claim.adjustment.entries.get().lots.get()
    assert lot.expires_on == D(2028, 1, 31)  # EX1 from the date of use


@pytest.mark.django_db
def test_a5_large_claim_waits_for_a_supervisor(clerk):
    member = make_member("one-harmony")
    claim = claim_submit(member=member, kind="points", used_on=D(2025, 5, 1), description="stay", today=TODAY)
    claim = claim_approve(claim=claim, points=20_000, by=clerk, on=TODAY)
    assert claim.adjustment.state == Adjustment.State.AWAITING_APPROVAL
    assert MemberBalance.objects.get(member=member).posted == 0


@pytest.mark.django_db
def test_a5_nights_claim_becomes_a_qualification_credit(clerk):
    member = make_member("one-harmony")
    claim = claim_submit(member=member, kind="nights", used_on=D(2025, 5, 1), description="2 nights", today=TODAY)
    claim_approve(claim=claim, nights=2, by=clerk, on=TODAY)
    assert QualificationCredit.objects.get(member=member).nights == 2


@pytest.mark.django_db
def test_a5_rejection_needs_an_answer_the_member_sees(clerk):
    member = make_member("one-harmony")
    claim = claim_submit(member=member, kind="points", used_on=D(2025, 5, 1), description="x", today=TODAY)
    with pytest.raises(ClaimError):
        claim_reject(claim=claim, by=clerk, answer=" ")
    claim = claim_reject(claim=claim, by=clerk, answer="Booked through a travel agency (NX6).")
    assert claim.state == Claim.State.REJECTED
    assert claim.answer.startswith("Booked")
    with pytest.raises(ClaimError):
        claim_approve(claim=claim, points=10, by=clerk)
