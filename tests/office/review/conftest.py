"""A hostile review of the pages (the office and My Account): "Never a 500", bad input named and not stored. The
demo data (seed_demo) is loaded once per module inside a transaction that is rolled back at the module's end, so
no other test sees it; each test runs in a savepoint of it."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import transaction

from tests.conftest import OneShotClient

PASSWORD = "Office2026!"
STAFF = ["oh-office", "oh-supervisor", "noc-center", "noc-supervisor", "frontdesk-not"]


@pytest.fixture(scope="module")
def demo_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def login_as(who: str) -> OneShotClient:
    from members.models import User

    c = OneShotClient()
    if who == "anonymous":
        return c
    c.force_login(User.objects.get(username=who))
    return c


@pytest.fixture
def people(demo_world, db):
    from members.models import Member, User

    members = {
        m.program.code: m
        for m in Member.objects.filter(user__isnull=False, closed_on__isnull=True)
        .select_related("program")
        .order_by("pk")
    }
    return {"members": members, "users": {u.username: u for u in User.objects.all()}}
