"""Staff scope in the office screens: a NOC clerk cannot see a One Harmony member (nor act on it), a front desk
cannot see another hotel's bills."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from members.models import Member, User
from points.models import Bill
from tests.factories import HotelFactory, make_bill, make_member


def staff(username: str, group: str, *, programs=(), hotel=None) -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True, hotel=hotel)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def world(db, noc):
    not_ = HotelFactory(code="NOT")
    noo = HotelFactory(code="NOO")
    noc_member = make_member("new-otani")
    oh_member = make_member("one-harmony", oci="222333")
    return {
        "NOT": not_,
        "noc": noc_member,
        "oh": oh_member,
        "not_bill": make_bill(noc_member, hotel=not_, number="NOT-1"),
        "noo_bill": make_bill(noc_member, hotel=noo, number="NOO-1"),
    }


def test_noc_clerk_cannot_see_or_act_on_a_one_harmony_member(client, world, noc):
    client.force_login(staff("noc-clerk", "Office clerk", programs=[noc]))
    listing = client.get(reverse("admin:members_member_changelist"))
    assert world["noc"].number in listing.text and world["oh"].number not in listing.text
    assert client.get(reverse("admin:members_member_change", args=[world["oh"].pk])).status_code in (302, 404)
    for task in ("reissue", "email", "merge"):
        url = reverse("admin:members_member_office", args=[world["oh"].pk, task])
        assert client.get(url).status_code == 403
    # nor merge it into a member of their own program by typing its card number
    url = reverse("admin:members_member_office", args=[world["noc"].pk, "merge"])
    page = client.post(url, {"duplicate": "222333"})
    assert world["oh"].number not in page.text
    assert Member.objects.get(pk=world["oh"].pk).closed_on is None
    # nor the One Harmony dashboard
    assert client.get(reverse("admin:dashboard", args=["one-harmony"])).status_code == 403
    assert client.get(reverse("admin:dashboard", args=["new-otani"])).status_code == 200


def test_front_desk_cannot_see_another_hotels_bills(client, world):
    client.force_login(staff("desk", "Front desk", hotel=world["NOT"]))
    listing = client.get(reverse("admin:points_bill_changelist"))
    assert "NOT-1" in listing.text and "NOO-1" not in listing.text
    other = reverse("admin:points_bill_change", args=[world["noo_bill"].pk])
    assert client.get(other).status_code in (302, 404)
    assert Bill.objects.count() == 2
    # and no office task on members (a front desk only views them)
    url = reverse("admin:members_member_office", args=[world["noc"].pk, "email"])
    assert client.get(url).status_code == 403
