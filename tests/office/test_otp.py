"""Two-factor admin (django-otp TOTP): with OTP_ADMIN the admin needs a verified device; staff are onboarded with
``manage.py staff_otp_device USERNAME``."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.admin import AdminSite
from django.core.management import CommandError, call_command
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
