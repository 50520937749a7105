"""Audit: simple-history records who, when and what for members, cards, adjustments, claims, certificates and
settings changed through the admin. (The ledger itself refuses UPDATE and DELETE at the database:
tests/points/test_ledger_guards.py::test_ledger_entries_are_append_only_at_the_database.)"""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from members.models import Card, Member, NameChangeRequest, ProgramSettings, User
from points.models import Adjustment, Claim, MemberBalance
from points.services.claims import claim_submit
from rewards.models import Certificate
from tests.factories import make_member


def staff(username: str, group: str, programs) -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def clerk(db, oh, noc):
    return staff("clerk", "Office clerk", [oh, noc])


@pytest.fixture
def supervisor(db, oh, noc):
    return staff("boss", "Office supervisor", [oh, noc])


def test_every_audited_model_keeps_history():
    for model in (Member, Card, Adjustment, Claim, Certificate, ProgramSettings, NameChangeRequest):
        assert hasattr(model, "history"), model


def test_m5_card_reissue_through_the_admin_is_recorded(client, clerk):
    member = make_member("one-harmony")
    client.force_login(clerk)
    url = reverse("admin:members_member_office", args=[member.pk, "reissue"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"confirm": "on"})
    assert response.status_code == 302
    old, new = Card.objects.filter(number=member.number).order_by("pk")
    assert (old.state, new.state, new.fulfilment) == ("lost", "current", "to_be_mailed")
    assert new.replaces == old
    record = old.history.latest()
    assert (record.history_user, record.state) == (clerk, "lost")
    assert new.history.latest().history_user == clerk


def test_a2_register_email_and_m7_name_change_are_recorded(client, clerk):
    member = make_member("one-harmony", email="", email_required=False)
    client.force_login(clerk)
    url = reverse("admin:members_member_office", args=[member.pk, "email"])
    assert client.post(url, {"email": "new@example.com"}).status_code == 302
    member.refresh_from_db()
    assert member.email == "new@example.com"
    assert member.history.latest().history_user == clerk
    change = NameChangeRequest.objects.create(member=member, family_name="Tanaka", given_name="Hana")
    response = client.post(
        reverse("admin:members_namechangerequest_changelist"),
        {"action": "apply_name_change", "_selected_action": [change.pk]},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.family_name == "Tanaka"
    latest = member.history.latest()
    assert (latest.history_user, latest.family_name) == (clerk, "Tanaka")


def test_maker_checker_through_the_admin_is_recorded(client, clerk, supervisor):
    member = make_member("new-otani")
    client.force_login(clerk)
    form = {"member": member.pk, "points": 20_000, "reason": "goodwill", "used_on": "2025-03-03"}
    assert client.post(reverse("admin:points_adjustment_add"), form).status_code == 302
    adjustment = Adjustment.objects.get()
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL
    assert adjustment.history.earliest().history_user == clerk
    # the clerk has no approve action; the supervisor has
    changelist = reverse("admin:points_adjustment_changelist")
    client.post(changelist, {"action": "approve_adjustments", "_selected_action": [adjustment.pk]})
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL
    client.force_login(supervisor)
    client.post(changelist, {"action": "approve_adjustments", "_selected_action": [adjustment.pk]})
    adjustment.refresh_from_db()
    assert (adjustment.state, adjustment.approved_by) == (Adjustment.State.POSTED, supervisor)
    assert adjustment.history.latest().history_user == supervisor
    assert MemberBalance.objects.get(member=member).posted == 20_000


def test_a5_claim_decisions_through_the_admin_are_recorded(client, supervisor):
    member = make_member("one-harmony")
    today = timezone.localdate()
    used_on = today - dt.timedelta(days=10)
    one = claim_submit(member=member, kind="points", used_on=used_on, description="dinner", today=today)
    two = claim_submit(member=member, kind="points", used_on=used_on, description="bar", today=today)
    client.force_login(supervisor)
    changelist = reverse("admin:points_claim_changelist")
    step = client.post(changelist, {"action": "approve_claims", "_selected_action": [one.pk]})
    assert step.status_code == 200 and "Missing points" in step.text
    done = client.post(
        changelist,
        {"action": "approve_claims", "_selected_action": [one.pk], "apply": "1", "points": 700, "nights": 0},
    )
    assert done.status_code == 302
    client.post(
        changelist,
        {"action": "reject_claims", "_selected_action": [two.pk], "apply": "1", "answer": "Paid by voucher (NX12)."},
    )
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.state, one.adjustment.points, one.decided_by) == ("approved", 700, supervisor)
    assert (two.state, two.answer) == ("rejected", "Paid by voucher (NX12).")
    assert two.history.latest().history_user == supervisor


def test_pt1_settings_change_through_the_admin_is_recorded(client, supervisor, noc):
    row = ProgramSettings.objects.get(program=noc)
    client.force_login(supervisor)
    data = {}
    for field in ProgramSettings._meta.concrete_fields:
        if field.name == "id":
            continue
        value = getattr(row, field.attname)
        data[field.name] = value  # NX15, NE4: the lists of codes ticked by their labels, posted as several values
    data["adjustment_approval_threshold"] = 5000
    response = client.post(reverse("admin:members_programsettings_change", args=[row.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    record = row.history.latest()
    assert (record.history_user, record.adjustment_approval_threshold) == (supervisor, 5000)


def test_m9_cancel_membership_through_the_admin_is_recorded(client, clerk):
    member = make_member("new-otani")
    client.force_login(clerk)
    url = reverse("admin:members_member_office", args=[member.pk, "cancel"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"reason": "withdrawn"}).status_code == 200  # not confirmed: nothing happens
    assert Member.objects.get(pk=member.pk).closed_on is None
    assert client.post(url, {"reason": "withdrawn", "confirm": "on"}).status_code == 302
    member.refresh_from_db()
    assert member.closed_reason == "withdrawn"
    assert member.history.latest().history_user == clerk
    # a closed membership offers no office task any more
    assert client.get(url).status_code == 403
