"""The nightly feed under load and faults (issue 13 item 1, SH1, NE7): many bills per member with overlapping nights
across worker processes never deadlock, and a worker that dies stops the import within seconds, non-zero, with the
reason. On PostgreSQL (the workers are processes)."""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Sum

from points.management.commands.import_bills import _shard
from points.models import Bill, MemberBalance, StayNight
from tests.factories import HotelFactory, make_member

ROOT = Path(__file__).resolve().parents[2]
D = dt.date


def stay(member: str, number: str, first_night: dt.date, nights: int = 3) -> dict:
    """A stay of ``nights`` nights from ``first_night``: consecutive stays of one member overlap (SH1: one night per
    date, whichever bill reports it first)."""
    dates = [first_night + dt.timedelta(days=n) for n in range(nights)]
    charges = [
        {"date": d.isoformat(), "room": "1203", "category": "room", "amount": 30000, "tax_service": 4500} for d in dates
    ]
    return {
        "hotel": "NOT",
        "number": number,
        "member": member,
        "kind": "stay",
        "paid_on": (dates[-1] + dt.timedelta(days=1)).isoformat(),
        "reservation_channel": "official_website",
        "payments": [{"method": "credit_card", "amount": 34500 * nights}],
        "rooms": [{"room": "1203", "member_room": True, "for_points": True, "members": []}],
        "charges": charges,
    }


def feed(members, bills_each: int, *, seed: int = 13) -> list[str]:
    """``bills_each`` overlapping stays per member, every member's bills spread over the whole file (shuffled)."""
    lines = [
        json.dumps(stay(m.number, f"F-{m.number}-{k}", D(2025, 1, 1) + dt.timedelta(days=k)))
        for m in members
        for k in range(bills_each)
    ]
    random.Random(seed).shuffle(lines)
    return lines


def test_item1_every_bill_of_a_member_goes_to_one_worker():
    lines = [{"hotel": "NOT", "number": f"F-{n}", "member": "1000000017"} for n in range(50)]
    assert len({_shard(line, 4) for line in lines}) == 1
    assert _shard({"hotel": "NOT", "number": "F-1", "member": " 1000000017 "}, 4) == _shard(lines[0], 4)


@pytest.mark.django_db(transaction=True)
def test_item1_sh1_interleaved_members_with_20_overlapping_bills_each_import_without_deadlock(postgres_only, tmp_path):
    # Given 60 members with 20 stays each, overlapping nights, shuffled through the file
    from django.core.management import call_command

    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    members = [make_member("new-otani", enrolled_on=D(2020, 1, 1)) for _ in range(60)]
    path = tmp_path / "night.jsonl"
    path.write_text("\n".join(feed(members, 20)) + "\n")
    # When two workers import it in batches of 100
    from io import StringIO

    out = StringIO()
    call_command("import_bills", str(path), "--no-progress", "--workers", "2", "--batch-size", "100", stdout=out)
    # Then every bill is accepted, each member has one night per date (20 stays of 3 nights: 22 dates) and the
    # balance rows hold exactly the points awarded
    assert "1200 accepted, 0 duplicate, 0 rejected" in out.getvalue()
    assert Bill.objects.count() == 1200
    for member in members[:5]:
        assert StayNight.objects.filter(member=member).count() == 22
    awarded = Bill.objects.aggregate(p=Sum("points"), b=Sum("bonus_points"))
    assert MemberBalance.objects.aggregate(p=Sum("pending"))["p"] == awarded["p"] + awarded["b"]


@pytest.mark.django_db(transaction=True)
def test_item1_two_batches_of_the_same_members_in_opposite_order_do_not_deadlock(postgres_only):
    # Given two writers, each with a batch of the same two members' stays in opposite order (what two workers did
    # when a member's bills were spread over both)
    import threading

    from django.db import connections

    from points.api.serializers import BillSerializer
    from points.services.bills import bills_record

    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    one, two = make_member("new-otani"), make_member("new-otani")
    validator = BillSerializer()

    def batch(first, second, tag):
        return [
            validator.run_validation(stay(m.number, f"{tag}-{m.number}-{k}", D(2025, 2, 1) + dt.timedelta(days=k)))
            for m in (first, second)
            for k in range(10)
        ]

    batches = [batch(one, two, "A"), batch(two, one, "B")]
    results: list = [None, None]
    barrier = threading.Barrier(2)

    def run(i):
        try:
            barrier.wait()
            results[i] = [o.error for o in bills_record(payloads=batches[i])]
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # Then both batches are written whole: no deadlock, no error
    assert results == [[None] * 20, [None] * 20], results
    assert Bill.objects.count() == 40
    assert StayNight.objects.filter(member=one).count() == 12


@pytest.mark.django_db(transaction=True)
def test_item1_a_batch_takes_its_members_locks_before_it_writes_a_night(postgres_only, monkeypatch):
    """Why two batches cannot deadlock (item 1), shown without luck: while batch A (members one, two) holds its
    transaction open, batch B (members two, one) waits for member one's balance row *before writing anything*:
    on the code that deadlocked, B wrote member two's room nights first and then waited inside points_staynight's
    unique index on A, which was the first half of the deadlock."""
    import threading

    from django.db import connections

    from points.api.serializers import BillSerializer
    from points.services import bills

    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    one, two = make_member("new-otani"), make_member("new-otani")
    first_night = {one.pk: D(2025, 2, 1), two.pk: D(2025, 6, 1)}  # no room night shared between them (NE6)
    validator = BillSerializer()

    def batch(members, tag):
        return [
            validator.run_validation(stay(m.number, f"{tag}-{m.number}-{k}", first_night[m.pk] + dt.timedelta(days=k)))
            for m in members
            for k in range(5)
        ]

    a_wrote, a_may_commit = threading.Event(), threading.Event()
    real_terms = bills.terms_uses_record

    def pause_a(**kwargs):  # runs inside the batch's transaction, after its writes
        if threading.current_thread().name == "A":
            a_wrote.set()
            assert a_may_commit.wait(30)
        return real_terms(**kwargs)

    monkeypatch.setattr(bills, "terms_uses_record", pause_a)
    monkeypatch.setattr(bills, "DEADLOCK_RETRIES", 1)  # a deadlock would surface, not be retried
    results: dict[str, object] = {}
    b_pid: list[int] = []

    def run(name, payloads):
        try:
            if name == "B":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    b_pid.append(cursor.fetchone()[0])
            results[name] = [o.error for o in bills.bills_record(payloads=payloads)]
        except Exception as exc:
            results[name] = exc
        finally:
            connections.close_all()

    a = threading.Thread(target=run, args=("A", batch([one, two], "A")), name="A")
    a.start()
    assert a_wrote.wait(30)
    b = threading.Thread(target=run, args=("B", batch([two, one], "B")), name="B")
    b.start()
    try:
        import psycopg

        from tests.stack.support import database_url

        with psycopg.connect(database_url(), autocommit=True) as watcher:
            deadline = time.monotonic() + 30
            while (
                not b_pid
                or not watcher.execute(
                    "SELECT wait_event_type = 'Lock' FROM pg_stat_activity WHERE pid = %s", [b_pid[0]]
                ).fetchone()[0]
            ):
                assert time.monotonic() < deadline, "batch B should wait for batch A"
                time.sleep(0.05)
            written = watcher.execute(
                "SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation"
                " WHERE l.pid = %s AND l.mode = 'RowExclusiveLock' AND c.relkind = 'r' AND c.relname LIKE 'points_%%'",
                [b_pid[0]],
            ).fetchall()
            # Then B waits holding no write lock on any table of the points: it has written nothing yet
            assert written == [], written
    finally:
        a_may_commit.set()
        a.join(30)
        b.join(30)
    # And both batches are written whole
    assert results == {"A": [None] * 10, "B": [None] * 10}, results
    assert StayNight.objects.filter(member=one).count() == 7  # SH1: five 3-night stays a day apart, 7 dates
    assert StayNight.objects.filter(member=two).count() == 7


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(p) for p in text.split()]


@pytest.mark.django_db(transaction=True)
def test_item1_a_worker_killed_mid_file_ends_the_import_within_seconds_non_zero_with_the_reason(
    postgres_only, tmp_path
):
    # Given a file of 6,000 bills (300 members, 20 stays each) being imported by two workers
    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    members = [make_member("new-otani", enrolled_on=D(2020, 1, 1)) for _ in range(300)]
    path = tmp_path / "night.jsonl"
    path.write_text("\n".join(feed(members, 20)) + "\n")
    s = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "loyalty.settings.test",
        "DATABASE_URL": f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}",
        "CELERY_BROKER_URL": "",
        "REDIS_URL": "",
        "CACHE_URL": "",
    }
    parent = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "import_bills",
            str(path),
            "--no-progress",
            "--workers",
            "2",
            "--batch-size",
            "50",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # When one worker is killed as soon as it has started
        deadline = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < deadline and parent.poll() is None:
            workers = _children(parent.pid)
            time.sleep(0.05)
        assert len(workers) == 2, "the import did not start its workers"
        time.sleep(0.3)
        os.kill(workers[0], signal.SIGKILL)
        killed_at = time.monotonic()
        # Then the parent ends within seconds, non-zero, naming the dead worker
        _out, err = parent.communicate(timeout=30)
        took = time.monotonic() - killed_at
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.communicate()
    assert parent.returncode != 0
    assert took < 20, took
    assert "worker" in err and "exit code -9" in err, err[-2000:]
    assert not any(Path(f"/proc/{pid}").exists() and _children(parent.pid) for pid in workers)
