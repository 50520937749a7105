"""Hotels, outlets, bills as received, the point ledger and the job runs: one module per model family.

* ``properties``: hotels, outlets and their designations (NE2);
* ``bills``: bills as received and their parts (rooms, checks, charges, payments, units, exclusions, refunds), and
  the room nights they earned (NE6: one member per room and night);
* ``qualifying``: room nights (SH1) and qualification credits (ST3);
* ``ledger``: entries, lots, lot consumptions and the balance row (NE7, EX1-EX5, R1);
* ``jobs``: job runs (J1-J5) and expiry reminders (EX6);
* ``office``: adjustments and claims (A5);
* ``tokens``: API tokens;
* ``endings``: a program, a hotel's part or a service ended from an announced date (PT2);
* ``integrity``: the API's Idempotency-Key answers (API.md 1.1) and the ledger's reconciliation mismatches (J5).

Every model is re-exported here: ``from points.models import Bill`` is the way to import them.
"""

from .bills import (
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRefund,
    BillRoom,
    BillUnit,
    EarnedRoomNight,
)
from .endings import ProgramEnding
from .integrity import IdempotencyKey, LedgerMismatch
from .jobs import ExpiryReminder, JobRun
from .ledger import DEBIT_KINDS, EntryKind, LedgerEntry, LotConsumption, MemberBalance, PointLot
from .office import Adjustment, Claim
from .properties import Hotel, Outlet, OutletDesignation
from .qualifying import QualificationCredit, StayNight
from .tokens import ApiToken

__all__ = [
    "DEBIT_KINDS",
    "Adjustment",
    "ApiToken",
    "Bill",
    "BillCharge",
    "BillCheck",
    "BillExclusion",
    "BillPayment",
    "BillRefund",
    "BillRoom",
    "BillUnit",
    "Claim",
    "EarnedRoomNight",
    "EntryKind",
    "ExpiryReminder",
    "Hotel",
    "IdempotencyKey",
    "JobRun",
    "LedgerEntry",
    "LedgerMismatch",
    "LotConsumption",
    "MemberBalance",
    "Outlet",
    "OutletDesignation",
    "PointLot",
    "ProgramEnding",
    "QualificationCredit",
    "StayNight",
]
