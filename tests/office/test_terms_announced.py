"""PT3 (NOC Art. 15; issue 15, item 8): a new terms version is announced to the members (one email each, set-based,
queued, idempotent), the member sees it at the next login to My Account, and the date each member first used the
service under it is recorded (a login, a bill's date of use, a redemption, a transfer)."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from members.models import TermsFirstUse, TermsNotice, TermsVersion
from members.services.account import member_user_create
from members.services.terms import terms_announce, terms_use_record
from points.services.bills import bill_record
from rewards.services.certificates import certificates_request
from tests.factories import HotelFactory, OutletFactory, make_member
from tests.points.test_bills import EXAMPLE
from tests.points.test_ledger import earn_and_post

D = dt.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def version_2025(noc):
    return TermsVersion.objects.create(
        program=noc, version="2025", effective_from=D(2025, 3, 2), url="https://example.com/terms-2025"
    )


def test_pt3_a_new_version_is_announced_to_each_open_member_once(noc, version_2025, django_capture_on_commit_callbacks):
    members = [make_member("new-otani") for _ in range(3)]
    no_email = make_member("new-otani", email="", email_required=False)
    mail.outbox.clear()
    # When the office announces it (the emails go once the transaction commits)
    with django_capture_on_commit_callbacks(execute=True):
        added = terms_announce(version=version_2025)
    # Then each open member has one notice, the three with an email got one email each
    assert added == 4
    assert TermsNotice.objects.filter(terms_version=version_2025).count() == 4
    assert sorted(m.to[0] for m in mail.outbox) == sorted(m.email for m in members)
    assert TermsNotice.objects.get(member=no_email).emailed is False
    version_2025.refresh_from_db()
    assert version_2025.announced_at is not None
    # When it is announced again, Then nobody gets a second email; a member enrolled since gets one
    late = make_member("new-otani")
    with django_capture_on_commit_callbacks(execute=True):
        assert terms_announce(version=version_2025) == 1
    assert [m.to[0] for m in mail.outbox[3:]] == [late.email]


def test_pt3_the_first_use_under_a_version_is_recorded_by_a_bill_per_date_of_use(noc, version_2025):
    # Given the API.md folio: nights of 2025-03-01 (terms 2020) and 2025-03-02 (terms 2025)
    hotel = HotelFactory(code="NOT")
    OutletFactory(hotel=hotel, code="SATSUKI")
    member = make_member("new-otani", enrolled_on=D(2020, 1, 1))
    payload = copy.deepcopy(EXAMPLE) | {"member": member.number}
    bill_record(payload=payload)
    uses = {u.terms_version.version: (u.first_used_on, u.how) for u in TermsFirstUse.objects.filter(member=member)}
    assert uses == {"2020": (D(2025, 3, 1), "bill"), "2025": (D(2025, 3, 2), "bill")}


def test_pt3_a_later_use_keeps_the_first_date_and_an_earlier_one_moves_it_back(noc, version_2025):
    member = make_member("new-otani")
    assert terms_use_record(member=member, on=D(2025, 4, 10), how="login") is not None
    assert terms_use_record(member=member, on=D(2025, 5, 1), how="redemption") is None
    terms_use_record(member=member, on=D(2025, 3, 20), how="bill")
    row = TermsFirstUse.objects.get(member=member, terms_version=version_2025)
    assert (row.first_used_on, row.how) == (D(2025, 3, 20), "bill")


def test_pt3_a_redemption_is_a_use_under_the_terms_in_force(noc, version_2025):
    hotel = HotelFactory(code="NOT")
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 1, 10))
    certificates_request(
        member=member, count=1, hotel=hotel, arrival_on=D(2025, 4, 20), channel="office", today=D(2025, 4, 1)
    )
    row = TermsFirstUse.objects.get(member=member, terms_version=version_2025)
    assert (row.first_used_on, row.how) == (D(2025, 4, 1), "redemption")


def test_pt3_the_member_sees_the_new_version_at_the_next_login_and_it_is_recorded(
    client, noc, version_2025, monkeypatch
):
    from loyalty import clock

    monkeypatch.setattr(clock, "today", lambda: D(2025, 3, 10))
    member = make_member("new-otani", enrolled_on=D(2020, 1, 1))
    member_user_create(member=member, password="Secret123")
    response = client.post(reverse("login"), {"username": member.number, "password": "Secret123"}, follow=True)
    assert response.status_code == 200
    assert "changed on 2025-03-02" in response.content.decode()
    row = TermsFirstUse.objects.get(member=member, terms_version=version_2025)
    assert (row.first_used_on, row.how) == (D(2025, 3, 10), "login")
    # the next login shows nothing more
    client.logout()
    again = client.post(reverse("login"), {"username": member.number, "password": "Secret123"}, follow=True)
    assert "changed on 2025-03-02" not in again.content.decode()


def test_pt3_the_office_announces_a_version_from_the_admin(admin_client, noc, version_2025):
    member = make_member("new-otani")
    url = reverse("admin:members_termsversion_changelist")
    admin_client.post(url, {"action": "announce", "_selected_action": [version_2025.pk]})
    assert TermsNotice.objects.filter(member=member, terms_version=version_2025).exists()
