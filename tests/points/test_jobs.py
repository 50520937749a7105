"""J1-J4 on PostgreSQL: exact dates, idempotent, resumable after a kill, one worker at a time, constant queries."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection, connections, transaction
from django.db.models import F, Value

from members.models import StatusPeriod
from points.exceptions import JobAlreadyRunning
from points.models import (
    EntryKind,
    ExpiryReminder,
    JobRun,
    LedgerEntry,
    MemberBalance,
    PointLot,
    QualificationCredit,
    StayNight,
)
from points.services import jobs, ledger
from points.services.jobs import expire_points, post_points, qualify_status
from tests.factories import HotelFactory, make_bill, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date


def balance(member) -> int:
    return MemberBalance.objects.get(member=member).posted


@pytest.mark.django_db
def test_insert_select_takes_its_columns_from_the_names_selected(noc):
    # Given a posted lot read as the columns of an expiry reminder, named after them in another order than the table's
    member = make_member("new-otani")
    earn_and_post(member, 700, D(2025, 1, 1))
    run = JobRun.objects.create(job=JobRun.Job.REMIND, program=noc, as_of=D(2025, 2, 1))
    lots = PointLot.objects.filter(member=member, state=PointLot.State.POSTED)
    # When the rows are inserted by INSERT ... SELECT
    inserted = jobs.insert_select(
        ExpiryReminder,
        lots.values(emailed_=Value(True), points_=F("remaining"), job_run_=Value(run.pk), expires_on_=F("expires_on"))
        .annotate(member_=F("member_id"))
        .order_by(),
    )
    # Then each value went to the column its name gives
    reminder = ExpiryReminder.objects.get(member=member)
    assert inserted == 1
    assert (reminder.points, reminder.emailed, reminder.job_run_id, reminder.expires_on) == (
        700,
        True,
        run.pk,
        lots.get().expires_on,
    )
    # and a queryset that names no columns is refused
    with pytest.raises(ValueError, match="values"):
        jobs.insert_select(ExpiryReminder, lots)


@pytest.mark.django_db
def test_j2_ex1_one_harmony_points_lapse_after_january_31_of_year_plus_3(oh):
    # Given 1,000 points used 2024-06-15 and 500 used 2025-01-01
    member = make_member("one-harmony")
    earn_and_post(member, 1000, D(2024, 6, 15))
    earn_and_post(member, 500, D(2025, 1, 1))
    # When the job runs on 2027-01-31 nothing lapses; on 2027-02-01 the 2024 points do
    expire_points(as_of=D(2027, 1, 31), program=oh)
    assert balance(member) == 1500
    counts = expire_points(as_of=D(2027, 2, 1), program=oh)
    assert counts["one-harmony"]["lots"] == 1
    assert balance(member) == 500
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.EXPIRE)
    assert (entry.points, entry.reason, entry.effective_on, entry.used_on) == (
        -1000,
        "EX1",
        D(2027, 2, 1),
        D(2024, 6, 15),
    )
    # the lapse is tied to the job run that made it
    assert (entry.job_run.job, entry.job_run.as_of, entry.job_run.counts["entries"]) == (
        "expire_points",
        D(2027, 2, 1),
        1,
    )
    # the lot that lapsed says so: what lapsed from it and when
    lot = PointLot.objects.get(member=member, used_on=D(2024, 6, 15))
    assert (lot.points, lot.lapsed, lot.lapsed_on, lot.remaining) == (1000, 1000, D(2027, 2, 1), 0)
    assert_consistent(member)


@pytest.mark.django_db
def test_j2_a_members_lots_lapsing_together_make_one_entry_explained_lot_by_lot(oh):
    # Given three lots used in 2023 (two of them partly spent) and one used in 2024
    member = make_member("one-harmony")
    earn_and_post(member, 1000, D(2023, 3, 1))
    earn_and_post(member, 500, D(2023, 7, 1))
    earn_and_post(member, 300, D(2023, 12, 31))
    earn_and_post(member, 800, D(2024, 1, 1))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1200, on=D(2024, 2, 1))  # EX4: oldest first
    # When the 2023 points lapse (EX1: valid through 2026-01-31)
    counts = expire_points(as_of=D(2026, 2, 1), program=oh)
    # Then one entry of -600 (the 300 left of the July lot and the December lot's 300), two lots lapsed
    assert counts["one-harmony"] == {"lots": 2, "entries": 1, "members": 1}
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.EXPIRE)
    assert (entry.points, entry.used_on, entry.effective_on) == (-600, D(2023, 7, 1), D(2026, 2, 1))
    lapses = PointLot.objects.filter(member=member).order_by("used_on").values_list("used_on", "lapsed", "remaining")
    assert list(lapses) == [
        (D(2023, 3, 1), 0, 0),
        (D(2023, 7, 1), 300, 0),
        (D(2023, 12, 31), 300, 0),
        (D(2024, 1, 1), 0, 800),
    ]
    assert assert_consistent(member).posted == 800


@pytest.mark.django_db
def test_j2_a_second_lapse_entry_for_the_same_member_and_date_is_refused(oh):
    from django.db import IntegrityError

    member = make_member("one-harmony")
    earn_and_post(member, 1000, D(2023, 3, 1))
    expire_points(as_of=D(2026, 2, 1), program=oh)
    first = LedgerEntry.objects.get(member=member, kind=EntryKind.EXPIRE)
    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(
            member=member, kind=EntryKind.EXPIRE, points=-1, used_on=first.used_on, effective_on=first.effective_on
        )


@pytest.mark.django_db
def test_j3_ex2_new_otani_points_lapse_after_september_30_two_years_on(noc):
    member = make_member("new-otani")
    earn_and_post(member, 700, D(2024, 9, 30))  # valid through 2026-09-30
    earn_and_post(member, 300, D(2024, 10, 1))  # valid through 2027-09-30
    expire_points(as_of=D(2026, 9, 30), program=noc)
    assert balance(member) == 1000
    expire_points(as_of=D(2026, 10, 1), program=noc)
    assert balance(member) == 300
    assert_consistent(member)


@pytest.mark.django_db
def test_ex4_partly_spent_lots_lapse_only_what_is_left(noc):
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2024, 3, 1))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=400, on=D(2025, 1, 1))
    expire_points(as_of=D(2026, 10, 1), program=noc)
    assert LedgerEntry.objects.get(member=member, kind=EntryKind.EXPIRE).points == -600
    assert balance(member) == 0


@pytest.mark.django_db
def test_ex5_a_negative_balance_never_lapses(noc):
    from points.models import BillRefund

    member = make_member("new-otani")
    bill = earn_and_post(member, 1000, D(2024, 3, 1))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2024, 4, 1))
    refund = BillRefund.objects.create(bill=bill, amount=1, points_retracted=1000)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=1000, bonus_points=0, on=D(2024, 4, 2))
    expire_points(as_of=D(2030, 10, 1), program=noc)
    assert balance(member) == -1000
    assert not LedgerEntry.objects.filter(member=member, kind=EntryKind.EXPIRE).exists()


@pytest.mark.django_db
def test_jobs_run_twice_for_the_same_date_change_nothing(noc):
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2024, 3, 1))
    expire_points(as_of=D(2026, 10, 1), program=noc)
    before = list(LedgerEntry.objects.order_by("id").values_list("id", "points"))
    counts = expire_points(as_of=D(2026, 10, 1), program=noc)
    assert counts["new-otani"]["entries"] == 0
    assert list(LedgerEntry.objects.order_by("id").values_list("id", "points")) == before
    run = JobRun.objects.get(job="expire_points", program=noc, as_of=D(2026, 10, 1))
    assert (run.state, run.attempts) == ("done", 2)


@pytest.mark.django_db
def test_a_run_killed_half_way_leaves_nothing_and_the_next_run_finishes(noc, monkeypatch):
    members = [make_member("new-otani") for _ in range(3)]
    for m in members:
        earn_and_post(m, 1000, D(2024, 3, 1))
    real = jobs.update_from

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("worker killed")  # after the entries were inserted, before the balances

    monkeypatch.setattr(jobs, "update_from", killed)
    with pytest.raises(KeyboardInterrupt):
        expire_points(as_of=D(2026, 10, 1), program=noc)
    assert not LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).exists()
    # A killed worker cannot record its end: the run is left "running", never "done"
    assert JobRun.objects.get(job="expire_points", as_of=D(2026, 10, 1)).state == "running"
    monkeypatch.setattr(jobs, "update_from", real)
    expire_points(as_of=D(2026, 10, 1), program=noc)
    run = JobRun.objects.get(job="expire_points", as_of=D(2026, 10, 1))
    assert (run.state, run.attempts) == ("done", 2)
    for m in members:
        assert assert_consistent(m).posted == 0
    assert LedgerEntry.objects.filter(kind=EntryKind.EXPIRE).count() == 3


@pytest.mark.django_db(transaction=True)
def test_two_workers_never_run_the_same_job_at_once(postgres_only, noc):
    # Given a worker holding the expiry job's lock
    held, release = threading.Event(), threading.Event()

    def other_worker():
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [jobs._lock_key("expire_points", noc)])
            held.set()
            release.wait(10)
        connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    held.wait(10)
    try:
        # When a second worker starts it, it is refused
        with pytest.raises(JobAlreadyRunning):
            expire_points(as_of=D(2026, 10, 1), program=noc)
    finally:
        release.set()
        thread.join()
    # And once the first is done, it runs
    assert "new-otani" in expire_points(as_of=D(2026, 10, 1), program=noc)


@pytest.mark.django_db
def test_job_query_count_does_not_grow_with_members(noc, django_assert_max_num_queries):
    from django.db import connection as conn
    from django.test.utils import CaptureQueriesContext

    def queries_for(n, as_of):
        for _ in range(n):
            earn_and_post(make_member("new-otani"), 100, D(2024, 3, 1))
        with CaptureQueriesContext(conn) as ctx:
            expire_points(as_of=as_of, program=noc)
        return len(ctx.captured_queries)

    assert queries_for(1, D(2026, 10, 1)) == queries_for(12, D(2026, 10, 2))


def _qualify_fixture(oh, points: int, nights: int, year: int = 2025):
    member = make_member("one-harmony")
    hotel = HotelFactory(program=oh)
    if points:
        earn_and_post(member, points, D(year, 6, 1))
    for n in range(nights):
        StayNight.objects.create(member=member, night_of=D(year, 3, 1) + dt.timedelta(days=n), hotel=hotel)
    return member


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("points", "nights", "tier"),
    [
        (4999, 4, None),
        (5000, 0, "loyal"),
        (0, 5, "loyal"),
        (14999, 19, "loyal"),
        (15000, 0, "exclusive"),
        (0, 20, "exclusive"),
    ],
)
def test_j4_st2_thresholds(oh, points, nights, tier):
    member = _qualify_fixture(oh, points, nights)
    qualify_status(year=2025, program=oh)
    period = StatusPeriod.objects.filter(member=member).first()
    assert (period.tier if period else None) == tier
    if period:
        # ST1: valid April 1 of the following year to March 31 of the year after
        assert (period.valid_from, period.valid_until) == (D(2026, 4, 1), D(2027, 3, 31))


@pytest.mark.django_db
def test_st2_bonus_points_and_other_years_do_not_qualify(oh):
    # Given 4,000 base points in 2025 with a 1,000 status bonus, and 1,000 base points used on 2024-12-31
    member = make_member("one-harmony")
    earn_and_post(member, 1000, D(2024, 12, 31))
    bill = earn_and_post(member, 4000, D(2025, 6, 1))
    extra = make_bill(member, paid_on=D(2025, 6, 2), points=0)
    ledger.points_earn(
        member=member,
        bill=extra,
        points=0,
        bonus_points=1000,
        used_on=D(2025, 6, 2),
        posts_on=D(2025, 6, 12),
        expires_on=D(2028, 1, 31),
    )
    assert bill.points == 4000
    # When 2025 is qualified, only the 4,000 base points of 2025 count (OE6): not Loyal
    qualify_status(year=2025, program=oh)
    assert not StatusPeriod.objects.filter(member=member).exists()


@pytest.mark.django_db
def test_st3_legacy_credits_count_toward_their_year(oh):
    member = make_member("one-harmony")
    QualificationCredit.objects.create(
        member=member, year=2013, credited_on=D(2013, 3, 31), points=3000, nights=0, source="OCI 2013-01..03"
    )
    earn_and_post(member, 2000, D(2013, 6, 1))
    qualify_status(year=2013, program=oh)
    assert StatusPeriod.objects.get(member=member).tier == "loyal"


@pytest.mark.django_db
def test_j4_rerun_changes_nothing_and_status_only_rises(oh):
    member = _qualify_fixture(oh, 5000, 0)
    qualify_status(year=2025, program=oh)
    first = list(StatusPeriod.objects.values_list("id", "tier"))
    qualify_status(year=2025, program=oh)
    assert list(StatusPeriod.objects.values_list("id", "tier")) == first
    # Late postings lift the member to Exclusive: the April 1 run raises the status
    earn_and_post(member, 10000, D(2025, 12, 20))
    qualify_status(year=2025, program=oh)
    assert StatusPeriod.objects.get(member=member).tier == "exclusive"


@pytest.mark.django_db
def test_j1_ex5_the_posting_job_pays_a_debt_first(noc):
    # Given a member in debt (-1,000 after a retraction) and 1,500 points pending
    from points.models import BillRefund

    member = make_member("new-otani")
    bill = earn_and_post(member, 1000, D(2024, 3, 1))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2024, 4, 1))
    refund = BillRefund.objects.create(bill=bill, amount=1, points_retracted=1000)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=1000, bonus_points=0, on=D(2024, 4, 2))
    later = make_bill(member, paid_on=D(2024, 5, 1), points=1500)
    ledger.points_earn(
        member=member,
        bill=later,
        points=1500,
        bonus_points=0,
        used_on=D(2024, 5, 1),
        posts_on=D(2024, 5, 11),
        expires_on=D(2026, 9, 30),
    )
    # When the posting job runs, the new points pay the debt first
    post_points(as_of=D(2024, 5, 11), program=noc)
    assert assert_consistent(member).posted == 500
    assert ledger.available_points(member=member, on=D(2024, 5, 12)) == 500
    assert not PointLot.objects.filter(member=member, remaining__lt=0).exists()
