"""Celery: the beat schedules in the database, expiry reminders (EX6), and a job sent through the real Redis broker
to a real worker."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection

from points.models import ExpiryReminder, MemberBalance
from points.services.jobs import expiry_reminders_send
from tests.factories import make_bill, make_member
from tests.points.test_ledger import earn_and_post

D = dt.date
ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_j1_to_j4_default_schedules_are_stored_for_beat():
    from django_celery_beat.models import PeriodicTask

    tasks = {t.name: t for t in PeriodicTask.objects.select_related("crontab")}
    j2 = tasks["J2 One Harmony expiry (February 1)"]
    assert (j2.task, j2.crontab.day_of_month, j2.crontab.month_of_year) == ("points.expire_points", "1", "2")
    j3 = tasks["J3 New Otani expiry (October 1)"]
    assert (j3.crontab.day_of_month, j3.crontab.month_of_year) == ("1", "10")
    assert {t.crontab.month_of_year for n, t in tasks.items() if n.startswith("J4")} == {"1", "4"}
    assert tasks["J1 post pending points (daily)"].crontab.hour == "3"
    assert str(j2.crontab.timezone) == "Asia/Tokyo"


@pytest.mark.django_db
def test_ex6_one_reminder_per_member_and_expiry_date_within_60_days(noc):
    # Given points lapsing 2026-09-30 (two lots) and 2027-09-30
    member = make_member("new-otani", email="hana@example.com")
    earn_and_post(member, 300, D(2024, 3, 1))
    earn_and_post(member, 200, D(2024, 4, 1))
    earn_and_post(member, 900, D(2025, 3, 1))
    silent = make_member("new-otani", email="", email_required=False)  # enrolled by the office (M3)
    earn_and_post(silent, 100, D(2024, 3, 1))
    # When reminders run 61 days before: nothing; 60 days before: one email for the 500 points
    assert expiry_reminders_send(as_of=D(2026, 7, 31), program=noc)["new-otani"]["reminders"] == 0
    counts = expiry_reminders_send(as_of=D(2026, 8, 1), program=noc)
    assert counts["new-otani"] == {"reminders": 2, "emailed": 1}
    assert len(mail.outbox) == 1
    assert "500" in mail.outbox[0].body and "2026-09-30" in mail.outbox[0].subject
    reminder = ExpiryReminder.objects.get(member=member)
    assert (reminder.points, reminder.emailed) == (500, True)
    # And the next day's run sends nothing twice
    expiry_reminders_send(as_of=D(2026, 8, 2), program=noc)
    assert len(mail.outbox) == 1


@pytest.mark.queue
@pytest.mark.django_db(transaction=True)
def test_a_job_goes_through_the_real_redis_broker_to_a_worker(postgres_only, noc):
    """Send J1 through Redis to a real Celery worker process and see it done in the database."""
    broker = os.environ.get("CELERY_BROKER_URL") or settings.CELERY_BROKER_URL
    if not broker.startswith("redis://"):
        pytest.fail("this test needs Redis: set CELERY_BROKER_URL=redis://127.0.0.1:6379/0")
    from loyalty.celery import app
    from points.tasks import post_points_task

    member = make_member("new-otani")
    bill = make_bill(member, paid_on=D(2025, 3, 3))
    from points.services import ledger

    ledger.points_earn(
        member=member,
        bill=bill,
        points=700,
        bonus_points=0,
        used_on=D(2025, 3, 3),
        posts_on=D(2025, 3, 13),
        expires_on=D(2027, 9, 30),
    )
    queue = f"test-{uuid.uuid4().hex[:8]}"
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loyalty.settings.test",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": broker,
    }
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "loyalty",
            "worker",
            "-P",
            "solo",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    app.conf.task_always_eager = False
    app.conf.broker_url = broker
    app.conf.result_backend = broker
    try:
        result = post_points_task.apply_async(kwargs={"as_of": "2025-03-13", "program": "new-otani"}, queue=queue)
        counts = result.get(timeout=90)
    finally:
        app.conf.task_always_eager = True
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode(errors="replace")
    assert counts["new-otani"]["entries"] == 1, output
    balance = MemberBalance.objects.get(member=member)
    assert (balance.posted, balance.pending) == (700, 0)
