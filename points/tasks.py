"""Celery tasks: thin interfaces over the job services. Beat calls them without arguments (the schedules live in
the database, django-celery-beat); the as-of date is then the business date in Asia/Tokyo when the task runs."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from loyalty import clock
from members.models import Program

from .services import jobs


def _as_of(value: str | None) -> dt.date:
    return dt.date.fromisoformat(value) if value else clock.today()


def _program(code: str | None) -> Program | None:
    return Program.objects.get(code=code) if code else None


@shared_task(name="points.post_points")
def post_points_task(as_of: str | None = None, program: str | None = None) -> dict:
    """J1: daily."""
    return jobs.post_points(as_of=_as_of(as_of), program=_program(program))


@shared_task(name="points.expire_points")
def expire_points_task(as_of: str | None = None, program: str | None = None) -> dict:
    """J2 (One Harmony, February 1) and J3 (New Otani, October 1)."""
    return jobs.expire_points(as_of=_as_of(as_of), program=_program(program))


@shared_task(name="points.qualify_status")
def qualify_status_task(year: int | None = None, program: str | None = "one-harmony") -> dict:
    """J4: January 15 and April 1, for the year just closed."""
    return jobs.qualify_status(year=year or clock.today().year - 1, program=_program(program))


@shared_task(name="points.send_expiry_reminders")
def send_expiry_reminders_task(as_of: str | None = None, program: str | None = None) -> dict:
    """EX6 reminders: daily."""
    return jobs.expiry_reminders_send(as_of=_as_of(as_of), program=_program(program))


@shared_task(name="points.reconcile_ledger")
def reconcile_ledger_task(as_of: str | None = None, program: str | None = None) -> dict:
    """J5: nightly."""
    from .services.reconciliation import ledger_reconcile

    return ledger_reconcile(as_of=_as_of(as_of), program=_program(program))


@shared_task(name="points.purge_idempotency_keys")
def purge_idempotency_keys_task() -> int:
    """API.md 1.1: daily, forget the answers kept for Idempotency-Key retries once their window has passed."""
    from django.conf import settings
    from django.utils import timezone  # an instant, not the business date

    from .services.idempotency import idempotency_keys_purge

    return idempotency_keys_purge(before=timezone.now() - dt.timedelta(hours=settings.IDEMPOTENCY_KEY_HOURS))
