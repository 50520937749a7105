"""My Account in a real browser (headless Chromium through Playwright), as the demo members use it: English and
Japanese, a desktop and a 390 px phone. Every page is screenshot into ``artifacts/browser/``; each page is scanned
with axe-core (no serious or critical violation); on the phone no page is wider than the screen and the menu folds.
A member who reads only Japanese prints the card and redeems certificates. Fails, never skips, when Chromium or
axe-core is missing (``.ci/run`` installs both)."""

from __future__ import annotations

import datetime as dt
import importlib
import io
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from loyalty import clock
from members.models import Member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE = Path(settings.BASE_DIR) / "tests" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PASSWORD = "Harmony2026"  # seed_demo's member password
VIEWPORTS = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 390, "height": 844}}
LOCALES = {"en": "en-GB", "ja": "ja-JP"}
RULE_ID = re.compile(r"\b(NE|NX|OE|NR|OR|EX|SH|ST|PT|J|A|M|R|T)\d{1,2}\b")


@pytest.fixture
def demo(db):
    # A transactional test starts from flushed tables: the programs come back through tests/conftest.py; here their
    # Japanese names (the data migration's own function) and the staff groups seed_demo puts its staff in.
    from django.contrib.auth.models import Group

    importlib.import_module("members.migrations.0009_names_in_japanese").names_ja(apps, None)
    for name in ("Office clerk", "Office supervisor", "Front desk"):
        Group.objects.get_or_create(name=name)
    call_command("seed_demo", stdout=io.StringIO())
    return {m.number: m for m in Member.objects.select_related("program")}


def _axe(page) -> list[dict]:
    """axe-core's serious and critical violations of the page."""
    if not AXE.exists():
        pytest.fail(f"axe-core is missing at {AXE}: npm ci --prefix tests/axe (see .ci/run)")
    page.add_script_tag(path=str(AXE))
    violations = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
             .map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"""
    )
    return [v for v in violations if v["impact"] in ("serious", "critical")]


def _check(page, folder: Path, name: str, device: str) -> None:
    """Screenshot, axe scan, no rule ID in the words, and on the phone nothing wider than the screen."""
    page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    bad = _axe(page)
    assert not bad, (name, bad)
    words = page.inner_text("body")
    assert not RULE_ID.findall(words), (name, RULE_ID.findall(words))
    if device == "phone":
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= VIEWPORTS["phone"]["width"], (name, width)


def _log_in(page, base: str, number: str) -> None:
    page.goto(f"{base}/login/")
    page.fill('input[name="username"]', number)
    page.fill('input[name="password"]', PASSWORD)
    page.click('main button[type="submit"]')
    page.wait_for_url(f"{base}/")


@pytest.mark.parametrize("language", ["en", "ja"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_page_in_both_languages_on_desktop_and_phone(live_server, browser, artifacts, demo, language, device):
    folder = artifacts / "browser"
    folder.mkdir(exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS[device], locale=LOCALES[language], bypass_csp=True)
    page = context.new_page()
    prefix = f"{language}-{device}"
    # Public pages
    for path, name in (("/login/", "login"), ("/signup/", "signup"), ("/signup/?program=new-otani", "signup-noc"),
                       ("/password-reset/", "password-reset"), ("/first-login/", "first-login")):  # fmt: skip
        page.goto(base + path)
        _check(page, folder, f"{prefix}-{name}", device)
    # A One Harmony member (status, stays, exclusions) and the New Otani member with a negative balance
    for number, pages in (
        ("700123456", ("/", "/card/", "/rewards/awards/", "/claims/", "/profile/")),
        ("1000000016", ("/", "/?stays=1", "/rewards/certificates/")),
    ):
        _log_in(page, base, number)
        if language == "ja":
            assert page.locator("html").get_attribute("lang") == "ja"
        for path in pages:
            page.goto(base + path)
            slug = path.strip("/").replace("/", "-").replace("?stays=1", "stays") or "summary"
            _check(page, folder, f"{prefix}-{number}-{slug}", device)
        page.goto(base + "/")
        if device == "phone":
            # The menu folds behind one line, and opens without JavaScript
            assert not page.locator("nav.menu-wide").is_visible()
            summary = page.locator("details.menu-phone > summary")
            assert summary.is_visible()
            header = page.locator("header.site-header").bounding_box()
            assert header["height"] < 140, header
            summary.click()
            assert page.locator("details.menu-phone nav a").first.is_visible()
            page.screenshot(path=str(folder / f"{prefix}-{number}-menu-open.png"))
        else:
            assert page.locator("nav.menu-wide").is_visible()
        page.click('nav:visible button[type="submit"]') if device == "desktop" else page.click(
            'details.menu-phone button[type="submit"]'
        )
        page.wait_for_url(re.compile(r".*/login/.*"))
    context.close()


def test_a_japanese_reader_prints_the_card_and_redeems(live_server, browser, artifacts, demo):
    folder = artifacts / "browser"
    folder.mkdir(exist_ok=True)
    base = live_server.url
    context = browser.new_context(viewport=VIEWPORTS["phone"], locale="ja-JP", bypass_csp=True)
    page = context.new_page()
    # Given Yoko Yamamoto (New Otani, 8,620 points) reading in Japanese
    _log_in(page, base, "1000000024")
    summary = page.inner_text("main")
    assert "Yamamoto Yoko 様" in summary and "ポイント履歴" in summary
    # She prints the card: Japanese labels, family name first
    page.goto(base + "/card/")
    card = page.inner_text(".member-card")
    assert "仮会員証" in card and "Yamamoto Yoko" in card and "ニューオータニクラブ" in card
    page.emulate_media(media="print")
    page.screenshot(path=str(folder / "ja-card-print.png"))
    page.emulate_media(media="screen")
    # She sees what her points pay for, then asks for one certificate
    page.goto(base + "/rewards/certificates/")
    text = page.inner_text("main")
    assert "最大1枚" in text
    arrival = clock.today() + dt.timedelta(days=30)
    page.fill('input[name="count"]', "1")
    page.select_option('select[name="hotel"]', label="ホテルニューオータニ東京")
    page.fill('input[name="arrival_on"]', arrival.isoformat())
    page.check('input[name="accept"]')
    page.fill('input[name="password"]', PASSWORD)
    page.screenshot(path=str(folder / "ja-certificates-form.png"), full_page=True)
    page.click('form button.primary[type="submit"]')
    page.wait_for_load_state()
    done = page.inner_text("main")
    assert "ご優待券1枚" in done or "ご優待券 1枚" in done or "1枚" in done
    page.screenshot(path=str(folder / "ja-certificates-done.png"), full_page=True)
    # And the summary tells what the points bought, with the certificate number
    page.goto(base + "/")
    assert "ご優待券番号" in page.inner_text("main")
    page.screenshot(path=str(folder / "ja-summary-after-redeeming.png"), full_page=True)
    context.close()
