"""The points error tree (bills, the ledger, jobs, the office's adjustments and claims, merge). The API's exception
handler maps each to the contract's ``code`` (API.md).

``MembershipClosed`` is the members domain's (M9); it is re-exported here because the ledger raises it.
"""

from loyalty.exceptions import LoyaltyError, NotApplicable
from members.exceptions import MembershipClosed

__all__ = [
    "AdjustmentError",
    "BadRow",
    "BillConflict",
    "ClaimError",
    "ClaimTooLate",
    "EndingError",
    "InsufficientPoints",
    "InvalidBill",
    "JobAlreadyRunning",
    "MembershipClosed",
    "MergeError",
    "NotAllowedToApprove",
    "NothingToRefund",
    "PointsError",
    "QualificationNotApplicable",
    "RefundLineAlreadyRefunded",
    "UnknownHotel",
    "UnknownMember",
    "UnknownRefundLine",
]


class PointsError(LoyaltyError):
    """Base of every refusal of the points domain."""

    code = "points_error"


class InsufficientPoints(PointsError):
    """The member's posted, valid points do not cover the amount asked for."""

    code = "insufficient_points"
    status = 409


class InvalidBill(PointsError):
    """The bill cannot be taken as reported."""

    code = "invalid_bill"


class BillConflict(PointsError):
    """A bill with this number was already received from this hotel with other content."""

    code = "bill_conflict"
    status = 409


class NothingToRefund(PointsError):
    """The refund asks for more than is left of the bill."""

    code = "invalid_refund"


class UnknownRefundLine(NothingToRefund):
    """A refunded line names no charge or room-charged check of the bill as it was sent (API.md 1.1, R1)."""

    code = "unknown_line"


class RefundLineAlreadyRefunded(NothingToRefund):
    """A refunded line was refunded before (API.md 1.1, R1)."""

    code = "already_refunded"
    status = 409


class JobAlreadyRunning(PointsError):
    """Another worker is running this job now."""

    code = "job_running"
    status = 409


class QualificationNotApplicable(NotApplicable, PointsError):
    """Status qualification is a One Harmony benefit (ST1): New Otani members have no tiers."""


# --- The office's adjustments and claims (A5) -----------------------------------------------------------------


class AdjustmentError(PointsError):
    """The adjustment cannot be taken or decided."""

    code = "invalid_adjustment"


class NotAllowedToApprove(AdjustmentError):
    """Only a supervisor other than the requester may approve an adjustment above the threshold."""

    code = "adjustment_not_allowed"
    status = 403


class ClaimError(PointsError):
    """The claim cannot be taken or decided."""

    code = "invalid_claim"


class ClaimTooLate(ClaimError):
    """A5: missing points or nights are claimed within 6 months of the date of use."""

    code = "claim_too_late"


# --- Merge (M8) and the legacy import (M2, ST3) ------------------------------------------------------------------


class MergeError(PointsError):
    """These memberships cannot be merged."""

    code = "invalid_merge"


class UnknownHotel(InvalidBill):
    """No hotel of the token's program has this code."""

    code = "unknown_hotel"


class UnknownMember(InvalidBill):
    """No member of the hotel's program holds this card."""

    code = "unknown_member"


class BadRow(PointsError):
    """A row of a legacy file cannot be imported."""

    code = "invalid_row"


class EndingError(PointsError):
    """PT2: the ending cannot be announced or its points lapsed as asked."""

    code = "invalid_ending"
