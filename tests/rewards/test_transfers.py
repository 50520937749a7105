"""Family transfers (T1-T5, M10): both consents, family only, categories that exclude it, all points at once, each
keeping its expiry date."""

from __future__ import annotations

import datetime as dt

import pytest

from members.models import MembershipCategory
from points.models import EntryKind, LedgerEntry, PointLot
from rewards.exceptions import CategoryExcluded, ConsentMissing, MembershipClosed, NotFamily, NothingToTransfer
from rewards.models import Transfer
from rewards.services.transfers import points_transfer_family
from tests.factories import make_member
from tests.points.test_ledger import assert_consistent, earn_and_post

D = dt.date
TODAY = D(2025, 11, 1)
BOTH = {"from", "to"}
pytestmark = pytest.mark.django_db


@pytest.fixture
def family():
    principal = make_member("new-otani")
    spouse = make_member("new-otani", family_of=principal)
    child = make_member("new-otani", family_of=principal)
    return principal, spouse, child


def transfer(giver, receiver, consents=BOTH, today=TODAY):
    return points_transfer_family(giver=giver, receiver=receiver, consents=consents, today=today)


def test_t3_all_points_move_at_once_each_keeping_its_expiry_date(family):
    # Given a principal member with points of two tally years (EX2: two expiry dates)
    principal, spouse, _ = family
    earn_and_post(principal, 1000, D(2024, 9, 1))  # valid through 2026-09-30
    earn_and_post(principal, 2000, D(2024, 11, 1))  # valid through 2027-09-30
    # When they move to the spouse
    moved = transfer(principal, spouse)
    # Then all 3,000 points moved at once, nothing is left, and each kept its expiry date
    assert moved.points == 3000
    assert assert_consistent(principal).posted == 0
    assert assert_consistent(spouse).posted == 3000
    lots = PointLot.objects.filter(member=spouse, remaining__gt=0)
    assert sorted((lot.expires_on, lot.remaining) for lot in lots) == [(D(2026, 9, 30), 1000), (D(2027, 9, 30), 2000)]
    out = LedgerEntry.objects.get(transfer=moved, kind=EntryKind.TRANSFER_OUT)
    into = LedgerEntry.objects.get(transfer=moved, kind=EntryKind.TRANSFER_IN)
    assert (out.points, into.points) == (-3000, 3000)


def test_t2_both_consents_are_recorded_before_anything_moves(family):
    principal, spouse, _ = family
    earn_and_post(principal, 1000, D(2025, 3, 1))
    for consents in (set(), {"from"}, {"to"}):
        with pytest.raises(ConsentMissing) as refused:
            transfer(principal, spouse, consents)
        assert (refused.value.code, refused.value.status) == ("consent_missing", 400)
    assert not Transfer.objects.exists()
    moved = transfer(principal, spouse)
    assert moved.giver_consented_at and moved.receiver_consented_at


def test_t1_between_a_member_and_family_both_ways_and_between_family_members_of_the_same_member(family):
    principal, spouse, child = family
    earn_and_post(spouse, 1000, D(2025, 3, 1))
    assert transfer(spouse, principal).points == 1000  # family member -> member
    assert transfer(principal, child).points == 1000  # member -> family member
    assert transfer(child, spouse).points == 1000  # between family members of the same member
    assert assert_consistent(spouse).posted == 1000


def test_t1_t5_no_transfer_to_a_non_family_member(family):
    principal, spouse, _ = family
    stranger = make_member("new-otani")
    other_family = make_member("new-otani", family_of=stranger)
    earn_and_post(principal, 1000, D(2025, 3, 1))
    earn_and_post(spouse, 1000, D(2025, 3, 1))
    for giver, receiver in ((principal, stranger), (spouse, other_family), (principal, principal)):
        with pytest.raises(NotFamily) as refused:
            transfer(giver, receiver)
        assert (refused.value.code, refused.value.status) == ("not_family", 400)
    assert not Transfer.objects.exists()


def test_t4_m10_a_category_that_excludes_transfers_refuses_either_side(family, noc):
    principal, spouse, _ = family
    earn_and_post(principal, 1000, D(2025, 3, 1))
    excluded = MembershipCategory.objects.create(
        program=noc, code="corp", name="Corporate", allows_family_transfer=False
    )
    allowed = MembershipCategory.objects.create(program=noc, code="std", name="Standard", allows_family_transfer=True)
    spouse.category = excluded
    spouse.save()
    with pytest.raises(CategoryExcluded) as refused:
        transfer(principal, spouse)
    assert (refused.value.code, refused.value.status) == ("category_excluded", 400)
    principal.category, spouse.category = excluded, allowed
    principal.save()
    spouse.save()
    with pytest.raises(CategoryExcluded):
        transfer(principal, spouse)
    principal.category = allowed
    principal.save()
    assert transfer(principal, spouse).points == 1000


def test_t3_nothing_to_transfer_without_valid_posted_points(family):
    principal, spouse, _ = family
    earn_and_post(principal, 1000, D(2022, 3, 1))  # valid through 2023-09-30: lapsed by TODAY
    with pytest.raises(NothingToTransfer) as refused:
        transfer(principal, spouse)
    assert (refused.value.code, refused.value.status) == ("nothing_to_transfer", 400)
    assert not Transfer.objects.exists()


def test_m9_a_closed_membership_neither_gives_nor_receives(family):
    from points.services.membership import member_cancel

    principal, spouse, child = family
    earn_and_post(principal, 1000, D(2025, 3, 1))
    earn_and_post(child, 1000, D(2025, 3, 1))
    member_cancel(member=spouse, reason="withdrawn", on=D(2025, 10, 1))
    with pytest.raises(MembershipClosed):
        transfer(principal, spouse)
    with pytest.raises(MembershipClosed):
        transfer(spouse, child)
    assert not Transfer.objects.exists()
