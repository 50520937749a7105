"""My Account in a real browser (headless Chromium through Playwright): log in, open the summary and the temporary
card, save screenshots into ``artifacts/``. Fails, never skips, when Chromium is missing."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.utils import timezone

from tests.factories import HotelFactory

from .conftest import PASSWORD, portal_member, stay

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a1_a4_m4_member_logs_in_sees_summary_and_prints_card(live_server, browser, artifacts):
    # Given a One Harmony member with a stay
    member = portal_member("one-harmony", given_name="Hanako", family_name="Tanaka")
    hotel = HotelFactory(program=member.program, name="The Okura Tokyo")
    stay(
        member,
        hotel=hotel,
        paid_on=timezone.localdate() - dt.timedelta(days=30),
        points=1200,
        exclusions=[("NX3", 2000, "mini bar is not a room charge")],
    )
    for viewport, suffix in (({"width": 1280, "height": 900}, ""), ({"width": 390, "height": 844}, "-phone")):
        page = browser.new_page(viewport=viewport)
        # When the member logs in with the membership number
        page.goto(f"{live_server.url}/login/")
        page.get_by_label("Membership number, MYJ number or email").fill(member.number)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        # Then the Account Summary shows the balance and the stay
        page.wait_for_url(f"{live_server.url}/")
        assert page.get_by_role("heading", name="Account Summary", level=1).is_visible()
        content = page.content()
        assert "1,200" in content and "The Okura Tokyo" in content
        # (the amount kept from earning, with its reason in words: never the rule ID)
        assert "¥2,000 not counted: Room extras such as the mini bar" in content and "NX3" not in content
        page.screenshot(path=str(artifacts / f"portal-summary{suffix}.png"), full_page=True)
        # And the temporary card shows the number and the QR code
        page.goto(f"{live_server.url}/card/")
        assert page.locator(".member-card__number").inner_text() == member.number
        assert page.locator(".member-card__qr svg").count() == 1
        page.screenshot(path=str(artifacts / f"portal-card{suffix}.png"), full_page=True)
        if not suffix:
            page.emulate_media(media="print")
            card = page.locator(".member-card").bounding_box()
            # 85.6 mm x 54 mm at 96 CSS px per inch
            assert abs(card["width"] - 85.6 / 25.4 * 96) < 2 and abs(card["height"] - 54 / 25.4 * 96) < 2
            page.screenshot(path=str(artifacts / "portal-card-print.png"))
            page.pdf(path=str(artifacts / "portal-card-print.pdf"), prefer_css_page_size=True)
        page.close()
