"""The business clock: what day it is for the programs (Asia/Tokyo, ``TIME_ZONE``).

Interfaces (views, API views, admin actions, tasks, commands) ask it for today and pass the date on; services and
jobs take the date as an argument and never read the clock themselves (STYLE.md).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    """Today's date in the programs' time zone (a Tokyo business day)."""
    return timezone.localdate()
