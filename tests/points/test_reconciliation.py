"""J5, the nightly reconciliation of the ledger (issue 13): balance rows, ledger entries and lots agree for every
member (NE7, R1, EX4, EX5); a row changed by hand behind the application's back is found, recorded once, shown to
the program's office in the admin and mailed to it."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django_celery_beat.models import PeriodicTask

from members.models import User
from points.models import JobRun, LedgerMismatch, MemberBalance, PointLot
from points.services import ledger
from points.services.reconciliation import ledger_reconcile
from points.tasks import reconcile_ledger_task
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post

D = dt.date
AS_OF = D(2025, 6, 1)


@pytest.fixture
def office(noc):
    user = User.objects.create_user(username="noc-clerk", password="x", is_staff=True, email="office@noc.example")
    user.programs.set([noc])
    user.groups.add(Group.objects.get(name="Office clerk"))
    return user


@pytest.fixture
def members(noc, oh):
    """Members with posted, pending, spent and retracted points: every kind of row the invariant spans."""
    spent = make_member("new-otani")
    earn_and_post(spent, 5000, D(2025, 3, 1))
    ledger.points_debit(member=spent, kind="redeem", points=1200, on=D(2025, 4, 1))
    pending = make_member("new-otani")
    from tests.factories import make_bill

    ledger.points_earn(
        member=pending,
        bill=make_bill(pending, paid_on=D(2025, 5, 25), points=700),
        points=700,
        bonus_points=0,
        used_on=D(2025, 5, 25),
        posts_on=D(2025, 6, 4),
        expires_on=D(2027, 9, 30),
    )
    other = make_member("one-harmony")
    earn_and_post(other, 3000, D(2025, 3, 1))
    return spent, pending, other


def test_j5_a_consistent_ledger_has_no_mismatch(members):
    counts = ledger_reconcile(as_of=AS_OF)
    assert counts == {"new-otani": {"mismatches": 0, "new": 0}, "one-harmony": {"mismatches": 0, "new": 0}}
    assert LedgerMismatch.objects.count() == 0
    assert set(JobRun.objects.filter(job="reconcile_ledger").values_list("state", flat=True)) == {"done"}
    assert mail.outbox == []


def test_j5_a_balance_row_changed_by_raw_sql_is_recorded_mailed_and_recorded_once(members, office):
    spent, _, _ = members
    # Given someone adds 10,000 points to a balance row by hand, going around the ledger
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {MemberBalance._meta.db_table} SET posted = posted + 10000 WHERE member_id = %s", [spent.pk]
        )
    # When J5 runs
    counts = ledger_reconcile(as_of=AS_OF)
    # Then that member, and only that member, is recorded with the figures that disagree
    assert counts["new-otani"] == {"mismatches": 1, "new": 1} and counts["one-harmony"]["mismatches"] == 0
    found = LedgerMismatch.objects.get()
    assert (found.member_id, found.as_of) == (spent.pk, AS_OF)
    assert (found.balance_posted, found.entries_posted, found.lots_posted) == (13800, 3800, 3800)
    assert (found.balance_pending, found.entries_pending, found.lots_pending) == (0, 0, 0)
    # And the office is mailed
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["office@noc.example"]
    assert "1 ledger mismatch" in mail.outbox[0].subject
    # And running it again for the same date records and mails nothing more
    assert ledger_reconcile(as_of=AS_OF, program=spent.program)["new-otani"] == {"mismatches": 1, "new": 0}
    assert LedgerMismatch.objects.count() == 1 and len(mail.outbox) == 1


def test_j5_a_lot_changed_by_raw_sql_is_recorded(members):
    _, pending, _ = members
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {PointLot._meta.db_table} SET remaining = remaining - 1 WHERE member_id = %s", [pending.pk]
        )
    ledger_reconcile(as_of=AS_OF)
    found = LedgerMismatch.objects.get()
    assert found.member_id == pending.pk
    assert (found.balance_pending, found.entries_pending, found.lots_pending) == (700, 700, 699)


def test_j5_command_task_and_beat_schedule(members):
    spent, *_ = members
    MemberBalance.objects.filter(member=spent).update(pending=5)
    out = io.StringIO()
    call_command("reconcile_ledger", "--as-of", AS_OF.isoformat(), "--program", "new-otani", stdout=out)
    assert out.getvalue().startswith("reconcile_ledger as of 2025-06-01: new-otani: 1 mismatches, 1 new")
    assert reconcile_ledger_task.apply(kwargs={"as_of": "2025-06-02"}).get()["new-otani"]["mismatches"] == 1
    assert LedgerMismatch.objects.filter(as_of=D(2025, 6, 2)).count() == 1
    schedule = PeriodicTask.objects.get(task="points.reconcile_ledger")
    assert schedule.enabled and schedule.crontab.hour == "5"


def test_j5_mismatches_are_shown_read_only_to_their_programs_office_only(client, members, office, oh):
    spent, _, other = members
    MemberBalance.objects.filter(member__in=[spent, other]).update(posted=1)
    ledger_reconcile(as_of=AS_OF)
    assert LedgerMismatch.objects.count() == 2
    client.force_login(office)
    listing = client.get(reverse("admin:points_ledgermismatch_changelist"))
    assert listing.status_code == 200
    assert spent.number in listing.text and other.number not in listing.text
    theirs = LedgerMismatch.objects.get(member=other)
    assert client.get(reverse("admin:points_ledgermismatch_change", args=[theirs.pk])).status_code in (302, 404)
    assert client.get(reverse("admin:points_ledgermismatch_add")).status_code == 403
