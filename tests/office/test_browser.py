"""The office in a real browser (headless Chromium through Playwright, as the portal's browser test): a clerk, a
supervisor and a front desk, in English and Japanese, at 1280 and 1024 px, on the demo data (``seed_demo``).

On every page: nothing overflows the viewport horizontally, no list's columns are cut, no element is drawn over
another (from the bounding boxes), axe-core finds no serious or critical violation, and a screenshot is saved under
``artifacts/``. The member pickers (select2) open inside the viewport. And a new clerk finds a member by the card
number, files an adjustment and sees it wait for approval. Fails, never skips, when Chromium or axe-core is
missing."""

from __future__ import annotations

import datetime as dt
import importlib
import os

import pytest
from django.conf import settings
from django.core.management import call_command

from members.models import Member, User
from points.models import Adjustment, Bill, Claim, Hotel, JobRun
from points.services.adjustments import adjustment_request
from rewards.models import Certificate

from .browser_checks import AXE, PICKER_JS, page_problems

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop

PASSWORD = "Office2026!"  # seed_demo's staff password
WIDTHS = (1280, 1024)
LANGUAGES = ("en", "ja")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _axe():
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: npm ci --prefix tests/axe")


_groups = importlib.import_module("members.migrations.0004_staff_groups")
_permissions = importlib.import_module("members.migrations.0007_office_permissions")


@pytest.fixture
def demo(db):
    # A transactional test starts from a flushed database: the staff groups of the data migrations come back first
    # (idempotent), as conftest does for the programs.
    from django.db import connection
    from django.db.migrations.loader import MigrationLoader

    apps = MigrationLoader(connection).project_state(("members", "0007_office_permissions")).apps
    with connection.schema_editor() as editor:
        _groups.create_groups(apps, editor)
        _permissions.add_permissions(apps, editor)
    call_command("seed_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    return {"hana": Member.objects.get(number="700123456"), **work_rows()}


def work_rows() -> dict:
    """What the demo does not make and the office's lists must fit: adjustments (one with a long reason, one
    waiting for approval), claims with a hotel, a certificate handed over at the front desk's hotel."""
    today = dt.date.today()
    clerk = User.objects.get(username="oh-office")
    hana, kenji = Member.objects.get(number="700123456"), Member.objects.get(number="100000017")
    posted = adjustment_request(
        member=hana, points=250, reason="Stay of 2026-05 missing from the PMS file",
        used_on=today - dt.timedelta(days=10), requested_by=clerk,
    )  # fmt: skip
    waiting = adjustment_request(
        member=kenji, points=20000, used_on=today - dt.timedelta(days=20), requested_by=clerk,
        reason="Goodwill for the air-conditioning failure in room 2430 during a three-night stay, approved by the "
        "hotel manager on the day of departure",
    )  # fmt: skip
    Claim.objects.create(
        member=hana, hotel=Hotel.objects.get(code="HOK"), used_on=today - dt.timedelta(days=15),
        bill_number="F-88231", description="The dinner at the Orchid Bar during my stay is missing.",
    )  # fmt: skip
    Claim.objects.create(
        member=kenji, kind=Claim.Kind.NIGHTS, hotel=Hotel.objects.get(code="JCH"),
        used_on=today - dt.timedelta(days=30), description="Two nights missing.",
    )  # fmt: skip
    certificate = Certificate.objects.filter(hotel__code="NOT").order_by("number").first()
    Certificate.objects.filter(pk=certificate.pk).update(state=Certificate.State.HANDED_OVER)
    return {
        "posted": posted,
        "waiting": waiting,
        "certificate": certificate,
        "hana_bill": Bill.objects.filter(member=hana, kind="stay").order_by("-paid_on").first(),
        "taro_bill": Bill.objects.filter(member__number="1000000016", refunded_amount__gt=0).first(),
        "job_run": JobRun.objects.filter(program__code="one-harmony").order_by("-as_of").first(),
    }


def sign_in(browser, live_server, username: str, *, language: str, width: int):
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    context.add_cookies([{"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}])
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def visit_all(browser, live_server, artifacts, username: str, paths: dict[str, str]) -> list[str]:
    """Every page, in both languages and at both widths: its problems, and its screenshot."""
    problems = []
    for language in LANGUAGES:
        for width in WIDTHS:
            context, page = sign_in(browser, live_server, username, language=language, width=width)
            try:
                for name, path in paths.items():
                    response = page.goto(f"{live_server.url}{path}")
                    page.wait_for_load_state("load")
                    shot = artifacts / f"office-{username}-{name}-{language}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    if response.status >= 500:
                        problems.append(f"{username} {name} {language} {width}: HTTP {response.status}")
                    problems += [f"{username} {name} {language} {width}: {p}" for p in page_problems(page)]
            finally:
                context.close()
    return problems


def test_clerk_finds_a_member_by_card_number_and_files_an_adjustment(live_server, browser, artifacts, demo):
    # Given a new One Harmony clerk who knows the member's card number only
    context, page = sign_in(browser, live_server, "oh-office", language="en", width=1280)
    try:
        # When they add an adjustment and type the card number into the member field
        page.goto(f"{live_server.url}/admin/points/adjustment/add/")
        page.locator(".select2-selection").first.click()
        page.locator(".select2-search__field").fill("700123456")
        page.locator(".select2-results__option", has_text="Sato").first.click()
        page.fill("input[name=points]", "20000")
        page.fill("input[name=reason]", "Stay of 2026-05 missing from the PMS file")
        page.fill("input[name=used_on]", (dt.date.today() - dt.timedelta(days=10)).isoformat())
        page.locator("button[name=_save], input[name=_save]").first.click()
        page.wait_for_load_state("load")
        page.screenshot(path=str(artifacts / "office-clerk-adjustment-filed.png"), full_page=True)
        # Then it is filed for the member and waits for a supervisor's approval, and the home page says so
        adjustment = Adjustment.objects.exclude(pk__in=[demo["posted"].pk, demo["waiting"].pk]).get()
        assert adjustment.member == demo["hana"]
        assert adjustment.state == Adjustment.State.AWAITING_APPROVAL
        assert "waits for a supervisor" in page.content()
        page.goto(f"{live_server.url}/admin/")
        card = page.locator(".office-card", has_text="Your adjustments awaiting approval")
        assert card.locator(".count").inner_text() == "2"  # this one and the demo's waiting one
    finally:
        context.close()


def test_clerk_pages(live_server, browser, artifacts, demo):
    hana = demo["hana"].pk
    paths = {
        "home": "/admin/",
        "members": "/admin/members/member/",
        "member-search": "/admin/members/member/?q=123456",
        "member-search-empty": "/admin/members/member/?q=no-such-member",
        "member": f"/admin/members/member/{hana}/change/",
        "member-history": f"/admin/members/member/{hana}/history/",
        "member-merge": f"/admin/members/member/{hana}/office/merge/",
        "adjustment-add": "/admin/points/adjustment/add/",
        "adjustments": "/admin/points/adjustment/",
        "adjustment": f"/admin/points/adjustment/{demo['waiting'].pk}/change/",
        "adjustment-history": f"/admin/points/adjustment/{demo['posted'].pk}/history/",
        "my-waiting": "/admin/points/adjustment/?waiting=mine",
        "claims": "/admin/points/claim/",
        "cards-to-mail": "/admin/members/card/?to_mail=yes",
        "ledger": "/admin/points/ledgerentry/",
        "lots": "/admin/points/pointlot/",
        "bills": "/admin/points/bill/",
        "bill": f"/admin/points/bill/{demo['hana_bill'].pk}/change/",
        "settings": "/admin/members/programsettings/",
        "dashboard": "/admin/dashboard/one-harmony/",
        "refused-dashboard": "/admin/dashboard/new-otani/",
        "refused-logins": "/admin/members/user/",
    }
    assert visit_all(browser, live_server, artifacts, "oh-office", paths) == []


def test_supervisor_pages(live_server, browser, artifacts, demo):
    hana = demo["hana"].pk
    paths = {
        "home": "/admin/",
        "to-approve": "/admin/points/adjustment/?waiting=for_me",
        "settings": "/admin/members/programsettings/",
        "job-runs": "/admin/points/jobrun/",
        "job-run": f"/admin/points/jobrun/{demo['job_run'].pk}/change/",
        "failed-job-runs": "/admin/points/jobrun/?state__exact=failed",
        "member-history": f"/admin/members/member/{hana}/history/",
        "claims-to-review": "/admin/points/claim/?state__exact=open",
        "dashboard": "/admin/dashboard/one-harmony/",
        "other-dashboard": "/admin/dashboard/new-otani/",
    }
    assert visit_all(browser, live_server, artifacts, "oh-supervisor", paths) == []


def test_front_desk_pages(live_server, browser, artifacts, demo):
    paths = {
        "home": "/admin/",
        "certificates": "/admin/rewards/certificate/",
        "arrivals": "/admin/rewards/certificate/?arrival=14",
        "bills": "/admin/points/bill/",
        "bill-refunded": f"/admin/points/bill/{demo['taro_bill'].pk}/change/",
        "members": "/admin/members/member/",
        "certificate-use": f"/admin/rewards/certificate/use/?number={demo['certificate'].number}",
        "refused": "/admin/dashboard/new-otani/",
    }
    assert visit_all(browser, live_server, artifacts, "frontdesk-not", paths) == []


def test_member_pickers_open_inside_the_viewport(live_server, browser, artifacts, demo):
    """The member pickers (select2: an adjustment's member, the merge's duplicate) open their list of members inside
    the viewport at 1280 and 1024 px, in both languages, and find the member by a card number."""
    hana = demo["hana"].pk
    pickers = {
        "adjustment": "/admin/points/adjustment/add/",
        "merge": f"/admin/members/member/{hana}/office/merge/",
    }
    problems = []
    for language in LANGUAGES:
        for width in WIDTHS:
            context, page = sign_in(browser, live_server, "oh-office", language=language, width=width)
            try:
                for name, path in pickers.items():
                    page.goto(f"{live_server.url}{path}")
                    page.locator(".select2-selection").first.click()
                    page.locator(".select2-search__field").fill("100000017")
                    page.locator(".select2-results__option", has_text="Tanaka").first.wait_for()
                    page.screenshot(path=str(artifacts / f"office-picker-{name}-{language}-{width}.png"))
                    box = page.evaluate(PICKER_JS)
                    if box["left"] < 0 or box["right"] > box["viewport"] + 1:
                        problems.append(f"{name} {language} {width}: the picker's list is outside the viewport {box}")
                    page.keyboard.press("Escape")
            finally:
                context.close()
    assert problems == []
