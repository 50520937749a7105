"""Issue 15, item 13: behaviour the code adds without a Rulebook Default is a program setting (PT1), and
ARCHITECTURE.md states its Default in Rulebook terms and why: One Harmony's 10-day posting delay (NE7 is New Otani's),
the 60-day expiry reminder (EX6), the 99-certificate cap (NR1), the maker-checker threshold, and the Defaults chosen
in issue 15 (family transfers T1-T5, returned points of a refused gift request OR1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from members.models import ProgramSettings
from rewards.exceptions import InvalidRedemption
from rewards.services.certificates import certificates_request
from tests.factories import HotelFactory, make_member
from tests.points.test_ledger import earn_and_post

D = dt.date
ARCHITECTURE = Path(__file__).resolve().parents[2] / "ARCHITECTURE.md"

# setting -> (One Harmony Default, New Otani Default)
CHOSEN = {
    "posting_delay_days": (10, 10),
    "expiry_reminder_days": (60, 60),
    "certificate_max_per_request": (99, 99),
    "adjustment_approval_threshold": (10000, 10000),
    "family_transfers": (False, True),
    "released_points_grace_days": (30, 30),
}


@pytest.mark.django_db
@pytest.mark.parametrize("field", sorted(CHOSEN))
def test_pt1_defaults_the_rulebook_does_not_give_are_program_settings(field, oh, noc):
    rows = {p.code: ProgramSettings.objects.filter(program=p).order_by("effective_from").first() for p in (oh, noc)}
    assert (getattr(rows["one-harmony"], field), getattr(rows["new-otani"], field)) == CHOSEN[field]


@pytest.mark.parametrize("field", sorted(CHOSEN))
def test_pt1_architecture_md_states_each_chosen_default_and_why(field):
    text = ARCHITECTURE.read_text()
    section = text.split("## Defaults the documents do not give", 1)[1].split("\n## ", 1)[0]
    line = next((row for row in section.splitlines() if f"`{field}`" in row), "")
    assert line, f"{field} is not documented in ARCHITECTURE.md"
    assert "Default" in line and "|" in line  # a table row: setting | Default in Rulebook terms | why


@pytest.mark.django_db
def test_nr1_the_99_certificate_cap_is_a_setting_default_99(noc):
    # Given a member with enough points for 12 certificates and the office's cap lowered to 10
    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    member = make_member("new-otani")
    earn_and_post(member, 60000, D(2025, 3, 1))
    ProgramSettings.objects.filter(program=noc).update(certificate_max_per_request=10)

    def ask(count):
        return certificates_request(
            member=member, count=count, hotel=hotel, arrival_on=D(2025, 4, 20), channel="office", today=D(2025, 4, 1)
        )

    # When 11 are asked for, Then it is refused with the setting's bound
    with pytest.raises(InvalidRedemption) as refused:
        ask(11)
    assert "between 1 and 10" in refused.value.detail
    # And 10 are issued
    assert ask(10).count == 10
