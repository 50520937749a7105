"""The root of every refusal of the platform, and the refusals that belong to no one app.

Every domain error descends from :class:`LoyaltyError`: ``members.exceptions``, ``points.exceptions`` and
``rewards.exceptions`` each hang their app's tree from it, and the API's one exception handler
(``loyalty.api.errors``) maps any of them to the contract's body ``{"code", "detail", "fields"}`` with its status
(API.md). Each ``code`` is defined once, on one class.
"""

from __future__ import annotations

from typing import Any

from django.utils.functional import lazy


def _interpolate(message: Any, params: dict[str, Any]) -> str:
    text = str(message)
    return text % params if params else text


_lazy_interpolate = lazy(_interpolate, str)
lower_text = lazy(lambda text: str(text).lower(), str)  # a choice's label inside a sentence: "already posted"


def refusal_text(message: Any, /, **params: Any) -> str:
    """A refusal's words in the language of whoever reads them: ``message`` is a ``gettext_lazy`` string with named
    placeholders (``"membership %(number)s is closed"``), filled with ``params`` only when the text is shown. The
    office shows it in the user's language; the API renders every refusal in English (``loyalty.api.errors``)."""
    return _lazy_interpolate(message, params)


class LoyaltyError(Exception):
    """Base of every refusal. ``code`` is the contract's error code, ``status`` the HTTP status it answers with,
    ``fields`` the fields at fault (``field="legacy.oci"`` names one; ``hotel=["..."]`` gives a field messages)."""

    code = "error"  # abstract: every refusal raised is of a subclass with its own code
    status = 400

    def __init__(self, detail: str = "", **fields: Any) -> None:
        super().__init__(detail or self.__doc__)
        self.detail = detail or (self.__doc__ or "").strip()
        self.fields = fields


class Invalid(LoyaltyError):
    """The request cannot be taken as asked."""

    code = "invalid"


class NotApplicable(LoyaltyError):
    """This is not a service of the member's program."""

    code = "not_applicable"


class Forbidden(LoyaltyError):
    """The caller may not do this."""

    code = "forbidden"
    status = 403


class ForbiddenField(Forbidden):
    """This token may not send this field."""

    code = "forbidden_field"


class ForbiddenHotel(Forbidden):
    """This token (or this staff user) may only act for its own hotel or its program's hotels."""

    code = "forbidden_hotel"


class ForbiddenProgram(Forbidden):
    """This token may only act for its own program."""

    code = "forbidden_program"


class TooLarge(LoyaltyError):
    """The body is larger than the API takes (API.md 1.1: Default 1 MiB)."""

    code = "too_large"
    status = 413


class InvalidIdempotencyKey(Invalid):
    """The Idempotency-Key header must be 1 to 255 visible characters (API.md 1.1)."""


class IdempotencyKeyReused(LoyaltyError):
    """This Idempotency-Key was already used by this token with another request (API.md 1.1)."""

    code = "idempotency_key_reused"
    status = 409
