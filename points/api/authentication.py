"""Token authentication of the integration API: ``Authorization: Token <token>`` (API.md "Authentication").

Tokens are looked up by their SHA-256 (only the hash is stored, ``points.services.tokens``), from the process's
reference data (``points.reference``: read again in every process as soon as a token changes). A revoked token, or
a token of a hotel that is no longer active, is refused with 401. ``request.auth`` is the ``ApiToken``;
``request.user`` is an anonymous user (a token is not a person). ``last_used_at`` is written at most once a minute
per token, so a busy PMS does not cost a write per request.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.exceptions import AuthenticationFailed
from rest_framework.request import Request

from ..models import ApiToken
from ..reference import reference
from ..services.tokens import token_hash

KEYWORD = "Token"
TOUCH_EVERY = dt.timedelta(minutes=1)


def _touch(token: ApiToken) -> None:
    """Record the use, at most once a minute (a conditional UPDATE: concurrent requests write once)."""
    now = timezone.now()
    cutoff = now - TOUCH_EVERY
    if token.last_used_at is not None and token.last_used_at > cutoff:
        return
    ApiToken.objects.filter(pk=token.pk).filter(Q(last_used_at__isnull=True) | Q(last_used_at__lte=cutoff)).update(
        last_used_at=now
    )
    token.last_used_at = now


class ApiTokenAuthentication(BaseAuthentication):
    keyword = KEYWORD

    def authenticate(self, request: Request) -> tuple[AnonymousUser, ApiToken] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None  # no token: the permission answers 401 not_authenticated
        if len(parts) != 2:
            raise AuthenticationFailed("Invalid token header: send `Token <token>` with no spaces in the token.")
        try:
            key = parts[1].decode()
        except UnicodeDecodeError as exc:
            raise AuthenticationFailed("Invalid token header: the token has invalid characters.") from exc
        token = reference().token(token_hash(key))  # kept per process until any token or hotel changes
        if token is None:
            raise AuthenticationFailed("Invalid token.")
        if token.revoked_at is not None:
            raise AuthenticationFailed("This token has been revoked.")
        if token.hotel_id is not None and not token.hotel.active:
            raise AuthenticationFailed("This token's hotel is no longer active.")
        _touch(token)
        return AnonymousUser(), token

    def authenticate_header(self, request: Request) -> str:
        """401 answers carry ``WWW-Authenticate: Token`` (and DRF answers 401, not 403, without a token)."""
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Documents ``Authorization: Token <token>`` in the OpenAPI schema."""

    target_class = "points.api.authentication.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        scheme = build_bearer_security_scheme_object(header_name="Authorization", token_prefix=KEYWORD)
        scheme["description"] = (
            "`Authorization: Token <token>`. A hotel token (`issue_api_token --hotel CODE`) acts for its hotel, "
            "an office token (`issue_api_token --office PROGRAM`) for its program."
        )
        return scheme
