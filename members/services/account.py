"""My Account writes (M3, M7, A2, A3): the member's login, profile, email change and name change requests.

The member's email is the login's email (A3: the password reset goes to the registered address), kept in sync here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..exceptions import AccountError
from ..models import Member, NameChangeRequest, User

EMAIL_CHANGE_SALT = "members.email-change"
EMAIL_CHANGE_MAX_AGE = 60 * 60 * 24 * 3  # three days


def _lock(member: Member) -> Member:
    return Member.objects.select_for_update(of=("self",)).select_related("user", "program").get(pk=member.pk)


@transaction.atomic
def member_user_create(*, member: Member, password: str | None) -> User:
    """The member's login (A1): username = membership number, email = the member's email. ``password`` None: an
    unusable password (a legacy member who sets one through the reset link, A2)."""
    member = _lock(member)
    if member.user_id is not None:
        return member.user
    if member.closed_on is not None:
        raise AccountError(gettext_lazy("the membership is closed"))
    user = User(username=member.number, email=member.email)
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save()
    Member.objects.filter(pk=member.pk).update(user=user)
    return user


def _email_user(member: Member) -> None:
    if member.user_id:
        User.objects.filter(pk=member.user_id).update(email=member.email)


@transaction.atomic
def member_profile_update(
    *, member: Member, address: str, postal_code: str, country: str, phone: str, language: str = ""
) -> Member:
    """M7: the member changes address and phone in My Account (the email goes through ``email_change_request``)."""
    member = _lock(member)
    member.address = address.strip()
    member.postal_code = postal_code.strip()
    member.country = country.strip().upper()
    member.phone = phone.strip()
    fields = ["address", "postal_code", "country", "phone"]
    if language:
        member.language = language
        fields.append("language")
    member.save(update_fields=fields)
    return member


def email_change_token(*, member: Member, email: str) -> str:
    from .identity import email_change_token as token

    return token(member=member, email=email)


def email_change_request(*, member: Member, email: str, base_url: str) -> str | None:
    """M7: through the identity service (issue 14): a link to the NEW address, a notice to the old one."""
    from .identity import member_email_change_request

    return member_email_change_request(member=member, email=email, base_url=base_url, requested_by=member.user)


def email_change_confirm(*, member: Member, token: str) -> Member:
    """M7: the member opened the link sent to the new address (identity service, issue 14)."""
    from .identity import IdentityError, member_email_change_confirm

    try:
        return member_email_change_confirm(member=member, token=token)
    except IdentityError as exc:
        raise AccountError(exc.detail) from exc


@transaction.atomic
def name_change_request(*, member: Member, family_name: str, given_name: str, note: str = "") -> NameChangeRequest:
    """M7: a name change goes through the office only: the member asks, the office decides."""
    if member.closed_on is not None:
        raise AccountError(gettext_lazy("the membership is closed"))
    return NameChangeRequest.objects.create(
        member=member, family_name=family_name.strip(), given_name=given_name.strip(), note=note.strip()
    )


def password_link_send(*, member: Member, base_url: str) -> bool:
    """A2, A3: a member who has no password yet (legacy OCI/MYJ) gets a link to set one at the registered email.
    False when the member has no registered email (the office registers one first)."""
    if not member.email or member.closed_on is not None:
        return False
    user = member.user if member.user_id else member_user_create(member=member, password=None)
    if user.email != member.email:
        user.email = member.email
        User.objects.filter(pk=user.pk).update(email=member.email)
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    link = base_url.rstrip("/") + reverse("password_reset_confirm", args=[uid, token])
    send_mail(
        subject=_("Set your My Account password"),
        message=_(
            "Dear %(name)s,\n\nPlease open this link to set the password of your My Account (membership "
            "%(number)s):\n%(link)s\n"
        )
        % {"name": member.full_name, "number": member.number, "link": link},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[member.email],
    )
    return True


def member_notify(*, member: Member, subject: str, message: str) -> None:
    """An email to the member after an action in My Account (a redemption): sent once the transaction commits."""
    if member.email:
        transaction.on_commit(
            lambda: send_mail(
                subject=subject,
                message=message,
                from_email=settings.DEFAULT_FROM_EMAIL,
                recipient_list=[member.email],
            )
        )
