"""A member sees and acts on their own membership only: no member id in any URL, no form field naming a member."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import get_resolver, reverse
from django.utils import timezone

from loyalty.portal import forms
from members.models import NameChangeRequest
from points.models import Claim
from tests.factories import HotelFactory

from .conftest import portal_member, stay

pytestmark = pytest.mark.django_db


def test_no_portal_url_takes_a_member_id():
    import loyalty.portal.urls

    for pattern in loyalty.portal.urls.urlpatterns:
        converters = set(pattern.pattern.converters)
        assert not converters - {"uidb64", "token"}, pattern
    assert get_resolver()  # the portal is mounted


def test_no_portal_form_has_a_member_field():
    for form_class in (
        forms.ProfileForm,
        forms.EmailChangeForm,
        forms.NameChangeForm,
        forms.ClaimForm,
        forms.CertificateRequestForm,
        forms.AwardRequestForm,
    ):
        names = set(form_class.base_fields)
        assert not names & {"member", "member_id", "number", "user"}, form_class


def test_a_member_never_sees_another_members_data(client, db):
    me = portal_member("one-harmony")
    other = portal_member("one-harmony", family_name="Otherperson")
    hotel = HotelFactory(program=other.program, name="Secret Hotel")
    stay(other, hotel=hotel, paid_on=timezone.localdate() - dt.timedelta(days=30), points=999)
    Claim.objects.create(member=other, used_on=timezone.localdate(), description="other's claim")
    NameChangeRequest.objects.create(member=other, family_name="Hidden", given_name="Name")
    client.force_login(me.user)
    for name in ("summary", "card", "profile", "claims", "awards"):
        # The CSRF token is random text: it may hold any digits, so it is left out of the search.
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", client.get(reverse(name)).text)
        for secret in (other.number, "Otherperson", "999", "other&#x27;s claim", "Hidden"):
            assert secret not in text, (name, secret)
    assert "Secret Hotel" not in client.get(reverse("summary")).text  # hotels are public; the stay is not


def test_forms_cannot_target_another_member(client, db):
    me = portal_member("one-harmony")
    other = portal_member("one-harmony")
    client.force_login(me.user)
    # A member id slipped into the POST is ignored: the request is the logged-in member's
    client.post(
        reverse("name-change"),
        {"family_name": "X", "given_name": "Y", "member": other.pk, "member_id": other.pk},
    )
    assert NameChangeRequest.objects.get().member == me
    client.post(reverse("profile"), {"address": "Mine", "member": other.pk, "number": other.number})
    other.refresh_from_db()
    assert other.address == ""
    # A hotel of another program cannot be chosen for a claim
    noc_hotel = HotelFactory(program=portal_member("new-otani").program)
    data = {"kind": "points", "used_on": timezone.localdate().isoformat(), "hotel": noc_hotel.pk, "description": "x"}
    response = client.post(reverse("claims"), data)
    assert response.status_code == 200 and not Claim.objects.exists()
