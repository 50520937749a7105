"""M3 and API.md 1.1 "Mobile email addresses" (issue 15, item 12): the older Japanese mobile-carrier form
(``taro..jiro.@docomo.ne.jp``: two dots in a row, a dot before ``@``) is accepted wherever an email is taken: the
website sign-up, the enrolment API, the email change in My Account and the office's registration."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from loyalty.emails import validate_member_email
from loyalty.portal.forms import EmailChangeForm, EnrolForm
from members.models import Member
from members.services.office import member_register_email
from tests.factories import make_member

OLDER = ["taro..jiro.@docomo.ne.jp", "hana.@ezweb.ne.jp", "a..b@softbank.ne.jp", "x.y..@t.vodafone.ne.jp"]


@pytest.mark.parametrize("address", OLDER)
def test_m3_older_mobile_carrier_addresses_are_accepted(address):
    validate_member_email(address)


@pytest.mark.parametrize(
    "address",
    ["taro..jiro.@example.com", ".taro@docomo.ne.jp", "taro jiro@docomo.ne.jp", "taro@@docomo.ne.jp", "taro@", ""],
)
def test_m3_other_malformed_addresses_are_still_refused(address):
    # two dots in a row are the carriers' older form only; a leading dot or a space is no form at all
    with pytest.raises(ValidationError):
        validate_member_email(address)


@pytest.mark.django_db
def test_m3_website_signup_and_email_change_accept_the_older_mobile_form(noc):
    form = EnrolForm(
        data={
            "program": noc.pk,
            "family_name": "Yamada",
            "given_name": "Taro",
            "email": "taro..jiro.@docomo.ne.jp",
            "password1": "Abcdef12",
            "password2": "Abcdef12",
        }
    )
    form.is_valid()
    assert "email" not in form.errors
    change = EmailChangeForm(data={"email": "taro..jiro.@docomo.ne.jp", "password": "x"})
    change.is_valid()
    assert "email" not in change.errors


@pytest.mark.django_db
def test_m3_the_enrolment_api_takes_an_older_mobile_address(hok_client, hotel_hok):
    response = hok_client.post(
        "/api/v1/members/",
        {"family_name": "Yamada", "given_name": "Taro", "email": "taro..jiro.@docomo.ne.jp"},
        format="json",
    )
    assert response.status_code == 201, response.content
    assert Member.objects.get(number=response.json()["number"]).email == "taro..jiro.@docomo.ne.jp"
    refused = hok_client.post(
        "/api/v1/members/", {"family_name": "Y", "given_name": "T", "email": "taro..jiro@example.com"}, format="json"
    )
    assert refused.status_code == 400


@pytest.mark.django_db
def test_m3_the_office_registers_an_older_mobile_address_and_the_model_validates_it():
    member = make_member("one-harmony", email="", email_required=False, enrolled_on=dt.date(2024, 1, 1))
    member = member_register_email(member=member, email="taro..jiro.@docomo.ne.jp")
    assert member.email == "taro..jiro.@docomo.ne.jp"
    member.full_clean(exclude=["user", "enrolled_at", "category", "family_of", "merged_into"])
