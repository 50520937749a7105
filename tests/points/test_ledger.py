"""The ledger's invariants (EX4, EX5, R1, NE7, T3, M9): balance equals the entries and the lots, lots are consumed
soonest-expiring first, nothing goes below zero except by retraction."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import Sum

from loyalty.rulebooks.validity import valid_through
from points.exceptions import InsufficientPoints, MembershipClosed
from points.models import BillRefund, EntryKind, LedgerEntry, LotConsumption, MemberBalance, PointLot
from points.services import ledger
from points.services.ledger import LotSpec
from tests.factories import make_bill, make_member

D = dt.date


def assert_consistent(member) -> MemberBalance:
    """The balance row equals the sum of the entries and the sum of the lots' remaining points."""
    balance = MemberBalance.objects.get(member=member)
    entries = LedgerEntry.objects.filter(member=member).aggregate(p=Sum("points"), q=Sum("pending"))
    lots_posted = PointLot.objects.filter(member=member, state="posted").aggregate(s=Sum("remaining"))["s"] or 0
    lots_pending = PointLot.objects.filter(member=member, state="pending").aggregate(s=Sum("remaining"))["s"] or 0
    assert balance.posted == (entries["p"] or 0) == lots_posted
    assert balance.pending == (entries["q"] or 0) == lots_pending
    # A member never holds a debt (EX5) and spendable points at once: later credits pay the debt first.
    has_debt = PointLot.objects.filter(member=member, remaining__lt=0).exists()
    has_points = PointLot.objects.filter(member=member, state="posted", remaining__gt=0).exists()
    assert not (has_debt and has_points)
    # Every credit lot is explained: its points were consumed (EX4, debts paid), lapsed (EX1/EX2) or remain.
    for lot in PointLot.objects.filter(member=member, points__gt=0).annotate(used=Sum("consumptions__points")):
        assert lot.points == (lot.used or 0) + lot.lapsed + lot.remaining, lot
    # Every lapse entry is the sum of what lapsed from the member's lots on its date.
    for entry in LedgerEntry.objects.filter(member=member, kind="expire", lot__isnull=True):
        lapsed = PointLot.objects.filter(member=member, lapsed_on=entry.effective_on).aggregate(s=Sum("lapsed"))["s"]
        assert -entry.points == lapsed, entry
    return balance


def earn_and_post(member, points, paid_on, *, number=None):
    bill = make_bill(member, paid_on=paid_on, points=points, number=number)
    ledger.points_earn(
        member=member,
        bill=bill,
        points=points,
        bonus_points=0,
        used_on=paid_on,
        posts_on=paid_on + dt.timedelta(days=10),
        expires_on=valid_through(member.program.code, paid_on),
    )
    ledger.lots_post(member=member, as_of=paid_on + dt.timedelta(days=10))
    return bill


@pytest.mark.django_db
def test_ne7_earned_points_are_pending_until_their_posting_date():
    # Given a New Otani member with a bill paid on 2024-06-15
    member = make_member("new-otani")
    bill = make_bill(member, paid_on=D(2024, 6, 15), points=500)
    # When the points are earned
    ledger.points_earn(
        member=member,
        bill=bill,
        points=500,
        bonus_points=0,
        used_on=D(2024, 6, 15),
        posts_on=D(2024, 6, 25),
        expires_on=D(2026, 9, 30),
    )
    # Then they are pending, not spendable
    balance = assert_consistent(member)
    assert (balance.posted, balance.pending) == (0, 500)
    with pytest.raises(InsufficientPoints):
        ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=500, on=D(2024, 6, 20))
    # The day before the posting date nothing posts; on it, everything does, once.
    assert ledger.lots_post(member=member, as_of=D(2024, 6, 24)) == []
    assert len(ledger.lots_post(member=member, as_of=D(2024, 6, 25))) == 1
    assert ledger.lots_post(member=member, as_of=D(2024, 6, 30)) == []
    balance = assert_consistent(member)
    assert (balance.posted, balance.pending) == (500, 0)


@pytest.mark.django_db
def test_ex4_debits_consume_the_soonest_expiring_lots_first():
    # Given lots expiring 2026-09-30, 2027-09-30 and 2028-09-30, created out of order
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2025, 3, 1))  # valid through 2027-09-30
    earn_and_post(member, 1000, D(2024, 3, 1))  # valid through 2026-09-30
    earn_and_post(member, 1000, D(2026, 3, 1))  # valid through 2028-09-30
    # When 1,500 points are redeemed
    entry = ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1500, on=D(2026, 4, 1))
    # Then the 2026 lot is used up and 500 come from the 2027 lot; the 2028 lot is untouched
    taken = {c.lot.expires_on: c.points for c in LotConsumption.objects.filter(entry=entry).select_related("lot")}
    assert taken == {D(2026, 9, 30): 1000, D(2027, 9, 30): 500}
    remaining = dict(PointLot.objects.filter(member=member).values_list("expires_on", "remaining"))
    assert remaining == {D(2026, 9, 30): 0, D(2027, 9, 30): 500, D(2028, 9, 30): 1000}
    assert assert_consistent(member).posted == 1500


@pytest.mark.django_db
def test_ex1_ex2_points_past_their_validity_cannot_be_spent_even_before_the_expiry_job():
    # Given 1,000 points used 2024-06-15 (One Harmony: valid through 2027-01-31)
    member = make_member("one-harmony")
    earn_and_post(member, 1000, D(2024, 6, 15))
    # Then on 2027-01-31 they can be spent, on 2027-02-01 they cannot (the job has not run)
    assert ledger.available_points(member=member, on=D(2027, 1, 31)) == 1000
    assert ledger.available_points(member=member, on=D(2027, 2, 1)) == 0
    with pytest.raises(InsufficientPoints):
        ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1, on=D(2027, 2, 1))


@pytest.mark.django_db
def test_r1_ex5_retraction_after_redemption_goes_negative_and_later_earnings_pay_it_off():
    # Given 1,000 posted points from a bill, all redeemed
    member = make_member("new-otani")
    bill = earn_and_post(member, 1000, D(2024, 6, 15))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2024, 7, 1))
    # When the bill is refunded
    refund = BillRefund.objects.create(bill=bill, amount=bill.total_amount, points_retracted=1000)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=1000, bonus_points=0, on=D(2024, 7, 2))
    # Then the balance is -1,000, a debt that never expires (EX5)
    assert assert_consistent(member).posted == -1000
    debt = PointLot.objects.get(member=member, points__lt=0)
    assert debt.expires_on is None
    # When 600 and then 700 points post, they pay the debt first
    earn_and_post(member, 600, D(2030, 1, 1))
    assert assert_consistent(member).posted == -400
    assert ledger.available_points(member=member, on=D(2030, 2, 1)) == 0
    earn_and_post(member, 700, D(2030, 2, 1))
    assert assert_consistent(member).posted == 300
    assert ledger.available_points(member=member, on=D(2030, 3, 1)) == 300
    debt.refresh_from_db()
    assert debt.remaining == 0


@pytest.mark.django_db
def test_r1_retraction_of_pending_points_takes_them_before_they_post():
    member = make_member("new-otani")
    bill = make_bill(member, paid_on=D(2024, 6, 15), points=500)
    ledger.points_earn(
        member=member,
        bill=bill,
        points=500,
        bonus_points=0,
        used_on=D(2024, 6, 15),
        posts_on=D(2024, 6, 25),
        expires_on=D(2026, 9, 30),
    )
    refund = BillRefund.objects.create(bill=bill, amount=4000, points_retracted=200)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=200, bonus_points=0, on=D(2024, 6, 16))
    assert (assert_consistent(member).pending) == 300
    ledger.lots_post(member=member, as_of=D(2024, 6, 25))
    balance = assert_consistent(member)
    assert (balance.posted, balance.pending) == (300, 0)


@pytest.mark.django_db
def test_r1_retraction_takes_other_points_before_going_negative():
    # Given two bills' points posted, and the first bill's points redeemed
    member = make_member("new-otani")
    first = earn_and_post(member, 1000, D(2024, 6, 15))
    earn_and_post(member, 800, D(2024, 7, 15))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2024, 8, 1))
    # When the first bill is refunded, its points come from what is left: 800, and 200 become a debt
    refund = BillRefund.objects.create(bill=first, amount=first.total_amount, points_retracted=1000)
    ledger.points_retract(member=member, bill=first, refund=refund, points=1000, bonus_points=0, on=D(2024, 8, 2))
    assert assert_consistent(member).posted == -200


@pytest.mark.django_db
def test_t3_a_transfer_moves_every_point_keeping_each_expiry_date():
    giver = make_member("new-otani")
    receiver = make_member("new-otani")
    earn_and_post(giver, 1000, D(2024, 3, 1))
    earn_and_post(giver, 2000, D(2025, 3, 1))
    from rewards.models import Transfer

    transfer = Transfer.objects.create(
        giver=giver,
        receiver=receiver,
        points=3000,
        giver_consented_at="2025-04-01T00:00Z",
        receiver_consented_at="2025-04-01T00:00Z",
        transferred_on=D(2025, 4, 1),
    )
    ledger.points_transfer(giver=giver, receiver=receiver, on=D(2025, 4, 1), transfer=transfer)
    assert assert_consistent(giver).posted == 0
    assert assert_consistent(receiver).posted == 3000
    expiries = dict(PointLot.objects.filter(member=receiver).values_list("expires_on", "remaining"))
    assert expiries == {D(2026, 9, 30): 1000, D(2027, 9, 30): 2000}


@pytest.mark.django_db
def test_m9_forfeiture_takes_everything_and_closes_the_door():
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2024, 3, 1))
    bill = make_bill(member, paid_on=D(2024, 4, 1))
    ledger.points_earn(
        member=member,
        bill=bill,
        points=300,
        bonus_points=0,
        used_on=D(2024, 4, 1),
        posts_on=D(2024, 4, 11),
        expires_on=D(2026, 9, 30),
    )
    entry = ledger.points_forfeit(member=member, on=D(2024, 4, 2), reason="M9 withdrawal")
    assert (entry.points, entry.pending) == (-1000, -300)
    balance = assert_consistent(member)
    assert (balance.posted, balance.pending) == (0, 0)
    member.closed_on, member.closed_reason = D(2024, 4, 2), "withdrawn"
    member.save()
    with pytest.raises(MembershipClosed):
        ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1, on=D(2024, 4, 3))


@pytest.mark.django_db
def test_a_debit_never_takes_the_balance_below_zero():
    member = make_member("one-harmony")
    earn_and_post(member, 100, D(2024, 3, 1))
    with pytest.raises(InsufficientPoints) as err:
        ledger.points_debit(member=member, kind=EntryKind.ADJUST, points=101, on=D(2024, 4, 1))
    assert err.value.code == "insufficient_points"
    assert assert_consistent(member).posted == 100
    assert not LedgerEntry.objects.filter(member=member, kind=EntryKind.ADJUST).exists()


@pytest.mark.django_db
def test_positive_adjustment_posts_at_once_with_its_own_expiry():
    member = make_member("one-harmony")
    ledger.points_credit(
        member=member, kind=EntryKind.ADJUST, lots=[LotSpec(250, D(2025, 5, 5), D(2028, 1, 31))], on=D(2025, 6, 1)
    )
    assert assert_consistent(member).posted == 250
