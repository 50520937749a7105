"""My Account's public pages: "Never a 500"."""

from __future__ import annotations

import pytest
from django.urls import reverse

from .conftest import login_as

pytestmark = pytest.mark.django_db


# F12: the sign-up page with a NUL in ?program= (a link anyone can send) -> Program.objects.filter(code='\x00') ->
# PostgreSQL DataError -> 500, for every visitor.
@pytest.mark.parametrize("who", ["anonymous", "700123456"])
def test_signup_with_nul_program_is_not_a_500(people, who):
    client = login_as(who)
    client.raise_request_exception = False
    assert client.get("/signup/?program=%00").status_code < 500


# F13: the login form with a NUL in the login name: ThrottleMixin counts the account before the form validates
# (throttle_account -> axes_username looks the member up by the raw name) -> PostgreSQL DataError -> 500. Anonymous,
# unauthenticated, one request.
def test_login_with_nul_username_is_not_a_500(people):
    client = login_as("anonymous")
    client.raise_request_exception = False
    response = client.post(reverse("login"), {"username": "700\x00123456", "password": "x"})
    # Refused before any throttle or lookup reads it, naming what is wrong
    assert response.status_code == 400 and "NUL" in response.content.decode()
