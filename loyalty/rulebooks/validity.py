"""When points lapse (EX1, EX2, EX3) and when they post (NE7). Pure date arithmetic: no ORM, no clock.

``valid_through`` is the last day points can be used; they are gone the day after.
"""

from __future__ import annotations

import datetime as dt

ONE_HARMONY = "one-harmony"
NEW_OTANI = "new-otani"


def valid_through(program: str, used_on: dt.date) -> dt.date:
    """The last valid day of points whose date of use (payment date, EX3) is ``used_on``.

    EX1 One Harmony: points earned in calendar year Y are valid for 25 months after January 1 of Y+1, i.e.
    through January 31 of Y+3 (2024-06-15 -> 2027-01-31).
    EX2 New Otani: points are tallied each September 30; uses from October 1 of Y-1 to September 30 of Y are
    valid through September 30 of Y+2 (2024-10-01 -> 2027-09-30; 2024-09-30 -> 2026-09-30).
    """
    if program == ONE_HARMONY:
        return dt.date(used_on.year + 3, 1, 31)
    if program == NEW_OTANI:
        tally_year = used_on.year if used_on.month <= 9 else used_on.year + 1
        return dt.date(tally_year + 2, 9, 30)
    raise ValueError(f"unknown program {program!r}")


def posting_date(used_on: dt.date, delay_days: int) -> dt.date:
    """NE7: points post ``delay_days`` (Default 10) after payment."""
    return used_on + dt.timedelta(days=delay_days)
