"""The office's home page is the signed-in user's work queue (issue 16), in a fixed number of queries; the frame is
the user's office ("One Harmony Office", "NOC Center", a hotel's front desk) with a navigation by work; members are
found by what people know (any card number, email or name) with autocomplete, within the user's program."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Card, NameChangeRequest, User
from points.models import Adjustment, Claim, JobRun
from points.services.adjustments import adjustment_request
from tests.factories import HotelFactory, make_member

pytestmark = pytest.mark.django_db


def staff(username: str, group: str, *, programs=(), hotel=None) -> User:
    user = User.objects.create_user(username=username, password="x", is_staff=True, hotel=hotel)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


def waiting_adjustment(member, by: User) -> Adjustment:
    return adjustment_request(
        member=member,
        points=50_000,
        reason="goodwill",
        used_on=timezone.localdate() - dt.timedelta(days=3),
        requested_by=by,
        on=timezone.localdate(),
    )


def work(response) -> dict[str, int]:
    return {str(item["label"]): item["count"] for item in response.context["work_queue"]}


def test_home_is_the_supervisors_work_queue_with_counts_and_links(client, noc):
    # Given a NOC supervisor, a clerk's adjustment above the threshold and the supervisor's own, an open claim,
    # a name change, a card to mail and a failed job run
    clerk = staff("noc-clerk", "Office clerk", programs=[noc])
    boss = staff("noc-boss", "Office supervisor", programs=[noc])
    member = make_member("new-otani")
    waiting_adjustment(member, clerk)
    waiting_adjustment(member, boss)
    Claim.objects.create(member=member, kind=Claim.Kind.POINTS, used_on=timezone.localdate(), description="stay")
    NameChangeRequest.objects.create(member=member, family_name="Tanaka", given_name="Yoko")
    Card.objects.filter(member=member).update(fulfilment=Card.Fulfilment.TO_BE_MAILED, state=Card.State.CURRENT)
    JobRun.objects.create(job=JobRun.Job.POST, program=noc, as_of=timezone.localdate(), state=JobRun.State.FAILED)
    # When the supervisor opens the admin
    client.force_login(boss)
    page = client.get(reverse("admin:index"))
    # Then the home page is their work: someone else's adjustment to approve (not their own), which waits apart
    assert page.status_code == 200
    counts = work(page)
    assert counts["Adjustments to approve"] == 1
    assert counts["Your adjustments awaiting approval"] == 1
    assert counts["Claims to review"] == 1
    assert counts["Name changes"] == 1
    assert counts["Cards to mail"] >= 1
    assert counts["Failed job runs"] == 1
    text = page.text
    assert reverse("admin:points_adjustment_changelist") + "?waiting=for_me" in text
    assert reverse("admin:points_claim_changelist") + "?state__exact=open" in text
    assert reverse("admin:members_card_changelist") + "?to_mail=yes" in text
    assert reverse("admin:points_jobrun_changelist") + "?state__exact=failed" in text
    # and the program's figures of the day, under the office's name
    assert "Figures of the day" in text and "NOC Center" in text and "Django administration" not in text
    # And the list it links to shows exactly the adjustment to approve
    listing = client.get(reverse("admin:points_adjustment_changelist") + "?waiting=for_me")
    assert listing.context["cl"].result_count == 1
    assert listing.context["cl"].result_list[0].requested_by == clerk


def test_a_clerk_has_nothing_to_approve_and_sees_their_own_waiting(client, noc):
    clerk = staff("noc-clerk", "Office clerk", programs=[noc])
    waiting_adjustment(make_member("new-otani"), clerk)
    client.force_login(clerk)
    counts = work(client.get(reverse("admin:index")))
    assert "Adjustments to approve" not in counts
    assert counts["Your adjustments awaiting approval"] == 1


def test_front_desk_home_is_its_hotel(client, noc):
    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    desk = staff("desk", "Front desk", hotel=hotel)
    client.force_login(desk)
    page = client.get(reverse("admin:index"))
    assert "Hotel New Otani Tokyo front desk" in page.text
    counts = work(page)
    assert "Failed job runs" not in counts and "Cards to mail" not in counts
    assert "Certificates for arrivals of the next 7 days" in counts
    # no dashboard is offered to a front desk (it may open none)
    assert "/dashboard/" not in page.text


def test_home_page_keeps_a_fixed_number_of_queries(client, noc):
    # Given a supervisor with a little work
    boss = staff("noc-boss", "Office supervisor", programs=[noc])
    clerk = staff("noc-clerk", "Office clerk", programs=[noc])
    client.force_login(boss)
    waiting_adjustment(make_member("new-otani"), clerk)
    client.get(reverse("admin:index"))  # warm: content types, permissions cache of a fresh process
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("admin:index")).status_code == 200
    # When there is much more work
    for _ in range(5):
        member = make_member("new-otani")
        waiting_adjustment(member, clerk)
        Claim.objects.create(member=member, kind=Claim.Kind.POINTS, used_on=timezone.localdate(), description="stay")
        NameChangeRequest.objects.create(member=member, family_name="Sato", given_name="Ken")
    with CaptureQueriesContext(connection) as many:
        assert client.get(reverse("admin:index")).status_code == 200
    # Then the page reads the same number of queries, and a small one
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) <= 20


def test_navigation_is_by_work_and_offers_only_what_the_user_may_open(client, noc):
    desk = staff("desk", "Front desk", hotel=HotelFactory(code="NOT"))
    client.force_login(desk)
    nav = client.get(reverse("admin:index")).context["sidebar_navigation"]
    titles = [str(group["title"]) for group in nav]
    assert "Jobs" not in titles  # a front desk may open no job run
    for group in nav:
        assert group["items"], group["title"]  # no empty section
    boss = staff("noc-boss", "Office supervisor", programs=[noc])
    client.force_login(boss)
    nav = client.get(reverse("admin:index")).context["sidebar_navigation"]
    titles = [str(group["title"]) for group in nav]
    for work_title in ("Members", "Bills and points", "Adjustments and claims", "Rewards", "Jobs", "Settings"):
        assert work_title in titles


# --- Members found by what people know (M2) ------------------------------------------------------------------


def autocomplete(client, term: str, *, model="adjustment", field="member") -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"term": term, "app_label": "points", "model_name": model, "field_name": field},
    )
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def test_m2_the_adjustment_form_finds_a_member_by_any_card_number_email_or_name(client, oh, noc):
    # Given a One Harmony member who was an OCI member (700-number and the OCI card), and a NOC member
    hana = make_member("one-harmony", oci="123456", family_name="Sato", given_name="Hana", email="hana@example.com")
    other = make_member("new-otani", family_name="Sato", given_name="Hanae", email="hanae@example.com")
    clerk = staff("oh-clerk", "Office clerk", programs=[oh])
    client.force_login(clerk)
    # When the clerk types what they know into the member field of an adjustment
    # Then the member is offered, by the membership number, the old OCI card, the email or the name
    for term in (hana.number, "123456", "HANA@example.com", "Sato Hana", "hana"):
        assert autocomplete(client, term) == [str(hana.pk)], term
    # and never a member of another program
    assert str(other.pk) not in autocomplete(client, "Sato")
    assert autocomplete(client, "hanae@example.com") == []
    # And the adjustment form takes the member so chosen
    page = client.post(
        reverse("admin:points_adjustment_add"),
        {"member": hana.pk, "points": 100, "reason": "goodwill", "used_on": timezone.localdate() - dt.timedelta(2)},
    )
    assert page.status_code == 302, page.context["adminform"].form.errors
    assert Adjustment.objects.get().member == hana


def test_m2_the_member_fields_of_the_office_use_the_autocomplete(client, oh):
    clerk = staff("oh-clerk", "Office clerk", programs=[oh])
    client.force_login(clerk)
    for url in (reverse("admin:points_adjustment_add"), reverse("admin:points_claim_add")):
        page = client.get(url)
        if page.status_code == 403:
            continue
        assert 'data-ajax--url="' + reverse("admin:autocomplete") in page.text or "admin-autocomplete" in page.text
    # the member list's search too: by the old card number
    hana = make_member("one-harmony", oci="654321")
    listing = client.get(reverse("admin:members_member_changelist"), {"q": "654321"})
    assert [m.pk for m in listing.context["cl"].result_list] == [hana.pk]


def test_the_sign_in_page_sends_staff_to_the_work_queue(client, noc):
    staff("noc-clerk", "Office clerk", programs=[noc])
    page = client.get(reverse("admin:login"))
    assert f'name="next" value="{reverse("admin:index")}"' in page.text
    signed_in = client.post(
        reverse("admin:login"), {"username": "noc-clerk", "password": "x", "next": reverse("admin:index")}
    )
    assert signed_in.status_code == 302 and signed_in["Location"] == reverse("admin:index")


def test_a_supervisor_approving_their_own_request_gets_only_the_refusal(client, noc):
    # Given a supervisor's own adjustment waiting for approval
    boss = staff("noc-boss", "Office supervisor", programs=[noc])
    adjustment = waiting_adjustment(make_member("new-otani"), boss)
    client.force_login(boss)
    # When they try to approve it themselves
    page = client.post(
        reverse("admin:points_adjustment_changelist"),
        {"action": "approve_adjustments", "_selected_action": [adjustment.pk]},
        follow=True,
    )
    # Then they read the refusal, and no green "0 approved"
    shown = [(m.level_tag, str(m)) for m in page.context["messages"]]
    assert [level for level, _text in shown] == ["error"], shown
    assert "maker-checker" in shown[0][1]
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL
