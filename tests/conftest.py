"""Shared fixtures. The suite runs on PostgreSQL in CI (DATABASE_URL); tests that need it fail elsewhere."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps
from django.db import connection

from tests.factories.merge import pair  # noqa: F401  (two memberships of one person, M8)

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
