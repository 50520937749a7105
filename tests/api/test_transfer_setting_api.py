"""T1-T5 as a program setting through the API (issue 15, item 11): One Harmony refuses with `not_applicable`."""

from __future__ import annotations

import datetime as dt

import pytest

from rewards.models import Transfer
from tests.api.test_members_api import assert_refused
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post

D = dt.date
pytestmark = pytest.mark.django_db


def test_t1_t5_the_api_refuses_a_one_harmony_transfer_with_not_applicable(oh_office):
    principal = make_member("one-harmony")
    spouse = make_member("one-harmony", family_of=principal)
    earn_and_post(principal, 1000, D(2025, 3, 1))
    body = {"from": principal.number, "to": spouse.number, "consents": ["from", "to"]}
    data = assert_refused(oh_office.post("/api/v1/transfers/", body, format="json"), 400, "not_applicable")
    assert "family transfers" in data["detail"]
    assert not Transfer.objects.exists()
