"""What the database itself guards, proven on PostgreSQL by going around the ORM and racing real threads."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, connections, transaction

from members.models import Card
from points.exceptions import InsufficientPoints
from points.models import EntryKind, LedgerEntry, MemberBalance, PointLot
from points.services import ledger
from tests.factories import make_bill, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date


def race(n: int, work):
    """Run ``work(i)`` in ``n`` threads released at once; return each thread's result or exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_debits_against_a_balance_that_covers_one_leave_exactly_one(postgres_only):
    # Given 1,000 posted points
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2025, 3, 1))
    # When two redemptions of 800 race
    results = race(2, lambda i: ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=800, on=D(2025, 4, 1)))
    # Then exactly one is applied, the other refused, and the balance never went below zero
    assert sorted(type(r).__name__ for r in results) == ["InsufficientPoints", "LedgerEntry"]
    assert assert_consistent(member).posted == 200
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).count() == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_debits_never_overspend(postgres_only):
    member = make_member("one-harmony")
    earn_and_post(member, 5000, D(2025, 3, 1))
    results = race(
        20, lambda i: ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2025, 4, 1))
    )
    assert sum(isinstance(r, LedgerEntry) for r in results) == 5
    assert all(isinstance(r, LedgerEntry | InsufficientPoints) for r in results)
    assert assert_consistent(member).posted == 0


@pytest.mark.django_db(transaction=True)
def test_opposite_transfers_do_not_deadlock(postgres_only):
    # Two transfers between the same pair in opposite directions lock balance rows in id order: no deadlock.
    from rewards.models import Transfer

    a, b = make_member("new-otani"), make_member("new-otani")
    earn_and_post(a, 1000, D(2025, 3, 1))
    earn_and_post(b, 2000, D(2025, 3, 1))
    pairs = [(a, b), (b, a)]

    def work(i):
        giver, receiver = pairs[i]
        with transaction.atomic():
            transfer = Transfer.objects.create(
                giver=giver,
                receiver=receiver,
                points=1,
                transferred_on=D(2025, 4, 1),
                giver_consented_at="2025-04-01T00:00Z",
                receiver_consented_at="2025-04-01T00:00Z",
            )
            return ledger.points_transfer(giver=giver, receiver=receiver, on=D(2025, 4, 1), transfer=transfer)

    results = race(2, work)
    assert not any(isinstance(r, Exception) and "deadlock" in str(r) for r in results)
    assert assert_consistent(a).posted + assert_consistent(b).posted == 3000


@pytest.mark.django_db
def test_a_bill_number_is_unique_per_hotel():
    member = make_member("new-otani")
    bill = make_bill(member, number="F-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_bill(member, hotel=bill.hotel, number="F-1")


@pytest.mark.django_db
def test_a_bill_is_awarded_once():
    member = make_member("new-otani")
    bill = make_bill(member)
    kwargs = dict(
        member=member,
        bill=bill,
        points=500,
        bonus_points=0,
        used_on=bill.paid_on,
        posts_on=bill.posts_on,
        expires_on=bill.expires_on,
    )
    ledger.points_earn(**kwargs)
    with pytest.raises(IntegrityError), transaction.atomic():
        ledger.points_earn(**kwargs)


@pytest.mark.django_db
def test_m1_a_second_current_card_with_the_same_number_is_refused():
    member = make_member("new-otani")
    other = make_member("new-otani")
    with pytest.raises(IntegrityError), transaction.atomic():
        Card.objects.create(program=member.program, member=other, number=member.number, issued_on=D(2025, 1, 1))


@pytest.mark.django_db
def test_m5_a_reissued_card_may_share_the_number_of_the_lost_one():
    member = make_member("new-otani")
    old = member.cards.get()
    old.state = Card.State.LOST
    old.save()
    Card.objects.create(
        program=member.program, member=member, number=member.number, issued_on=D(2025, 1, 1), replaces=old
    )
    assert member.cards.filter(number=member.number).count() == 2


@pytest.mark.django_db
def test_the_database_refuses_an_entry_with_the_wrong_sign():
    member = make_member("new-otani")
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=member, kind=EntryKind.REDEEM, points=+100, used_on=D(2025, 1, 1), effective_on=D(2025, 1, 1)
        )


@pytest.mark.django_db
def test_the_database_refuses_a_credit_lot_going_below_zero():
    member = make_member("new-otani")
    earn_and_post(member, 100, D(2025, 1, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        PointLot.objects.filter(member=member).update(remaining=-1)


@pytest.mark.django_db
def test_pending_balance_cannot_go_negative_at_the_database():
    member = make_member("new-otani")
    with pytest.raises(IntegrityError), transaction.atomic():
        MemberBalance.objects.filter(member=member).update(pending=-1)


@pytest.mark.django_db
def test_ledger_entries_are_append_only_at_the_database(postgres_only):
    member = make_member("new-otani")
    earn_and_post(member, 100, D(2025, 1, 1))
    # UPDATE through the ORM, around the services: refused by the trigger
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        LedgerEntry.objects.filter(member=member).update(points=999)
    # DELETE in raw SQL: refused too
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM points_ledgerentry WHERE member_id = %s", [member.pk])
    assert LedgerEntry.objects.filter(member=member).count() == 2


@pytest.mark.django_db
def test_job_runs_named_by_the_ledger_are_never_deleted(postgres_only, noc):
    from points.models import JobRun
    from points.services.jobs import post_points

    member = make_member("new-otani")
    bill = make_bill(member, paid_on=D(2025, 1, 1), points=100)
    ledger.points_earn(
        member=member,
        bill=bill,
        points=100,
        bonus_points=0,
        used_on=D(2025, 1, 1),
        posts_on=D(2025, 1, 11),
        expires_on=D(2026, 9, 30),
    )
    post_points(as_of=D(2025, 1, 11), program=noc)
    run = JobRun.objects.get(job="post_points", as_of=D(2025, 1, 11))
    assert LedgerEntry.objects.get(member=member, kind=EntryKind.POST).job_run == run
    # The entry's link is kept without a foreign-key check; so the database refuses to delete the run, in SQL too
    with pytest.raises(IntegrityError, match="job runs are kept"), transaction.atomic(), connection.cursor() as cur:
        cur.execute("DELETE FROM points_jobrun WHERE id = %s", [run.pk])
    with pytest.raises(IntegrityError, match="protected foreign keys"), transaction.atomic():
        JobRun.objects.filter(pk=run.pk).delete()  # and Django's PROTECT before it
