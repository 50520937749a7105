"""M9: withdrawal, cancellation or fraud closes the membership and forfeits all points at once."""

from __future__ import annotations

import datetime as dt

import pytest

from members.exceptions import MembersError
from members.models import Card
from members.selectors import member_by_card
from points.exceptions import MembershipClosed
from points.models import EntryKind, LedgerEntry
from points.services import ledger
from points.services.bills import bill_record
from points.services.membership import member_cancel
from rewards.selectors import points_forfeited
from tests.factories import make_bill, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("reason", ["withdrawn", "cancelled", "fraud"])
def test_m9_cancellation_forfeits_posted_and_pending_points_in_one_entry(reason):
    # Given posted points of two years and pending points
    member = make_member("new-otani")
    earn_and_post(member, 1000, D(2024, 9, 1))
    earn_and_post(member, 2000, D(2025, 3, 1))
    bill = make_bill(member, paid_on=D(2025, 3, 28), points=500)
    ledger.points_earn(
        member=member, bill=bill, points=500, bonus_points=0, used_on=D(2025, 3, 28), posts_on=D(2025, 4, 7),
        expires_on=D(2027, 9, 30),
    )  # fmt: skip
    # When the membership is cancelled
    closed = member_cancel(member=member, reason=reason, on=D(2025, 4, 1))
    # Then it is closed with its reason, and ONE forfeit entry took everything
    assert (closed.closed_on, closed.closed_reason) == (D(2025, 4, 1), reason)
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.FORFEIT)
    assert (entry.points, entry.pending) == (-3000, -500)
    balance = assert_consistent(member)
    assert (balance.posted, balance.pending) == (0, 0)
    assert points_forfeited(member=member) == 3500
    # And its cards are cancelled but still resolve to it (M2)
    assert set(member.cards.values_list("state", flat=True)) == {Card.State.CANCELLED}
    assert member_by_card(number=member.number) == member
    # And the pending points never post
    assert ledger.lots_post(member=member, as_of=D(2025, 4, 30)) == []


def test_m9_a_closed_membership_cannot_be_closed_again():
    member = make_member("new-otani")
    member_cancel(member=member, reason="withdrawn", on=D(2025, 4, 1))
    with pytest.raises(MembershipClosed) as refused:
        member_cancel(member=member, reason="fraud", on=D(2025, 4, 2))
    assert refused.value.status == 409
    assert not LedgerEntry.objects.filter(member=member, kind=EntryKind.FORFEIT).exists()


def test_m9_only_withdrawal_cancellation_or_fraud():
    member = make_member("new-otani")
    with pytest.raises(MembersError):
        member_cancel(member=member, reason="merged", on=D(2025, 4, 1))
    member.refresh_from_db()
    assert member.closed_on is None


def test_m9_r1_a_debt_is_not_forgiven_by_cancellation():
    from points.models import BillRefund

    member = make_member("new-otani")
    bill = earn_and_post(member, 1000, D(2025, 3, 1))
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=1000, on=D(2025, 3, 20))
    refund = BillRefund.objects.create(bill=bill, amount=bill.total_amount, points_retracted=1000)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=1000, bonus_points=0, on=D(2025, 3, 21))
    member_cancel(member=member, reason="cancelled", on=D(2025, 4, 1))
    assert assert_consistent(member).posted == -1000
    assert points_forfeited(member=member) == 0


def test_m9_a_closed_membership_earns_nothing(noc):
    from tests.factories import HotelFactory

    HotelFactory(code="NOT")
    member = make_member("new-otani")
    member_cancel(member=member, reason="withdrawn", on=D(2025, 4, 1))
    payload = {
        "hotel": "NOT", "number": "F-1", "member": member.number, "kind": "stay", "paid_on": "2025-04-03",
        "reservation_channel": "official_website", "card_presented": True, "paid_by_member": True,
        "settlement": "on_the_spot", "with_banquet": False, "wedding": False, "other_hotel_program": False,
        "payments": [{"method": "credit_card", "amount": 34500}],
        "rooms": [{"room": "1203", "member_room": True, "for_points": True, "members": []}],
        "charges": [{"date": "2025-04-02", "room": "1203", "category": "room", "amount": 30000, "tax_service": 4500}],
        "room_charged_checks": [],
    }  # fmt: skip
    with pytest.raises(MembershipClosed):
        bill_record(payload=payload)
    assert not LedgerEntry.objects.filter(member=member, kind=EntryKind.EARN).exists()
