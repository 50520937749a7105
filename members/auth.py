"""Member login (A1): the membership number, any legacy number (MYJ, the 700-number of a former OCI member) or
the registered email address, with a password. django-axes counts failed attempts per member, whichever of these
was typed, so a number and an email do not double the attempts."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from .models import Card, Member, User


def member_for_login(login: str) -> Member | None:
    """The open membership a login name designates, or None (never says why: A1 reveals nothing)."""
    login = (login or "").strip()
    if not login:
        return None
    if "@" in login:
        members = list(Member.objects.filter(email__iexact=login, closed_on__isnull=True, user__isnull=False)[:2])
        return members[0] if len(members) == 1 else None
    card = (
        Card.objects.filter(number=login, member__closed_on__isnull=True)
        .select_related("member")
        .order_by("-state")
        .first()
    )
    member = card.member if card else None
    while member is not None and member.merged_into_id:
        member = member.merged_into
    return member


def axes_username(request, credentials) -> str:
    """One failure counter per member: the member's program and number, whatever login name was typed."""
    typed = (credentials or {}).get("username") or (request.POST.get("username") if request else "") or ""
    member = member_for_login(typed)
    return f"member:{member.program_id}:{member.number}" if member else typed.strip().lower()


class MemberLoginBackend(ModelBackend):
    """Authenticates members by card number or email; staff keep Django's username login (ModelBackend)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        member = member_for_login(username or "")
        if member is None or member.user_id is None or password is None:
            # Run the hasher anyway so a missing account takes as long as a wrong password.
            User().set_password(password or "")
            return None
        user: User = member.user
        if user.is_staff or user.is_superuser:  # issue 14, A1: a staff login never logs in as a member
            User().set_password(password)  # the same time as a wrong password
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
