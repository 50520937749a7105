"""Hypothesis: after ANY sequence of ledger operations, the balance row equals the sum of the entries and of the
lots, no lot goes negative except a retraction's debt, and debits never overdraw (EX4, EX5, R1)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from loyalty.rulebooks.validity import valid_through
from points.exceptions import InsufficientPoints
from points.models import BillRefund, EntryKind
from points.services import ledger
from points.services.ledger import LotSpec
from tests.factories import make_bill, make_member
from tests.points.test_ledger import assert_consistent

D = dt.date
START = D(2024, 1, 1)

operation = st.one_of(
    st.tuples(st.just("earn"), st.integers(1, 5000), st.integers(0, 900)),
    st.tuples(st.just("post"), st.integers(0, 900), st.just(0)),
    st.tuples(st.just("redeem"), st.integers(1, 8000), st.integers(0, 900)),
    st.tuples(st.just("retract"), st.integers(1, 5000), st.integers(0, 900)),
    st.tuples(st.just("adjust"), st.integers(-3000, 3000).filter(bool), st.integers(0, 900)),
)


def _run(ops):
    member = make_member("new-otani")
    bills = []
    retracted_any = False
    for kind, amount, day in ops:
        on = START + dt.timedelta(days=day)
        if kind == "earn":
            bill = make_bill(member, paid_on=on, points=amount, amount=amount * 20)
            ledger.points_earn(
                member=member,
                bill=bill,
                points=amount,
                bonus_points=amount // 4,
                used_on=on,
                posts_on=on + dt.timedelta(days=10),
                expires_on=valid_through("new-otani", on),
            )
            bills.append((bill, amount + amount // 4))
        elif kind == "post":
            ledger.lots_post(member=member, as_of=on)
        elif kind == "redeem":
            before = ledger.available_points(member=member, on=on)
            try:
                ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=amount, on=on)
                assert amount <= before
            except InsufficientPoints:
                assert amount > before
        elif kind == "retract" and bills:
            bill, left = bills.pop()
            take = min(amount, left)
            refund = BillRefund.objects.create(bill=bill, amount=1, points_retracted=take)
            ledger.points_retract(member=member, bill=bill, refund=refund, points=take, bonus_points=0, on=on)
            retracted_any = True
        elif kind == "adjust":
            try:
                if amount > 0:
                    ledger.points_credit(
                        member=member,
                        kind=EntryKind.ADJUST,
                        on=on,
                        lots=[LotSpec(amount, on, valid_through("new-otani", on))],
                    )
                else:
                    ledger.points_debit(member=member, kind=EntryKind.ADJUST, points=-amount, on=on)
            except InsufficientPoints:
                pass
        balance = assert_consistent(member)
        if not retracted_any:
            assert balance.posted >= 0, "only a retraction may take the balance below zero (R1)"


class LedgerInvariants(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(operation, min_size=1, max_size=25))
    def test_balance_equals_entries_and_lots_after_any_sequence(self, ops):
        _run(ops)
