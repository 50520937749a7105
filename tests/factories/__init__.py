"""factory_boy factories. Members are made through the enrolment service, so every member has its number,
card and balance row exactly as in production."""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import factory

from members.models import Program
from points.models import Bill, Hotel, Outlet, OutletDesignation
from points.services.enrolment import member_enroll

_seq = itertools.count(1)


def program(code: str) -> Program:
    return Program.objects.get(code=code)


class HotelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotel
        django_get_or_create = ("code",)

    program = factory.LazyFunction(lambda: program("new-otani"))
    code = factory.Sequence(lambda n: f"H{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Hotel {o.code}")
    country = "JP"
    affiliation = Hotel.Affiliation.GROUP
    brand = factory.LazyAttribute(lambda o: "new-otani" if o.program.code == "new-otani" else "okura")


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet
        skip_postgeneration_save = True

    hotel = factory.SubFactory(HotelFactory)
    code = factory.Sequence(lambda n: f"O{n:03d}")
    name = factory.LazyAttribute(lambda o: f"Outlet {o.code}")
    kind = Outlet.Kind.RESTAURANT

    @factory.post_generation
    def designated(obj, create, extracted, **kwargs):
        if create:
            OutletDesignation.objects.create(
                outlet=obj, effective_from=dt.date(2000, 1, 1), designated=True if extracted is None else extracted
            )


def make_member(program_code: str = "new-otani", *, enrolled_on: dt.date = dt.date(2020, 1, 1), **kwargs):
    n = next(_seq)
    kwargs.setdefault("family_name", f"Family{n}")
    kwargs.setdefault("given_name", f"Given{n}")
    kwargs.setdefault("email", f"member{n}@example.com")
    return member_enroll(program=program(program_code), enrolled_on=enrolled_on, **kwargs)


def make_bill(
    member,
    *,
    hotel: Hotel | None = None,
    paid_on: dt.date = dt.date(2024, 6, 15),
    amount: int = 10000,
    points: int = 500,
    number: str | None = None,
    **kwargs,
) -> Bill:
    """A bare recorded bill (no rulebook run): for ledger tests that need a cause for an earn entry."""
    from loyalty.rulebooks.validity import valid_through

    hotel = hotel or HotelFactory(program=member.program)
    payload = {"number": number or f"B{next(_seq)}", "amount": amount}
    return Bill.objects.create(
        hotel=hotel,
        number=payload["number"],
        member=member,
        card_number=member.number,
        kind=kwargs.pop("kind", Bill.Kind.STAY),
        paid_on=paid_on,
        total_amount=amount,
        eligible_amount=amount,
        points=points,
        posts_on=paid_on + dt.timedelta(days=10),
        expires_on=valid_through(member.program.code, paid_on),
        payload=payload,
        fingerprint=hashlib.sha256(repr(payload).encode()).hexdigest(),
        response={},
        **kwargs,
    )
