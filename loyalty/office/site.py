"""The office's admin site: its URLs (the apps' admins plus the per-program dashboards) and the second factor
(django-otp) that guards every page in production."""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import path as url_path
from django.utils.functional import empty

from .dashboard import dashboard_view


def admin_site_urls(site: admin.AdminSite):
    """The admin's URLs for ``loyalty/urls.py``: the admin site plus the per-program dashboards
    (``dashboard/<program>/``). With ``settings.OTP_ADMIN`` (Default: not DEBUG) the site is django-otp's
    ``OTPAdminSite``: every admin page needs a login verified with a TOTP device (``manage.py staff_otp_device``)."""
    if getattr(settings, "OTP_ADMIN", not settings.DEBUG):
        from django_otp.admin import OTPAdminSite

        otp_admin_site(site, OTPAdminSite)
    urls = [url_path("dashboard/<slug:program>/", site.admin_view(dashboard_view), name="dashboard"), *site.get_urls()]
    return urls, "admin", site.name


def otp_admin_site(site, otp_class) -> None:
    """Make ``site`` (with every model already registered on it) an OTP admin site: its class becomes a subclass of
    the OTP class, so the login form asks for the token and ``has_permission`` requires ``request.user.is_verified()``
    on every page, the ModelAdmins' included (they call their ``admin_site``)."""
    target = getattr(site, "_wrapped", site)
    if target is empty:
        site._setup()
        target = site._wrapped
    if not isinstance(target, otp_class):
        target.__class__ = type(f"OTP{type(target).__name__}", (otp_class, type(target)), {})
