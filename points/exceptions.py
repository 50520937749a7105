"""The points error tree. The API's exception handler maps each to the contract's ``code`` (API.md)."""


class PointsError(Exception):
    """Base of every refusal of the points domain. ``code`` is the contract's error code."""

    code = "points_error"
    status = 400

    def __init__(self, detail: str = "", **fields):
        super().__init__(detail or self.__doc__)
        self.detail = detail or (self.__doc__ or "").strip()
        self.fields = fields


class InsufficientPoints(PointsError):
    """The member's posted, valid points do not cover the amount asked for."""

    code = "insufficient_points"
    status = 409


class MembershipClosed(PointsError):
    """The membership is closed (M9): it can no longer earn, redeem or transfer."""

    code = "membership_closed"
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


class JobAlreadyRunning(PointsError):
    """Another worker is running this job now."""

    code = "job_running"
    status = 409


class RefundOfLinesUnavailable(PointsError):
    """Refunds of named lines (API.md 1.1) are not taken yet: send the amount refunded instead."""

    code = "refund_of_lines_unavailable"
