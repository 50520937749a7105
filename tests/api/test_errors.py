"""API.md: every refusal is a 4xx JSON body with ``code``, ``detail`` and the ``fields`` at fault, stores nothing,
and is never a 500 HTML page. This module is also a URLconf (the Django-level handlers, views that fail)."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.db import DataError
from django.http import Http404
from django.test import RequestFactory, override_settings
from django.urls import include, path
from rest_framework import serializers
from rest_framework.exceptions import Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from loyalty.api.errors import api_not_found, api_server_error, flatten_errors
from members.exceptions import EnrolmentError
from members.models import Member
from points.exceptions import InsufficientPoints

from .test_members_api import assert_refused


class Boom(APIView):
    def get(self, request):
        raise RuntimeError("a bug")


class Raises(APIView):
    def get(self, request, what: str):
        raise {
            "http404": Http404("no such thing"),
            "django403": DjangoPermissionDenied(),
            "throttled": Throttled(wait=30),
            "insufficient": InsufficientPoints("only 100 points", points=["more than the balance"]),
            "enrolment": EnrolmentError("an email address is required", field="email"),
            "dataerror": DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes"),
        }[what]


class Nested(serializers.Serializer):
    amount = serializers.IntegerField(min_value=0)


class Shapes(serializers.Serializer):
    name = serializers.CharField()
    items = Nested(many=True)
    inner = Nested()


class Validates(APIView):
    def post(self, request):
        serializer = Shapes(data=request.data)
        serializer.is_valid(raise_exception=True)
        return Response(serializer.validated_data)


urlpatterns = [
    path("api/v1/", include([path("", include("points.api.urls")), path("", include("rewards.api.urls"))])),
    path("api/v1/test/boom/", Boom.as_view()),
    path("api/v1/test/raises/<str:what>/", Raises.as_view()),
    path("api/v1/test/validates/", Validates.as_view()),
]
handler404 = "loyalty.api.errors.api_not_found"
handler500 = "loyalty.api.errors.api_server_error"

here = override_settings(ROOT_URLCONF=__name__)


def test_malformed_json_is_400_and_stores_nothing(oh_office):
    response = oh_office.post(
        "/api/v1/members/", data='{"family_name": "Sato", "given_name":', content_type="application/json"
    )
    assert_refused(response, 400, "malformed_json")
    assert not Member.objects.exists()


def test_a_body_that_is_not_an_object_is_400(oh_office):
    response = oh_office.post("/api/v1/members/", data="[1, 2]", content_type="application/json")
    data = assert_refused(response, 400, "invalid")
    assert data["fields"] == {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


def test_a_form_body_is_415(oh_office):
    response = oh_office.post("/api/v1/members/", data={"family_name": "Sato"})
    assert_refused(response, 415, "unsupported_media_type")


def test_method_not_allowed_is_405_json(oh_office):
    assert_refused(oh_office.delete("/api/v1/members/"), 405, "method_not_allowed")


@here
def test_nested_validation_errors_are_named_by_path(oh_office):
    response = oh_office.post(
        "/api/v1/test/validates/", {"items": [{"amount": 1}, {"amount": -1}], "inner": {}}, format="json"
    )
    data = assert_refused(response, 400, "invalid", "name", "items[1].amount", "inner.amount")
    assert set(data["fields"]) == {"name", "items[1].amount", "inner.amount"}
    assert data["fields"]["name"] == ["This field is required."]


@here
@pytest.mark.parametrize(
    ("what", "status", "code", "fields"),
    [
        ("http404", 404, "not_found", {}),
        ("django403", 403, "forbidden", {}),
        ("throttled", 429, "throttled", {}),
        ("insufficient", 409, "insufficient_points", {"points": ["more than the balance"]}),
        ("enrolment", 400, "invalid_enrolment", {"email": ["An email address is required."]}),
    ],
)
def test_exceptions_map_to_codes(oh_office, what, status, code, fields):
    response = oh_office.get(f"/api/v1/test/raises/{what}/")
    data = assert_refused(response, status, code, *fields)
    assert data["fields"] == fields
    if what == "throttled":
        assert response["Retry-After"] == "30"


@here
def test_an_unexpected_error_is_logged_and_answered_500_json(oh_office, caplog):
    with caplog.at_level(logging.ERROR, logger="loyalty.api.errors"):
        response = oh_office.get("/api/v1/test/boom/")
    assert_refused(response, 500, "server_error")
    assert "a bug" not in response.json()["detail"]  # nothing internal leaks
    assert any(record.exc_info and "a bug" in str(record.exc_info[1]) for record in caplog.records)


def test_nul_characters_and_overlong_cards_are_not_found_not_500(oh_office):
    for card in ("%00", "12%0034", "9" * 500):
        assert_refused(oh_office.get(f"/api/v1/members/{card}/"), 404, "member_not_found")
        assert_refused(oh_office.get(f"/api/v1/members/{card}/qualification/2025/"), 404, "member_not_found")
    response = oh_office.post(
        "/api/v1/members/", {"family_name": "Sa\x00to", "given_name": "Hana", "hotel": "\x00"}, format="json"
    )
    assert_refused(response, 400, "invalid", "family_name", "hotel")


@here
def test_a_data_error_is_400_not_500(oh_office):
    response = oh_office.get("/api/v1/test/raises/dataerror/")
    assert_refused(response, 400, "invalid")


@here
def test_an_unknown_api_url_is_404_json(oh_office):
    response = oh_office.get("/api/v1/nothing-here/")
    assert_refused(response, 404, "not_found")


def test_django_level_handlers_answer_json_under_api_only(db):
    factory = RequestFactory()
    response = api_not_found(factory.get("/api/v1/nope/"), Http404())
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
    assert json.loads(response.content)["code"] == "not_found"
    response = api_server_error(factory.get("/api/v1/members/"))
    assert response.status_code == 500 and json.loads(response.content)["code"] == "server_error"
    page = api_not_found(factory.get("/account/"), Http404())
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert api_server_error(factory.get("/account/"))["Content-Type"].startswith("text/html")


def test_flatten_errors():
    detail = {
        "non_field_errors": ["whole body"],
        "payments": [{}, {"amount": ["too big"]}],
        "legacy": {"oci": ["6 digits"], "non_field_errors": ["bad legacy"]},
        "tags": ["not a list"],
        "phones": {0: ["not a phone"]},
    }
    assert flatten_errors(detail) == {
        "non_field_errors": ["whole body"],
        "payments[1].amount": ["too big"],
        "legacy.oci": ["6 digits"],
        "legacy": ["bad legacy"],
        "tags": ["not a list"],
        "phones[0]": ["not a phone"],
    }
