"""Issue 14 attack replays: the people of the office (a clerk, two supervisors, a front desk of another hotel), a
member and an anonymous visitor, over both programs."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from members.models import Program, User
from tests.factories import HotelFactory

PROGRAMS = ["one-harmony", "new-otani"]


def staff(username: str, group: str, *, programs=(), hotel=None, password: str = "Clerk-pass-2026") -> User:
    user = User.objects.create_user(username=username, password=password, is_staff=True, hotel=hotel)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture(params=PROGRAMS)
def program(request, db) -> Program:
    return Program.objects.get(code=request.param)


@pytest.fixture
def office(program):
    """The program's office: a clerk, a second clerk, two supervisors; and a front desk of another hotel."""
    other_hotel = HotelFactory(program=program, code="DESK")
    return {
        "clerk": staff("clerk", "Office clerk", programs=[program]),
        "clerk2": staff("clerk2", "Office clerk", programs=[program]),
        "supervisor": staff("boss", "Office supervisor", programs=[program]),
        "supervisor2": staff("boss2", "Office supervisor", programs=[program]),
        "desk": staff("desk", "Front desk", hotel=other_hotel),
    }
