"""Issue 14, attack 3: a double click spends twice. Every state-changing form carries a one-shot token
(``loyalty.oneshot``): a repeated POST shows the first result and changes nothing; a POST without a valid token to
such a page is refused."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.core import mail
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from loyalty.oneshot import token_issue
from members.models import Card, FormSubmission, Member, NameChangeRequest, User
from points.models import Adjustment, Claim, MemberBalance
from points.services.claims import claim_submit
from tests.conftest import OneShotClient
from tests.factories import HotelFactory, make_member
from tests.portal.conftest import PASSWORD, portal_member, stay


def _gift(member, points=300):
    from rewards.models import Award

    return Award.objects.create(
        program=member.program, code="GIFT-TEA", kind="gift", name="Afternoon tea", points=points
    )


def _rich(member, points=10_000):
    stay(
        member,
        hotel=HotelFactory(program=member.program),
        paid_on=timezone.localdate() - dt.timedelta(days=40),
        points=points,
    )


def _twice(client, url, data, user):
    """The same rendered form POSTed twice (a double click): one token for both."""
    data = {**data, "form_token": token_issue(user=user)}
    return client.post(url, data), client.post(url, data)


def test_issue14_or1_double_click_on_a_gift_award_redeems_once(client, db):
    member = portal_member("one-harmony")
    _rich(member)
    award = _gift(member)
    client.force_login(member.user)
    first, again = _twice(client, reverse("awards"), {"award": award.pk, "password": PASSWORD}, member.user)
    # Then the first redeems, the repeat is sent to the same result page and nothing moves again
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert member.award_redemptions.count() == 1
    assert MemberBalance.objects.get(member=member).posted == 10_000 - 300
    follow = client.get(again.url)
    assert "already sent" in follow.text


def test_issue14_nr1_double_post_of_a_certificate_request_takes_one(client, db):
    member = portal_member("new-otani")
    hotel = HotelFactory(program=member.program, name="Hotel New Otani Tokyo")
    _rich(member)
    client.force_login(member.user)
    arrival = timezone.localdate() + dt.timedelta(days=30)
    data = {"count": 1, "hotel": hotel.pk, "arrival_on": arrival.isoformat(), "accept": "on", "password": PASSWORD}
    first, again = _twice(client, reverse("certificates"), data, member.user)
    assert (first.status_code, again.status_code) == (302, 302)
    assert member.certificate_requests.count() == 1
    assert MemberBalance.objects.get(member=member).posted == 5_000


@pytest.mark.parametrize("code", ["one-harmony", "new-otani"])
def test_issue14_a5_two_identical_claim_posts_file_one_claim(client, db, code):
    member = portal_member(code)
    client.force_login(member.user)
    data = {
        "kind": "points",
        "used_on": (timezone.localdate() - dt.timedelta(days=5)).isoformat(),
        "description": "dinner",
    }
    first, again = _twice(client, reverse("claims"), data, member.user)
    assert (first.status_code, again.status_code) == (302, 302)
    assert Claim.objects.filter(member=member).count() == 1


def test_issue14_m7_profile_email_and_name_changes_are_one_shot(client, db):
    member = portal_member("one-harmony")
    client.force_login(member.user)
    _twice(client, reverse("email-change"), {"email": "new@example.com", "password": PASSWORD}, member.user)
    assert len(mail.outbox) == 2  # one link to the new address, one notice to the old: not four
    _twice(client, reverse("name-change"), {"family_name": "Suzuki", "given_name": "Hana"}, member.user)
    assert NameChangeRequest.objects.filter(member=member).count() == 1
    first, again = _twice(client, reverse("profile"), {"address": "1-1 Tokyo", "phone": "03"}, member.user)
    assert first.url == again.url
    assert FormSubmission.objects.filter(user=member.user).count() == 3


def test_issue14_a_post_without_a_valid_token_is_refused(db):
    member = portal_member("one-harmony")
    _rich(member)
    award = _gift(member)
    client = OneShotClient()
    client.force_login(member.user)
    data = {"award": award.pk, "password": PASSWORD}
    # No token, a forged token and another member's token: all refused, nothing redeemed
    other = portal_member("one-harmony")
    for token in ("", "forged:token", token_issue(user=other.user)):
        response = client.post(reverse("awards"), {**data, "form_token": token})
        assert response.status_code == 302 and response.url == reverse("awards")
    assert member.award_redemptions.count() == 0
    assert "expired or was already used" in client.get(reverse("awards")).text


def test_issue14_a_form_sent_again_after_an_error_is_taken(client, db):
    # A refused form (wrong password) did nothing: the same token may be sent again, corrected
    member = portal_member("one-harmony")
    _rich(member)
    award = _gift(member)
    client.force_login(member.user)
    token = token_issue(user=member.user)
    wrong = client.post(reverse("awards"), {"award": award.pk, "password": "Wrong2026", "form_token": token})
    assert wrong.status_code == 200
    right = client.post(reverse("awards"), {"award": award.pk, "password": PASSWORD, "form_token": token})
    assert right.status_code == 302
    assert member.award_redemptions.count() == 1


# --------------------------------------------------------------------------------------------------- the office


def test_issue14_admin_adjustment_add_double_post_records_one(client, program, office):
    member = make_member(program.code)
    client.force_login(office["clerk"])
    form = {"member": member.pk, "points": 500, "reason": "goodwill", "used_on": "2025-03-03"}
    first, again = _twice(client, reverse("admin:points_adjustment_add"), form, office["clerk"])
    assert (first.status_code, again.status_code) == (302, 302)
    assert Adjustment.objects.filter(member=member).count() == 1
    assert MemberBalance.objects.get(member=member).posted == 500


def test_issue14_admin_claim_approval_double_post_approves_once(client, program, office):
    member = make_member(program.code)
    today = timezone.localdate()
    claim = claim_submit(
        member=member, kind="points", used_on=today - dt.timedelta(days=3), description="x", today=today
    )
    client.force_login(office["supervisor"])
    data = {"action": "approve_claims", "_selected_action": [claim.pk], "apply": "1", "points": 700, "nights": 0}
    first, again = _twice(client, reverse("admin:points_claim_changelist"), data, office["supervisor"])
    assert (first.status_code, again.status_code) == (302, 302)
    assert Adjustment.objects.filter(member=member).count() == 1
    assert MemberBalance.objects.get(member=member).posted == 700


def test_issue14_admin_card_reissue_double_post_reissues_once(client, program, office):
    member = make_member(program.code)
    client.force_login(office["clerk"])
    url = reverse("admin:members_member_office", args=[member.pk, "reissue"])
    _twice(client, url, {"confirm": "on"}, office["clerk"])
    assert Card.objects.filter(member=member, number=member.number).count() == 2  # the lost one and one new


def test_issue14_admin_cancel_and_merge_double_posts_act_once(client, program, office):
    survivor, duplicate = make_member(program.code), make_member(program.code)
    client.force_login(office["supervisor"])
    url = reverse("admin:members_member_office", args=[survivor.pk, "merge"])
    first, again = _twice(client, url, {"duplicate": duplicate.number, "confirm": "True"}, office["supervisor"])
    assert first.status_code == again.status_code == 302
    assert Member.objects.get(pk=duplicate.pk).merged_into_id == survivor.pk
    url = reverse("admin:members_member_office", args=[survivor.pk, "cancel"])
    first, again = _twice(client, url, {"reason": "withdrawn", "confirm": "on"}, office["supervisor"])
    assert first.status_code == again.status_code == 302 and first.url == again.url
    assert Member.objects.get(pk=survivor.pk).closed_reason == "withdrawn"


def test_issue14_admin_post_without_token_is_refused(client, program, office):
    member = make_member(program.code)
    client.force_login(office["clerk"])
    form = {"member": member.pk, "points": 500, "reason": "goodwill", "used_on": "2025-03-03", "form_token": ""}
    response = client.post(reverse("admin:points_adjustment_add"), form)
    assert response.status_code == 302
    assert not Adjustment.objects.exists()


# ------------------------------------------------------------------------------------------------- concurrency


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issue14_concurrent_double_post_redeems_once(postgres_only):
    # Given a member with points and two browser requests carrying the same token at the same moment
    member = portal_member("one-harmony")
    _rich(member)
    award = _gift(member)
    data = {"award": award.pk, "password": PASSWORD, "form_token": token_issue(user=member.user)}
    barrier = threading.Barrier(2)
    answers, errors = [], []

    def post():
        try:
            client = OneShotClient()
            client.force_login(member.user)
            barrier.wait()
            answers.append(client.post(reverse("awards"), data))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then both are sent to the result, and the award is redeemed once
    assert errors == []
    assert [a.status_code for a in answers] == [302, 302]
    assert member.award_redemptions.count() == 1
    assert MemberBalance.objects.get(member=member).posted == 10_000 - 300


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_issue14_concurrent_double_post_of_an_adjustment_records_one(postgres_only):
    from members.models import Program

    program = Program.objects.get(code="new-otani")
    clerk = User.objects.create_superuser("clerk", password="x")  # (a transactional test: the groups were flushed)
    clerk.programs.set([program])
    member = make_member("new-otani")
    form = {
        "member": member.pk,
        "points": 500,
        "reason": "goodwill",
        "used_on": "2025-03-03",
        "form_token": token_issue(user=clerk),
    }
    barrier = threading.Barrier(2)
    codes, errors = [], []

    def post():
        try:
            client = OneShotClient()
            client.force_login(clerk)
            barrier.wait()
            codes.append(client.post(reverse("admin:points_adjustment_add"), form).status_code)
        except Exception as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and codes == [302, 302]
    assert Adjustment.objects.filter(member=member).count() == 1
