"""A2: a member changes the password in My Account (the current one asked again); a notice goes to the registered
email, so a change the member did not make is noticed."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Member
from .account import member_notify


@transaction.atomic
def password_change(*, member: Member, password: str) -> None:
    """Set the new password (already checked against the program's rule, A2) and tell the member by email."""
    user = member.user
    user.set_password(password)
    user.save(update_fields=["password"])
    member_notify(
        member=member,
        subject=_("Your My Account password was changed"),
        message=_(
            "Dear %(name)s,\n\nThe password of your My Account (membership %(number)s) was changed just now.\n\n"
            'If you did not change it, please set a new password at once with "Forgot your password?" on the '
            "login page, and contact the office of your program.\n"
        )
        % {"name": f"{member.family_name} {member.given_name}", "number": member.number},
    )
