"""Enrolment on the members' side (M1-M3, M6, M10, T1): a new membership with its number, cards and welcome email.
A membership is born with its balance row, the ledger's: ``points.services.enrolment.member_enroll`` creates both."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from loyalty import clock
from loyalty.exceptions import refusal_text

from ..exceptions import DuplicateCard, EmailTaken, EnrolmentError
from ..models import Card, Member, MembershipCategory, NumberSeries, Program
from ..numbers import first_serial, number_from_serial, oci_number
from .identity import email_taken

EMAIL_TAKEN = gettext_lazy("another open membership of the program has this email (A1 login name)")


def _next_number(program: Program) -> str:
    """M1: the next number of the program, never reused (a locked per-program counter)."""
    NumberSeries.objects.get_or_create(program=program, defaults={"next_serial": first_serial(program.number_digits)})
    series = NumberSeries.objects.select_for_update().get(program=program)
    while True:
        number = number_from_serial(series.next_serial, program.number_digits)
        series.next_serial += 1
        if not Card.objects.filter(program=program, number=number).exists():
            break
    series.save(update_fields=["next_serial"])
    return number


def _send_welcome(member: Member) -> None:
    if not member.email:
        return
    send_mail(
        subject=_("Welcome to %(program)s") % {"program": member.program.name},
        message=_(
            "Dear %(name)s,\n\nYour membership of %(program)s is confirmed. Your membership number is %(number)s.\n"
            "Your benefits start today. Your card will be mailed to you; meanwhile you can print a temporary card "
            "from My Account.\n"
        )
        % {"name": member.full_name, "program": member.program.name, "number": member.number},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[member.email],
    )


@transaction.atomic
def member_create(
    *,
    program: Program,
    family_name: str,
    given_name: str,
    email: str = "",
    enrolled_on: dt.date,
    channel: str = Member.Channel.OFFICE,
    hotel=None,  # points.Hotel: where the member enrolled (its program's)
    phone: str = "",
    oci: str | None = None,
    myj: str | None = None,
    family_of: Member | None = None,
    category: MembershipCategory | None = None,
    email_required: bool = True,
) -> Member:
    """The member's rows of an enrolment (M3): the member, its card(s) and the welcome email. The balance row is the
    ledger's: enrol through ``points.services.enrolment.member_enroll``.

     Benefits start on ``enrolled_on`` (OE1); for New Otani it is the admission date (M6).

    ``oci``: a former OCI member gets "700" + the OCI number (M2) and keeps the OCI card. ``myj``: the MYJ number
    is kept as a card of the member (and a login name, A1).
    """
    if not family_name.strip() or not given_name.strip():
        raise EnrolmentError(gettext_lazy("family_name and given_name are required"), field="family_name")
    if isinstance(enrolled_on, str):  # an ISO date from a file or a form's raw data
        try:
            enrolled_on = dt.date.fromisoformat(enrolled_on)
        except ValueError as exc:
            raise EnrolmentError(gettext_lazy("the enrolment date is not a date"), field="enrolled_on") from exc
    if enrolled_on > clock.today() + dt.timedelta(days=1) or enrolled_on.year < 1900:
        # A membership starts today or started in the past (M6: a New Otani admission date may be old); a date
        # after tomorrow, or before 1900, is a typing slip.
        raise EnrolmentError(
            gettext_lazy("the enrolment date cannot be in the future (nor before 1900)"), field="enrolled_on"
        )
    if email_required and not email:
        raise EnrolmentError(
            gettext_lazy("an email address is required (M3), except when the office enrolls"), field="email"
        )
    if (oci or myj) and not program.is_one_harmony:
        raise EnrolmentError(gettext_lazy("legacy OCI/MYJ cards belong to One Harmony (M2)"), field="legacy")
    if hotel is not None and hotel.program_id != program.pk:
        raise EnrolmentError(
            refusal_text(
                gettext_lazy("hotel %(hotel)s is not a %(program)s hotel"), hotel=hotel.code, program=program.name
            ),
            field="hotel",
        )
    if family_of is not None:
        if family_of.program_id != program.pk:
            raise EnrolmentError(gettext_lazy("a family member belongs to the same program (T1)"), field="family_of")
        if family_of.closed_on:
            raise EnrolmentError(gettext_lazy("that membership is closed"), field="family_of")
        family_of = family_of.family_of or family_of  # T1: one principal member per family
    if category is not None and category.program_id != program.pk:
        raise EnrolmentError(gettext_lazy("unknown category for this program"), field="category")
    if email and email_taken(program_id=program.pk, email=email) is not None:  # A1, issue 14
        raise EmailTaken(EMAIL_TAKEN, field="email")

    legacy_cards: list[tuple[str, str]] = []
    if oci:
        try:
            number = oci_number(oci)
        except ValueError as exc:
            raise EnrolmentError(gettext_lazy("an OCI membership number has 6 digits"), field="legacy.oci") from exc
        legacy_cards.append((Card.Kind.OCI, oci))
    else:
        number = _next_number(program)
    if myj:
        if not myj.isalnum():
            raise EnrolmentError(gettext_lazy("a MYJ number is letters and digits"), field="legacy.myj")
        legacy_cards.append((Card.Kind.MYJ, myj))
    taken = Card.objects.filter(program=program, number__in=[number, *(n for _, n in legacy_cards)])
    if taken.exists():
        raise DuplicateCard(
            refusal_text(gettext_lazy("card %(number)s already belongs to a member (M1)"), number=taken.first().number),
            field="legacy",
        )

    try:
        with transaction.atomic():
            member = Member.objects.create(
                program=program,
                number=number,
                family_name=family_name.strip(),
                given_name=given_name.strip(),
                email=email,
                phone=phone,
                enrolled_on=enrolled_on,
                admitted_on=enrolled_on if program.is_new_otani else None,
                channel=channel,
                enrolled_at=hotel,
                family_of=family_of,
                category=category,
            )
            Card.objects.create(
                program=program, member=member, number=number, kind=Card.Kind.MEMBERSHIP, issued_on=enrolled_on
            )
            for kind, legacy in legacy_cards:
                Card.objects.create(
                    program=program,
                    member=member,
                    number=legacy,
                    kind=kind,
                    issued_on=enrolled_on,
                    fulfilment=Card.Fulfilment.NOT_MAILED,
                )
    except IntegrityError as exc:
        if email and email_taken(program_id=program.pk, email=email) is not None:  # A1: a concurrent sign-up won
            raise EmailTaken(EMAIL_TAKEN) from exc
        raise DuplicateCard(
            refusal_text(gettext_lazy("membership number %(number)s is already taken (M1)"), number=number),
            field="legacy",
        ) from exc
    transaction.on_commit(lambda: _send_welcome(member))
    return member
