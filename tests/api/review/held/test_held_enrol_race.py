"""Review probe: two enrolments of one legacy card at once."""

from __future__ import annotations

import pytest

from members.models import Member
from points.services.tokens import api_token_issue
from tests.api.conftest import client_with
from tests.points.test_ledger_guards import race


@pytest.mark.parametrize("legacy", [{"oci": "123456"}, {"myj": "MYJ777"}])
@pytest.mark.django_db(transaction=True)
def test_two_enrolments_of_one_legacy_card_at_once(postgres_only, oh, legacy):
    key = api_token_issue(program=oh)[1]
    body = {
        "program": "one-harmony",
        "family_name": "Sato",
        "given_name": "Hana",
        "email": "hana@example.com",
        "legacy": legacy,
    }

    def work(i):
        r = client_with(key).post("/api/v1/members/", {**body, "given_name": f"Hana{i}"}, format="json")
        return r.status_code, r.json()

    results = race(4, work)
    assert all(not isinstance(x, Exception) for x in results), results
    assert sorted(s for s, _ in results) == [201, 409, 409, 409], results
    assert Member.objects.filter(program=oh).count() == 1
