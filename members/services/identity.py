"""Identity (issue 14, A1, A3, M7): who a membership's login is and which email reaches it. Staff never edit either.

* The email is a login name (A1) and where the password reset goes (A3). It changes only through
  ``member_email_change_request`` -> ``member_email_change_confirm``: a link to the NEW address, a notice to the OLD
  one (at the request and at the change), the change audited in the member's history (simple-history, with the
  user who asked and a reason). Whoever asks (the member in My Account, a clerk at the office), only the holder of
  the new address can complete it, and only while logged in as the member.
* A member's login is never a staff login: refused here, in ``Member.clean`` and by PostgreSQL triggers
  (members 0014); the member login backend refuses staff users too (members/auth.py).
* One open membership per email and program (A1): checked here and by the partial unique index of members 0014.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loyalty.exceptions import refusal_text

from ..exceptions import IdentityError, StaffLoginRefused
from ..models import Member, User

EMAIL_CHANGE_SALT = "members.email-change"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24 * 3  # three days


def is_staff_login(user: User | None) -> bool:
    return user is not None and (user.is_staff or user.is_superuser)


def check_member_login(*, user: User | None) -> None:
    """Issue 14, A1: refuse a staff or superuser login as a member's login (also a DB trigger on PostgreSQL)."""
    if is_staff_login(user):
        raise StaffLoginRefused(
            refusal_text(
                gettext_lazy("login %(username)s is a staff login: it cannot be a member's login"),
                username=user.username,
            )
        )


def email_taken(*, program_id: int, email: str, exclude_pk: int | None = None) -> Member | None:
    """A1: the open membership of the program that already holds ``email`` (any case), if any."""
    if not email:
        return None
    found = Member.objects.filter(program_id=program_id, email__iexact=email.strip(), closed_on__isnull=True)
    if exclude_pk is not None:
        found = found.exclude(pk=exclude_pk)
    return found.order_by("pk").first()


def _send(*, to: str, subject: str, message: str) -> None:
    send_mail(subject=subject, message=message, from_email=settings.DEFAULT_FROM_EMAIL, recipient_list=[to])


def _masked(email: str) -> str:
    local, _sep, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def email_change_token(*, member: Member, email: str, requested_by: User | None = None) -> str:
    return signing.dumps(
        {"m": member.pk, "e": email, "o": member.email, "by": requested_by.pk if requested_by else None},
        salt=EMAIL_CHANGE_SALT,
    )


@transaction.atomic
def member_email_change_request(
    *, member: Member, email: str, base_url: str, requested_by: User | None = None
) -> str | None:
    """M7, issue 14: a confirmation link goes to the NEW address and a notice to the OLD one; nothing changes yet.

    The answer never tells whether the new address belongs to another membership (A1): that address gets a notice
    instead of a link, and None is returned (the caller shows the same page either way)."""
    email = (email or "").strip()
    try:
        validate_email(email)
    except ValidationError as exc:
        raise IdentityError(
            refusal_text(gettext_lazy("%(email)s is not an email address"), email=repr(email)), field="email"
        ) from exc
    member = Member.objects.select_for_update(of=("self",)).select_related("program").get(pk=member.pk)
    if member.closed_on is not None:
        raise IdentityError(
            refusal_text(gettext_lazy("membership %(number)s is closed (M9)"), number=member.number), field="member"
        )
    if email.lower() == (member.email or "").lower():
        return None  # already the registered email: nothing to confirm
    if email_taken(program_id=member.program_id, email=email, exclude_pk=member.pk) is not None:
        _send(
            to=email,
            subject=_("Your email address was given for another membership"),
            message=_(
                "Hello,\n\nSomeone asked to use this address for another %(program)s membership. It is already "
                "the email of a membership, so nothing was changed. If this was not you, you can ignore this email.\n"
            )
            % {"program": member.program.name},
        )
        return None
    token = email_change_token(member=member, email=email, requested_by=requested_by)
    link = base_url.rstrip("/") + reverse("email-confirm", args=[token])
    _send(
        to=email,
        subject=_("Confirm your new email address"),
        message=_(
            "Dear %(name)s,\n\nPlease open this link to confirm %(email)s as the email address of membership "
            "%(number)s:\n%(link)s\n\nIf you did not ask for this, ignore this email.\n"
        )
        % {"name": member.full_name, "email": email, "number": member.number, "link": link},
    )
    if member.email:
        _send(
            to=member.email,
            subject=_("A change of your email address was requested"),
            message=_(
                "Dear %(name)s,\n\nA change of the email address of membership %(number)s to %(masked)s was "
                "requested. Nothing changes until the link sent to the new address is opened. If you did not ask "
                "for this, please contact the office at once.\n"
            )
            % {"name": member.full_name, "number": member.number, "masked": _masked(email)},
        )
    return token


@transaction.atomic
def member_email_change_confirm(*, member: Member, token: str) -> Member:
    """M7: the member, logged in, opened the link sent to the new address: the email (and the login's, A3) changes,
    recorded in the member's history; the old address gets a notice."""
    try:
        data = signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=EMAIL_CHANGE_MAX_AGE)
    except signing.BadSignature as exc:
        raise IdentityError(gettext_lazy("the link is invalid or has expired")) from exc
    member = Member.objects.select_for_update(of=("self",)).select_related("user", "program").get(pk=member.pk)
    if data.get("m") != member.pk or data.get("o") != member.email or member.closed_on is not None:
        raise IdentityError(gettext_lazy("the link is invalid or has expired"))
    new = data["e"]
    if email_taken(program_id=member.program_id, email=new, exclude_pk=member.pk) is not None:
        raise IdentityError(gettext_lazy("the link is invalid or has expired"))
    old = member.email
    member.email = new
    member._history_user = User.objects.filter(pk=data.get("by")).first() or member.user
    member._change_reason = f"email change confirmed from the new address (was {old or 'none'})"
    member.save(update_fields=["email"])
    if member.user_id:
        User.objects.filter(pk=member.user_id).update(email=new)
    if old:
        _send(
            to=old,
            subject=_("Your email address was changed"),
            message=_(
                "Dear %(name)s,\n\nThe email address of membership %(number)s is now %(masked)s. If you did not "
                "do this, please contact the office at once.\n"
            )
            % {"name": member.full_name, "number": member.number, "masked": _masked(new)},
        )
    return member


@transaction.atomic
def member_email_import(*, member: Member, email: str) -> Member:
    """A legacy file's email (ST3 import): set as given; when another open membership of the program already holds
    it (the same person in the OCI and MYJ files, M8), the member is flagged and both are listed for the office
    (``EmailDuplicate``) instead of failing the file."""
    from ..models import EmailDuplicate

    email = (email or "").strip()
    other = email_taken(program_id=member.program_id, email=email, exclude_pk=member.pk)
    member.email = email
    member.email_duplicate = other is not None
    member.save(update_fields=["email", "email_duplicate"])
    if other is not None:
        for flagged in (other, member):
            EmailDuplicate.objects.get_or_create(
                member=flagged, email=flagged.email, defaults={"program_id": member.program_id}
            )
    return member


def signup_attempt_notify(*, program, email: str) -> None:
    """A1, issue 14: a sign-up gave the email of an open membership: refused without telling the visitor; the
    member holding it gets a notice (the visitor sees the same "check your mailbox" page either way)."""
    member = email_taken(program_id=program.pk, email=email)
    if member is None:
        return
    _send(
        to=member.email,
        subject=_("Someone tried to join %(program)s with your email address") % {"program": program.name},
        message=_(
            "Dear %(name)s,\n\nSomeone tried to join %(program)s on the website with this email address, which "
            "is already the address of your membership %(number)s. No new membership was made. If it was you, "
            'log in to My Account with your membership number or this address (use "Forgot your password?" if '
            "needed). If it was not you, you can ignore this email.\n"
        )
        % {"name": member.full_name, "program": program.name, "number": member.number},
    )


@transaction.atomic
def email_duplicate_resolve(*, duplicate, by: User) -> Member:
    """A1, issue 14: the office marks a recorded email duplicate resolved. A flagged member comes back under the
    one-email rule only once no other open membership of the program holds its email (the office first changes
    one of them through ``member_email_change_request``, or merges them, M8)."""
    from django.utils import timezone

    from ..models import EmailDuplicate

    row = EmailDuplicate.objects.select_for_update().get(pk=duplicate.pk)
    if row.resolved_at is not None:
        raise IdentityError(gettext_lazy("this duplicate is already resolved"), field="state")
    member = Member.objects.select_for_update(of=("self",)).get(pk=row.member_id)
    if member.closed_on is None and email_taken(program_id=member.program_id, email=member.email, exclude_pk=member.pk):
        raise IdentityError(
            refusal_text(gettext_lazy("%(email)s is still the email of another open membership"), email=member.email),
            field="email",
        )
    if member.email_duplicate:
        member.email_duplicate = False
        member._history_user = by
        member._change_reason = "email duplicate resolved by the office"
        member.save(update_fields=["email_duplicate"])
    row.resolved_at = timezone.now()
    row.resolved_by = by
    row.save(update_fields=["resolved_at", "resolved_by"])
    return member
