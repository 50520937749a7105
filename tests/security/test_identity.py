"""Issue 14, attack 1: a clerk takes over a member's account (login link, email). A1, A3, M7."""

from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from members.models import Member, User
from members.services.identity import IdentityError, member_email_change_request
from members.services.office import OfficeError, member_register_email
from tests.portal.conftest import PASSWORD, portal_member

CLERK_PASSWORD = "Clerk-pass-2026"


def _change_form(member: Member, **changes) -> dict:
    data = {
        "family_name": member.family_name,
        "given_name": member.given_name,
        "email": member.email,
        "phone": member.phone,
        "postal_code": member.postal_code,
        "country": member.country,
        "address": member.address,
        "language": member.language,
        "enrolled_on": member.enrolled_on.isoformat(),
        "admitted_on": member.admitted_on.isoformat() if member.admitted_on else "",
        "cards-TOTAL_FORMS": "0",
        "cards-INITIAL_FORMS": "0",
        "cards-MIN_NUM_FORMS": "0",
        "cards-MAX_NUM_FORMS": "1000",
        "status_periods-TOTAL_FORMS": "0",
        "status_periods-INITIAL_FORMS": "0",
        "status_periods-MIN_NUM_FORMS": "0",
        "status_periods-MAX_NUM_FORMS": "1000",
    }
    return {**data, **changes}


def test_issue14_a1_clerk_cannot_relink_the_login_nor_change_the_email_in_the_admin(client, program, office):
    # Given a member with a My Account login and a clerk of the member's office
    member = portal_member(program.code)
    original_user, original_email = member.user_id, member.email
    client.force_login(office["clerk"])
    url = reverse("admin:members_member_change", args=[member.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="user"' not in page.text and 'name="email"' not in page.text  # read-only: no input
    # When the clerk posts the change form with the login set to the clerk's own user and a new email
    response = client.post(url, _change_form(member, user=office["clerk"].pk, email="clerk@evil.example"))
    # Then the form is saved (other fields) but the login and the email are what they were
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.user_id, member.email) == (original_user, original_email)
    # And the clerk's password does not open My Account as the member
    assert authenticate(username=member.number, password=CLERK_PASSWORD) is None
    assert authenticate(username=member.number, password=PASSWORD) == member.user


@pytest.mark.django_db
def test_issue14_a1_a_staff_login_is_refused_by_the_model_and_the_database(postgres_only, office, program):
    member = portal_member(program.code)
    clerk, login_id = office["clerk"], member.user_id
    # The model validation refuses it (the admin, any ModelForm)
    member.user = clerk
    with pytest.raises(ValidationError):
        member.full_clean()
    # The database refuses it around the ORM (raw SQL): linking a staff login to a member ...
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE members_member SET user_id = %s WHERE id = %s", [clerk.pk, member.pk])
    # ... and making a member's login staff or superuser
    for column in ("is_staff", "is_superuser"):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE members_user SET {column} = true WHERE id = %s", [login_id])
    assert not User.objects.get(pk=login_id).is_staff
    assert Member.objects.get(pk=member.pk).user_id == login_id


@pytest.mark.django_db
def test_issue14_a1_member_login_backend_refuses_a_staff_user(postgres_only, program):
    # Given (around every guard: the triggers off inside this test's transaction) a member whose login is staff
    member = portal_member(program.code)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")  # user triggers off
        cursor.execute("UPDATE members_user SET is_staff = true WHERE id = %s", [member.user_id])
        cursor.execute("SET LOCAL session_replication_role = origin")
    # Then the member login backend refuses it, by number and by email
    from members.auth import MemberLoginBackend

    backend = MemberLoginBackend()
    assert backend.authenticate(None, username=member.number, password=PASSWORD) is None
    assert backend.authenticate(None, username=member.email, password=PASSWORD) is None


def test_issue14_m7_office_email_change_needs_the_new_address_and_tells_the_old(client, program, office):
    # Given a member with an email, and a clerk who wants to change it
    member = portal_member(program.code)
    old = member.email
    client.force_login(office["clerk"])
    # The "register email" task (for members without one) refuses to overwrite an email
    with pytest.raises(OfficeError):
        member_register_email(member=member, email="clerk@evil.example", by=office["clerk"])
    # When the clerk uses the email change task
    url = reverse("admin:members_member_office", args=[member.pk, "email_change"])
    assert client.post(url, {"email": "clerk@evil.example"}).status_code == 302
    # Then nothing changed yet; a link went to the new address and a notice to the old one
    member.refresh_from_db()
    assert member.email == old
    assert [m.to for m in mail.outbox] == [["clerk@evil.example"], [old]]
    assert "/profile/email/" in mail.outbox[0].body and "/profile/email/" not in mail.outbox[1].body
    # And the link works only for the member logged in to My Account: the clerk gets the portal's refusal
    link = next(line for line in mail.outbox[0].body.splitlines() if "/profile/email/" in line)
    path = link.split("testserver", 1)[1]
    assert client.get(path).status_code == 403
    member.refresh_from_db()
    assert member.email == old
    # When the member opens it, the change is made, audited and the old address is told
    client.force_login(member.user)
    client.get(path)
    member.refresh_from_db()
    assert member.email == "clerk@evil.example"
    record = member.history.latest()
    assert record.history_user == office["clerk"] and "email change" in record.history_change_reason
    assert mail.outbox[-1].to == [old]


def test_issue14_a1_email_change_to_another_members_address_is_not_disclosed(program):
    member, other = portal_member(program.code), portal_member(program.code)
    token = member_email_change_request(member=member, email=other.email.upper(), base_url="http://testserver/")
    assert token is None
    assert [m.to for m in mail.outbox] == [[other.email.upper()]]  # a notice, no link
    assert "/profile/email/" not in mail.outbox[0].body
    with pytest.raises(IdentityError):
        member_email_change_request(member=member, email="not an email", base_url="http://testserver/")


def test_issue14_front_desk_of_another_hotel_has_no_identity_task(client, program, office):
    member = portal_member(program.code)
    client.force_login(office["desk"])
    for task in ("email", "email_change"):
        url = reverse("admin:members_member_office", args=[member.pk, task])
        assert client.post(url, {"email": "desk@evil.example"}).status_code in (403, 404)
    member.refresh_from_db()
    assert member.email != "desk@evil.example"
