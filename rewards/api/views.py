"""Redemption and transfer endpoints (API.md "Redemption and transfers"): thin interfaces over the rewards services.

Scope (points.api.permissions): a member is looked up by any card within the token's program (a hotel token: its
hotel's program); any other card is not found (404). A hotel token may request certificates for any eligible hotel
of its program (the member's next stay need not be at the token's hotel, NR2); transfers are for office tokens.
"""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty import clock
from loyalty.api.errors import error_response
from members.exceptions import MemberNotFound
from members.models import Card, Member
from members.selectors import member_by_card
from points.api.idempotency import idempotent  # API.md 1.1 Idempotency-Key
from points.api.permissions import IsOfficeToken, check_member_scope, is_office, token_program
from points.models import ApiToken, Hotel
from points.selectors import points_summary

from ..exceptions import AwardNotAvailable
from ..models import AwardRedemption, CertificateRequest
from ..selectors import award_by_code, certificates_of_request
from ..services.awards import award_redeem
from ..services.certificates import certificates_request
from ..services.transfers import points_transfer_family
from .serializers import (
    AwardRedemptionResultSerializer,
    AwardRedemptionSerializer,
    CertificateRequestSerializer,
    CertificatesResultSerializer,
    TransferResultSerializer,
    TransferSerializer,
)

MAX_CARD = Card._meta.get_field("number").max_length
NOT_AUTHENTICATED = error_response("`not_authenticated`: no token, an unknown or a revoked token.")
NOT_FOUND = error_response("`member_not_found`: no member of the token's program holds or held this card.")
CLOSED = "`membership_closed` (M9)"
ENDED = "`service_ended` (PT2: the program, the hotel or the service ended)"


def member_in_scope(token: ApiToken, card: str, *, field: str | None = None) -> Member:
    """The member of the token's program who holds or held ``card`` (M2, M8); 404, or a 400 naming ``field``."""
    try:
        if len(card) > MAX_CARD or "\x00" in card:
            raise MemberNotFound("no member holds this card")
        member = member_by_card(number=card, program=token_program(token))
        check_member_scope(token, member)
    except MemberNotFound:
        if field is None:
            raise
        raise serializers.ValidationError({field: [f"No member of this program holds card {card!r}."]}) from None
    return member


class CertificatesView(APIView):
    @extend_schema(
        operation_id="rewards_certificates_request",
        summary="Request Reward Certificates (New Otani, NR1-NR3)",
        request=CertificateRequestSerializer,
        responses={
            201: CertificatesResultSerializer,
            400: error_response(
                "`too_close_to_arrival` (NR2: at least 10 days before arrival), `hotel_not_eligible` (NR2: a New "
                "Otani Group Hotel in Japan), `not_applicable` (not a New Otani member), `invalid` (a field's shape, "
                "an unknown hotel code)."
            ),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
            409: error_response(
                f"`insufficient_points` (posted, valid points do not cover k x 5,000), {CLOSED}, {ENDED}."
            ),
        },
        examples=[
            OpenApiExample(
                "Two certificates", request_only=True, value={"count": 2, "hotel": "NOT", "arrival_on": "2026-12-24"}
            )
        ],
        description="Redeems `count` x 5,000 posted points (soonest-expiring first, EX4) for `count` Reward "
        "Certificates worth JPY 5,000 each, handed over at `hotel` during the stay arriving on `arrival_on` (NR2). "
        "Irrevocable once accepted (NR1). A hotel token may request for any eligible hotel of its program.",
    )
    @idempotent
    def post(self, request: Request, card: str) -> Response:
        token: ApiToken = request.auth
        member = member_in_scope(token, card)
        serializer = CertificateRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        hotel = Hotel.objects.filter(code=data["hotel"]).first()
        if hotel is None:
            raise serializers.ValidationError({"hotel": [f"Unknown hotel {data['hotel']!r}."]})
        today = clock.today()
        result = certificates_request(
            member=member,
            count=data["count"],
            hotel=hotel,
            arrival_on=data["arrival_on"],
            channel=CertificateRequest.Channel.API,
            today=today,
        )
        body = {
            "certificates": [
                {"number": c.number, "value": c.value, "valid_until": c.valid_until}
                for c in certificates_of_request(request=result)
            ],
            "points_redeemed": result.points,
            "balance": points_summary(member=member, on=today).balance,
        }
        return Response(CertificatesResultSerializer(body).data, status=status.HTTP_201_CREATED)


class RedemptionsView(APIView):
    @extend_schema(
        operation_id="rewards_award_redeem",
        summary="Redeem a One Harmony award (OR1)",
        request=AwardRedemptionSerializer,
        responses={
            201: AwardRedemptionResultSerializer,
            400: error_response(
                "`award_not_available` (unknown, inactive or another hotel's award), `wrong_channel` (OR1: Stay, "
                "Upgrade and Breakfast awards with a hotel token, Gift awards with an office token), "
                "`not_applicable` (not a One Harmony member), `invalid`."
            ),
            401: NOT_AUTHENTICATED,
            404: NOT_FOUND,
            409: error_response(f"`insufficient_points`, {CLOSED}, {ENDED}."),
        },
        examples=[OpenApiExample("Breakfast", request_only=True, value={"award": "BREAKFAST-HOK"})],
        description="A hotel token redeems through the hotel (channel `api`): Stay, Upgrade and Breakfast awards, "
        "an award of one hotel at that hotel only. An office token redeems through the office: Gift awards (OR1).",
    )
    @idempotent
    def post(self, request: Request, card: str) -> Response:
        token: ApiToken = request.auth
        member = member_in_scope(token, card)
        serializer = AwardRedemptionSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        code = serializer.validated_data["award"]
        award = award_by_code(code=code, program=token_program(token))
        if award is None:
            raise AwardNotAvailable(f"no award {code} in the catalog (OR1)", award=["unknown award code"])
        today = clock.today()
        office = is_office(token)
        redemption = award_redeem(
            member=member,
            award=award,
            channel=AwardRedemption.Channel.OFFICE if office else AwardRedemption.Channel.API,
            at_hotel=None if office else token.hotel,
            today=today,
        )
        body = {
            "award": award.code,
            "points_redeemed": redemption.points,
            "balance": points_summary(member=member, on=today).balance,
        }
        return Response(AwardRedemptionResultSerializer(body).data, status=status.HTTP_201_CREATED)


class TransfersView(APIView):
    permission_classes = [IsOfficeToken]

    @extend_schema(
        operation_id="rewards_transfer",
        summary="Transfer all points to a family member (office, T1-T5)",
        request=TransferSerializer,
        responses={
            201: TransferResultSerializer,
            400: error_response(
                "`not_family` (T1, T5), `consent_missing` (T2), `category_excluded` (T4, M10), "
                "`nothing_to_transfer` (T3), `not_applicable` (the program does not offer family transfers: a "
                "program setting, Default New Otani on, One Harmony off), `invalid` (a field's shape, an unknown card)."
            ),
            401: NOT_AUTHENTICATED,
            403: error_response("`forbidden`: a hotel token."),
            409: error_response(f"{CLOSED}, {ENDED}."),
        },
        examples=[
            OpenApiExample(
                "Both consents",
                request_only=True,
                value={"from": "1000000017", "to": "1000000025", "consents": ["from", "to"]},
            )
        ],
        description="Moves ALL of the giver's valid posted points at once, each keeping its expiry date (T3), "
        "once both members consented (T2).",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        token: ApiToken = request.auth
        serializer = TransferSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        giver = member_in_scope(token, data["from"], field="from")
        receiver = member_in_scope(token, data["to"], field="to")
        transfer = points_transfer_family(
            giver=giver, receiver=receiver, consents=set(data["consents"]), today=clock.today()
        )
        return Response(
            TransferResultSerializer({"points_moved": transfer.points}).data, status=status.HTTP_201_CREATED
        )
