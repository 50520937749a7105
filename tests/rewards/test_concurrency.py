"""Money-safe redemption and transfers under real concurrency on PostgreSQL (NR1, T3, EX4, M9): every request locks
the balance row before it checks, so racing requests never spend or move a point twice."""

from __future__ import annotations

import datetime as dt

import pytest

from points.models import EntryKind, LedgerEntry
from rewards.exceptions import InsufficientPoints, MembershipClosed, NothingToTransfer
from rewards.models import Certificate, CertificateRequest, Transfer
from rewards.services.certificates import certificates_request
from rewards.services.transfers import points_transfer_family
from tests.factories import HotelFactory, make_member
from tests.points.test_ledger import assert_consistent, earn_and_post
from tests.points.test_ledger_guards import race

D = dt.date
TODAY = D(2025, 4, 1)


@pytest.mark.django_db(transaction=True)
def test_nr1_twenty_concurrent_certificate_requests_against_one_certificates_points_leave_exactly_one(postgres_only):
    # Given exactly 5,000 posted points: one certificate
    hotel = HotelFactory(code="NOT")
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))

    # When 20 requests for one certificate race
    def work(i):
        return certificates_request(
            member=member, count=1, hotel=hotel, arrival_on=D(2025, 5, 1), channel="website", today=TODAY
        )

    results = race(20, work)
    # Then exactly one is accepted and the other 19 are refused for insufficient points
    accepted = [r for r in results if isinstance(r, CertificateRequest)]
    refused = [r for r in results if isinstance(r, InsufficientPoints)]
    assert (len(accepted), len(refused)) == (1, 19), results
    # And there is one request, one redeem entry, one certificate, the balance never below zero
    assert CertificateRequest.objects.count() == 1
    assert LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).count() == 1
    assert Certificate.objects.count() == 1
    assert assert_consistent(member).posted == 0


@pytest.mark.django_db(transaction=True)
def test_t3_a_transfer_racing_a_redemption_never_moves_or_spends_a_point_twice(postgres_only):
    # Given a giver with 10,000 posted points and a family member
    hotel = HotelFactory(code="NOT")
    giver = make_member("new-otani")
    receiver = make_member("new-otani", family_of=giver)
    earn_and_post(giver, 10000, D(2025, 3, 1))

    # When a transfer of everything races a redemption of one certificate, several times over
    def work(i):
        if i % 2 == 0:
            return points_transfer_family(giver=giver, receiver=receiver, consents={"from", "to"}, today=TODAY)
        return certificates_request(
            member=giver, count=1, hotel=hotel, arrival_on=D(2025, 5, 1), channel="website", today=TODAY
        )

    results = race(6, work)
    unexpected = [
        r for r in results if not isinstance(r, Transfer | CertificateRequest | InsufficientPoints | NothingToTransfer)
    ]
    assert not unexpected, unexpected
    # Then the points are conserved: giver + receiver + redeemed == 10,000
    redeemed = -sum(LedgerEntry.objects.filter(kind=EntryKind.REDEEM).values_list("points", flat=True))
    moved = sum(Transfer.objects.values_list("points", flat=True))
    giver_balance = assert_consistent(giver).posted
    receiver_balance = assert_consistent(receiver).posted
    assert giver_balance >= 0
    assert giver_balance + receiver_balance + redeemed == 10000
    assert receiver_balance == moved
    assert redeemed == 5000 * CertificateRequest.objects.count()
    # And at most one transfer moved anything (T3: all at once); none when the redemptions spent everything first
    assert Transfer.objects.count() == (0 if redeemed == 10000 else 1)


@pytest.mark.django_db(transaction=True)
def test_m9_a_cancellation_racing_certificate_requests_forfeits_what_was_not_redeemed(postgres_only):
    from points.services.membership import member_cancel

    # Given 10,000 posted points
    hotel = HotelFactory(code="NOT")
    member = make_member("new-otani")
    earn_and_post(member, 10000, D(2025, 3, 1))

    def work(i):
        if i == 0:
            return member_cancel(member=member, reason="withdrawn", on=TODAY)
        return certificates_request(
            member=member, count=1, hotel=hotel, arrival_on=D(2025, 5, 1), channel="website", today=TODAY
        )

    results = race(4, work)
    assert all(isinstance(r, CertificateRequest | MembershipClosed | InsufficientPoints) for r in results[1:]), results
    # Then every point is either redeemed or forfeited, never both, never lost
    redeemed = -sum(LedgerEntry.objects.filter(member=member, kind=EntryKind.REDEEM).values_list("points", flat=True))
    forfeited = -sum(LedgerEntry.objects.filter(member=member, kind=EntryKind.FORFEIT).values_list("points", flat=True))
    assert redeemed + forfeited == 10000
    assert assert_consistent(member).posted == 0
