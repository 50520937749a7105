"""Sign-up (M3), login by any card number or email (A1), the password rule (A2), reset (A3) and lockout."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import override_settings
from django.urls import reverse

from members.models import Member
from members.validators import OneHarmonyPasswordValidator, program_password_validators

from .conftest import PASSWORD, portal_member

pytestmark = pytest.mark.django_db


def _login(client, username, password=PASSWORD):
    return client.post(reverse("login"), {"username": username, "password": password})


def _page(response) -> str:
    """The page without its CSRF tokens (masked differently on every response)."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.text)


def _logged_in(client) -> bool:
    return SESSION_KEY in client.session


# ------------------------------------------------------------------------------------------------------ A2 rule


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Ab1cd", "password_length"),  # 5 characters
        ("Abcdefghij123", "password_length"),  # 13 characters
        ("abcdef12", "password_no_upper"),
        ("ABCDEF12", "password_no_lower"),
        ("Abcdefgh", "password_no_digit"),
        ("Abc 1234", "password_space"),
    ],
)
def test_a2_one_harmony_password_rule_refuses(password, code):
    with pytest.raises(ValidationError) as info:
        OneHarmonyPasswordValidator().validate(password)
    assert code in {e.code for e in info.value.error_list}


@pytest.mark.parametrize("password", ["Abcde1", "Harmony2026", "Abcdefghij12"])
def test_a2_one_harmony_password_rule_accepts(password):
    OneHarmonyPasswordValidator().validate(password)


def test_a2_rule_applies_per_program(oh, noc):
    assert [type(v) for v in program_password_validators(oh)] == [OneHarmonyPasswordValidator]
    assert OneHarmonyPasswordValidator not in [type(v) for v in program_password_validators(noc)]


# ------------------------------------------------------------------------------------------------------ sign-up


def test_m3_website_signup_creates_member_login_and_welcome_email(client, oh, django_capture_on_commit_callbacks):
    data = {
        "program": oh.pk,
        "family_name": "Tanaka",
        "given_name": "Hanako",
        "email": "hanako@example.com",
        "password1": "Sakura2026",
        "password2": "Sakura2026",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), data)
    assert response.status_code == 302
    member = Member.objects.get(email="hanako@example.com")
    assert member.channel == Member.Channel.WEBSITE
    assert member.user.username == member.number
    assert member.user.email == member.email
    assert member.user.check_password("Sakura2026")
    assert _logged_in(client)
    assert [m.to for m in mail.outbox] == [["hanako@example.com"]]
    assert member.number in mail.outbox[0].body


def test_m3_a2_signup_refuses_a_password_outside_the_one_harmony_rule(client, oh):
    data = {
        "program": oh.pk,
        "family_name": "Tanaka",
        "given_name": "Hanako",
        "email": "hanako@example.com",
        "password1": "sakura 26",
        "password2": "sakura 26",
    }
    response = client.post(reverse("signup"), data)
    assert response.status_code == 200
    assert not Member.objects.filter(email="hanako@example.com").exists()
    assert 'aria-describedby="id_password1_helptext id_password1_error"' in response.text
    assert 'id="id_password1_error"' in response.text


def test_m3_signup_requires_an_email(client, oh):
    response = client.post(reverse("signup"), {"program": oh.pk, "family_name": "T", "given_name": "H"})
    assert response.status_code == 200
    assert response.context["form"].errors["email"]


# ------------------------------------------------------------------------------------------------------ A1 login


def test_a1_login_by_membership_number(client, member):
    response = _login(client, member.number)
    assert response.status_code == 302
    assert _logged_in(client)


def test_a1_login_by_email(client, member):
    _login(client, member.email.upper())
    assert _logged_in(client)


def test_a1_login_by_myj_number(client, db):
    member = portal_member("one-harmony", myj="MYJ0042")
    _login(client, "MYJ0042")
    assert _logged_in(client)
    assert client.get(reverse("summary")).context["member"] == member


def test_a1_login_by_700_number(client, db):
    member = portal_member("one-harmony", oci="123456")
    assert member.number == "700123456"
    _login(client, "700123456")
    assert _logged_in(client)
    _login(client, "123456")  # the OCI card number is a card of the member too (M2)
    assert _logged_in(client)


def test_a1_wrong_password_shows_one_generic_message(client, member):
    wrong = _login(client, member.number, "Wrong2026")
    unknown = _login(client, "999999999", "Wrong2026")
    assert wrong.status_code == unknown.status_code == 200
    assert not _logged_in(client)
    message = "The login name or password is not correct."
    assert message in wrong.text and message in unknown.text
    assert wrong.context["form"].non_field_errors() == unknown.context["form"].non_field_errors()


def test_m9_closed_member_cannot_log_in(client, member):
    Member.objects.filter(pk=member.pk).update(closed_on="2026-01-01", closed_reason="withdrawn")
    response = _login(client, member.number)
    assert not _logged_in(client)
    assert "The login name or password is not correct." in response.text


def test_m9_closed_member_with_a_session_cannot_act(client, member):
    client.force_login(member.user)
    Member.objects.filter(pk=member.pk).update(closed_on="2026-01-01", closed_reason="withdrawn")
    response = client.get(reverse("summary"))
    assert response.status_code == 403
    assert not _logged_in(client)


def test_staff_user_is_pointed_to_the_admin(client, django_user_model):
    staff = django_user_model.objects.create_user("officer", password="Office2026!", is_staff=True)
    client.force_login(staff)
    response = client.get(reverse("summary"))
    assert response.status_code == 403
    assert "back office" in response.text


def test_pages_need_a_login(client, db):
    for name in ("summary", "card", "card-pdf", "profile", "claims", "certificates", "awards"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name


# ------------------------------------------------------------------------------------------------------ lockout


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a1_lockout_counts_per_member_across_number_and_email(client, member):
    # Given two failures under the number and the email: still the generic message
    for typed in (member.number, member.email):
        assert _login(client, typed, "Wrong2026").status_code == 200
    # When the third failure reaches the limit, then the member is locked out whichever name is typed, even with
    # the right password, and the page names no account
    assert _login(client, member.number, "Wrong2026").status_code == 429
    for typed in (member.email, member.number):
        response = _login(client, typed)
        assert response.status_code == 429
        assert "Please wait 15 minutes, then try again." in response.text  # the cool-off, AXES_COOLOFF_TIME 0.25 h
        assert reverse("password_reset") in response.text  # and a way out: a new password by email
        assert member.number not in response.text and member.email not in response.text
    assert not _logged_in(client)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a1_lockout_looks_the_same_for_an_unknown_account(client, member):
    for _ in range(3):
        _login(client, member.number, "Wrong2026")
        _login(client, "nobody@example.com", "Wrong2026")
    known = _login(client, member.number, "Wrong2026")
    unknown = _login(client, "nobody@example.com", "Wrong2026")
    assert known.status_code == unknown.status_code == 429
    assert _page(known) == _page(unknown)


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3, AXES_COOLOFF_TIME=0.0001)
def test_a1_lockout_cools_off(client, member):
    import time

    for _ in range(3):
        _login(client, member.number, "Wrong2026")
    time.sleep(0.5)
    response = _login(client, member.number)
    assert response.status_code == 302
    assert _logged_in(client)


# ------------------------------------------------------------------------------------------------ A2, A3 reset


def test_a3_password_reset_goes_to_the_member_email(client, member):
    from members.models import User

    User.objects.filter(pk=member.user_id).update(email="")  # the login's email is not what the reset relies on
    response = client.post(reverse("password_reset"), {"email": member.email})
    assert response.status_code == 302
    assert [m.to for m in mail.outbox] == [[member.email]]
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_url = client.get(path).url  # Django swaps the token for a session one
    response = client.post(form_url, {"new_password1": "Fresh2026", "new_password2": "Fresh2026"})
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("Fresh2026")


def test_a2_reset_password_follows_the_program_rule(client, member):
    client.post(reverse("password_reset"), {"email": member.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_url = client.get(link.split("testserver", 1)[1]).url
    response = client.post(form_url, {"new_password1": "toolongpassword1", "new_password2": "toolongpassword1"})
    assert response.status_code == 200
    assert response.context["form"].errors["new_password2"]


def test_a2_legacy_member_without_login_sets_a_password_by_email(client, db):
    from points.services.enrolment import member_enroll
    from tests.factories import program

    legacy = member_enroll(
        program=program("one-harmony"),
        family_name="Sato",
        given_name="Ken",
        email="ken@example.com",
        enrolled_on="2013-04-01",
        channel="migration",
        myj="MYJ777",
    )
    response = client.post(reverse("first-login"), {"login": "MYJ777"})
    assert response.status_code == 200
    assert [m.to for m in mail.outbox] == [["ken@example.com"]]
    legacy.refresh_from_db()
    assert legacy.user is not None and not legacy.user.has_usable_password()
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_url = client.get(link.split("testserver", 1)[1]).url
    client.post(form_url, {"new_password1": "Legacy2026", "new_password2": "Legacy2026"})
    _login(client, "MYJ777", "Legacy2026")
    assert _logged_in(client)


def test_a2_member_without_email_is_told_to_contact_the_office(client, db):
    from points.services.enrolment import member_enroll
    from tests.factories import program

    member_enroll(
        program=program("one-harmony"),
        family_name="Sato",
        given_name="Ken",
        enrolled_on="2013-04-01",
        myj="MYJ888",
        email_required=False,
    )
    known = client.post(reverse("first-login"), {"login": "MYJ888"})
    unknown = client.post(reverse("first-login"), {"login": "MYJ999"})
    assert mail.outbox == []
    assert "please contact the office" in known.text
    assert _page(known) == _page(unknown)  # never tells whether the membership exists
