"""Discrepancy claims (A5): a member reports missing points or nights within the claim window (Default 6 months
after the date of use); the office approves (creating an adjustment, maker-checker applies) or rejects with an
answer the member sees."""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import lower_text, refusal_text
from members.models import Member, User
from members.selectors import settings_on

from ..exceptions import ClaimError, ClaimTooLate
from ..models import Claim, Hotel, QualificationCredit
from .adjustments import adjustment_request

DEFAULT_WINDOW_MONTHS = 6


def claim_window_months(*, member: Member, on: dt.date) -> int:
    row = settings_on(program=member.program, on=on)
    return row.claim_window_months if row is not None else DEFAULT_WINDOW_MONTHS


@transaction.atomic
def claim_submit(
    *,
    member: Member,
    kind: str,
    used_on: dt.date,
    hotel: Hotel | None = None,
    bill_number: str = "",
    description: str,
    today: dt.date,
) -> Claim:
    """A5: take a member's claim, refusing dates of use older than the claim window or in the future."""
    if kind not in Claim.Kind.values:
        raise ClaimError(refusal_text(_("kind is one of %(kinds)s"), kinds=", ".join(Claim.Kind.values)), field="kind")
    if member.closed_on is not None:
        raise ClaimError(refusal_text(_("membership %(number)s is closed (M9)"), number=member.number), field="member")
    if used_on > today:
        raise ClaimError(_("the date of use cannot be in the future"), field="used_on")
    months = claim_window_months(member=member, on=today)
    oldest = today - relativedelta(months=months)
    if used_on < oldest:
        raise ClaimTooLate(
            refusal_text(
                _(
                    "missing points or nights must be claimed within %(months)s months of the date of use (A5); "
                    "%(used_on)s is before %(oldest)s"
                ),
                months=months,
                used_on=used_on.isoformat(),
                oldest=oldest.isoformat(),
            ),
            field="used_on",
            window_months=months,
        )
    if hotel is not None and hotel.program_id != member.program_id:
        raise ClaimError(
            refusal_text(
                _("hotel %(hotel)s is not a %(program)s hotel"), hotel=hotel.code, program=member.program.name
            ),
            field="hotel",
        )
    if not description.strip():
        raise ClaimError(_("describe what is missing"), field="description")
    return Claim.objects.create(
        member=member,
        kind=kind,
        used_on=used_on,
        hotel=hotel,
        bill_number=bill_number.strip(),
        description=description.strip(),
    )


def _lock_open(claim: Claim) -> Claim:
    locked = Claim.objects.select_for_update().select_related("member__program").get(pk=claim.pk)
    if locked.state != Claim.State.OPEN:
        raise ClaimError(
            refusal_text(_("the claim is already %(state)s"), state=lower_text(Claim.State(locked.state).label)),
            field="state",
        )
    return locked


@transaction.atomic
def claim_approve(
    *,
    claim: Claim,
    points: int = 0,
    by: User,
    answer: str = "",
    nights: int = 0,
    qualifies: bool = True,
    on: dt.date | None = None,
) -> Claim:
    """A5: approve a claim. ``points`` become an adjustment (``adjustment_request``: above the threshold it waits
    for a supervisor); ``nights`` (a nights claim) become a qualification credit for the year of use (ST2)."""
    locked = _lock_open(claim)
    if points < 0 or nights < 0 or (points == 0 and nights == 0):
        raise ClaimError(_("approve with the missing points (or nights), a positive number"), field="points")
    if points:
        locked.adjustment = adjustment_request(
            member=locked.member,
            points=points,
            reason=f"A5 claim {locked.pk}: {locked.get_kind_display()} {locked.used_on.isoformat()}",
            used_on=locked.used_on,
            qualifies=qualifies,
            requested_by=by,
            on=on,
        )
    if nights:
        QualificationCredit.objects.create(
            member=locked.member,
            year=locked.used_on.year,
            credited_on=locked.used_on,
            nights=nights,
            source=f"claim {locked.pk}",
        )
    locked.state = Claim.State.APPROVED
    locked.answer = answer.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["adjustment", "state", "answer", "decided_by", "decided_at"])
    return locked


@transaction.atomic
def claim_reject(*, claim: Claim, by: User, answer: str) -> Claim:
    """A5: reject a claim with the reason the member sees (required)."""
    if not answer.strip():
        raise ClaimError(_("give the member the reason of the rejection"), field="answer")
    locked = _lock_open(claim)
    locked.state = Claim.State.REJECTED
    locked.answer = answer.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked.save(update_fields=["state", "answer", "decided_by", "decided_at"])
    return locked
