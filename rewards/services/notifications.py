"""The confirmations a member receives after redeeming in My Account (NR1, OR1): composed here, sent once the
transaction commits (``members.services.account.member_notify``)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from members.models import Member
from members.services.account import member_notify
from points.models import Hotel

from ..models import Award


def certificates_requested_notify(*, member: Member, count: int, hotel: Hotel, arrival_on: dt.date) -> None:
    """NR1: the request for ``count`` certificates was accepted."""
    member_notify(
        member=member,
        subject=_("Your Reward Certificate request"),
        message=_(
            "Dear %(name)s,\n\nWe received your request for %(count)s Reward Certificate(s), to be "
            "handed over at %(hotel)s on your arrival on %(arrival)s.\n"
        )
        % {"name": member.full_name, "count": count, "hotel": hotel.name, "arrival": arrival_on.isoformat()},
    )


def award_redeemed_notify(*, member: Member, award: Award, requested: bool = False) -> None:
    """OR1: the award was redeemed, or (``requested``, a Gift Award asked for on the website) its request was sent
    to the office with the points held."""
    if requested:
        member_notify(
            member=member,
            subject=_("Your One Harmony Gift Award request"),
            message=_(
                "Dear %(name)s,\n\nWe received your request for %(award)s. %(points)s points are held until the "
                "One Harmony Office fulfils it; if it cannot, they are returned to you.\n"
            )
            % {"name": member.full_name, "award": award.name, "points": f"{award.points:,}"},
        )
        return
    member_notify(
        member=member,
        subject=_("Your One Harmony award"),
        message=_("Dear %(name)s,\n\nYou redeemed %(award)s for %(points)s points.\n")
        % {"name": member.full_name, "award": award.name, "points": f"{award.points:,}"},
    )
