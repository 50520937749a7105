"""Enrolment (M1-M3, M6, M10, T1): a new membership is born with its balance row (the ledger's), so it is enrolled
here; the member's own rows (number, cards, welcome email) are ``members.services.enrolment.member_create``'s and
the login ``members.services.account``'s."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from members.models import Member, MembershipCategory, Program
from members.services.account import member_user_create
from members.services.enrolment import member_create

from ..models import Hotel, MemberBalance


@transaction.atomic
def member_enroll(
    *,
    program: Program,
    family_name: str,
    given_name: str,
    email: str = "",
    enrolled_on: dt.date,
    channel: str = Member.Channel.OFFICE,
    hotel: Hotel | None = None,
    phone: str = "",
    oci: str | None = None,
    myj: str | None = None,
    family_of: Member | None = None,
    category: MembershipCategory | None = None,
    email_required: bool = True,
) -> Member:
    """Enroll a member (M3): ``member_create`` and the member's balance row, in one transaction."""
    member = member_create(
        program=program,
        family_name=family_name,
        given_name=given_name,
        email=email,
        enrolled_on=enrolled_on,
        channel=channel,
        hotel=hotel,
        phone=phone,
        oci=oci,
        myj=myj,
        family_of=family_of,
        category=category,
        email_required=email_required,
    )
    MemberBalance.objects.create(member=member)
    return member


@transaction.atomic
def member_signup(
    *, program, family_name: str, given_name: str, email: str, password: str, phone: str = "", enrolled_on: dt.date
) -> Member:
    """M3 on the website: enrol (the welcome email carries the number) and create the login with its password."""
    member = member_enroll(
        program=program,
        family_name=family_name,
        given_name=given_name,
        email=email.strip(),
        phone=phone.strip(),
        enrolled_on=enrolled_on,
        channel=Member.Channel.WEBSITE,
    )
    member_user_create(member=member, password=password)
    member.refresh_from_db()
    return member
