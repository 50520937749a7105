"""New Otani Reward Certificates (NR1-NR3): the request, its one redeem entry, the certificates it issues and their
life at the hotel; R1/EX5 after a redemption."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import ProgramSettings
from points.models import BillRefund, EntryKind, LedgerEntry
from points.services import ledger
from rewards.exceptions import (
    HotelNotEligible,
    IllegalTransition,
    InsufficientPoints,
    MembershipClosed,
    NotApplicable,
    TooCloseToArrival,
)
from rewards.models import Certificate, CertificateRequest
from rewards.services import certificates as certificates_module
from rewards.services.certificates import certificate_advance, certificates_request, is_valid_registration_number
from tests.factories import HotelFactory, make_bill, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
TODAY = D(2025, 4, 1)
ARRIVAL = D(2025, 4, 20)
pytestmark = pytest.mark.django_db


@pytest.fixture
def hotel():
    return HotelFactory(code="NOT", name="Hotel New Otani Tokyo")


def request_for(member, hotel, *, count=1, arrival_on=ARRIVAL, today=TODAY):
    return certificates_request(
        member=member, count=count, hotel=hotel, arrival_on=arrival_on, channel="office", today=today
    )


def test_nr1_k_certificates_cost_k_times_5000_points_in_one_redeem_entry(hotel):
    # Given 12,000 posted points
    member = make_member("new-otani", family_name="Yamamoto", given_name="Taro")
    earn_and_post(member, 12000, D(2025, 3, 1))
    # When two certificates are requested
    request = request_for(member, hotel, count=2)
    # Then one request, ONE redeem entry of 10,000 points, two certificates, and 2,000 points left
    assert (request.count, request.points) == (2, 10000)
    entry = LedgerEntry.objects.get(member=member, kind=EntryKind.REDEEM)
    assert (entry.points, entry.certificate_request) == (-10000, request)
    assert request.certificates.count() == 2
    assert assert_consistent(member).posted == 2000


def test_nr3_a_certificate_carries_number_value_name_card_and_valid_until(hotel):
    # Given a member with points
    member = make_member("new-otani", family_name="Yamamoto", given_name="Taro")
    earn_and_post(member, 10000, D(2025, 3, 1))
    # When two certificates are issued
    request = request_for(member, hotel, count=2)
    # Then each carries a unique registration number (with a check digit), JPY 5,000, the member's name and card
    # number and is valid for 12 months (Default) after issue
    certificates = list(request.certificates.order_by("number"))
    assert len({c.number for c in certificates}) == 2
    for certificate in certificates:
        assert is_valid_registration_number(certificate.number)
        assert certificate.value == 5000
        assert certificate.member_name == "Taro Yamamoto"
        assert certificate.card_number == member.number
        assert (certificate.issued_on, certificate.valid_until) == (TODAY, D(2026, 4, 1))
        assert certificate.state == Certificate.State.REQUESTED
        assert certificate.hotel == hotel


def test_nr3_a_mistyped_registration_number_fails_its_check_digit():
    number = certificates_module.registration_number(request_id=123, index=1)
    assert is_valid_registration_number(number)
    typo = number[:-2] + str((int(number[-2]) + 1) % 10) + number[-1]
    assert not is_valid_registration_number(typo)


def test_nr1_nr3_value_validity_and_lead_time_are_settings_the_office_changes(hotel, noc):
    # Given the office changed the Defaults from 2025-01-01
    ProgramSettings.objects.filter(program=noc).update(
        certificate_points=4000, certificate_value=4500, certificate_validity_months=6, certificate_lead_days=3
    )
    member = make_member("new-otani")
    earn_and_post(member, 8000, D(2025, 3, 1))
    # When two certificates are requested 3 days before arrival
    request = request_for(member, hotel, count=2, arrival_on=TODAY + dt.timedelta(days=3))
    # Then the settings in force apply
    assert request.points == 8000
    assert {(c.value, c.valid_until) for c in request.certificates.all()} == {(4500, D(2025, 10, 1))}


def test_nr1_insufficient_posted_points_are_refused_and_nothing_is_stored(hotel):
    # Given 9,999 posted points and pending points that are not spendable yet
    member = make_member("new-otani")
    earn_and_post(member, 9999, D(2025, 3, 1))
    bill = make_bill(member, paid_on=D(2025, 3, 28), points=5000)
    ledger.points_earn(
        member=member, bill=bill, points=5000, bonus_points=0, used_on=D(2025, 3, 28), posts_on=D(2025, 4, 7),
        expires_on=D(2027, 9, 30),
    )  # fmt: skip
    # When two certificates are requested
    with pytest.raises(InsufficientPoints) as refused:
        request_for(member, hotel, count=2)
    # Then it is refused (409) and nothing is stored
    assert (refused.value.code, refused.value.status) == ("insufficient_points", 409)
    assert not CertificateRequest.objects.exists()
    assert not Certificate.objects.exists()
    assert not LedgerEntry.objects.filter(kind=EntryKind.REDEEM).exists()
    assert assert_consistent(member).posted == 9999


def test_nr2_request_at_least_10_days_before_arrival(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 10000, D(2025, 3, 1))
    # 9 days before arrival: refused
    with pytest.raises(TooCloseToArrival) as refused:
        request_for(member, hotel, arrival_on=TODAY + dt.timedelta(days=9))
    assert (refused.value.code, refused.value.status) == ("too_close_to_arrival", 400)
    assert not CertificateRequest.objects.exists()
    # exactly 10 days before arrival: taken
    assert request_for(member, hotel, arrival_on=TODAY + dt.timedelta(days=10)).count == 1


@pytest.mark.parametrize(
    "hotel_kwargs",
    [{"affiliation": "associate"}, {"country": "US"}, {"active": False}],
    ids=["associate-hotel", "outside-japan", "inactive"],
)
def test_nr2_the_hotel_must_be_a_group_hotel_in_japan(hotel_kwargs):
    member = make_member("new-otani")
    earn_and_post(member, 10000, D(2025, 3, 1))
    hotel = HotelFactory(code="NOX", **hotel_kwargs)
    with pytest.raises(HotelNotEligible) as refused:
        request_for(member, hotel)
    assert (refused.value.code, refused.value.status) == ("hotel_not_eligible", 400)
    assert not CertificateRequest.objects.exists()


def test_nr2_a_one_harmony_hotel_is_not_eligible(hotel, oh):
    member = make_member("new-otani")
    earn_and_post(member, 10000, D(2025, 3, 1))
    okura = HotelFactory(code="HOK", program=oh)
    with pytest.raises(HotelNotEligible):
        request_for(member, okura)


def test_nr1_certificates_are_a_new_otani_service(hotel):
    member = make_member("one-harmony")
    with pytest.raises(NotApplicable):
        request_for(member, hotel)


def test_m9_a_closed_membership_requests_no_certificate(hotel):
    from points.services.membership import member_cancel

    member = make_member("new-otani")
    earn_and_post(member, 10000, D(2025, 3, 1))
    member_cancel(member=member, reason="withdrawn", on=D(2025, 3, 20))
    with pytest.raises(MembershipClosed) as refused:
        request_for(member, hotel)
    assert (refused.value.code, refused.value.status) == ("membership_closed", 409)


def test_nr1_a_request_cannot_be_cancelled_nor_a_certificate_reissued():
    # NR1, NR3: there is no service that cancels a request or reissues a certificate
    names = set(dir(certificates_module))
    assert not {n for n in names if "cancel" in n or "reissue" in n or "delete" in n}


def test_nr3_life_cycle_requested_ready_handed_over_used(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel).certificates.get()
    bill = make_bill(member, hotel=hotel, paid_on=D(2025, 4, 21), number="F-2001")
    # used before it was handed over: refused
    with pytest.raises(IllegalTransition):
        certificate_advance(certificate=certificate, to_state="used", bill=bill, on=D(2025, 4, 21))
    certificate = certificate_advance(certificate=certificate, to_state="ready", on=D(2025, 4, 15))
    with pytest.raises(IllegalTransition):
        certificate_advance(certificate=certificate, to_state="used", bill=bill, on=D(2025, 4, 21))
    certificate = certificate_advance(certificate=certificate, to_state="handed_over", on=D(2025, 4, 20))
    assert certificate.handed_over_at is not None
    certificate = certificate_advance(certificate=certificate, to_state="used", bill=bill, on=D(2025, 4, 21))
    assert (certificate.state, certificate.used_on, certificate.used_on_bill) == ("used", D(2025, 4, 21), bill)
    # a used certificate goes nowhere: not back, not expired
    for state in ("ready", "handed_over", "used", "expired"):
        with pytest.raises(IllegalTransition):
            certificate_advance(certificate=certificate, to_state=state, on=D(2026, 5, 1))


def test_nr3_a_certificate_expires_only_after_its_valid_until_date(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel).certificates.get()
    certificate = certificate_advance(certificate=certificate, to_state="ready", on=D(2025, 4, 15))
    with pytest.raises(IllegalTransition):
        certificate_advance(certificate=certificate, to_state="expired", on=certificate.valid_until)
    # past its validity it can no longer be handed over, only expire
    with pytest.raises(IllegalTransition):
        certificate_advance(certificate=certificate, to_state="handed_over", on=D(2026, 4, 2))
    certificate = certificate_advance(certificate=certificate, to_state="expired", on=D(2026, 4, 2))
    assert certificate.state == "expired"
    assert Certificate.objects.count() == 1  # never reissued


def test_r1_ex5_a_retraction_after_a_certificate_redemption_goes_negative_and_later_earnings_pay_it_first(hotel):
    # Given 5,000 points from one bill, redeemed for a certificate
    member = make_member("new-otani")
    bill = earn_and_post(member, 5000, D(2025, 3, 1))
    request_for(member, hotel)
    assert assert_consistent(member).posted == 0
    # When the bill is refunded (R1)
    refund = BillRefund.objects.create(bill=bill, amount=bill.total_amount, points_retracted=5000)
    ledger.points_retract(member=member, bill=bill, refund=refund, points=5000, bonus_points=0, on=D(2025, 4, 10))
    # Then the balance is -5,000 (the certificate stays: irrevocable)
    assert assert_consistent(member).posted == -5000
    assert Certificate.objects.filter(member=member).count() == 1
    # And later earnings pay the debt off first (EX5), even years later
    earn_and_post(member, 3000, D(2030, 1, 1))
    assert assert_consistent(member).posted == -2000
    earn_and_post(member, 6000, D(2030, 2, 1))
    assert assert_consistent(member).posted == 4000
    with pytest.raises(InsufficientPoints):
        request_for(member, hotel, today=D(2030, 3, 1), arrival_on=D(2030, 4, 1))


# --- The back office: certificate actions and the front desk's arrivals filter ------------------------------------


@pytest.fixture
def certificate_admin(monkeypatch):
    from django.contrib import admin

    from rewards.admin import CertificateAdmin

    model_admin = CertificateAdmin(Certificate, admin.site)
    sent: list[tuple[str, int]] = []
    monkeypatch.setattr(
        model_admin, "message_user", lambda request, message, level=20, *a, **k: sent.append((str(message), level))
    )
    model_admin.sent = sent
    return model_admin


def admin_request(data=None):
    from django.test import RequestFactory

    from members.models import User

    request = RequestFactory().post("/admin/rewards/certificate/", data or {})
    request.user = User.objects.filter(username="boss").first() or User.objects.create_superuser("boss", "b@x.jp", "x")
    return request


def test_nr3_admin_actions_move_a_certificate_through_its_life_and_refuse_illegal_moves(hotel, certificate_admin):
    from django.contrib import messages

    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel, today=D(2026, 3, 1), arrival_on=D(2026, 4, 1)).certificates.get()
    bill = make_bill(member, hotel=hotel, number="F-77", paid_on=D(2026, 4, 2))
    queryset = Certificate.objects.filter(pk=certificate.pk)
    # "used" before handed over: refused with a message, nothing changes
    certificate_admin.mark_used(admin_request({"bill_number": "F-77"}), queryset)
    assert certificate_admin.sent[-1][1] == messages.ERROR
    certificate.refresh_from_db()
    assert certificate.state == "requested"
    # ready, handed over, used with the bill number
    certificate_admin.mark_ready(admin_request(), queryset)
    certificate_admin.mark_handed_over(admin_request(), queryset)
    certificate_admin.mark_used(admin_request({"bill_number": "nope"}), queryset)
    assert certificate_admin.sent[-1][1] == messages.ERROR
    certificate_admin.mark_used(admin_request({"bill_number": "F-77"}), queryset)
    certificate.refresh_from_db()
    assert (certificate.state, certificate.used_on_bill) == ("used", bill)
    # not expired once used
    certificate_admin.mark_expired(admin_request(), queryset)
    assert certificate_admin.sent[-1][1] == messages.ERROR


def test_nr1_nr3_the_admin_never_deletes_nor_adds_certificates_or_requests(certificate_admin):
    from django.contrib import admin

    request = admin_request()
    assert not certificate_admin.has_delete_permission(request)
    assert not certificate_admin.has_add_permission(request)
    request_admin = admin.site._registry[CertificateRequest]
    assert not request_admin.has_delete_permission(request)
    assert not request_admin.has_change_permission(request)
    assert "delete_selected" not in certificate_admin.get_actions(request)


def test_nr2_front_desk_filter_lists_the_arrivals_of_the_next_14_days(hotel):
    from django.contrib import admin
    from django.utils import timezone

    from rewards.admin import ArrivalListFilter
    from rewards.selectors import certificate_requests_arriving

    member = make_member("new-otani")
    earn_and_post(member, 15000, timezone.localdate() - dt.timedelta(days=30))
    today = timezone.localdate()
    soon = request_for(member, hotel, today=today - dt.timedelta(days=20), arrival_on=today + dt.timedelta(days=14))
    later = request_for(member, hotel, today=today - dt.timedelta(days=20), arrival_on=today + dt.timedelta(days=15))
    past = request_for(member, hotel, today=today - dt.timedelta(days=20), arrival_on=today - dt.timedelta(days=1))
    request_admin = admin.site._registry[CertificateRequest]
    request = admin_request()
    chosen = ArrivalListFilter(request, {"arrival": ["14"]}, CertificateRequest, request_admin)
    assert set(chosen.queryset(request, CertificateRequest.objects.all())) == {soon}
    assert set(certificate_requests_arriving(on=today, hotel=hotel)) == {soon}
    assert {later, past}.isdisjoint(certificate_requests_arriving(on=today))


def test_ex4_a_certificate_redemption_consumes_the_soonest_expiring_points_first(hotel):
    from points.models import PointLot

    member = make_member("new-otani")
    earn_and_post(member, 3000, D(2024, 11, 1))  # valid through 2027-09-30
    earn_and_post(member, 3000, D(2024, 9, 1))  # valid through 2026-09-30: spent first
    request_for(member, hotel)
    left = PointLot.objects.filter(member=member, remaining__gt=0)
    assert sorted((lot.expires_on, lot.remaining) for lot in left) == [(D(2027, 9, 30), 1000)]


def test_nr3_a_certificate_pays_no_bill_after_its_validity(hotel):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    certificate = request_for(member, hotel).certificates.get()
    certificate_advance(certificate=certificate, to_state="ready", on=D(2025, 4, 15))
    certificate_advance(certificate=certificate, to_state="handed_over", on=D(2025, 4, 20))
    late = make_bill(member, hotel=hotel, paid_on=certificate.valid_until + dt.timedelta(days=1), number="F-LATE")
    with pytest.raises(IllegalTransition):
        certificate_advance(certificate=certificate, to_state="used", bill=late, on=certificate.valid_until)
    certificate.refresh_from_db()
    assert certificate.state == "handed_over"
