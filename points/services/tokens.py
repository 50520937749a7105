"""API tokens of hotels' PMS/POS systems and of program offices (API.md "Authentication").

Only the SHA-256 of a token is stored, with its first characters so staff can recognise it; the token itself is
shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import secrets

from django.db import transaction
from django.utils import timezone

from members.models import Program

from ..models import ApiToken, Hotel

PREFIX_LENGTH = 8


def token_hash(key: str) -> str:
    """The stored form of a token: its SHA-256, hex."""
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def api_token_issue(
    *, hotel: Hotel | None = None, program: Program | None = None, name: str = ""
) -> tuple[ApiToken, str]:
    """A new token for one hotel (its PMS/POS) or for one program's office; exactly one of them.

    Returns the stored row and the token, which is not kept anywhere else: hand it over now.
    """
    if (hotel is None) == (program is None):
        raise ValueError("a token is for one hotel or for one program's office, not both nor neither")
    key = secrets.token_urlsafe(32)
    default_name = f"{hotel.code} PMS/POS" if hotel is not None else f"{program.name} office"
    token = ApiToken.objects.create(
        name=(name or default_name)[:100],
        prefix=key[:PREFIX_LENGTH],
        key_hash=token_hash(key),
        hotel=hotel,
        program=program,
    )
    return token, key


@transaction.atomic
def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke a token: every request with it is refused from now on (401). Revoking twice changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
