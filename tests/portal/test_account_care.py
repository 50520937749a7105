"""Account care (A1, A2): a password change in Profile (the current password, the program's rule, a notice email),
a lockout page with the wait and a way out, and the sign-up password help of the chosen program."""

from __future__ import annotations

import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_a2_password_change_needs_the_current_password(member_client, member):
    data = {"old_password": "Wrong2026", "new_password1": "Fresh2026", "new_password2": "Fresh2026"}
    response = member_client.post(reverse("password-change"), data)
    assert response.status_code == 200
    assert "The current password is not correct." in response.text
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


def test_a2_password_change_follows_the_program_rule(member_client, member):
    data = {"old_password": PASSWORD, "new_password1": "toolongpassword1", "new_password2": "toolongpassword1"}
    response = member_client.post(reverse("password-change"), data)
    assert response.status_code == 200 and response.context["password_form"].errors
    member.user.refresh_from_db()
    assert member.user.check_password(PASSWORD)


def test_a2_password_change_saves_keeps_the_session_and_sends_a_notice(
    member_client, member, django_capture_on_commit_callbacks
):
    data = {"old_password": PASSWORD, "new_password1": "Fresh2026", "new_password2": "Fresh2026"}
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("password-change"), data)
    assert response.status_code == 302
    member.user.refresh_from_db()
    assert member.user.check_password("Fresh2026")
    assert SESSION_KEY in member_client.session
    assert member_client.get(reverse("profile")).status_code == 200  # still logged in
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "password" in mail.outbox[0].subject.lower()


@override_settings(AXES_ENABLED=True, AXES_FAILURE_LIMIT=3)
def test_a1_a3_lockout_page_tells_the_wait_and_a_new_password_ends_it(client, member):
    for _ in range(3):
        client.post(reverse("login"), {"username": member.number, "password": "Wrong2026"})
    locked = client.post(reverse("login"), {"username": member.number, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Please wait 15 minutes, then try again." in locked.text
    assert reverse("password_reset") in locked.text and reverse("login") in locked.text
    ja = client.post(reverse("login"), {"username": member.number, "password": PASSWORD}, HTTP_ACCEPT_LANGUAGE="ja")
    assert "15分ほどお待ちいただいてから" in ja.text
    # When the member sets a new password by email, then the member may log in at once
    client.post(reverse("password_reset"), {"email": member.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/password-reset/" in line)
    form_url = client.get(link.split("testserver", 1)[1]).url
    assert client.post(form_url, {"new_password1": "Fresh2026", "new_password2": "Fresh2026"}).status_code == 302
    response = client.post(reverse("login"), {"username": member.number, "password": "Fresh2026"})
    assert response.status_code == 302 and SESSION_KEY in client.session


def test_a2_signup_shows_the_password_rule_of_the_chosen_program(client, db):
    one_harmony = "6 to 12 characters with capital letters, small letters and numbers, no spaces."
    new_otani = "at least 6 characters"
    # No program chosen (no JavaScript): both rules, each under its program's name
    both = client.get(reverse("signup")).text
    assert one_harmony in both and new_otani in both
    assert "<strong>One Harmony</strong>" in both and "<strong>New Otani Club Point Program</strong>" in both
    # ?program=: that program's rule only
    noc = client.get(reverse("signup") + "?program=new-otani").text
    assert new_otani in noc and one_harmony not in noc
    oh = client.get(reverse("signup") + "?program=one-harmony").text
    assert one_harmony in oh and new_otani not in oh
    ja = client.get(reverse("signup") + "?program=new-otani", HTTP_ACCEPT_LANGUAGE="ja").text
    assert "ニューオータニクラブ ポイントプログラム" in ja
