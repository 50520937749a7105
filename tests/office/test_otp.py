"""Two-factor admin (django-otp TOTP): with OTP_ADMIN the admin needs a verified device; staff are onboarded with
``manage.py staff_otp_device USERNAME``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin import AdminSite
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command
from django.middleware.csrf import get_token
from django.test import RequestFactory, override_settings
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite
from django_otp.plugins.otp_totp.models import TOTPDevice

from loyalty.office.site import admin_site_urls
from members.models import User


@pytest.fixture
def staff_user(db):
    return User.objects.create_user(username="clerk", password="x", is_staff=True)


def test_staff_otp_device_creates_a_totp_device_and_prints_its_uri(staff_user):
    out = StringIO()
    call_command("staff_otp_device", "clerk", stdout=out)
    assert out.getvalue().startswith("otpauth://totp/")
    assert TOTPDevice.objects.filter(user=staff_user, confirmed=True).count() == 1
    with pytest.raises(CommandError):
        call_command("staff_otp_device", "clerk", stdout=StringIO())
    call_command("staff_otp_device", "clerk", "--replace", stdout=StringIO())
    assert TOTPDevice.objects.filter(user=staff_user).count() == 1


def test_staff_otp_device_refuses_non_staff(db):
    User.objects.create_user(username="member", password="x")
    with pytest.raises(CommandError):
        call_command("staff_otp_device", "member", stdout=StringIO())


@override_settings(OTP_ADMIN=True)
def test_otp_admin_site_requires_a_verified_device(staff_user):
    site = AdminSite(name="otp-test")
    urls, app_name, name = admin_site_urls(site)
    assert any(u.name == "dashboard" for u in urls)
    assert isinstance(site, OTPAdminSite) and site.login_form is OTPAdminAuthenticationForm
    assert (app_name, name) == ("admin", "otp-test")
    request = RequestFactory().get("/")
    request.user = staff_user
    staff_user.is_verified = lambda: False
    assert not site.has_permission(request)
    staff_user.is_verified = lambda: True
    assert site.has_permission(request)


@override_settings(OTP_ADMIN=False)
def test_without_otp_admin_the_site_is_unchanged(db):
    site = AdminSite(name="plain-test")
    admin_site_urls(site)
    assert not isinstance(site, OTPAdminSite)


@override_settings(OTP_ADMIN=True)
def test_otp_sign_in_page_is_in_the_office_look_and_asks_for_the_token(db, rf):
    # Given the OTP admin site
    site = AdminSite(name="otp-look")
    admin_site_urls(site)
    # When its sign-in page renders
    request = rf.get("/admin/login/")
    request.user = AnonymousUser()
    request.session = {}
    get_token(request)
    response = site.login(request)
    response.render()
    text = response.content.decode()
    # Then it is the office's sign-in (unfold's layout, the project's static files) with the token field
    assert 'name="otp_token"' in text and 'name="password"' in text
    assert "/static/unfold/css/styles.css" in text
