"""EX1, EX2, EX3: the last valid day of points, at every boundary (pure)."""

import datetime as dt

import pytest

from loyalty.rulebooks.validity import valid_through

D = dt.date


@pytest.mark.parametrize(
    ("used_on", "last_day"),
    [
        (D(2024, 6, 15), D(2027, 1, 31)),  # the rulebook's example
        (D(2024, 1, 1), D(2027, 1, 31)),
        (D(2024, 12, 31), D(2027, 1, 31)),  # December 31 / January 1 boundary
        (D(2025, 1, 1), D(2028, 1, 31)),
        (D(2024, 2, 29), D(2027, 1, 31)),  # leap day
    ],
)
def test_ex1_one_harmony_points_of_year_y_are_valid_through_january_31_of_y_plus_3(used_on, last_day):
    assert valid_through("one-harmony", used_on) == last_day


@pytest.mark.parametrize(
    ("used_on", "last_day"),
    [
        (D(2024, 10, 1), D(2027, 9, 30)),  # the rulebook's examples
        (D(2024, 9, 30), D(2026, 9, 30)),
        (D(2023, 10, 1), D(2026, 9, 30)),
        (D(2024, 12, 31), D(2027, 9, 30)),
        (D(2025, 1, 1), D(2027, 9, 30)),
        (D(2024, 2, 29), D(2026, 9, 30)),  # leap day
    ],
)
def test_ex2_new_otani_points_are_valid_two_years_from_their_september_30_tally(used_on, last_day):
    assert valid_through("new-otani", used_on) == last_day


def test_ex3_the_date_of_use_not_the_posting_date_fixes_the_expiry():
    # Used on September 30, posted ten days later in October: still the earlier tally year.
    assert valid_through("new-otani", D(2024, 9, 30)) == D(2026, 9, 30)
