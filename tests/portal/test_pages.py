"""Temporary card (M4), profile (M7), claims (A5), redemptions (NR1, NR2, OR1), and Japanese pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from members.models import NameChangeRequest
from points.models import Claim
from tests.factories import HotelFactory

from .conftest import PASSWORD, stay

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["summary", "card", "profile", "claims", "certificates", "awards"])
def test_every_member_page_renders(member_client, name):
    response = member_client.get(reverse(name))
    assert response.status_code == 200
    assert "<html" in response.text


@pytest.mark.parametrize("name", ["login", "signup", "password_reset", "password_reset_done", "first-login"])
def test_every_public_page_renders(client, db, name):
    assert client.get(reverse(name)).status_code == 200


# --------------------------------------------------------------------------------------------------------- M4


def test_m4_temporary_card_shows_name_number_status_and_qr(member_client, member):
    response = member_client.get(reverse("card"))
    text = response.text
    assert member.full_name in text and member.number in text
    assert "<svg" in text and "<path" in text  # the QR code, inline
    assert "Member" in text


def test_m4_card_pdf(member_client, member):
    response = member_client.get(reverse("card-pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert member.number in response["Content-Disposition"]


def test_m4_card_pdf_with_a_japanese_name(client, db):
    from .conftest import portal_member

    member = portal_member("new-otani", family_name="田中", given_name="花子")
    client.force_login(member.user)
    response = client.get(reverse("card-pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_m4_print_stylesheet_lays_the_card_out_at_card_size():
    from django.conf import settings

    css = (settings.BASE_DIR / "static" / "css" / "print.css").read_text()
    assert "@page" in css and "85.6mm" in css and "54mm" in css


# --------------------------------------------------------------------------------------------------------- M7


def test_m7_profile_update(member_client, member):
    data = {"postal_code": "105-0001", "address": "2-10-4 Toranomon", "country": "jp", "phone": "+81 3 1234 5678"}
    response = member_client.post(reverse("profile"), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.postal_code, member.address, member.country, member.phone) == (
        "105-0001",
        "2-10-4 Toranomon",
        "JP",
        "+81 3 1234 5678",
    )


def test_m7_email_change_needs_the_password_and_the_link(member_client, member):
    old = member.email
    # A wrong password changes nothing and sends nothing
    response = member_client.post(reverse("email-change"), {"email": "new@example.com", "password": "Wrong2026"})
    assert response.status_code == 200 and mail.outbox == []
    # The right password sends a link to the NEW address; the email is unchanged until it is opened
    member_client.post(reverse("email-change"), {"email": "new@example.com", "password": PASSWORD})
    assert [m.to for m in mail.outbox] == [["new@example.com"], [old]]  # issue 14: a notice to the old address
    member.refresh_from_db()
    assert member.email == old
    link = next(line for line in mail.outbox[0].body.splitlines() if "/profile/email/" in line)
    member_client.get(link.split("testserver", 1)[1])
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.email == member.user.email == "new@example.com"  # A3: the reset goes to the new address


def test_m7_email_change_link_of_another_member_does_nothing(client, member, noc_member):
    from members.services.account import email_change_token

    token = email_change_token(member=noc_member, email="hijack@example.com")
    client.force_login(member.user)
    client.get(reverse("email-confirm", args=[token]))
    member.refresh_from_db()
    noc_member.refresh_from_db()
    assert "hijack@example.com" not in (member.email, noc_member.email)


def test_m7_name_change_is_a_request_to_the_office(member_client, member):
    response = member_client.post(reverse("name-change"), {"family_name": "Suzuki", "given_name": "Hanako"})
    assert response.status_code == 302
    request = NameChangeRequest.objects.get(member=member)
    assert request.state == NameChangeRequest.State.OPEN
    member.refresh_from_db()
    assert member.family_name != "Suzuki"
    assert "Pending" in member_client.get(reverse("profile")).text


# --------------------------------------------------------------------------------------------------------- A5


def test_a5_claim_within_six_months(member_client, member):
    hotel = HotelFactory(program=member.program)
    used_on = timezone.localdate() - dt.timedelta(days=60)
    data = {
        "kind": "points",
        "used_on": used_on.isoformat(),
        "hotel": hotel.pk,
        "bill_number": "F123",
        "description": "My stay earned nothing",
    }
    response = member_client.post(reverse("claims"), data)
    assert response.status_code == 302
    claim = Claim.objects.get(member=member)
    assert (claim.used_on, claim.hotel, claim.bill_number) == (used_on, hotel, "F123")
    Claim.objects.filter(pk=claim.pk).update(state="rejected", answer="The stay was booked through an agency.")
    text = member_client.get(reverse("claims")).text
    assert "Rejected" in text and "booked through an agency" in text


def test_a5_claim_over_six_months_is_refused(member_client, member):
    used_on = timezone.localdate() - dt.timedelta(days=200)
    data = {"kind": "nights", "used_on": used_on.isoformat(), "description": "Nights missing"}
    response = member_client.post(reverse("claims"), data)
    assert response.status_code == 200
    assert not Claim.objects.filter(member=member).exists()
    assert "within 6 months" in response.text
    assert 'id="id_used_on_error"' in response.text


# ------------------------------------------------------------------------------------------------ NR1, OR1


def test_nr1_nr2_certificate_request_asks_the_password_and_emails(
    client, noc_member, django_capture_on_commit_callbacks
):
    hotel = HotelFactory(program=noc_member.program, name="Hotel New Otani Tokyo")
    stay(noc_member, hotel=hotel, paid_on=timezone.localdate() - dt.timedelta(days=40), points=10000)
    client.force_login(noc_member.user)
    page = client.get(reverse("certificates")).text
    assert "cannot be changed or cancelled" in page and "10 days" in page  # NR1, NR2 shown before commit
    arrival = timezone.localdate() + dt.timedelta(days=30)
    data = {"count": 2, "hotel": hotel.pk, "arrival_on": arrival.isoformat(), "accept": "on", "password": "Wrong2026"}
    assert client.post(reverse("certificates"), data).status_code == 200
    assert not noc_member.certificate_requests.exists()
    data["password"] = PASSWORD
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificates"), data)
    assert response.status_code == 302
    assert noc_member.certificate_requests.get().count == 2
    assert [m.to for m in mail.outbox] == [[noc_member.email]]


def test_or1_gift_award_redeemed_on_the_website(member_client, member, django_capture_on_commit_callbacks):
    from rewards.models import Award

    award = Award.objects.create(program=member.program, code="GIFT-TEA", kind="gift", name="Afternoon tea", points=300)
    stay(
        member,
        hotel=HotelFactory(program=member.program),
        paid_on=timezone.localdate() - dt.timedelta(days=40),
        points=1000,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("awards"), {"award": award.pk, "password": PASSWORD})
    assert response.status_code == 302
    assert member.award_redemptions.get().award == award
    assert [m.to for m in mail.outbox] == [[member.email]]


# ----------------------------------------------------------------------------------------------------- i18n


def test_japanese_page_renders_translated_text(member_client):
    response = member_client.get(reverse("summary"), HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 200
    assert 'lang="ja"' in response.text
    assert "ポイント" in response.text


def test_language_switch_is_a_post_form(member_client):
    text = member_client.get(reverse("summary")).text
    assert f'action="{reverse("set_language")}" method="post"' in text
    assert "<script" not in text  # works without JavaScript
