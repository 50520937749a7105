"""The members error tree; the API maps ``code`` to the contract's error codes."""

from points.exceptions import PointsError


class MembersError(PointsError):
    code = "invalid_member"


class MemberNotFound(MembersError):
    """No member holds or held this card number."""

    code = "member_not_found"
    status = 404


class EnrolmentError(MembersError):
    """The enrolment cannot be taken."""

    code = "invalid_enrolment"


class DuplicateCard(MembersError):
    """This card number already belongs to a member."""

    code = "duplicate_card"
    status = 409


class EmailTaken(EnrolmentError):
    """A1: another open membership of the program already holds this email (a login name)."""

    code = "email_taken"
    status = 409
