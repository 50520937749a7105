"""Bills endpoints (API.md "Bills"): thin interfaces over points.services.bills."""

from __future__ import annotations

import threading

from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty import clock

from ..models import Bill
from ..selectors import points_summary
from ..services.bills import bill_record, bill_refund
from .idempotency import idempotent  # API.md 1.1 Idempotency-Key
from .serializers import BillResultSerializer, BillSerializer, RefundResultSerializer, RefundSerializer

_local = threading.local()


def _bill_validator() -> BillSerializer:
    """One bill serializer per thread, built once: DRF deep-copies a nested serializer's fields on construction,
    which costs more than validating a bill. Validation itself keeps no state on the serializer."""
    validator = getattr(_local, "validator", None)
    if validator is None:
        validator = _local.validator = BillSerializer()
    return validator


ERROR = OpenApiResponse(description='`{"code": "...", "detail": "...", "fields": {...}}`: nothing was stored.')


class BillsView(APIView):
    @extend_schema(
        operation_id="bills_report",
        summary="Report a settled billing",
        request=BillSerializer,
        responses={201: BillResultSerializer, 200: BillResultSerializer, 400: ERROR, 403: ERROR, 409: ERROR},
        description="First receipt answers 201; the same billing again answers 200 with the same body and awards "
        "nothing more; the same number with other content answers 409.",
    )
    @idempotent
    def post(self, request: Request) -> Response:
        payload = _bill_validator().run_validation(request.data)  # a ValidationError answers 400
        token = request.auth
        outcome = bill_record(
            payload=payload,
            source=Bill.Source.API,
            scope_hotel=token.hotel,
            scope_program=token.program,
        )
        return Response(outcome.body, status=status.HTTP_201_CREATED if outcome.created else status.HTTP_200_OK)


class BillRefundView(APIView):
    @extend_schema(
        operation_id="bills_refund",
        summary="Refund a billing, in part or whole (R1)",
        request=RefundSerializer,
        responses={200: RefundResultSerializer, 400: ERROR, 404: ERROR, 409: ERROR},
        description='`{"amount": 5000}` refunds part of the bill, `{}` the whole of what is left, `{"charges": [...], '
        '"checks": [...]}` the lines named (API.md 1.1: a line that matches nothing is `unknown_line`, one refunded '
        "before `already_refunded`). The points of the refunded part are retracted, recalculated per unit; the "
        "balance may go negative (R1, EX5). The body must be a JSON object with no other field (`null`, a list, a "
        "number or an unknown field answers 400). Another hotel's bill is not found (404), as one that does not "
        "exist.",
    )
    @idempotent
    def post(self, request: Request, hotel: str, number: str) -> Response:
        token = request.auth
        bill = Bill.objects.select_related("hotel__program", "member").filter(hotel__code=hotel, number=number).first()
        # Another hotel's bill is not found, exactly as a bill that does not exist: a hotel token must not learn
        # which numbers another hotel has used (issue 13 item 8).
        out_of_scope = bill is not None and (
            (token.program_id and bill.hotel.program_id != token.program_id)
            or (token.hotel_id and bill.hotel_id != token.hotel_id)
        )
        if bill is None or out_of_scope:
            raise NotFound(f"no bill {number} of hotel {hotel}")
        data = request.data
        if isinstance(data, QueryDict) and not data:
            data = {}  # no body at all: the whole bill, as {}
        serializer = RefundSerializer(data=data)  # null, [], 0, "" or an unknown field: 400 (API.md 1.1)
        serializer.is_valid(raise_exception=True)
        today = clock.today()
        data = serializer.validated_data
        refund = bill_refund(
            bill=bill, amount=data.get("amount"), charges=data.get("charges"), checks=data.get("checks"), on=today
        )
        balance = points_summary(member=bill.member, on=today).balance
        return Response({"points_retracted": refund.points_retracted, "balance": balance})
