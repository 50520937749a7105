"""NR3 use of a certificate (issue 15, item 6; Art. 12): when the front desk marks a certificate used, what it paid
is recorded: accommodation at a New Otani Group Hotel in Japan or dining at a restaurant/bar designated on the day
of use, on the day of use only, at most its value (no change). Deposits, later payments, cash vouchers, gift
certificates and tickets are refused with the reason, and nothing is recorded."""

from __future__ import annotations

import datetime as dt

import pytest

from points.models import Bill, BillCharge, OutletDesignation
from rewards.exceptions import CertificateNotAccepted, IllegalTransition
from rewards.models import Certificate, CertificateUse
from rewards.services.certificates import certificate_advance, certificate_use
from tests.factories import HotelFactory, OutletFactory, make_bill, make_member
from tests.points.test_ledger import earn_and_post
from tests.rewards.test_certificates import ARRIVAL, request_for

D = dt.date
DAY = D(2025, 4, 21)
pytestmark = pytest.mark.django_db


@pytest.fixture
def hotel():
    return HotelFactory(code="NOT", name="Hotel New Otani Tokyo")


@pytest.fixture
def certificate(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel).certificates.get()
    certificate_advance(certificate=certificate, to_state="ready", on=D(2025, 4, 15))
    return certificate_advance(certificate=certificate, to_state="handed_over", on=ARRIVAL)


def use(certificate, **kwargs):
    kwargs.setdefault("hotel", certificate.hotel)
    kwargs.setdefault("on", DAY)
    return certificate_use(certificate=certificate, **kwargs)


def test_nr3_accommodation_on_the_day_of_use_is_recorded_with_what_it_paid(certificate):
    used = use(certificate, purpose="accommodation", amount=4200)
    assert (used.state, used.used_on) == ("used", DAY)
    record = CertificateUse.objects.get(certificate=certificate)
    assert (record.purpose, record.amount, record.hotel, record.used_on) == (
        "accommodation",
        4200,
        certificate.hotel,
        DAY,
    )


def test_nr3_dining_at_a_designated_outlet_on_the_day_of_use_is_recorded(certificate, hotel):
    outlet = OutletFactory(hotel=hotel, code="SATSUKI")
    use(certificate, purpose="dining", outlet=outlet)
    record = CertificateUse.objects.get(certificate=certificate)
    assert (record.purpose, record.outlet, record.amount) == ("dining", outlet, 5000)


def test_nr3_ne2_dining_at_an_outlet_not_designated_on_the_day_of_use_is_refused(certificate, hotel):
    outlet = OutletFactory(hotel=hotel, code="BAR", designated=True)
    OutletDesignation.objects.create(outlet=outlet, effective_from=D(2025, 4, 1), designated=False)
    with pytest.raises(CertificateNotAccepted) as refused:
        use(certificate, purpose="dining", outlet=outlet)
    assert "not a designated restaurant/bar on 2025-04-21" in refused.value.detail
    assert not CertificateUse.objects.exists()


@pytest.mark.parametrize(
    ("purpose", "reason"),
    [
        ("deposit", "not valid as a deposit"),
        ("later_payment", "day of use only"),
        ("cash_voucher", "cash vouchers"),
        ("gift_certificate", "gift certificates"),
        ("ticket", "tickets"),
    ],
)
def test_nr3_deposits_later_payments_vouchers_gift_certificates_and_tickets_are_refused_with_the_reason(
    certificate, purpose, reason
):
    with pytest.raises(CertificateNotAccepted) as refused:
        use(certificate, purpose=purpose)
    assert (refused.value.code, refused.value.status) == ("certificate_not_accepted", 400)
    assert reason in refused.value.detail
    certificate.refresh_from_db()
    assert certificate.state == Certificate.State.HANDED_OVER
    assert not CertificateUse.objects.exists()


def test_nr3_no_change_a_certificate_pays_at_most_its_value(certificate):
    with pytest.raises(CertificateNotAccepted) as refused:
        use(certificate, purpose="accommodation", amount=5001)
    assert "no change" in refused.value.detail


def test_nr3_only_group_hotels_in_japan(certificate):
    abroad = HotelFactory(code="NOSG", country="SG")
    with pytest.raises(CertificateNotAccepted):
        use(certificate, purpose="accommodation", hotel=abroad)


def test_nr3_a_bill_paid_later_than_the_day_of_use_or_before_arrival_is_refused(certificate, hotel):
    member = certificate.member
    later = make_bill(member, hotel=hotel, number="F-LATER", paid_on=DAY, settlement="later_approved")
    with pytest.raises(CertificateNotAccepted) as refused:
        use(certificate, purpose="accommodation", bill=later)
    assert "day of use only" in refused.value.detail
    deposit = make_bill(
        member, hotel=hotel, number="F-DEP", paid_on=D(2025, 4, 10), arrival_on=D(2025, 4, 20), departure_on=DAY
    )
    with pytest.raises(CertificateNotAccepted) as refused:
        use(certificate, purpose="accommodation", bill=deposit)
    assert "deposit" in refused.value.detail
    # a dining check paid days after the meal
    outlet = OutletFactory(hotel=hotel, code="SATSUKI")
    check = make_bill(member, hotel=hotel, number="C-1", paid_on=DAY, kind=Bill.Kind.DINING, outlet=outlet)
    BillCharge.objects.create(bill=check, date=D(2025, 4, 18), category="food_beverage", amount=8000, tax_service=0)
    with pytest.raises(CertificateNotAccepted):
        use(certificate, purpose="dining", bill=check)
    assert not CertificateUse.objects.exists()


def test_nr3_the_stay_bill_on_its_payment_day_records_accommodation(certificate, hotel):
    bill = make_bill(
        certificate.member, hotel=hotel, number="F-OK", paid_on=DAY, arrival_on=D(2025, 4, 20), departure_on=DAY
    )
    used = certificate_advance(certificate=certificate, to_state="used", bill=bill, on=D(2025, 4, 25))
    assert (used.used_on, used.used_on_bill) == (DAY, bill)
    assert CertificateUse.objects.get(certificate=certificate).purpose == "accommodation"


def test_nr3_a_certificate_not_handed_over_is_not_used(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel).certificates.get()
    with pytest.raises(IllegalTransition):
        use(certificate, purpose="accommodation")


def test_nr3_the_admin_action_records_the_use_and_refuses_a_deposit(certificate, monkeypatch):
    from django.contrib import admin, messages

    from loyalty import clock

    monkeypatch.setattr(clock, "today", lambda: DAY)
    from django.test import RequestFactory

    from members.models import User
    from rewards.admin import CertificateAdmin

    model_admin = CertificateAdmin(Certificate, admin.site)
    sent = []
    model_admin.message_user = lambda request, message, level=messages.INFO, *a, **k: sent.append((str(message), level))
    request = RequestFactory().post("/", {"purpose": "deposit"})
    request.user = User.objects.create_superuser("boss", "b@x.jp", "x")
    queryset = Certificate.objects.filter(pk=certificate.pk)
    model_admin.mark_used(request, queryset)
    assert sent[-1][1] == messages.ERROR and "deposit" in sent[-1][0]
    request = RequestFactory().post("/", {"purpose": "accommodation", "amount": "3000"})
    request.user = User.objects.get(username="boss")
    model_admin.mark_used(request, queryset)
    record = CertificateUse.objects.get(certificate=certificate)
    assert (record.amount, record.recorded_by.username) == (3000, "boss")
