"""Issue 16, what people read in the office: yen as ¥ with separators, points with separators, codes by their label,
no internal id anywhere (``#12``, ``object (12)``, ``pk=``), "—" for nothing, no section with a bare header, job runs
and histories in words, members found by what people know (the merge picker), the front desk's certificate page,
refusals in the office's look, and the same number of queries whatever the number of rows."""

from __future__ import annotations

import copy
import datetime as dt
import html
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from members.models import Member, User
from points.admin.jobs import counts_in_words
from points.models import Adjustment, Bill, Claim, JobRun
from points.services.bills import bill_record
from rewards.models import Certificate, CertificateRequest
from tests.factories import HotelFactory, make_member
from tests.points.test_bills import EXAMPLE

D = dt.date

# A three-night stay at NOT paid ¥166,750 by credit card: room charges, a mini bar and a dinner on the folio.
FOLIO = {
    **copy.deepcopy(EXAMPLE),
    "number": "F-2001",
    "paid_on": "2025-03-04",
    "payments": [{"method": "credit_card", "amount": 166750}],
    "charges": [
        {"date": "2025-03-01", "room": "1203", "category": "room", "amount": 45000, "tax_service": 6750},
        {"date": "2025-03-02", "room": "1203", "category": "room", "amount": 45000, "tax_service": 6750},
        {"date": "2025-03-03", "room": "1203", "category": "room", "amount": 45000, "tax_service": 6750},
        {"date": "2025-03-03", "room": "1203", "category": "minibar", "amount": 2000, "tax_service": 300},
        {"date": "2025-03-02", "room": "1203", "category": "food_beverage", "amount": 8000, "tax_service": 1200},
    ],
    "room_charged_checks": [],
}

INTERNAL_ID = re.compile(r"#\d+|\bobject \(\d+\)|pk=|\bID “\d+”")


def staff(username: str, group: str, *, programs=(), hotel=None) -> User:
    user = User.objects.create_user(username=username, password="Office2026!", is_staff=True, hotel=hotel)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


def visible_text(page) -> str:
    """What a person reads on the page's content: no script, style, SVG, hidden input or markup; the bill's raw
    record ("As received", collapsed) left out."""
    body = page.content.decode()
    start = body.find('id="content-main"')
    body = body[start:] if start >= 0 else body
    body = re.sub(r"<(script|style|svg|template|select)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r"<pre\b.*?</pre>", " ", body, flags=re.S)  # the JSON as received (unfold's highlighted record)
    body = re.sub(r"<input[^>]*>", " ", body)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


@pytest.fixture
def folio(db):
    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    member = make_member("new-otani", family_name="Yamamoto", given_name="Taro", enrolled_on=D(2020, 1, 1))
    outcome = bill_record(payload=FOLIO | {"member": member.number}, source=Bill.Source.DEMO)
    return outcome.bill


def _page(client, user, url, *, language="en"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(url)


# --- The bill, in yen and words ---------------------------------------------------------------------------------


def test_bill_page_shows_yen_points_and_labels_with_no_bare_section(client, folio, noc):
    clerk = staff("noc-center", "Office clerk", programs=[noc])
    page = _page(client, clerk, reverse("admin:points_bill_change", args=[folio.pk]))
    assert page.status_code == 200
    text = visible_text(page)
    # yen as ¥ with separators, points with separators, positions from 1
    assert "¥166,750" in text and "¥45,000" in text and "¥6,750" in text
    assert f"{folio.points:,}" in text and folio.points >= 1000
    assert not re.search(rf"(?<![\d,]){folio.points}(?![\d,])", text)
    # codes by their label: payment method, charge categories, channel, settlement, unit kinds, status on use
    for label in ("Credit card", "Room charge", "Mini bar", "Official website", "Paid on the spot", "Room night"):
        assert label in text, label
    for code in ("credit_card", "food_beverage", "official_website", "on_the_spot", "minibar"):
        assert code not in text, code
    # rule IDs with their sentence
    assert "NX3 — " in text
    # no internal id, no "None", "—" for nothing
    assert not INTERNAL_ID.search(text) and "None" not in text
    # no section with a bare header: no refund, no room-charged check: their tables are left out (their management
    # forms stay, for a save)
    assert 'id="refunds-group"' not in page.text and 'id="checks-group"' not in page.text
    assert 'name="refunds-TOTAL_FORMS"' in page.text


def test_bill_page_in_japanese_keeps_yen_and_dates(client, folio, noc):
    clerk = staff("noc-center", "Office clerk", programs=[noc])
    text = visible_text(_page(client, clerk, reverse("admin:points_bill_change", args=[folio.pk]), language="ja"))
    assert "¥166,750" in text and "2025-03-04" in text
    assert "credit_card" not in text and "None" not in text


def test_bill_list_fits_with_points_and_yen(client, folio, noc):
    clerk = staff("noc-center", "Office clerk", programs=[noc])
    text = visible_text(_page(client, clerk, reverse("admin:points_bill_changelist")))
    assert "¥166,750" in text and "NOT" in text
    assert f"{folio.points:,}" in text


def test_member_page_shows_the_debt_in_yen_and_points_with_separators(admin_client, folio):
    from points.services.ledger import points_retract

    member = folio.member
    pending = folio.points + folio.bonus_points
    points_retract(member=member, bill=folio, refund=None, points=pending + 12345, bonus_points=0, on=D(2025, 3, 10))
    text = visible_text(admin_client.get(reverse("admin:members_member_change", args=[member.pk])))
    assert "Posted balance: -12,345 (negative: the office charges the member ¥" in text
    assert f"-{pending:,}" in text and "JPY" not in text  # the retraction: posted and pending
    assert not INTERNAL_ID.search(text) and "None" not in text


# --- No internal id, no "None" -----------------------------------------------------------------------------------


def test_no_page_of_the_office_shows_an_internal_id(admin_client, folio, noc):
    member = folio.member
    clerk = staff("noc-center", "Office clerk", programs=[noc])
    adjustment = Adjustment.objects.create(member=member, points=500, reason="stay missing", used_on=D(2025, 3, 1))
    claim = Claim.objects.create(member=member, used_on=D(2025, 3, 1), description="dinner missing")
    run = JobRun.objects.create(job=JobRun.Job.QUALIFY, program=noc, as_of=D(2025, 12, 31), counts={"qualified": 3})
    member.phone = "+81 3 0000 0000"
    member._history_user = clerk
    member.save()
    pages = [
        reverse("admin:members_member_change", args=[member.pk]),
        reverse("admin:members_member_history", args=[member.pk]),
        reverse("admin:points_adjustment_change", args=[adjustment.pk]),
        reverse("admin:points_adjustment_history", args=[adjustment.pk]),
        reverse("admin:points_claim_change", args=[claim.pk]),
        reverse("admin:points_claim_changelist"),
        reverse("admin:points_jobrun_change", args=[run.pk]),
        reverse("admin:points_jobrun_changelist"),
        reverse("admin:points_ledgerentry_changelist"),
        reverse("admin:points_lotconsumption_changelist"),
        reverse("admin:points_billrefund_changelist"),
        reverse("admin:points_bill_history", args=[folio.pk]),
    ]
    for url in pages:
        page = admin_client.get(url)
        assert page.status_code == 200, url
        text = visible_text(page)
        assert not INTERNAL_ID.search(text), (url, INTERNAL_ID.search(text))
        assert "None" not in text, url
    # every row's name says what it is, never its number in the database
    rows = (adjustment, claim, run, *member.cards.all(), folio, *folio.units.all(), *folio.charges.all())
    for obj in (*rows, *folio.payments.all(), *folio.exclusions.all(), *folio.rooms.all(), *folio.entries.all()):
        assert not INTERNAL_ID.search(str(obj)) and f"{type(obj).__name__} object" not in str(obj), str(obj)


def test_history_is_in_words(admin_client, folio):
    member = folio.member
    admin_client.post(
        reverse("admin:members_member_change", args=[member.pk]),
        _member_form(member, phone="+81 3 1234 5678"),
    )
    page = admin_client.get(reverse("admin:members_member_history", args=[member.pk]))
    text = visible_text(page)
    assert "History of " + str(member) in text
    assert "Phone: — → +81 3 1234 5678" in text  # nothing before: "—", never "None"
    assert "Changed" in text and "admin" in text  # what happened, and who did it
    assert "Deleted user" not in text and "None" not in text


def _member_form(member: Member, **changes) -> dict:
    data = {
        "family_name": member.family_name,
        "given_name": member.given_name,
        "phone": member.phone,
        "postal_code": member.postal_code,
        "country": member.country,
        "address": member.address,
        "language": member.language,
        "enrolled_on": member.enrolled_on.isoformat(),
        "admitted_on": "",
        "enrolled_at": member.enrolled_at_id or "",
        "category": member.category_id or "",
        "family_of": "",
        "cards-TOTAL_FORMS": "0",
        "cards-INITIAL_FORMS": "0",
        "status_periods-TOTAL_FORMS": "0",
        "status_periods-INITIAL_FORMS": "0",
    }
    for card in member.cards.all():
        i = int(data["cards-TOTAL_FORMS"])
        data.update(
            {
                f"cards-{i}-id": card.pk,
                f"cards-{i}-member": member.pk,
                f"cards-{i}-number": card.number,
                f"cards-{i}-kind": card.kind,
                f"cards-{i}-state": card.state,
                f"cards-{i}-fulfilment": card.fulfilment,
                f"cards-{i}-issued_on": card.issued_on.isoformat(),
                f"cards-{i}-mailed_on": card.mailed_on.isoformat() if card.mailed_on else "",
            }
        )
        data["cards-TOTAL_FORMS"] = data["cards-INITIAL_FORMS"] = str(i + 1)
    return data | changes


# --- Job runs in words ------------------------------------------------------------------------------------------


def test_job_run_counts_are_words_not_a_dict():
    assert counts_in_words({"qualified": 1234}) == "1,234 members qualified"
    assert counts_in_words({"qualified": 1}) == "1 member qualified"
    assert counts_in_words({"lots": 41, "entries": 41, "members_in_debt": 0}) == "41 point lots, 41 ledger entries"
    assert counts_in_words({"lots": 0, "entries": 0, "members": 0}) == "Nothing to do"
    assert counts_in_words({}) == "—"


def test_job_run_page_shows_counts_state_and_date_in_words(admin_client, noc):
    run = JobRun.objects.create(
        job=JobRun.Job.EXPIRE,
        program=noc,
        as_of=D(2026, 10, 1),
        state=JobRun.State.DONE,
        finished_at=timezone.now(),
        counts={"lots": 1200, "entries": 3, "members": 3},
    )
    for url in (reverse("admin:points_jobrun_changelist"), reverse("admin:points_jobrun_change", args=[run.pk])):
        text = visible_text(admin_client.get(url))
        assert "1,200 point lots, 3 ledger entries, 3 members" in text
        assert "Done" in text and "2026-10-01" in text
        assert "{" not in text and '"lots"' not in text


# --- Members found by what people know: the merge picker -------------------------------------------------------------


def test_merge_picker_finds_the_member_by_card_number_and_nothing_of_another_program(client, oh, noc):
    survivor = make_member("one-harmony", family_name="Sato", given_name="Hana")
    duplicate = make_member("one-harmony", family_name="Sato", given_name="Hanako", oci="654321")
    other = make_member("new-otani", family_name="Sato", given_name="Hana", email="hana.noc@example.com")
    clerk = staff("oh-office", "Office clerk", programs=[oh])
    client.force_login(clerk)
    url = reverse("admin:members_member_merge_candidates", args=[survivor.pk])

    def found(term):
        answer = client.get(url, {"term": term})
        assert answer.status_code == 200
        return [row["id"] for row in answer.json()["results"]]

    # any card number (the legacy OCI one), the membership number, the email or the name
    assert found("654321") == [duplicate.number]
    assert found(duplicate.number) == [duplicate.number]
    assert found(duplicate.email) == [duplicate.number]
    assert found("Sato") == [duplicate.number]  # not the survivor itself, not the New Otani Sato
    # nothing of the other program, even by its own number or email
    assert found(other.number) == [] and found("hana.noc@example.com") == []
    # the answers carry the membership number and the name, never an internal id
    row = client.get(url, {"term": "654321"}).json()["results"][0]
    assert row == {"id": duplicate.number, "text": str(duplicate)}
    # the merge page offers the picker (select2 asking this URL), and previews the pick
    page = client.get(reverse("admin:members_member_office", args=[survivor.pk, "merge"]))
    assert f'data-ajax--url="{url}"' in page.text and "admin-autocomplete" in page.text
    preview = client.post(reverse("admin:members_member_office", args=[survivor.pk, "merge"]), {"duplicate": "654321"})
    assert preview.status_code == 200 and duplicate.number in preview.text
    assert Member.objects.get(pk=duplicate.pk).closed_on is None
    # a member of the other program is refused, typed or picked
    refused = client.post(
        reverse("admin:members_member_office", args=[survivor.pk, "merge"]), {"duplicate": other.number}
    )
    assert "No open member of this program in your scope" in refused.text
    # and the other program's office cannot ask about this member at all
    client.force_login(staff("noc-center", "Office clerk", programs=[noc]))
    assert client.get(url, {"term": "654321"}).status_code == 403


# --- The front desk marks a certificate used ---------------------------------------------------------------------


def _certificate(member, hotel, number: str, state=Certificate.State.HANDED_OVER) -> Certificate:
    request = CertificateRequest.objects.create(
        member=member, count=1, points=5000, hotel=hotel, arrival_on=D(2026, 12, 24), requested_on=D(2026, 11, 1),
        channel=CertificateRequest.Channel.OFFICE,
    )  # fmt: skip
    return Certificate.objects.create(
        request=request, member=member, number=number, value=5000, member_name=member.full_name,
        card_number=member.number, issued_on=D(2026, 11, 1), valid_until=D(2099, 11, 1), hotel=hotel, state=state,
    )  # fmt: skip


def test_front_desk_marks_its_own_hotels_certificate_used_by_its_number(client, noc):
    not_ = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    noo = HotelFactory(code="NOO", name="Hotel New Otani Osaka")
    member = make_member("new-otani")
    own = _certificate(member, not_, "RC-NOT-1")
    other = _certificate(member, noo, "RC-NOO-1")
    client.force_login(staff("frontdesk-not", "Front desk", hotel=not_))
    url = reverse("admin:rewards_certificate_use")
    page = client.get(url)
    assert page.status_code == 200 and "Registration number of the certificate" in page.text
    # another hotel's certificate is not found
    refused = client.post(url, {"number": "RC-NOO-1", "purpose": "accommodation", "amount": "5000"})
    assert "No certificate of your hotel has this registration number" in refused.text
    assert Certificate.objects.get(pk=other.pk).state == Certificate.State.HANDED_OVER
    # its own is marked used, and the page says so in yen
    done = client.post(url, {"number": "rc-not-1", "purpose": "accommodation", "amount": "5000"}, follow=True)
    assert Certificate.objects.get(pk=own.pk).state == Certificate.State.USED
    assert "RC-NOT-1 (¥5,000) is marked used" in done.text
    # and the home page and the navigation offer the page
    home = client.get(reverse("admin:index"))
    assert url in home.text


# --- Refusals in the office's look -----------------------------------------------------------------------------------


def test_every_refusal_to_a_clerk_is_a_page_in_the_office_look_with_a_way_back(client, oh, noc):
    noc_member = make_member("new-otani")
    clerk = staff("oh-office", "Office clerk", programs=[oh])
    client.force_login(clerk)
    refused = [
        reverse("admin:dashboard", args=["new-otani"]),  # the other program's dashboard
        reverse("admin:members_member_history", args=[noc_member.pk]),  # the other program's member
        reverse("admin:members_member_office", args=[noc_member.pk, "merge"]),
        reverse("admin:members_member_merge_candidates", args=[noc_member.pk]),
        reverse("admin:members_user_changelist"),  # logins: not a clerk's
        reverse("admin:auth_group_changelist"),
        reverse("admin:members_programsettings_add"),  # settings: a supervisor's
        reverse("admin:members_formsubmission_changelist"),  # superusers only
        reverse("admin:points_bill_add"),  # bills come from the hotels
    ]
    for url in refused:
        page = client.get(url)
        assert page.status_code == 403, url
        assert "Not for your office" in page.text, url
        assert f'href="{reverse("admin:index")}"' in page.text, url  # the way back
        assert 'id="nav-sidebar"' in page.text or "sidebar" in page.text, url  # the office's frame
        assert not INTERNAL_ID.search(visible_text(page)), url
    # the other program's member's page: back to the work queue, with the refusal in words (never its internal id)
    page = client.get(reverse("admin:members_member_change", args=[noc_member.pk]), follow=True)
    assert page.redirect_chain[-1][0] == reverse("admin:index")
    assert "This member is not one your office may open, or it is no longer there." in page.text
    assert not INTERNAL_ID.search(visible_text(page)) and f"“{noc_member.pk}”" not in page.text


# --- Empty states ------------------------------------------------------------------------------------------------


def test_an_empty_work_list_says_nothing_waiting_without_an_action_bar(client, oh):
    supervisor = staff("oh-supervisor", "Office supervisor", programs=[oh])
    page = _page(client, supervisor, reverse("admin:points_adjustment_changelist") + "?waiting=for_me")
    text = visible_text(page)
    assert "Nothing waiting" in text and "Back to your work queue" in text
    assert 'name="action"' not in page.text and "No results found" not in text
    home = visible_text(client.get(reverse("admin:index")))
    assert "Nothing waiting for you right now." in home


def test_program_settings_read_their_codes_by_label(client, oh):
    clerk = staff("oh-office", "Office clerk", programs=[oh])
    settings_row = oh.settings_versions.order_by("effective_from").first()
    text = visible_text(_page(client, clerk, reverse("admin:members_programsettings_change", args=[settings_row.pk])))
    assert "Official website" in text and "Reservation center" in text
    assert '"official_website"' not in text


# --- The same number of queries whatever the number of rows ----------------------------------------------------------


def test_every_list_of_the_office_keeps_its_query_count_whatever_the_rows(admin_client, folio, noc):
    from django.core.management import call_command

    call_command("seed_demo", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    member = folio.member
    for points in (100, 200):
        Adjustment.objects.create(member=member, points=points, reason="stay missing", used_on=D(2025, 3, 1))
        Claim.objects.create(member=member, used_on=D(2025, 3, 1), description="dinner missing")
    growing = []
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("members", "points", "rewards") or model._default_manager.count() < 2:
            continue
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        admin_client.get(url)  # caches warm (content types)
        counts = []
        for per_page in (1, 100):
            model_admin.list_per_page = per_page
            try:
                with CaptureQueriesContext(connection) as queries:
                    assert admin_client.get(url).status_code == 200, url
            finally:
                del model_admin.list_per_page
            counts.append(len(queries))
        print("\n".join(q["sql"][:150] for q in queries.captured_queries), "\n=====")
        if counts[0] != counts[1]:
            growing.append((url, counts))
    assert growing == []


def test_the_bill_page_keeps_its_query_count_whatever_its_lines(admin_client, folio):
    small = bill_record(
        payload={
            **copy.deepcopy(EXAMPLE),
            "number": "F-2002",
            "member": folio.member.number,
            "payments": [{"method": "cash", "amount": 34500}],
            "charges": [EXAMPLE["charges"][0]],
            "room_charged_checks": [],
        },
        source=Bill.Source.DEMO,
    ).bill
    assert small.charges.count() == 1 and folio.charges.count() == 5
    admin_client.get(reverse("admin:points_bill_change", args=[small.pk]))  # caches warm (content types)
    counts = []
    for bill in (small, folio):
        with CaptureQueriesContext(connection) as queries:
            assert admin_client.get(reverse("admin:points_bill_change", args=[bill.pk])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_on_the_certificate_page_only_its_own_link_is_active_in_the_navigation(rf, noc):
    from loyalty.office.navigation import sidebar

    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    request = rf.get(reverse("admin:rewards_certificate_use"))
    request.user = staff("frontdesk-nav", "Front desk", hotel=hotel)
    active = [item["title"] for group in sidebar(request) for item in group["items"] if item["active"](request)]
    assert [str(title) for title in active] == ["Mark a certificate used"]
    request = rf.get(reverse("admin:rewards_certificate_changelist"))
    request.user = staff("frontdesk-nav2", "Front desk", hotel=hotel)
    active = [item["title"] for group in sidebar(request) for item in group["items"] if item["active"](request)]
    assert [str(title) for title in active] == ["Reward certificates"]
