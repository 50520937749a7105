"""Who may do what with a token (API.md "Set-up commands").

A hotel token (``issue_api_token --hotel CODE``) acts for its hotel: it enrolls and looks up members of its
hotel's program and reports bills of its own hotel only. An office token (``issue_api_token --office PROGRAM``)
acts for every member and hotel of its program. A member of another program is not found (404), as if it did not
exist; a hotel out of scope is refused (403 ``forbidden_hotel``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from loyalty.exceptions import ForbiddenHotel, ForbiddenProgram
from members.exceptions import MemberNotFound
from members.models import Member, Program

from ..models import ApiToken, Hotel

if TYPE_CHECKING:  # rest_framework.views imports this module while it builds APIView's defaults
    from rest_framework.request import Request
    from rest_framework.views import APIView


def is_office(token: ApiToken) -> bool:
    return token.program_id is not None


def token_program(token: ApiToken) -> Program:
    """The program a token acts for: an office token's own, a hotel token's hotel's."""
    return token.program if token.program_id is not None else token.hotel.program


def check_program_scope(token: ApiToken, program: Program) -> None:
    """403 ``forbidden_program`` unless the token acts for ``program``."""
    if program.pk != token_program(token).pk:
        raise ForbiddenProgram(f"this token acts for {token_program(token).code} only", program=[f"not {program.code}"])


def check_member_scope(token: ApiToken, member: Member) -> None:
    """A member of another program is not found (404), exactly as a card nobody holds."""
    if member.program_id != token_program(token).pk:
        raise MemberNotFound(f"no member holds card {member.number}")


def check_hotel_scope(token: ApiToken, hotel: Hotel) -> None:
    """A hotel token acts for its own hotel only; an office token for its program's hotels (403 ``forbidden_hotel``)."""
    if token.hotel_id is not None and hotel.pk != token.hotel_id:
        raise ForbiddenHotel(f"this token acts for hotel {token.hotel.code} only", hotel=[f"not {hotel.code}"])
    if token.program_id is not None and hotel.program_id != token.program_id:
        raise ForbiddenHotel(
            f"hotel {hotel.code} is not a {token.program.name} hotel", hotel=[f"not a {token.program.code} hotel"]
        )


class HasApiToken(BasePermission):
    """Every endpoint: a valid, unrevoked token (401 ``not_authenticated`` without one)."""

    message = "An API token is required."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return isinstance(request.auth, ApiToken)


class IsOfficeToken(HasApiToken):
    """Office endpoints: a program office's token (403 ``forbidden`` with a hotel token)."""

    message = "This endpoint is for office tokens."

    def has_permission(self, request: Request, view: APIView) -> bool:
        return super().has_permission(request, view) and is_office(request.auth)
