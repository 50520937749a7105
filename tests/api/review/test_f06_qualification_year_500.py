"""F06 (MEDIUM): GET /api/v1/members/{card}/qualification/{year}/ answers 500 for a year of Unicode digits that
``str.isdigit`` accepts but ``int`` does not (superscripts): rewards/api/members.py:260
``year.isdigit() and 1900 <= int(year) <= 9999`` raises ValueError. (Full-width and Arabic-Indic digits pass
``int`` and are answered as the year 2025.) Contract: never a 500."""

from __future__ import annotations

import pytest

from tests.factories import make_member


@pytest.mark.parametrize("year", ["²", "¹⁹⁹⁹", "2⁰²⁵"])
def test_f06_a_superscript_year_answers_500(oh_office, oh, year):
    member = make_member("one-harmony")
    response = oh_office.get(f"/api/v1/members/{member.number}/qualification/{year}/")
    # Before the fix: 500 {"code":"server_error",...}
    assert response.status_code == 400, (response.status_code, response.content)
