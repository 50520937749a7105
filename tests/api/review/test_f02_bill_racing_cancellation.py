"""F02 (HIGH): a bill judged while the membership is open but written after the office's cancellation committed
earns pending points on the CLOSED membership (M9: "nothing can be earned afterwards"). ``bills_record`` checks
``member.closed_on`` in ``_prepare`` only (points/services/bills.py:331), on the member read before any lock;
``_write`` locks the balance row but never re-reads the membership (certificates, awards and transfers do:
``_ensure_open_locked``). The cancellation's forfeit ran before the lots existed, so they survive it."""

from __future__ import annotations

import copy
import datetime as dt
import threading

import pytest
from django.db import connections

from points.models import Hotel, MemberBalance, Outlet, OutletDesignation
from points.services.tokens import api_token_issue
from tests.api.conftest import client_with
from tests.api.test_bills_api import URL
from tests.factories import HotelFactory, make_member
from tests.points.test_bills import EXAMPLE
from tests.points.test_ledger_guards import race


def _world(noc):
    hotel = HotelFactory(code="NOT", brand=Hotel.Brand.NEW_OTANI)
    outlet = Outlet.objects.create(hotel=hotel, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    return api_token_issue(hotel=hotel)[1], api_token_issue(program=noc)[1]


@pytest.mark.django_db(transaction=True)
def test_f02_a_bill_written_after_the_cancellation_committed_earns_on_the_closed_account(
    postgres_only, noc, monkeypatch
):
    from points.services import bills

    pms, office = _world(noc)
    member = make_member("new-otani")
    real_write, cancelled = bills._write, []

    def write_after_the_office_cancelled(prepared, **kwargs):
        def cancel():
            try:
                cancelled.append(client_with(office).delete(f"/api/v1/members/{member.number}/").status_code)
            finally:
                connections.close_all()

        t = threading.Thread(target=cancel)
        t.start()
        t.join()
        return real_write(prepared, **kwargs)

    monkeypatch.setattr(bills, "_write", write_after_the_office_cancelled)
    response = client_with(pms).post(URL, {**copy.deepcopy(EXAMPLE), "member": member.number}, format="json")
    member.refresh_from_db()
    balance = MemberBalance.objects.get(member=member)
    assert cancelled == [200] and member.closed_on is not None
    # M9: refused (409 membership_closed) or nothing left on the closed account
    # Before the fix: (201, 0, 3910): 3,910 pending points on a closed membership
    assert response.status_code == 409 or (balance.posted, balance.pending) == (0, 0), (
        response.status_code,
        balance.posted,
        balance.pending,
    )


@pytest.mark.django_db(transaction=True)
def test_f02_the_same_without_any_patching_a_bill_and_a_cancellation_at_once(postgres_only, noc):
    pms, office = _world(noc)
    outcomes = []
    for n in range(4):
        member = make_member("new-otani")
        bill = {**copy.deepcopy(EXAMPLE), "member": member.number, "number": f"F-{n}"}
        for line in (*bill["rooms"], *bill["charges"]):
            line["room"] = f"R{n}"  # NE6: each its own room

        def work(i, member=member, bill=bill):
            if i == 0:
                return client_with(pms).post(URL, bill, format="json").status_code
            return client_with(office).delete(f"/api/v1/members/{member.number}/").status_code

        statuses = race(2, work)
        b = MemberBalance.objects.get(member=member)
        outcomes.append((statuses, b.posted, b.pending))
    # Before the fix: [([201, 200], 0, 3910), ...]
    assert all((posted, pending) == (0, 0) for _, posted, pending in outcomes), outcomes
