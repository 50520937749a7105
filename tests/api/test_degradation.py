"""Graceful degradation (issue 13 item 5): with the cache (Redis) or the broker unreachable, the API keeps taking
bills; the reference data is read from the database, and work that could not be queued is done at the next beat."""

from __future__ import annotations

import datetime as dt
import logging
import time

import pytest
from django.test import override_settings

from loyalty.queue import enqueue_on_commit
from points import reference
from points.models import Bill, Hotel, MemberBalance
from points.tasks import post_points_task
from tests.api.test_bills_api import URL

CLOSED_PORT = "redis://127.0.0.1:1/0"  # nothing listens there: connections are refused at once
REDIS_DOWN = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CLOSED_PORT,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
    }
}


@pytest.fixture
def cache_down():
    reference._cache_down_until = 0.0
    with override_settings(CACHES=REDIS_DOWN):
        yield
    reference._cache_down_until = 0.0


def test_item5_with_the_cache_down_the_api_keeps_taking_bills(not_client, folio, member, cache_down, caplog):
    # Given Redis unreachable
    # When a PMS reports a bill and looks the member up
    with caplog.at_level(logging.WARNING, logger="points.reference"):
        started = time.monotonic()
        response = not_client.post(URL, folio, format="json")
        account = not_client.get(f"/api/v1/members/{member.number}/")
        elapsed = time.monotonic() - started
    # Then the bill is recorded (201), the account answers, and neither waited on the cache
    assert response.status_code == 201, response.content
    assert account.status_code == 200 and account.json()["points"]["pending"] == 3910
    assert Bill.objects.count() == 1
    assert elapsed < 5
    assert "unreachable" in caplog.text


def test_item5_with_the_cache_down_reference_changes_are_seen_at_once(not_client, folio, cache_down, hotel_not):
    # Given the cache down, a bill of NOT taken
    assert not_client.post(URL, folio, format="json").status_code == 201
    # When the office deactivates the hotel (the version bump fails: it is logged, not raised)
    Hotel.objects.filter(pk=hotel_not.pk).update(active=False)
    hotel_not.refresh_from_db()
    hotel_not.save()
    # Then the very next request sees it: nothing was kept from before
    folio["number"] = "F-1002"
    assert not_client.post(URL, folio, format="json").status_code == 401


def test_item5_the_cache_is_tried_again_after_a_while(cache_down, hotel_not, monkeypatch):
    assert reference.reference().hotel("NOT") == hotel_not
    assert reference._cache_down_until > time.monotonic()
    # After the retry interval the cache is asked again (and, still down, the database read again)
    monkeypatch.setattr(reference, "_cache_down_until", 0.0)
    assert reference.reference().version is None


@pytest.fixture
def task_on_a_down_broker(monkeypatch):
    """A task of an app whose broker is at a closed port (the project's own app stays untouched for the other tests:
    kombu keeps its connection pools per process)."""
    from celery import Celery

    from loyalty.celery import app as project_app

    monkeypatch.delenv("CELERY_BROKER_URL", raising=False)  # Celery lets it override any app's broker
    down = Celery("broker-down", broker=CLOSED_PORT, set_as_current=False)
    down.conf.task_always_eager = False
    down.conf.broker_connection_timeout = 1

    @down.task(name="points.post_points")
    def post_points(as_of=None, program=None):
        return None

    yield post_points
    down.close()
    project_app.set_current()


def test_item5_with_the_broker_down_bills_are_recorded_and_the_next_beat_posts_them(
    not_client, folio, member, task_on_a_down_broker, caplog, django_capture_on_commit_callbacks
):
    # Given the broker unreachable
    # When a bill is reported and follow-up work is queued for when its transaction commits
    with django_capture_on_commit_callbacks() as callbacks:
        response = not_client.post(URL, folio, format="json")
        enqueue_on_commit(task_on_a_down_broker, as_of="2025-03-13")
    # Then the bill is recorded, and the commit's publish fails quietly: logged, not raised
    assert response.status_code == 201
    assert Bill.objects.count() == 1
    assert callbacks, "the publish waits for the commit"
    with caplog.at_level(logging.WARNING):
        for callback in callbacks:
            callback()  # what the commit runs: it must not raise
    assert "Could not queue points.post_points (broker unreachable" in caplog.text
    # And the next beat (the task run by the scheduler) does the work that could not be queued (J1)
    post_points_task.apply(kwargs={"as_of": dt.date(2025, 3, 13).isoformat()})
    assert MemberBalance.objects.get(member=member).posted == 3910
