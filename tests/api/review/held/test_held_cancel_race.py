"""Review probe: two cancellations at once forfeit once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from points.models import EntryKind, LedgerEntry, MemberBalance
from points.services.tokens import api_token_issue
from tests.api.conftest import client_with
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post
from tests.points.test_ledger_guards import race


@pytest.mark.django_db(transaction=True)
def test_two_cancellations_at_once(postgres_only, noc):
    key = api_token_issue(program=noc)[1]
    member = make_member("new-otani")
    earn_and_post(member, 10000, timezone.localdate() - dt.timedelta(days=30))

    def work(i):
        r = client_with(key).delete(f"/api/v1/members/{member.number}/")
        return r.status_code, r.json()

    results = race(4, work)
    assert sorted(s for s, _ in results) == [200, 409, 409, 409], results
    assert MemberBalance.objects.get(member=member).posted == 0
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.FORFEIT).count() == 1
