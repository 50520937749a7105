"""``/ops/staff-gate/``: the reverse proxy's staff check (nginx ``auth_request``) in front of Flower (issue 18: Celery
monitoring behind staff authentication)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.test import override_settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import User

GATE = "/ops/staff-gate/"


@pytest.fixture
def operator(db):
    user = User.objects.create_user(username="operator", password="x", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_periodictask"))
    return user


def test_nobody_signed_in_is_sent_to_sign_in(client, db):
    response = client.get(GATE, HTTP_X_ORIGINAL_URI="/flower/")
    assert response.status_code == 401
    assert "no-cache" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_a_member_and_a_clerk_without_the_permission_are_refused(client, db):
    client.force_login(User.objects.create_user(username="member", password="x"))
    assert client.get(GATE).status_code == 403
    client.force_login(User.objects.create_user(username="clerk", password="x", is_staff=True))
    assert client.get(GATE).status_code == 403


def test_an_inactive_operator_is_refused(client, operator):
    client.force_login(operator)
    User.objects.filter(pk=operator.pk).update(is_active=False)
    assert client.get(GATE).status_code in (401, 403)


@override_settings(OTP_ADMIN=False)
def test_an_operator_is_let_in_and_named_to_the_proxy(client, operator):
    client.force_login(operator)
    response = client.get(GATE, HTTP_X_ORIGINAL_URI="/flower/tasks")
    assert response.status_code == 204
    assert response["X-Staff-User"] == "operator"


@override_settings(OTP_ADMIN=True)
def test_with_two_factor_the_operator_must_have_verified_a_device(client, operator):
    client.force_login(operator)
    assert client.get(GATE).status_code == 403  # signed in with the password only
    device = TOTPDevice.objects.create(user=operator, name="phone", confirmed=True)
    session = client.session
    session["otp_device_id"] = device.persistent_id
    session.save()
    assert client.get(GATE).status_code == 204


@override_settings(OTP_ADMIN=False, STAFF_GATE_PERMISSION="points.view_jobrun")
def test_the_permission_is_a_setting(client, operator):
    client.force_login(operator)
    assert client.get(GATE).status_code == 403
    operator.user_permissions.add(Permission.objects.get(codename="view_jobrun"))
    operator = User.objects.get(pk=operator.pk)  # permissions are cached on the instance
    assert client.get(GATE).status_code == 204
