"""New Otani Reward Certificates (NR1-NR3): the request, its one redeem entry and the certificates it issues, and
the certificate's life at the hotel (ready, handed over, used or expired).

A request is irrevocable (NR1): there is no service to change or cancel one, and none to reissue a certificate
(NR3: never reissued, loss or theft included).
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from loyalty.exceptions import lower_text, refusal_text
from members.models import Member
from members.selectors import settings_on
from members.services.terms import terms_use_record
from points.models import Bill, EntryKind, Hotel
from points.services import ledger

from ..exceptions import (
    CertificateNotAccepted,
    HotelNotEligible,
    IllegalTransition,
    InsufficientPoints,
    InvalidRedemption,
    MembershipClosed,
    NotApplicable,
    TooCloseToArrival,
)
from ..models import Certificate, CertificateRequest, CertificateUse
from ..selectors import hotel_is_eligible, outlet_designated_on
from .ended import ensure_not_ended

NUMBER_PREFIX = "NOC-"
MAX_COUNT = 99  # two digits of the registration number per request: the most the setting may allow

State = Certificate.State
# NR3: the life of a certificate. Expired is reached from any state but used, once past valid_until.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    State.REQUESTED: (State.READY,),
    State.READY: (State.HANDED_OVER,),
    State.HANDED_OVER: (State.USED,),
    State.USED: (),
    State.EXPIRED: (),
}


def check_digit(digits: str) -> str:
    """The Luhn check digit of ``digits``: a mistyped registration number (one digit, two swapped) is caught."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        n = int(char)
        if index % 2 == 0:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return str((10 - total % 10) % 10)


def registration_number(*, request_id: int, index: int) -> str:
    """NR3: ``NOC-`` + the request's id (8 digits) + the certificate's index in it (2 digits) + a Luhn digit.

    Unique because the request id is (and the column has a unique constraint as the last guard)."""
    digits = f"{request_id:08d}{index:02d}"
    return f"{NUMBER_PREFIX}{digits}{check_digit(digits)}"


def is_valid_registration_number(number: str) -> bool:
    digits = number.removeprefix(NUMBER_PREFIX)
    if not (number.startswith(NUMBER_PREFIX) and digits.isascii() and digits.isdigit()):
        return False
    return check_digit(digits[:-1]) == digits[-1]


def _ensure_open_locked(member: Member) -> None:
    """M9, read again while the balance row is locked: a cancellation committed meanwhile is seen."""
    closed_on = Member.objects.filter(pk=member.pk).values_list("closed_on", flat=True).first()
    if closed_on is not None or member.closed_on is not None:
        raise MembershipClosed(f"membership {member.number} is closed (M9): nothing can be redeemed")


@transaction.atomic
def certificates_request(
    *,
    member: Member,
    count: int,
    hotel: Hotel,
    arrival_on: dt.date,
    channel: str,
    today: dt.date,
    created_by=None,
) -> CertificateRequest:
    """NR1-NR3: redeem ``count`` x 5,000 posted points (Default) for ``count`` Reward Certificates, handed over at
    ``hotel`` during the stay arriving on ``arrival_on``. Irrevocable once accepted (NR1).

    One transaction: the request row, ONE redeem ledger entry (soonest-expiring points first, EX4) and the
    certificates, each with its registration number, value, member name and card number and valid-until date.
    """
    if not member.program.is_new_otani:
        raise NotApplicable("Reward Certificates are a New Otani Club service (NR1)", field="member")
    if member.closed_on is not None:
        raise MembershipClosed(f"membership {member.number} is closed (M9): nothing can be redeemed")
    ensure_not_ended(program=member.program, service="certificates", on=today)
    ensure_not_ended(program=member.program, service="certificates", on=arrival_on, hotel_id=hotel.pk)
    settings = settings_on(program=member.program, on=today)
    # NR1: at most ``certificate_max_per_request`` (a setting, Default 99; never above the 2 digits of MAX_COUNT)
    cap = min(settings.certificate_max_per_request or MAX_COUNT, MAX_COUNT)
    if not 1 <= count <= cap:
        raise InvalidRedemption(f"count must be between 1 and {cap}", count=[f"1 to {cap}"])
    if not hotel_is_eligible(hotel=hotel, member=member):
        raise HotelNotEligible(
            f"hotel {hotel.code} is not a New Otani Group Hotel in Japan (NR2)", hotel=["not a Group Hotel in Japan"]
        )
    earliest = today + dt.timedelta(days=settings.certificate_lead_days)
    if arrival_on < earliest:
        raise TooCloseToArrival(
            f"certificates must be requested at least {settings.certificate_lead_days} days before arrival (NR2): "
            f"arrival on {earliest.isoformat()} or later",
            arrival_on=[f"on or after {earliest.isoformat()}"],
        )
    valid_until = today + relativedelta(months=settings.certificate_validity_months)
    if arrival_on > valid_until:
        # NR2/NR3: handed over during that stay, they would already have expired: nothing to redeem them for.
        raise InvalidRedemption(
            f"certificates requested today are valid until {valid_until.isoformat()} (NR3): "
            f"an arrival on {arrival_on.isoformat()} could not use them",
            field="arrival_on",
        )
    points = count * settings.certificate_points

    # Lock before you check: the balance row first, then the membership and the points under the lock.
    ledger.balance_lock(member=member)
    _ensure_open_locked(member)
    available = ledger.available_points(member=member, on=today)
    if available < points:
        raise InsufficientPoints(
            f"{count} certificate(s) need {points:,} posted points, {max(available, 0):,} available (NR1)",
            requested=points,
            available=max(available, 0),
        )
    terms_use_record(member=member, on=today, how="redemption")  # PT3: first use under the terms in force
    request = CertificateRequest.objects.create(
        member=member,
        count=count,
        points=points,
        hotel=hotel,
        arrival_on=arrival_on,
        requested_on=today,
        channel=channel,
        created_by=created_by,
    )
    ledger.points_debit(member=member, kind=EntryKind.REDEEM, points=points, on=today, certificate_request=request)
    Certificate.objects.bulk_create(
        [
            Certificate(
                request=request,
                member=member,
                number=registration_number(request_id=request.pk, index=index),
                value=settings.certificate_value,
                member_name=member.full_name,
                card_number=member.number,
                issued_on=today,
                valid_until=valid_until,
                state=State.REQUESTED,
                hotel=hotel,
            )
            for index in range(1, count + 1)
        ]
    )
    return request


@transaction.atomic
def certificate_advance(
    *, certificate: Certificate, to_state: str, on: dt.date, bill: Bill | None = None
) -> Certificate:
    """NR3: move a certificate along its life: requested -> ready (at the hotel) -> handed over (in person, NR2) ->
    used (on ``bill``, the day of use only); any certificate not used becomes expired once ``on`` is past its
    valid-until date. Anything else is refused (``illegal_transition``); nothing is ever reissued."""
    certificate = Certificate.objects.select_for_update().get(pk=certificate.pk)
    current = certificate.state
    if to_state == State.EXPIRED:
        if current in (State.USED, State.EXPIRED):
            raise IllegalTransition(
                refusal_text(
                    _("certificate %(number)s is already %(state)s"),
                    number=certificate.number,
                    state=lower_text(State(current).label),
                ),
                state=[current],
            )
        if certificate.valid_until >= on:
            raise IllegalTransition(
                refusal_text(
                    _("certificate %(number)s is valid until %(day)s: it expires only after that date"),
                    number=certificate.number,
                    day=certificate.valid_until.isoformat(),
                ),
                state=["still valid"],
            )
    else:
        if to_state not in TRANSITIONS.get(current, ()):
            message = (
                _(
                    "certificate %(number)s cannot go from %(state)s to %(to_state)s (a certificate is used only once "
                    "handed over)"
                )
                if to_state == State.USED
                else _("certificate %(number)s cannot go from %(state)s to %(to_state)s")
            )
            raise IllegalTransition(
                refusal_text(
                    message,
                    number=certificate.number,
                    state=lower_text(State(current).label),
                    to_state=lower_text(State(to_state).label) if to_state in State.values else to_state,
                ),
                state=[current],
            )
        if certificate.valid_until < on:
            raise IllegalTransition(
                refusal_text(
                    _("certificate %(number)s expired after %(day)s"),
                    number=certificate.number,
                    day=certificate.valid_until.isoformat(),
                ),
                state=["expired"],
            )
    update = ["state"]
    certificate.state = to_state
    if to_state == State.HANDED_OVER:
        certificate.handed_over_at = timezone.now()
        update.append("handed_over_at")
    elif to_state == State.USED:
        # NR3: what it paid is recorded and checked (issue 15, item 6): the purpose follows the bill's kind.
        purpose = CertificateUse.Purpose.DINING if bill is not None and bill.kind == "dining" else None
        return _use(
            certificate,
            purpose=purpose or CertificateUse.Purpose.ACCOMMODATION,
            hotel=bill.hotel if bill is not None else certificate.hotel,
            outlet=bill.outlet if bill is not None else None,
            amount=None,
            on=on,
            bill=bill,
            by=None,
        )
    certificate.save(update_fields=update)
    return certificate


REFUSED_PURPOSES = {
    CertificateUse.Purpose.DEPOSIT: _("a Reward Certificate is not valid as a deposit (NR3)"),
    CertificateUse.Purpose.LATER_PAYMENT: _(
        "a Reward Certificate pays on the day of use only, not a payment at a later date (NR3)"
    ),
    CertificateUse.Purpose.CASH_VOUCHER: _("a Reward Certificate is not valid for purchasing cash vouchers (NR3)"),
    CertificateUse.Purpose.GIFT_CERTIFICATE: _(
        "a Reward Certificate is not valid for purchasing gift certificates (NR3)"
    ),
    CertificateUse.Purpose.TICKET: _("a Reward Certificate is not valid for purchasing tickets of any kind (NR3)"),
}


def _refuse(reason: str, **fields) -> CertificateNotAccepted:
    return CertificateNotAccepted(reason, **(fields or {"purpose": [reason]}))


def _use(
    certificate: Certificate,
    *,
    purpose: str,
    hotel: Hotel,
    outlet,
    amount: int | None,
    on: dt.date,
    bill: Bill | None,
    by,
) -> Certificate:
    """NR3 on a locked, handed-over certificate: check what it pays, record it, mark it used."""
    if purpose in REFUSED_PURPOSES:
        raise _refuse(REFUSED_PURPOSES[purpose])
    if purpose not in CertificateUse.ACCEPTED:
        raise _refuse(refusal_text(_("unknown purpose %(purpose)s: accommodation or dining"), purpose=repr(purpose)))
    member = certificate.member
    used_on = on
    if bill is not None:
        if bill.hotel.program_id != member.program_id:
            raise IllegalTransition(
                refusal_text(_("bill %(number)s is not a New Otani bill"), number=bill.number),
                bill=["not a New Otani bill"],
            )
        used_on = bill.paid_on
        if bill.paid_on > certificate.valid_until:
            raise IllegalTransition(
                refusal_text(
                    _("certificate %(number)s was valid until %(day)s, bill %(bill)s was paid on %(paid_on)s"),
                    number=certificate.number,
                    day=certificate.valid_until.isoformat(),
                    bill=bill.number,
                    paid_on=bill.paid_on.isoformat(),
                ),
                bill=["paid after the certificate's validity"],
            )
        if bill.settlement != "on_the_spot":
            raise _refuse(REFUSED_PURPOSES[CertificateUse.Purpose.LATER_PAYMENT], bill=["not paid on the spot"])
        if bill.kind == "stay" and bill.arrival_on and bill.departure_on:
            if bill.paid_on < bill.arrival_on:
                raise _refuse(REFUSED_PURPOSES[CertificateUse.Purpose.DEPOSIT], bill=["paid before arrival"])
            if bill.paid_on > bill.departure_on:
                raise _refuse(REFUSED_PURPOSES[CertificateUse.Purpose.LATER_PAYMENT], bill=["paid after departure"])
        if bill.kind == "dining":
            dates = set(bill.charges.values_list("date", flat=True))
            if dates and max(dates) != bill.paid_on:
                raise _refuse(REFUSED_PURPOSES[CertificateUse.Purpose.LATER_PAYMENT], bill=["not paid the day of use"])
        purpose = CertificateUse.Purpose.DINING if bill.kind == "dining" else purpose
        hotel, outlet = bill.hotel, bill.outlet if bill.kind == "dining" else outlet
    ensure_not_ended(program=member.program, service="certificates", on=used_on, hotel_id=hotel.pk)
    if not hotel_is_eligible(hotel=hotel, member=member):
        raise _refuse(
            refusal_text(
                _("hotel %(hotel)s is not a New Otani Group Hotel in Japan: a certificate pays there only (NR3)"),
                hotel=hotel.code,
            ),
            hotel=["not a Group Hotel in Japan"],
        )
    if purpose == CertificateUse.Purpose.DINING:
        if outlet is None or outlet.hotel_id != hotel.pk:
            raise _refuse(
                refusal_text(_("dining needs the restaurant or bar of %(hotel)s (NR3)"), hotel=hotel.code),
                outlet=["required"],
            )
        if not outlet_designated_on(outlet=outlet, on=used_on):
            raise _refuse(
                refusal_text(
                    _("%(outlet)s was not a designated restaurant/bar on %(day)s (NR3, NE2)"),
                    outlet=outlet.name,
                    day=used_on.isoformat(),
                ),
                outlet=["not designated on the day of use"],
            )
    elif purpose == CertificateUse.Purpose.ACCOMMODATION and bill is None:
        outlet = None
    if amount is None:
        amount = certificate.value
    if not 1 <= amount <= certificate.value:
        raise _refuse(
            refusal_text(
                _("a certificate pays at most its value, JPY %(value)s; no change is given (NR3)"),
                value=f"{certificate.value:,}",
            ),
            amount=[f"1 to {certificate.value}"],
        )
    if used_on > certificate.valid_until:
        raise IllegalTransition(
            refusal_text(
                _("certificate %(number)s expired after %(day)s"),
                number=certificate.number,
                day=certificate.valid_until.isoformat(),
            ),
            state=["expired"],
        )
    CertificateUse.objects.create(
        certificate=certificate,
        used_on=used_on,
        hotel=hotel,
        outlet=outlet,
        purpose=purpose,
        amount=amount,
        bill=bill,
        recorded_by=by,
    )
    certificate.state = State.USED
    certificate.used_on = used_on  # NR3: the day of use only
    certificate.used_on_bill = bill
    certificate._history_user = by
    certificate.save(update_fields=["state", "used_on", "used_on_bill"])
    return certificate


@transaction.atomic
def certificate_use(
    *,
    certificate: Certificate,
    purpose: str,
    hotel: Hotel,
    on: dt.date,
    amount: int | None = None,
    outlet=None,
    bill: Bill | None = None,
    by=None,
) -> Certificate:
    """NR3: the front desk marks a handed-over certificate used and records what it paid: accommodation at a New
    Otani Group Hotel in Japan or dining at a restaurant/bar designated that day, on the day of use (``on``, or the
    bill's payment date), at most its value (no change). Deposits, later payments, cash vouchers, gift certificates
    and tickets are refused with the reason (``certificate_not_accepted``); nothing is recorded then."""
    certificate = Certificate.objects.select_for_update().select_related("member").get(pk=certificate.pk)
    if certificate.state != State.HANDED_OVER:
        raise IllegalTransition(
            refusal_text(
                _(
                    "certificate %(number)s cannot go from %(state)s to %(to_state)s (a certificate is used only once "
                    "handed over)"
                ),
                number=certificate.number,
                state=lower_text(State(certificate.state).label),
                to_state=lower_text(State.USED.label),
            ),
            state=[certificate.state],
        )
    return _use(certificate, purpose=purpose, hotel=hotel, outlet=outlet, amount=amount, on=on, bill=bill, by=by)
