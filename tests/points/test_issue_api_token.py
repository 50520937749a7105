"""API.md "Set-up commands": ``issue_api_token --hotel CODE`` / ``--office PROGRAM`` prints the token alone on its
last line; only its SHA-256 and prefix are stored; a revoked token is refused."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from points.models import ApiToken
from points.services.tokens import api_token_issue, api_token_revoke
from tests.factories import HotelFactory


def issue(*args: str) -> tuple[str, str]:
    out = io.StringIO()
    call_command("issue_api_token", *args, stdout=out)
    text = out.getvalue()
    return text, text.rstrip("\n").splitlines()[-1]


def client(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


def test_hotel_token_is_printed_alone_on_the_last_line_and_only_its_hash_is_stored(noc):
    hotel = HotelFactory(code="NOT")
    text, key = issue("--hotel", "NOT")
    token = ApiToken.objects.get()
    assert key.strip() == key and " " not in key and len(key) >= 40
    assert (token.hotel, token.program) == (hotel, None)
    assert token.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert token.prefix == key[:8]
    assert key not in {token.name, token.prefix, token.key_hash}
    assert token.name == "NOT PMS/POS"
    assert text.count(key) == 1
    # And the token works: an authenticated lookup of an unknown card is 404, not 401
    assert client(key).get("/api/v1/members/0000000000/").status_code == 404


def test_office_token_with_a_name(oh):
    _, key = issue("--office", "one-harmony", "--name", "Office tools")
    token = ApiToken.objects.get()
    assert (token.program, token.hotel, token.name) == (oh, None, "Office tools")
    assert client(key).get("/api/v1/members/000000000/").status_code == 404


def test_each_token_is_new(oh):
    keys = {issue("--office", "one-harmony")[1] for _ in range(3)}
    assert len(keys) == 3 and ApiToken.objects.count() == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--hotel", "NOPE"), "unknown hotel"),
        (("--office", "platinum"), "unknown program"),
        ((), "one of the arguments --hotel --office is required"),
        (("--hotel", "NOT", "--office", "new-otani"), "not allowed with argument"),
    ],
)
def test_bad_arguments(noc, args, message):
    HotelFactory(code="NOT")
    with pytest.raises(CommandError, match=message):
        issue(*args)
    assert not ApiToken.objects.exists()


def test_a_revoked_token_is_refused_and_revoking_again_changes_nothing(noc):
    token, key = api_token_issue(program=noc)
    assert client(key).get("/api/v1/members/0000000000/").status_code == 404
    revoked = api_token_revoke(token=token)
    assert revoked.revoked_at is not None
    assert client(key).get("/api/v1/members/0000000000/").status_code == 401
    assert api_token_revoke(token=token).revoked_at == revoked.revoked_at


def test_a_token_is_for_one_hotel_or_one_office(noc):
    hotel = HotelFactory(code="NOT")
    with pytest.raises(ValueError):
        api_token_issue(hotel=hotel, program=noc)
    with pytest.raises(ValueError):
        api_token_issue()
