"""Onboarding of a staff user for the two-factor admin (django-otp TOTP): create a device, print its URI.

No day-to-day superusers: staff work with their group (Office clerk, Office supervisor, Front desk) and their
scope (``programs`` / ``hotel``); a superuser account is for break-glass administration only, and it needs its own
TOTP device like everyone else.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from members.models import User


class Command(BaseCommand):
    help = (
        "Create a TOTP device for a staff user and print its provisioning URI (otpauth://...) to scan in an "
        "authenticator app. The admin requires a verified device when OTP_ADMIN is on (production). "
        "No day-to-day superusers: give staff a group and a program or hotel scope instead."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="authenticator", help="device name (default: authenticator)")
        parser.add_argument(
            "--replace", action="store_true", help="delete the user's existing TOTP devices first (lost phone)"
        )

    @transaction.atomic
    def handle(self, *args, username: str, name: str, replace: bool, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist as exc:
            raise CommandError(f"no user {username!r}") from exc
        if not user.is_staff:
            raise CommandError(f"{username} is not a staff user: the admin is for staff only")
        existing = TOTPDevice.objects.filter(user=user)
        if existing.exists() and not replace:
            raise CommandError(f"{username} already has a TOTP device; use --replace to issue a new one")
        existing.delete()
        device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        if user.is_superuser:
            self.stderr.write("warning: superuser account; use it for break-glass administration only")
        self.stdout.write(device.config_url)
