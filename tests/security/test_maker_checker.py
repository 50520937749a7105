"""Issue 14, attack 2: maker-checker beaten by splitting. What one requester moves without a checker accumulates over
rolling windows (ProgramSettings: 30 days per member, 1 business day per requester, the approval threshold); claim
approvals (A5) count the same; the approver reads why."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connections
from django.urls import reverse

from members.models import Program, ProgramSettings, User
from points.models import Adjustment, MemberBalance
from points.services.adjustments import NotAllowedToApprove, adjustment_approve, adjustment_request
from points.services.claims import claim_approve, claim_submit
from points.services.limits import window_history
from tests.factories import make_member

from .conftest import PROGRAMS

D = dt.date
TODAY = D(2025, 6, 30)


def _ask(member, points, by, on=TODAY):
    return adjustment_request(
        member=member, points=points, reason="goodwill", used_on=D(2025, 1, 10), requested_by=by, on=on
    )


def _posted(member) -> int:
    return MemberBalance.objects.get(member=member).posted


def test_issue14_split_adjustments_to_one_member_wait_for_a_checker(program, office):
    # Given a member and a clerk; the threshold is 10,000 (Default)
    member = make_member(program.code)
    clerk = office["clerk"]
    # When the clerk posts three adjustments of 10,000 to the member at once
    states = [_ask(member, 10_000, clerk).state for _ in range(3)]
    # Then only the first posts; the others wait for a supervisor
    assert states == ["posted", "awaiting_approval", "awaiting_approval"]
    assert _posted(member) == 10_000
    # And debits count too (by absolute value): a -1 now waits
    assert _ask(member, -1, clerk).state == "awaiting_approval"


def test_issue14_member_window_is_rolling_30_days_per_requester(program, office):
    member = make_member(program.code)
    clerk, clerk2 = office["clerk"], office["clerk2"]
    assert _ask(member, 6_000, clerk, on=TODAY - dt.timedelta(days=29)).state == "posted"
    # 29 days later the first still counts for the same clerk and member ...
    assert _ask(member, 6_000, clerk).state == "awaiting_approval"
    # ... another clerk has room of their own (each requester is counted)
    assert _ask(member, 6_000, clerk2).state == "posted"
    # 30 days after the first, it has left the window
    assert _ask(member, 4_000, clerk, on=TODAY + dt.timedelta(days=1)).state == "posted"


def test_issue14_requester_total_per_business_day(program, office):
    clerk = office["clerk"]
    one, two, three = (make_member(program.code) for _ in range(3))
    assert _ask(one, 6_000, clerk).state == "posted"
    assert _ask(two, 6_000, clerk).state == "awaiting_approval"  # 12,000 in one day by one clerk
    # The next business day the requester window starts again (per member: another member)
    assert _ask(three, 6_000, clerk, on=TODAY + dt.timedelta(days=1)).state == "posted"


def test_issue14_windows_are_program_settings(program, office):
    ProgramSettings.objects.filter(program=program).update(
        adjustment_member_window_days=2, adjustment_requester_window_days=1, adjustment_approval_threshold=1_000
    )
    member = make_member(program.code)
    assert _ask(member, 600, office["clerk"], on=TODAY - dt.timedelta(days=2)).state == "posted"
    assert _ask(member, 600, office["clerk"]).state == "posted"  # out of a 2-day window
    assert _ask(member, 600, office["clerk"]).state == "awaiting_approval"


def test_issue14_claim_approvals_count_the_same(program, office):
    # Given three claims of one member, approved by one supervisor for 5,000 points each
    member = make_member(program.code)
    boss = office["supervisor"]
    used_on = TODAY - dt.timedelta(days=20)
    claims = [
        claim_submit(member=member, kind="points", used_on=used_on, description=f"stay {n}", today=TODAY)
        for n in range(3)
    ]
    results = [claim_approve(claim=c, points=5_000, by=boss, on=TODAY).adjustment.state for c in claims]
    # Then the third waits for a different supervisor, who sees why
    assert results == ["posted", "posted", "awaiting_approval"]
    waiting = Adjustment.objects.get(state="awaiting_approval")
    with pytest.raises(NotAllowedToApprove):
        adjustment_approve(adjustment=waiting, approved_by=boss, on=TODAY)
    assert "15,000" in waiting.approval_reason and "30 days" in waiting.approval_reason
    assert {a.points for a in window_history(adjustment=waiting)} == {5_000}
    assert len(window_history(adjustment=waiting)) == 2
    adjustment_approve(adjustment=waiting, approved_by=office["supervisor2"], on=TODAY)
    assert _posted(member) == 15_000


def test_issue14_approver_sees_the_history_in_the_admin(client, program, office):
    member = make_member(program.code)
    _ask(member, 9_000, office["clerk"])
    waiting = _ask(member, 2_000, office["clerk"])
    client.force_login(office["supervisor"])
    page = client.get(reverse("admin:points_adjustment_change", args=[waiting.pk])).text
    assert "11,000" in page  # the reason
    assert "+9,000" in page  # the move that made it wait


def test_issue14_split_through_the_admin_add_form(client, program, office):
    member = make_member(program.code)
    client.force_login(office["clerk"])
    form = {"member": member.pk, "points": 10_000, "reason": "goodwill", "used_on": "2025-03-03"}
    for _ in range(3):
        assert client.post(reverse("admin:points_adjustment_add"), form).status_code == 302
    assert list(Adjustment.objects.order_by("pk").values_list("state", flat=True)) == [
        "posted",
        "awaiting_approval",
        "awaiting_approval",
    ]
    assert _posted(member) == 10_000


def _race(workers):
    barrier = threading.Barrier(len(workers))
    results, errors = [], []

    def run(work):
        try:
            barrier.wait()
            results.append(work())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    return results


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("code", PROGRAMS)
def test_issue14_concurrent_adjustments_never_both_slip_under_the_limit(postgres_only, code):
    # Given one clerk and one member, two other members
    program = Program.objects.get(code=code)
    clerk = User.objects.create_user("clerk", is_staff=True)  # (a transactional test: the groups were flushed)
    clerk.programs.set([program])
    member, a, b = (make_member(code) for _ in range(3))
    # When the clerk sends two 6,000 adjustments for the member at the same moment
    _race([lambda: _ask(member, 6_000, clerk).state for _ in range(2)])
    # Then exactly one posted (the member's balance row is locked before the count)
    assert sorted(Adjustment.objects.filter(member=member).values_list("state", flat=True)) == [
        "awaiting_approval",
        "posted",
    ]
    # And across two members at once (the requester's advisory lock)
    _race(
        [
            lambda: _ask(a, 6_000, clerk, on=TODAY + dt.timedelta(days=5)),
            lambda: _ask(b, 6_000, clerk, on=TODAY + dt.timedelta(days=5)),
        ]
    )
    states = sorted(Adjustment.objects.filter(member__in=[a, b]).values_list("state", flat=True))
    assert states == ["awaiting_approval", "posted"]


def test_issue14_front_desk_of_another_hotel_moves_no_points(client, program, office):
    member = make_member(program.code)
    client.force_login(office["desk"])
    form = {"member": member.pk, "points": 100, "reason": "x", "used_on": "2025-03-03"}
    assert client.post(reverse("admin:points_adjustment_add"), form).status_code == 403
    assert not Adjustment.objects.exists()
