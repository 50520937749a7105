"""API.md "Authentication": ``Authorization: Token <token>``; hotel and office token scopes; the served schema."""

from __future__ import annotations

import datetime as dt

import pytest
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from loyalty.exceptions import ForbiddenHotel
from members.exceptions import MemberNotFound
from points.api.authentication import ApiTokenAuthentication
from points.api.permissions import (
    HasApiToken,
    IsOfficeToken,
    check_hotel_scope,
    check_member_scope,
    token_program,
)
from points.services.tokens import api_token_issue, api_token_revoke, token_hash
from tests.factories import make_member

from .conftest import client_with

URL = "/api/v1/members/000000000/"  # any authenticated GET: 404 with a token, 401 without


def assert_401(response) -> None:
    assert response.status_code == 401, response.content
    assert response["WWW-Authenticate"] == "Token"
    data = response.json()
    assert data["code"] == "not_authenticated"
    assert data["detail"] and data["fields"] == {}


def test_missing_token_is_401(db, anonymous):
    assert_401(anonymous.get(URL))


@pytest.mark.parametrize(
    "header",
    ["Token", "Token a b", "Token not-a-token", "Bearer abc", "Basic dXNlcjpwYXNz", "token"],
)
def test_bad_or_unknown_token_is_401(db, header):
    client = client_with(None)
    client.credentials(HTTP_AUTHORIZATION=header)
    assert_401(client.get(URL))


def test_revoked_token_is_401(hotel_hok):
    token, key = api_token_issue(hotel=hotel_hok)
    client = client_with(key)
    assert client.get(URL).status_code == 404  # authenticated: the member is simply not found
    api_token_revoke(token=token)
    assert_401(client.get(URL))


def test_token_of_an_inactive_hotel_is_401(hotel_hok):
    _, key = api_token_issue(hotel=hotel_hok)
    hotel_hok.active = False
    hotel_hok.save()
    assert_401(client_with(key).get(URL))


def test_keyword_is_case_insensitive(hotel_hok):
    _, key = api_token_issue(hotel=hotel_hok)
    client = client_with(None)
    client.credentials(HTTP_AUTHORIZATION=f"token {key}")
    assert client.get(URL).status_code == 404


def test_request_auth_is_the_token_and_user_is_anonymous(hotel_hok):
    token, key = api_token_issue(hotel=hotel_hok)
    request = Request(APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}"))
    user, auth = ApiTokenAuthentication().authenticate(request)
    assert auth == token
    assert not user.is_authenticated


def test_last_used_at_is_written_at_most_once_a_minute(hotel_hok, monkeypatch):
    from points.api import authentication

    token, key = api_token_issue(hotel=hotel_hok)
    client = client_with(key)
    assert token.last_used_at is None
    # When the token is used, its use is recorded
    client.get(URL)
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None
    # A use within the minute writes nothing
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at == first
    # A use more than a minute later writes again
    later = first + dt.timedelta(minutes=2)
    monkeypatch.setattr(authentication.timezone, "now", lambda: later)
    client.get(URL)
    token.refresh_from_db()
    assert token.last_used_at == later
    # And no history row is kept for it
    assert token.history.count() == 1


def test_only_the_hash_and_prefix_are_stored(oh):
    token, key = api_token_issue(program=oh)
    assert token.key_hash == token_hash(key) != key
    assert token.prefix == key[:8] and len(token.prefix) == 8
    assert len(key) >= 40


# --- Permissions and scope helpers -----------------------------------------------------------------------------


class OfficeOnly(APIView):
    permission_classes = [IsOfficeToken]

    def get(self, request):
        return Response({"ok": True})


def test_is_office_token(hotel_hok, oh):
    _, hotel_key = api_token_issue(hotel=hotel_hok)
    _, office_key = api_token_issue(program=oh)
    factory = APIRequestFactory()
    view = OfficeOnly.as_view()
    refused = view(factory.get("/api/x/", HTTP_AUTHORIZATION=f"Token {hotel_key}"))
    assert refused.status_code == 403
    assert refused.data["code"] == "forbidden"
    assert view(factory.get("/api/x/", HTTP_AUTHORIZATION=f"Token {office_key}")).status_code == 200
    assert view(factory.get("/api/x/")).status_code == 401


def test_has_api_token_is_the_default_permission():
    assert APIView.permission_classes == [HasApiToken]
    assert APIView.authentication_classes == [ApiTokenAuthentication]


def test_token_program(hotel_hok, oh, noc):
    hotel_token, _ = api_token_issue(hotel=hotel_hok)
    office_token, _ = api_token_issue(program=noc)
    assert token_program(hotel_token) == oh
    assert token_program(office_token) == noc


def test_check_member_scope_is_not_found_out_of_program(hotel_hok, noc):
    hotel_token, _ = api_token_issue(hotel=hotel_hok)
    office_token, _ = api_token_issue(program=noc)
    oh_member = make_member("one-harmony")
    check_member_scope(hotel_token, oh_member)
    with pytest.raises(MemberNotFound):
        check_member_scope(office_token, oh_member)


def test_check_hotel_scope(hotel_hok, hotel_nikko, hotel_not, oh):
    hotel_token, _ = api_token_issue(hotel=hotel_hok)
    office_token, _ = api_token_issue(program=oh)
    check_hotel_scope(hotel_token, hotel_hok)
    check_hotel_scope(office_token, hotel_nikko)
    with pytest.raises(ForbiddenHotel) as refused:
        check_hotel_scope(hotel_token, hotel_nikko)
    assert (refused.value.code, refused.value.status) == ("forbidden_hotel", 403)
    with pytest.raises(ForbiddenHotel):
        check_hotel_scope(office_token, hotel_not)


# --- The served schema ---------------------------------------------------------------------------------------


def test_schema_and_docs_need_no_token(db, anonymous):
    schema = anonymous.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200, schema.content[:500]
    document = schema.json()
    assert document["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": document["components"]["securitySchemes"]["tokenAuth"]["description"],
    }
    paths = document["paths"]
    assert {"/api/v1/members/", "/api/v1/members/{card}/", "/api/v1/members/{card}/qualification/{year}/"} <= set(paths)
    enrol = paths["/api/v1/members/"]["post"]
    assert enrol["security"] == [{"tokenAuth": []}]
    assert set(enrol["responses"]) >= {"201", "400", "401", "403"}
    assert enrol["responses"]["400"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/Error"}
    assert set(document["components"]["schemas"]["Error"]["properties"]) == {"code", "detail", "fields"}
    account = document["components"]["schemas"]["MemberAccount"]["properties"]
    assert set(account) == {"number", "program", "status", "status_valid_until", "points", "pending", "expiring"}
    docs = anonymous.get("/api/docs/")
    assert docs.status_code == 200
    assert b"swagger" in docs.content.lower()
