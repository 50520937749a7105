"""Members endpoints (API.md "Members"): thin interfaces over ``member_enroll`` and the selectors.

They live in ``rewards``, the highest app they touch: a lookup reads the account summary, a cancellation forfeits
points and reports what was forfeited.

Scope (points.api.permissions): a token sees the members of its program only; any other card is not found (404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty import clock
from loyalty.api.errors import error_response
from loyalty.exceptions import ForbiddenField
from members.exceptions import MemberNotFound
from members.models import Card, Member, MembershipCategory, Program
from members.selectors import member_by_card
from points.api.idempotency import idempotent  # API.md 1.1 Idempotency-Key
from points.api.permissions import check_hotel_scope, check_member_scope, check_program_scope, is_office, token_program
from points.models import ApiToken, Hotel
from points.qualification import qualification
from points.selectors import account_summary
from points.services.enrolment import member_enroll
from points.services.membership import CANCEL_REASONS, member_cancel

from ..selectors import points_forfeited
from .member_serializers import (
    EnrolledMemberSerializer,
    EnrolmentSerializer,
    MemberAccountSerializer,
    QualificationSerializer,
)
from .serializers import MemberCancelledSerializer

MAX_CARD = Card._meta.get_field("number").max_length
CARD = OpenApiParameter(
    "card", OpenApiTypes.STR, OpenApiParameter.PATH, description="Any card number the member holds or held (M2, M8)."
)
NOT_AUTHENTICATED = error_response("`not_authenticated`: no token, an unknown or a revoked token.")
NOT_FOUND = error_response("`member_not_found`: no member of the token's program holds or held this card.")


def _member(token: ApiToken, card: str) -> Member:
    """The member of the token's program who holds or held ``card`` (M2, M8); 404 otherwise."""
    if len(card) > MAX_CARD or "\x00" in card:
        raise MemberNotFound("no member holds this card")
    member = member_by_card(number=card, program=token_program(token))
    check_member_scope(token, member)
    return member


def _enrolment_arguments(data: dict[str, Any], token: ApiToken) -> dict[str, Any]:
    """The validated body as ``member_enroll``'s arguments: codes and card numbers resolved within the token's scope
    (400 naming each unknown one, 403 for a program or hotel the token does not act for)."""
    program: Program = token_program(token)
    if data.get("program"):
        found = Program.objects.filter(code=data["program"]).first()
        if found is None:
            codes = ", ".join(Program.objects.order_by("code").values_list("code", flat=True))
            raise serializers.ValidationError({"program": [f"Unknown program {data['program']!r}: one of {codes}."]})
        check_program_scope(token, found)
        program = found

    errors: dict[str, list[str]] = {}
    hotel: Hotel | None = token.hotel  # a hotel token enrolls at its own hotel (None for an office token)
    if data.get("hotel"):
        hotel = Hotel.objects.select_related("program").filter(code=data["hotel"]).first()
        if hotel is None:
            errors["hotel"] = [f"Unknown hotel {data['hotel']!r}."]
    family_of: Member | None = None
    if data.get("family_of"):
        try:
            family_of = member_by_card(number=data["family_of"], program=program)
        except MemberNotFound:
            errors["family_of"] = [f"No {program.code} member holds card {data['family_of']!r}."]
    category: MembershipCategory | None = None
    if data.get("category"):
        category = MembershipCategory.objects.filter(program=program, code=data["category"]).first()
        if category is None:
            errors["category"] = [f"Unknown {program.code} membership category {data['category']!r}."]
    if errors:
        raise serializers.ValidationError(errors)
    if hotel is not None:
        check_hotel_scope(token, hotel)

    legacy = data.get("legacy") or {}
    office = is_office(token)
    return {
        "program": program,
        "family_name": data["family_name"],
        "given_name": data["given_name"],
        "email": data.get("email", ""),
        "phone": data.get("phone", ""),
        "enrolled_on": data.get("enrolled_on") or clock.today(),
        "channel": Member.Channel.OFFICE if office else Member.Channel.FRONT_DESK,
        "hotel": hotel,
        "oci": legacy.get("oci") or None,
        "myj": legacy.get("myj") or None,
        "family_of": family_of,
        "category": category,
        "email_required": not office,  # M3: only the office enrolls without an email address
    }


def _enrolled_body(member: Member) -> dict[str, Any]:
    return {
        "number": member.number,
        "program": member.program.code,
        "family_name": member.family_name,
        "given_name": member.given_name,
        "email": member.email,
        "enrolled_on": member.enrolled_on,
        "cards": [{"number": c.number, "kind": c.kind} for c in member.cards.order_by("id")],
    }


def _account_body(member: Member, on: dt.date) -> dict[str, Any]:
    """A4: status (ST1; New Otani members are always ``member``), balances (NE7, R1), pending and expiring (EX6)."""
    summary = account_summary(member=member, on=on)
    return {
        "number": member.number,
        "program": member.program.code,
        "status": summary.tier,
        "status_valid_until": summary.status_valid_until,
        "points": {"balance": summary.points.balance, "pending": summary.points.pending},
        "pending": [{"points": points, "posts_on": posts_on} for posts_on, points in summary.points.pending_by_date],
        "expiring": [{"expires_on": expires_on, "points": points} for expires_on, points in summary.points.expiring],
    }


class MembersView(APIView):
    @extend_schema(
        operation_id="members_enroll",
        summary="Enroll a member (M3)",
        request=EnrolmentSerializer,
        responses={
            201: EnrolledMemberSerializer,
            400: error_response(
                "`invalid` (a field's shape, an unknown program, hotel, category or family_of), "
                "`invalid_enrolment` (e.g. no email with a hotel token, M3)."
            ),
            401: NOT_AUTHENTICATED,
            403: error_response(
                "`forbidden_field` (`legacy` with a hotel token), `forbidden_program`, `forbidden_hotel`."
            ),
            409: error_response("`duplicate_card`: a legacy card number already belongs to a member (M1)."),
        },
        examples=[
            OpenApiExample(
                "One Harmony, former OCI member (office token)",
                request_only=True,
                value={
                    "program": "one-harmony",
                    "family_name": "Sato",
                    "given_name": "Hana",
                    "email": "hana@example.com",
                    "enrolled_on": "2025-01-10",
                    "hotel": "HOK",
                    "legacy": {"oci": "123456"},
                    "family_of": None,
                    "category": None,
                },
            )
        ],
        description="`email` may be left out only with an office token. `enrolled_on` defaults to today (New Otani: "
        "the admission date, M6). `legacy` (office tokens only): `oci` gives the One Harmony number `700` + the OCI "
        "number; `myj` records the MYJ number as a card of the member (M2). A hotel token enrolls into its hotel's "
        "program at its own hotel.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        token: ApiToken = request.auth
        if not is_office(token) and isinstance(request.data, dict) and request.data.get("legacy") not in (None, {}):
            raise ForbiddenField("legacy cards are recorded by the office only (M2)", legacy=["office tokens only"])
        serializer = EnrolmentSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        member = member_enroll(**_enrolment_arguments(serializer.validated_data, token))
        return Response(EnrolledMemberSerializer(_enrolled_body(member)).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(
        operation_id="members_account",
        summary="A member's status and points (A4)",
        parameters=[CARD],
        responses={200: MemberAccountSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    )
    def get(self, request: Request, card: str) -> Response:
        member = _member(request.auth, card)
        body = _account_body(member, clock.today())
        return Response(MemberAccountSerializer(body).data)

    @extend_schema(
        operation_id="members_cancel",
        summary="Cancel a membership and forfeit all its points (office, M9)",
        parameters=[
            CARD,
            OpenApiParameter(
                "reason",
                OpenApiTypes.STR,
                OpenApiParameter.QUERY,
                required=False,
                enum=list(CANCEL_REASONS),
                description="Why the membership ends (default `cancelled`): `withdrawn` by the member, `cancelled` "
                "by the office, `fraud` (forgery or fraud, NOC Art. 14 (2)).",
            ),
        ],
        request=None,
        responses={
            200: MemberCancelledSerializer,
            400: error_response("`invalid` (an unknown reason)."),
            401: NOT_AUTHENTICATED,
            403: error_response("`forbidden`: a hotel token (office tokens only)."),
            404: NOT_FOUND,
            409: error_response("`membership_closed`: the membership is already closed."),
        },
        description="Closes the membership today and forfeits all its points (posted and pending) at once in one "
        "ledger entry (M9); its cards are cancelled but still resolve to it. Answers 200 with the points "
        "forfeited. Nothing can be earned, redeemed or transferred afterwards.",
    )
    def delete(self, request: Request, card: str) -> Response:
        if not is_office(request.auth):
            raise PermissionDenied("Memberships are cancelled by the office only (M9).")
        member = _member(request.auth, card)
        reason = request.query_params.get("reason") or Member.ClosedReason.CANCELLED
        if reason not in CANCEL_REASONS:
            raise serializers.ValidationError({"reason": [f"One of {', '.join(CANCEL_REASONS)}."]})
        member = member_cancel(member=member, reason=reason, on=clock.today())
        body = {
            "number": member.number,
            "closed_on": member.closed_on,
            "points_forfeited": points_forfeited(member=member),
        }
        return Response(MemberCancelledSerializer(body).data)


class QualificationView(APIView):
    @extend_schema(
        operation_id="members_qualification",
        summary="Qualifying points, eligible nights and tier of a year (One Harmony, ST2, SH1)",
        parameters=[CARD, OpenApiParameter("year", OpenApiTypes.INT, OpenApiParameter.PATH)],
        responses={
            200: QualificationSerializer,
            400: error_response("`not_applicable` (a New Otani member), `invalid` (not a year)."),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
        },
    )
    def get(self, request: Request, card: str, year: str) -> Response:
        if not (year.isascii() and year.isdigit() and 1900 <= int(year) <= 9999):
            raise serializers.ValidationError({"year": [f"{year!r} is not a year (like 2025)."]})
        member = _member(request.auth, card)
        result = qualification(member=member, year=int(year))
        body = {"year": result.year, "points": result.points, "nights": result.nights, "tier": result.tier}
        return Response(QualificationSerializer(body).data)
