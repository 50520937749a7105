"""Family transfers as a program setting (issue 15, item 11; T1-T5, NOC Art. 7): Default New Otani on, One Harmony
off (its FAQ has no transfers). Off, a transfer is refused with a clear error, by the service and the API."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import ProgramSettings
from rewards.exceptions import TransfersNotOffered
from rewards.models import Transfer
from rewards.services.transfers import points_transfer_family, transfers_offered
from tests.factories import make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
TODAY = D(2025, 11, 1)
pytestmark = pytest.mark.django_db


def test_t1_t5_default_transfers_on_for_new_otani_and_off_for_one_harmony(noc, oh):
    # Default (a choice, ARCHITECTURE.md): New Otani Art. 7 offers them; the One Harmony FAQ has none.
    assert transfers_offered(program=noc, on=TODAY) is True
    assert transfers_offered(program=oh, on=TODAY) is False


def test_t1_t5_one_harmony_refuses_a_family_transfer_by_default_and_nothing_moves(oh):
    principal = make_member("one-harmony")
    spouse = make_member("one-harmony", family_of=principal)
    earn_and_post(principal, 1000, D(2025, 3, 1))
    with pytest.raises(TransfersNotOffered) as refused:
        points_transfer_family(giver=principal, receiver=spouse, consents={"from", "to"}, today=TODAY)
    assert (refused.value.code, refused.value.status) == ("not_applicable", 400)
    assert "does not offer family transfers" in refused.value.detail
    assert not Transfer.objects.exists()
    assert assert_consistent(principal).posted == 1000


def test_t1_t5_the_office_switches_transfers_off_from_a_date_pt1(noc):
    principal = make_member("new-otani")
    spouse = make_member("new-otani", family_of=principal)
    earn_and_post(principal, 1000, D(2024, 11, 1))
    row = ProgramSettings.objects.filter(program=noc).order_by("-effective_from").first()
    row.pk, row.effective_from, row.family_transfers = None, D(2025, 10, 1), False
    row.save()
    with pytest.raises(TransfersNotOffered):
        points_transfer_family(giver=principal, receiver=spouse, consents={"from", "to"}, today=TODAY)
    # before that date it was offered (PT1: the settings in force on the day)
    moved = points_transfer_family(giver=principal, receiver=spouse, consents={"from", "to"}, today=D(2025, 9, 1))
    assert moved.points == 1000
