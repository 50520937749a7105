"""Shared fixtures. The suite runs on PostgreSQL in CI (DATABASE_URL); tests that need it fail elsewhere."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection
from django.test import Client

from tests.factories.merge import pair  # noqa: F401  (two memberships of one person, M8)

pytest_plugins = ["tests.browser"]  # Chromium and artifacts/ for the browser tests

_programs_migration = importlib.import_module("members.migrations.0003_programs")
_defaults_15 = importlib.import_module("members.migrations.0008_issue15_settings_terms")
_beat_migration = importlib.import_module("points.migrations.0005_beat_schedules")


@pytest.fixture(autouse=True)
def _fresh_reference():
    """Each test starts with no reference data in memory (a rolled-back test's hotels must not linger)."""
    from points import reference

    reference._local.reference = None
    yield
    reference._local.reference = None


@pytest.fixture(autouse=True)
def _programs(request):
    """The programs exist after ``migrate`` (API.md). Transactional tests flush every table after they run, so the
    data migration's own function seeds them again (idempotent: get_or_create)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and not {"db", "transactional_db"} & set(request.fixturenames):
        return
    request.getfixturevalue("transactional_db" if marker and marker.kwargs.get("transaction") else "db")
    _programs_migration.create_programs(apps, None)
    _defaults_15.program_defaults(apps, None)
    # The beat schedules too (points/migrations/0005), once a transactional test's flush has removed them.
    from django_celery_beat.models import PeriodicTask

    if not PeriodicTask.objects.exists():
        _beat_migration.create(apps, None)


@pytest.fixture
def postgres_only(db):
    """Concurrency, locking and trigger tests are about PostgreSQL: run them there, fail elsewhere."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL: set DATABASE_URL=postgres://postgres@127.0.0.1/loyalty")


@pytest.fixture
def noc(db):
    from members.models import Program

    return Program.objects.get(code="new-otani")


@pytest.fixture
def oh(db):
    from members.models import Program

    return Program.objects.get(code="one-harmony")


class OneShotClient(Client):
    """The test client as a browser: every POST carries a fresh one-shot token (issue 14, ``loyalty.oneshot``) for
    the logged-in user, as a rendered form would, unless the test gives ``form_token`` itself (the replay tests)."""

    def post(self, path, data=None, *args, **kwargs):
        form = "content_type" not in kwargs and (data is None or isinstance(data, dict))
        if form and "form_token" not in (data or {}):
            from django.contrib.auth import SESSION_KEY, get_user_model

            from loyalty.oneshot import token_issue

            user_id = self.session.get(SESSION_KEY)
            user = get_user_model().objects.filter(pk=user_id).first() if user_id else None
            data = {**(data or {}), "form_token": token_issue(user=user)}
        return super().post(path, data, *args, **kwargs)


@pytest.fixture
def client():
    return OneShotClient()


@pytest.fixture
def admin_client(db, admin_user):
    client = OneShotClient()
    client.force_login(admin_user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters (issue 14) live in the cache: each test starts with none."""
    from django.core.cache import cache

    cache.clear()
    yield
