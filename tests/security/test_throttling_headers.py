"""Issue 14, attack 5: no throttling (password spraying across members, hammered sign-up and password reset), no
Content-Security-Policy, API docs from a CDN and open to anyone in production."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from loyalty.throttling import ApiTokenRateThrottle, parse_rate
from points.services.tokens import api_token_issue
from tests.portal.conftest import PASSWORD, portal_member

TIGHT = {
    "login_ip": "3/1m",
    "login_account": "2/1m",
    "signup_ip": "2/1h",
    "signup_account": "5/1h",
    "password_reset_ip": "2/1h",
    "password_reset_account": "5/1h",
}


def _login(client, username, password, ip="203.0.113.7"):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def test_issue14_rates_parse():
    assert parse_rate("30/10m") == (30, 600) and parse_rate("5/h") == (5, 3600) and parse_rate("1/2d") == (1, 172800)
    with pytest.raises(ValueError):
        parse_rate("often")


@override_settings(THROTTLE_RATES=TIGHT)
def test_issue14_a1_password_spraying_from_one_address_is_stopped(client, db):
    # Given four members and one address trying one password on each (axes counts per member: no lock there)
    members = [portal_member("one-harmony") for _ in range(4)]
    answers = [_login(client, m.number, "Spray2026").status_code for m in members[:3]]
    assert answers == [200, 200, 200]
    # When the address goes on, even the right password of a member is refused (429) and nobody is logged in
    response = _login(client, members[3].number, PASSWORD)
    assert response.status_code == 429 and "Too many attempts" in response.text
    assert "_auth_user_id" not in client.session
    # Another address is not affected
    assert _login(client, members[3].number, PASSWORD, ip="198.51.100.9").status_code == 302


@override_settings(THROTTLE_RATES=TIGHT)
def test_issue14_a1_one_account_from_many_addresses_is_stopped(client, db):
    member = portal_member("new-otani")
    # The number and the email are the same account
    assert _login(client, member.number, "Wrong2026", ip="192.0.2.1").status_code == 200
    assert _login(client, member.email, "Wrong2026", ip="192.0.2.2").status_code == 200
    assert _login(client, member.number, PASSWORD, ip="192.0.2.3").status_code == 429


@override_settings(THROTTLE_RATES=TIGHT)
def test_issue14_signup_and_password_reset_cannot_be_hammered(client, oh, db):
    member = portal_member("one-harmony")
    for _ in range(2):
        assert client.post(reverse("password_reset"), {"email": member.email}).status_code == 302
    assert client.post(reverse("password_reset"), {"email": member.email}).status_code == 429
    assert len(mail.outbox) == 2
    data = {
        "program": oh.pk,
        "family_name": "A",
        "given_name": "B",
        "password1": "Sakura2026",
        "password2": "Sakura2026",
    }
    for n in range(2):
        client.post(reverse("signup"), {**data, "email": f"new{n}@example.com"})
    assert client.post(reverse("signup"), {**data, "email": "new9@example.com"}).status_code == 429
    from members.models import Member

    assert not Member.objects.filter(email="new9@example.com").exists()


def test_issue14_api_is_throttled_per_token(db, oh, monkeypatch):
    monkeypatch.setattr(ApiTokenRateThrottle, "THROTTLE_RATES", {"api_token": "2/min"})
    _, first_key = api_token_issue(program=oh)
    _, other_key = api_token_issue(program=oh)
    client, other = APIClient(), APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {first_key}")
    other.credentials(HTTP_AUTHORIZATION=f"Token {other_key}")
    codes = [client.get("/api/v1/members/000000000/").status_code for _ in range(3)]
    assert codes[:2] == [404, 404] and codes[2] == 429
    assert client.get("/api/v1/members/000000000/").json()["code"] == "throttled"
    assert other.get("/api/v1/members/000000000/").status_code == 404  # per token


# --------------------------------------------------------------------------------------------------------- headers


def _no_inline(html: str) -> None:
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline script"
    assert "<style" not in html and " style=" not in html, "inline style"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_issue14_csp_on_member_pages_and_the_pages_pass_it(client, db):
    member = portal_member("one-harmony")
    for url in (reverse("login"), reverse("signup"), reverse("password_reset")):
        response = client.get(url)
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "'unsafe-inline'" not in policy
        _no_inline(response.text)
    client.force_login(member.user)
    for name in ("summary", "card", "profile", "claims", "awards", "certificates"):
        response = client.get(reverse(name))
        assert response.status_code == 200 and "Content-Security-Policy" in response
        _no_inline(response.text)


def _directive(policy: str, name: str) -> str:
    return next((part.strip() for part in policy.split(";") if part.strip().startswith(name + " ")), "")


def test_issue14_csp_on_the_office_pages(admin_client, db):
    """The office (django-unfold) runs Alpine.js, which evaluates its ``x-data`` expressions, and writes its theme
    colours inline: its policy adds ``'unsafe-eval'`` to scripts and inline styles, nothing else. Every script still
    comes from this site (no inline script, no inline event handler)."""
    for url in (
        reverse("admin:index"),
        reverse("admin:members_member_changelist"),
        reverse("admin:points_adjustment_add"),
    ):
        response = admin_client.get(url)
        assert response.status_code == 200
        policy = response["Content-Security-Policy"]
        assert _directive(policy, "default-src") == "default-src 'self'"
        assert _directive(policy, "script-src") == "script-src 'self' 'unsafe-eval'"
        assert _directive(policy, "style-src") == "style-src 'self' 'unsafe-inline'"
        assert "frame-ancestors 'none'" in policy
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", response.text), "inline script"
        assert not re.search(r"\son[a-z]+=", response.text), "inline event handler"


def test_issue14_api_docs_are_served_by_the_project(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    assert not re.search(r"(src|href)=\"https?://", page.text), "nothing from a CDN"
    _no_inline(page.text)
    assert "swagger-ui-bundle.js" in page.text
    script = re.search(r'<script src="([^"]+\?[^"]*script[^"]*)"', page.text).group(1).replace("&amp;", "&")
    init = client.get(script)
    assert init.status_code == 200 and "SwaggerUIBundle" in init.content.decode()


def test_issue14_production_api_docs_and_schema_only_for_staff_or_token_holders(client, admin_user, oh, settings):
    settings.SPECTACULAR_SETTINGS = {
        **settings.SPECTACULAR_SETTINGS,
        "SERVE_PERMISSIONS": ["loyalty.apidocs_access.StaffOrApiToken"],
    }
    # An anonymous visitor and a member get nothing
    assert client.get("/api/schema/").status_code in (401, 403)
    assert client.get("/api/docs/").status_code in (401, 403)
    member = portal_member("one-harmony")
    client.force_login(member.user)
    assert client.get("/api/schema/").status_code in (401, 403)
    # A token holder and staff do
    _, key = api_token_issue(program=oh)
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=f"Token {key}").status_code == 200
    client.force_login(admin_user)
    assert client.get("/api/docs/").status_code == 200
    assert client.get("/api/schema/").status_code == 200


def test_issue14_production_settings_close_the_docs(monkeypatch):
    import importlib

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "loyalty.example.com")
    monkeypatch.delenv("API_DOCS_PUBLIC", raising=False)
    production = importlib.import_module("loyalty.settings.production")
    production = importlib.reload(production)
    assert production.SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"] == ["loyalty.apidocs_access.StaffOrApiToken"]
    assert production.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
