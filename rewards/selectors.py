"""Reads of the rewards domain: the award catalog (OR1), certificates and requests (NR1-NR3), what a closed
membership forfeited (M9)."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from members.models import Member, Program
from points.models import EntryKind, Hotel, LedgerEntry, Outlet, OutletDesignation

from .models import Award, Certificate, CertificateRequest


def award_by_code(*, code: str, program: Program) -> Award | None:
    """An award of ``program``'s catalog by its code (active or not: the service says why it is not available)."""
    return Award.objects.select_related("hotel", "program").filter(code=code, program=program).first()


def awards_available(*, program: Program) -> QuerySet[Award]:
    """OR1: the active catalog of a program."""
    return Award.objects.filter(program=program, active=True).select_related("hotel")


# NR2: where certificates are handed over: the active Group Hotels in Japan of the member's program (New Otani).
CERTIFICATE_HOTEL = {"affiliation": Hotel.Affiliation.GROUP, "country": "JP", "active": True}


def certificate_hotels(*, member: Member) -> QuerySet[Hotel]:
    """NR2: the hotels where ``member``'s certificates can be handed over."""
    return Hotel.objects.filter(program_id=member.program_id, **CERTIFICATE_HOTEL).order_by("name")


def hotel_is_eligible(*, hotel: Hotel, member: Member) -> bool:
    """NR2: may ``member``'s certificates be handed over at ``hotel``? (The same criteria as ``certificate_hotels``,
    read from the row in hand.)"""
    return hotel.program_id == member.program_id and all(
        getattr(hotel, name) == value for name, value in CERTIFICATE_HOTEL.items()
    )


def certificates_of_request(*, request: CertificateRequest) -> QuerySet[Certificate]:
    return request.certificates.order_by("number")


def certificate_requests_arriving(
    *, on: dt.date, days: int = 14, hotel: Hotel | None = None
) -> QuerySet[CertificateRequest]:
    """NR2: the requests whose member arrives from ``on`` within ``days`` days: the front desk readies them."""
    qs = CertificateRequest.objects.filter(arrival_on__gte=on, arrival_on__lte=on + dt.timedelta(days=days))
    if hotel is not None:
        qs = qs.filter(hotel=hotel)
    return qs.select_related("member", "hotel").order_by("arrival_on", "id")


def points_forfeited(*, member: Member) -> int:
    """M9: the points (posted and pending) the member's latest forfeiture took; 0 if none."""
    entry = LedgerEntry.objects.filter(member=member, kind=EntryKind.FORFEIT).order_by("-id").first()
    return -(entry.points + entry.pending) if entry is not None else 0


def outlet_designated_on(*, outlet: Outlet, on: dt.date) -> bool:
    """NE2, NR3: was ``outlet`` a designated restaurant/bar on ``on`` (the latest designation row on or before it)?"""
    row = OutletDesignation.objects.filter(outlet=outlet, effective_from__lte=on).order_by("-effective_from").first()
    return bool(row and row.designated)
