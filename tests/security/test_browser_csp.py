"""Issue 14: the pages pass their Content-Security-Policy in a real browser (headless Chromium): My Account, the
office and the API docs (Swagger UI from the project, no CDN) run with no CSP violation in the console."""

from __future__ import annotations

import os

import pytest

from tests.portal.conftest import PASSWORD, portal_member

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_issue14_pages_pass_the_csp_in_a_browser(live_server, browser, admin_user):
    member = portal_member("one-harmony")
    page = browser.new_page()
    violations: list[str] = []
    page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
    # My Account
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Membership number, MYJ number or email").fill(member.number)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{live_server.url}/")
    for path in ("/", "/card/", "/profile/", "/claims/", "/rewards/awards/"):
        page.goto(f"{live_server.url}{path}")
    # The API docs render from the project's own files
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector("#swagger-ui .info", timeout=15_000)
    assert "Loyalty platform integration API" in page.content()
    # The office
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", admin_user.username)
    page.fill("input[name=password]", "password")
    page.click("#login-form button[type=submit]")  # django-unfold's login form
    page.wait_for_url(f"{live_server.url}/admin/")
    for path in ("/admin/members/member/", "/admin/points/adjustment/add/", "/admin/members/member/add/"):
        page.goto(f"{live_server.url}{path}")
    page.close()
    assert violations == []
