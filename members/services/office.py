"""What only the office does to a membership: register an email for a member who has none (A2) and change a
member's name on request (M7)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.emails import validate_member_email
from loyalty.exceptions import lower_text, refusal_text

from ..exceptions import OfficeError
from ..models import Member, NameChangeRequest, User


@transaction.atomic
def member_register_email(*, member: Member, email: str, by: User | None = None) -> Member:
    """A2: a member with no registered email asks the office, which registers one (then "Forgot your password"
    works). The address is a login name (A1), so no other open membership of the program may use it."""
    email = (email or "").strip()
    try:
        validate_member_email(email)  # M3: mobile-carrier addresses of the older form too
    except ValidationError as exc:
        raise OfficeError(
            refusal_text(_("%(email)s is not an email address"), email=repr(email)), field="email"
        ) from exc
    locked = Member.objects.select_for_update().get(pk=member.pk)
    if locked.closed_on is not None:
        raise OfficeError(refusal_text(_("membership %(number)s is closed (M9)"), number=locked.number), field="member")
    if locked.email:  # issue 14: a registered email changes only through the identity service (link + notice)
        raise OfficeError(_("the member has an email: send an email change link instead"), field="email")
    taken = (
        Member.objects.filter(program_id=locked.program_id, email__iexact=email, closed_on__isnull=True)
        .exclude(pk=locked.pk)
        .first()
    )
    if taken is not None:
        raise OfficeError(
            refusal_text(
                _("%(email)s is already the email of membership %(number)s (A1 login name)"),
                email=email,
                number=taken.number,
            ),
            field="email",
        )
    locked.email = email
    locked._history_user = by
    locked.save(update_fields=["email"])
    if locked.user_id:
        User.objects.filter(pk=locked.user_id).update(email=email)
    return locked


@transaction.atomic
def member_change_name(*, request: NameChangeRequest, by: User, answer: str = "") -> Member:
    """M7: the office applies a member's name change request."""
    locked = NameChangeRequest.objects.select_for_update().select_related("member").get(pk=request.pk)
    if locked.state != NameChangeRequest.State.OPEN:
        raise OfficeError(
            refusal_text(
                _("the request is already %(state)s"),
                state=lower_text(NameChangeRequest.State(locked.state).label),
            ),
            field="state",
        )
    if not locked.family_name.strip() or not locked.given_name.strip():
        raise OfficeError(_("the new family and given names are required"), field="family_name")
    member = Member.objects.select_for_update().get(pk=locked.member_id)
    if member.closed_on is not None:
        raise OfficeError(refusal_text(_("membership %(number)s is closed (M9)"), number=member.number), field="member")
    member.family_name = locked.family_name.strip()
    member.given_name = locked.given_name.strip()
    member._history_user = by
    member.save(update_fields=["family_name", "given_name"])
    locked.state = NameChangeRequest.State.DONE
    locked.answer = answer.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked._history_user = by
    locked.save(update_fields=["state", "answer", "decided_by", "decided_at"])
    return member


@transaction.atomic
def name_change_reject(*, request: NameChangeRequest, by: User, answer: str) -> NameChangeRequest:
    """M7: the office turns a name change request down, with the reason the member sees."""
    if not answer.strip():
        raise OfficeError(_("give the member the reason"), field="answer")
    locked = NameChangeRequest.objects.select_for_update().get(pk=request.pk)
    if locked.state != NameChangeRequest.State.OPEN:
        raise OfficeError(
            refusal_text(
                _("the request is already %(state)s"),
                state=lower_text(NameChangeRequest.State(locked.state).label),
            ),
            field="state",
        )
    locked.state = NameChangeRequest.State.REJECTED
    locked.answer = answer.strip()
    locked.decided_by = by
    locked.decided_at = timezone.now()
    locked._history_user = by
    locked.save(update_fields=["state", "answer", "decided_by", "decided_at"])
    return locked
