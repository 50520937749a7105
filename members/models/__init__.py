"""Programs, their effective-dated settings and terms, members, cards, families, categories and status.

Rule IDs: M1-M10 (membership), PT1-PT2 (terms and settings), ST1 (status periods), A1 (login names).

One module per model family:

* ``programs``: programs, their settings (PT1), terms versions, membership categories (M10), number series (M1);
* ``users``: logins, members' and staff's (A1);
* ``members``: memberships (M1-M10) and name change requests (M7);
* ``cards``: card numbers held or once held (M1, M2, M4, M5, M8);
* ``status``: tiers and status periods (ST1);
* ``terms``: terms announced to members and each member's first use under a version (PT3).

Every model is re-exported here: ``from members.models import Member`` is the way to import them.
"""

from .cards import Card
from .members import Member, NameChangeRequest
from .programs import MembershipCategory, NumberSeries, Program, ProgramSettings, TermsVersion
from .status import StatusPeriod, Tier
from .terms import TermsFirstUse, TermsNotice
from .users import User

__all__ = [
    "Card",
    "Member",
    "MembershipCategory",
    "NameChangeRequest",
    "NumberSeries",
    "Program",
    "ProgramSettings",
    "StatusPeriod",
    "TermsFirstUse",
    "TermsNotice",
    "TermsVersion",
    "Tier",
    "User",
]
