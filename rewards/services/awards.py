"""One Harmony awards (OR1): an award of the catalog redeemed for its point cost through a channel that fits it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import lower_text, refusal_text
from members.models import Member
from members.services.terms import terms_use_record
from points.models import EntryKind, Hotel, LedgerEntry
from points.services import holds, ledger

from ..exceptions import (
    AwardNotAvailable,
    IllegalTransition,
    InsufficientPoints,
    MembershipClosed,
    NotApplicable,
    WrongChannel,
)
from ..models import Award, AwardRedemption
from .ended import ensure_not_ended

Channel = AwardRedemption.Channel
Kind = Award.Kind


# OR1: Stay and Upgrade awards are redeemed through the hotel or the reservation center, Breakfast awards at the
# restaurant or front desk, Gift awards through the office. ``api`` is a hotel's PMS/POS (a hotel token), so it
# stands for the hotel, its front desk or its restaurant; ``website`` (My Account) is the office's own service.
CHANNELS: dict[str, frozenset[str]] = {
    Kind.STAY: frozenset({Channel.HOTEL, Channel.RESERVATION_CENTER, Channel.API}),
    Kind.UPGRADE: frozenset({Channel.HOTEL, Channel.RESERVATION_CENTER, Channel.API}),
    Kind.BREAKFAST: frozenset({Channel.RESTAURANT, Channel.FRONT_DESK, Channel.API}),
    Kind.GIFT: frozenset({Channel.OFFICE, Channel.WEBSITE}),
}


@transaction.atomic
def award_redeem(
    *,
    member: Member,
    award: Award,
    channel: str,
    today: dt.date,
    at_hotel: Hotel | None = None,
    created_by=None,
) -> AwardRedemption:
    """OR1: redeem ``award`` for ``member``: one redeem entry of the award's point cost, soonest-expiring points
    first (EX4). ``at_hotel``: the hotel redeeming it (a hotel token); an award of one hotel is redeemed there."""
    if not member.program.is_one_harmony:
        raise NotApplicable("awards are a One Harmony service (OR1)", field="member")
    if member.closed_on is not None:
        raise MembershipClosed(f"membership {member.number} is closed (M9): nothing can be redeemed")
    if not award.active or award.program_id != member.program_id:
        raise AwardNotAvailable(f"award {award.code} is not available (OR1)", award=["not in the active catalog"])
    if at_hotel is not None and award.hotel_id is not None and award.hotel_id != at_hotel.pk:
        raise AwardNotAvailable(
            f"award {award.code} is redeemed at {award.hotel.code} only", award=[f"an award of {award.hotel.code}"]
        )
    ensure_not_ended(program=member.program, service="awards", on=today, hotel_id=award.hotel_id)
    allowed = CHANNELS.get(award.kind, frozenset())
    if channel not in allowed:
        raise WrongChannel(
            f"a {award.get_kind_display()} is not redeemed through {channel} (OR1): "
            f"{', '.join(sorted(allowed)) or 'no channel'}",
            channel=[f"one of {', '.join(sorted(allowed))}"],
        )

    ledger.balance_lock(member=member)  # lock before you check
    if Member.objects.filter(pk=member.pk, closed_on__isnull=False).exists():
        raise MembershipClosed(f"membership {member.number} is closed (M9): nothing can be redeemed")
    available = ledger.available_points(member=member, on=today)
    if available < award.points:
        raise InsufficientPoints(
            f"award {award.code} costs {award.points:,} points, {max(available, 0):,} available (OR1)",
            requested=award.points,
            available=max(available, 0),
        )
    # OR1 (FAQ: "For Gift Awards, contact the One Harmony Office"): asked for on the website, a Gift Award is a
    # request the office fulfils; its points are held from now on (the redeem entry) and returned if refused.
    on_request = award.kind == Kind.GIFT and channel == Channel.WEBSITE
    terms_use_record(member=member, on=today, how="redemption")  # PT3: first use under the terms in force
    redemption = AwardRedemption.objects.create(
        member=member,
        award=award,
        points=award.points,
        channel=channel,
        created_by=created_by,
        state=AwardRedemption.State.REQUESTED if on_request else AwardRedemption.State.FULFILLED,
    )
    ledger.points_debit(
        member=member, kind=EntryKind.REDEEM, points=award.points, on=today, award_redemption=redemption
    )
    return redemption


def _locked_request(redemption: AwardRedemption) -> AwardRedemption:
    locked = (
        AwardRedemption.objects.select_for_update().select_related("member__program", "award").get(pk=redemption.pk)
    )
    if locked.state != AwardRedemption.State.REQUESTED:
        raise IllegalTransition(
            refusal_text(
                _("the request for %(award)s is already %(state)s"),
                award=locked.award.code,
                state=lower_text(AwardRedemption.State(locked.state).label),
            ),
            state=[locked.state],
        )
    return locked


@transaction.atomic
def award_request_fulfil(*, redemption: AwardRedemption, by=None) -> AwardRedemption:
    """OR1: the One Harmony Office fulfils a Gift Award request; the points held since the request stay spent."""
    locked = _locked_request(redemption)
    locked.state, locked.decided_at, locked.decided_by = AwardRedemption.State.FULFILLED, timezone.now(), by
    locked.save(update_fields=["state", "decided_at", "decided_by"])
    return locked


@transaction.atomic
def award_request_refuse(*, redemption: AwardRedemption, answer: str, on: dt.date, by=None) -> AwardRedemption:
    """OR1: the office refuses a Gift Award request with an answer the member sees; the held points come back,
    each with its expiry date (``points.services.holds``)."""
    if not (answer or "").strip():
        raise IllegalTransition(_("a refusal needs an answer to the member"), answer=["required"])
    locked = _locked_request(redemption)
    hold = LedgerEntry.objects.get(award_redemption=locked, kind=EntryKind.REDEEM)
    holds.points_release(
        member=locked.member,
        hold=hold,
        on=on,
        reason=f"Gift Award request refused: {locked.award.name}",
        created_by=by,
    )
    locked.state, locked.decided_at, locked.decided_by = AwardRedemption.State.REFUSED, timezone.now(), by
    locked.answer = answer.strip()
    locked.save(update_fields=["state", "decided_at", "decided_by", "answer"])
    return locked
