"""The members error tree (M1-M10, A1-A5). The API maps ``code`` to the contract's error codes."""

from loyalty.exceptions import LoyaltyError


class MembersError(LoyaltyError):
    """Base of every refusal of the members domain."""

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


class MembershipClosed(MembersError):
    """The membership is closed (M9): it can no longer earn, redeem or transfer."""

    code = "membership_closed"
    status = 409


class CardError(MembersError):
    """The card cannot be changed this way."""

    code = "invalid_card"


class AccountError(MembersError):
    """The member's login or profile cannot be changed this way."""

    code = "invalid_account"


class OfficeError(MembersError):
    """The office cannot make this change."""

    code = "invalid_office_change"
