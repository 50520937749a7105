"""The rewards error tree (NR1-NR3, OR1, T1-T5). Every class is a ``LoyaltyError``, so the API's one exception
handler answers it as ``{"code", "detail", "fields"}`` with its status (API.md "Redemption and transfers").

``InsufficientPoints`` (the ledger's) and ``MembershipClosed`` (the members domain's) are re-exported here so callers
of the rewards services catch one module's errors.
"""

from __future__ import annotations

from loyalty.exceptions import Invalid, LoyaltyError
from loyalty.exceptions import NotApplicable as KernelNotApplicable
from members.exceptions import MembershipClosed
from points.exceptions import InsufficientPoints

__all__ = [
    "AwardNotAvailable",
    "CategoryExcluded",
    "CertificateNotAccepted",
    "ConsentMissing",
    "HotelNotEligible",
    "IllegalTransition",
    "InsufficientPoints",
    "InvalidRedemption",
    "MembershipClosed",
    "NotApplicable",
    "NotFamily",
    "NothingToTransfer",
    "RewardsError",
    "ServiceEnded",
    "TooCloseToArrival",
    "TransfersNotOffered",
    "WrongChannel",
]


class RewardsError(LoyaltyError):
    """Base of every refusal of the rewards domain."""

    code = "invalid_redemption"
    status = 400


class InvalidRedemption(Invalid, RewardsError):
    """The redemption cannot be taken as asked (e.g. a count below one)."""


class NotApplicable(KernelNotApplicable, RewardsError):
    """This service is not one of the member's program (certificates: New Otani; awards: One Harmony)."""


# --- Certificates (NR1-NR3) --------------------------------------------------------------------------------------


class HotelNotEligible(RewardsError):
    """NR2: certificates are handed over at a New Otani Group Hotel in Japan."""

    code = "hotel_not_eligible"


class TooCloseToArrival(RewardsError):
    """NR2: the request must be made at least the lead time (Default 10 days) before the arrival date."""

    code = "too_close_to_arrival"


class IllegalTransition(RewardsError):
    """NR3: a certificate moves requested -> ready -> handed over -> used, or to expired once past its validity."""

    code = "illegal_transition"
    status = 409


# --- Awards (OR1) ------------------------------------------------------------------------------------------------


class AwardNotAvailable(RewardsError):
    """OR1: the award is not in the member's program's active catalog (or not at this hotel)."""

    code = "award_not_available"


class WrongChannel(RewardsError):
    """OR1: Stay and Upgrade awards through the hotel or the reservation center, Breakfast awards at the restaurant or
    front desk, Gift awards through the office."""

    code = "wrong_channel"


# --- Transfers (T1-T5) -------------------------------------------------------------------------------------------


class ConsentMissing(RewardsError):
    """T2: both the giving and the receiving member must request the transfer."""

    code = "consent_missing"


class NotFamily(RewardsError):
    """T1, T5: points move only between a member and a registered family member, or between family members of the
    same member."""

    code = "not_family"


class CategoryExcluded(RewardsError):
    """T4, M10: the membership category of one side does not allow family transfers."""

    code = "category_excluded"


class NothingToTransfer(RewardsError):
    """T3: the giving member has no valid posted points to move."""

    code = "nothing_to_transfer"


class TransfersNotOffered(NotApplicable):
    """T1-T5 are a program setting (Default: New Otani on, One Harmony off): off, no transfer is taken."""


class CertificateNotAccepted(RewardsError):
    """NR3 (Art. 12): a Reward Certificate pays accommodation or designated dining at a New Otani Group Hotel in
    Japan on the day of use only: not deposits, not later payments, not cash vouchers, gift certificates or
    tickets, and never more than its value (no change)."""

    code = "certificate_not_accepted"


class ServiceEnded(RewardsError):
    """PT2 (Art. 13): the program, the hotel or the service ended; its entitlements are not redeemed after the
    announced last day (the whole program's points: after the day they were kept until)."""

    code = "service_ended"
    status = 409
