"""The back office: every model registered and rendering, search by any card (M2), a read-only ledger, staff scope
(staff see only their program's members; a front desk only its hotel's bills), the card mailing action (M4), the
exclusions of a bill in words, office enrolment (M3), the staff groups and the rule catalog."""

from __future__ import annotations

import copy
import datetime as dt
import re
from io import StringIO

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from loyalty.rulebooks.catalog import RULES, describe
from members.models import Card, Member, NameChangeRequest, ProgramSettings, User
from points.models import Adjustment, ApiToken, Bill, Claim, ExpiryReminder, JobRun, LedgerEntry, QualificationCredit
from points.services.bills import bill_record
from points.services.ledger import points_earn
from rewards.models import Award, AwardRedemption, Certificate, CertificateRequest, Transfer
from tests.factories import HotelFactory, make_bill, make_member
from tests.points.test_bills import EXAMPLE

D = dt.date

# The API.md example folio without its room-charged check (a plain two-night stay with a mini bar).
STAY = {**EXAMPLE, "payments": [{"method": "credit_card", "amount": 71300}], "room_charged_checks": []}


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def staff_user(username: str, group: str, *, programs=(), hotel=None) -> User:
    user = User.objects.create_user(username=username, password="Office2026!", is_staff=True, hotel=hotel)
    user.programs.set(programs)
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def noc_world(db):
    """Two New Otani hotels with a bill each for one member, and a One Harmony member."""
    not_ = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    noo = HotelFactory(code="NOO", name="Hotel New Otani Osaka")
    noc_member = make_member("new-otani", family_name="Yamamoto", given_name="Taro")
    oh_member = make_member("one-harmony", family_name="Sato", given_name="Hana", oci="654321")
    not_bill = make_bill(noc_member, hotel=not_, number="NOT-BILL-1")
    noo_bill = make_bill(noc_member, hotel=noo, number="NOO-BILL-1")
    return {"NOT": not_, "NOO": noo, "noc": noc_member, "oh": oh_member, "not_bill": not_bill, "noo_bill": noo_bill}


# --- Every model is there and renders ----------------------------------------------------------------------------


def test_every_model_of_members_points_rewards_is_registered():
    missing = [
        model.__name__
        for label in ("members", "points", "rewards")
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical") and model not in admin.site._registry
    ]
    assert missing == []


@pytest.mark.django_db
def test_every_admin_changelist_and_change_page_renders_for_a_superuser(admin_client, admin_user):
    # Given the demo world, plus the few kinds of rows the demo does not make
    call_command("seed_demo", stdout=StringIO())
    taro = Member.objects.get(email="taro.yamamoto@example.com")
    yoko = Member.objects.get(email="yoko.yamamoto@example.com")
    hana = Member.objects.get(number="700123456")
    Adjustment.objects.create(member=taro, points=500, reason="A5 claim: stay missing", used_on=D(2026, 5, 6))
    QualificationCredit.objects.create(member=hana, year=2013, credited_on=D(2013, 3, 31), points=5000, source="ST3")
    NameChangeRequest.objects.create(member=hana, family_name="Suzuki", given_name="Hana")
    Claim.objects.create(member=taro, used_on=D(2026, 5, 6), description="stay of May 6 missing")
    ApiToken.objects.create(name="NOT PMS", prefix="abcd1234", key_hash="0" * 64, hotel=taro.enrolled_at)
    ExpiryReminder.objects.create(member=hana, expires_on=D(2027, 1, 31), points=100, job_run=JobRun.objects.first())
    AwardRedemption.objects.create(
        member=hana, award=Award.objects.get(code="BREAKFAST-HOK"), points=3000, channel="office"
    )
    now = timezone.now()
    Transfer.objects.create(
        giver=yoko,
        receiver=taro,
        points=100,
        giver_consented_at=now,
        receiver_consented_at=now,
        transferred_on=D.today(),
    )
    _issue15_rows(hana=hana, taro=taro)
    from members.models import EmailDuplicate, FormSubmission  # issue 14

    EmailDuplicate.objects.create(program=hana.program, email=hana.email or "x@example.com", member=hana)
    FormSubmission.objects.create(token="t", path="/", location="/")
    # issue 13: a J5 finding and a kept Idempotency-Key answer
    from points.models import IdempotencyKey, LedgerMismatch, MemberBalance
    from points.services.reconciliation import ledger_reconcile

    MemberBalance.objects.filter(member=taro).update(posted=123456)
    ledger_reconcile(as_of=D(2026, 6, 1))
    assert LedgerMismatch.objects.filter(member=taro).exists()
    IdempotencyKey.objects.create(
        token=ApiToken.objects.get(prefix="abcd1234"), key="k", fingerprint="0" * 64, status=201, body="{}"
    )
    request = RequestFactory().get("/")
    request.user = admin_user

    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label not in ("members", "points", "rewards"):
            continue
        # When the superuser opens the list, the add page and a row's page
        response = admin_client.get(admin_url(model, "changelist"))
        # Then each renders
        assert response.status_code == 200, model
        if model_admin.has_add_permission(request):
            assert admin_client.get(admin_url(model, "add")).status_code == 200, model
        obj = model._default_manager.order_by("pk").first()
        assert obj is not None, f"no {model.__name__} to open"
        assert admin_client.get(admin_url(model, "change", obj.pk)).status_code == 200, model


def _issue15_rows(*, hana, taro) -> None:
    """Rows of the models issue 15 added (NR3 certificate uses, PT3 notices and first uses, PT2 endings, OR1 gift
    requests) that the demo does not make."""
    from members.models import TermsFirstUse, TermsNotice, TermsVersion
    from rewards.models import Certificate, CertificateUse

    version = TermsVersion.objects.filter(program=hana.program).first()
    TermsNotice.objects.get_or_create(member=hana, terms_version=version)
    TermsFirstUse.objects.get_or_create(
        member=hana, terms_version=version, defaults={"first_used_on": version.effective_from, "how": "login"}
    )
    from points.models import ProgramEnding

    ProgramEnding.objects.get_or_create(
        program=hana.program,
        scope="service",
        service="transfers",
        defaults={"announced_on": D(2030, 1, 1), "ends_on": D(2030, 12, 31)},
    )
    certificate = Certificate.objects.order_by("pk").first()
    if certificate is not None and not CertificateUse.objects.exists():
        CertificateUse.objects.create(
            certificate=certificate,
            used_on=certificate.issued_on,
            hotel=certificate.hotel,
            purpose="accommodation",
            amount=certificate.value,
        )


# --- Search (M2) ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_m2_member_search_by_legacy_card_number_finds_the_member(admin_client):
    # Given a former OCI member who also held a MYJ card, and another member
    member = make_member("one-harmony", oci="654321", myj="MYJ00099999")
    other = make_member("one-harmony")
    for query in ("654321", "MYJ00099999", "700654321"):
        # When the office searches by any card number the member holds or held
        response = admin_client.get(admin_url(Member, "changelist"), {"q": query})
        # Then the member is found, and only them
        assert member.number in response.text, query
        assert other.number not in response.text, query


# --- The ledger is read-only ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_ledger_admin_refuses_add_change_and_delete(admin_client):
    # Given an entry in the ledger
    member = make_member("new-otani")
    bill = make_bill(member)
    (entry,) = points_earn(
        member=member,
        bill=bill,
        points=500,
        bonus_points=0,
        used_on=bill.paid_on,
        posts_on=bill.posts_on,
        expires_on=bill.expires_on,
    )
    # When even a superuser tries to add, change or delete it, Then the admin refuses
    assert admin_client.get(admin_url(LedgerEntry, "add")).status_code == 403
    assert admin_client.post(admin_url(LedgerEntry, "change", entry.pk), {"points": 9999}).status_code == 403
    assert admin_client.get(admin_url(LedgerEntry, "delete", entry.pk)).status_code == 403
    assert admin_client.post(admin_url(LedgerEntry, "delete", entry.pk), {"post": "yes"}).status_code == 403
    # And the page shows the entry without a save button
    page = admin_client.get(admin_url(LedgerEntry, "change", entry.pk))
    assert page.status_code == 200
    assert 'name="_save"' not in page.text
    entry.refresh_from_db()
    assert entry.pending == 500


@pytest.mark.django_db
def test_bills_are_read_only_in_the_admin(admin_client, noc_world):
    bill = noc_world["not_bill"]
    assert admin_client.get(admin_url(Bill, "add")).status_code == 403
    assert admin_client.post(admin_url(Bill, "change", bill.pk), {"points": 1}).status_code == 403
    assert admin_client.get(admin_url(Bill, "delete", bill.pk)).status_code == 403


# --- Staff scope ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_noc_clerk_does_not_see_one_harmony_members(client, noc_world, noc):
    # Given a NOC Center clerk
    client.force_login(staff_user("noc-center", "Office clerk", programs=[noc]))
    oh_member, noc_member = noc_world["oh"], noc_world["noc"]
    # When they list the members
    listing = client.get(admin_url(Member, "changelist"))
    # Then they see their program's member, not the One Harmony one
    assert listing.status_code == 200
    assert noc_member.number in listing.text
    assert oh_member.number not in listing.text
    # Nor by searching for the One Harmony member's legacy card (M2)
    assert oh_member.number not in client.get(admin_url(Member, "changelist"), {"q": "654321"}).text
    # Nor by opening its page or its history directly (the history: refused in the office look, issue 16)
    assert client.get(admin_url(Member, "change", oh_member.pk)).status_code in (302, 404)
    assert client.get(admin_url(Member, "history", oh_member.pk)).status_code == 403
    assert client.get(admin_url(Card, "change", oh_member.cards.first().pk)).status_code in (302, 404)
    # While their own program's member opens
    assert client.get(admin_url(Member, "change", noc_member.pk)).status_code == 200


@pytest.mark.django_db
def test_noc_clerk_cannot_pick_a_one_harmony_member_for_an_adjustment(client, noc_world, noc):
    # Given a NOC Center clerk (clerks may add adjustments)
    client.force_login(staff_user("noc-center", "Office clerk", programs=[noc]))
    form = {"points": 20000, "reason": "A5 claim", "used_on": "2025-03-03"}
    # When they type the id of a One Harmony member
    response = client.post(admin_url(Adjustment, "add"), {**form, "member": noc_world["oh"].pk})
    # Then the form refuses it
    assert response.status_code == 200
    assert not Adjustment.objects.exists()
    # While their own program's member is taken, with the clerk as requester
    response = client.post(admin_url(Adjustment, "add"), {**form, "member": noc_world["noc"].pk})
    assert response.status_code == 302
    adjustment = Adjustment.objects.get()
    assert (adjustment.member, adjustment.requested_by.username) == (noc_world["noc"], "noc-center")
    assert adjustment.state == Adjustment.State.AWAITING_APPROVAL  # above the threshold: maker-checker


def certificate(member, hotel, number: str) -> Certificate:
    request = CertificateRequest.objects.create(
        member=member, count=1, points=5000, hotel=hotel, arrival_on=D(2026, 12, 24), requested_on=D(2026, 11, 1),
        channel=CertificateRequest.Channel.OFFICE,
    )  # fmt: skip
    return Certificate.objects.create(
        request=request, member=member, number=number, value=5000, member_name=member.full_name,
        card_number=member.number, issued_on=D(2026, 11, 1), valid_until=D(2027, 11, 1), hotel=hotel,
    )  # fmt: skip


@pytest.mark.django_db
def test_front_desk_sees_only_its_hotels_bills_and_certificates(client, noc_world):
    # Given the front desk of NOT
    client.force_login(staff_user("frontdesk-not", "Front desk", hotel=noc_world["NOT"]))
    # When it lists the bills
    listing = client.get(admin_url(Bill, "changelist"))
    # Then it sees its hotel's bill only
    assert listing.status_code == 200
    assert "NOT-BILL-1" in listing.text
    assert "NOO-BILL-1" not in listing.text
    assert client.get(admin_url(Bill, "change", noc_world["noo_bill"].pk)).status_code in (302, 404)
    assert client.get(admin_url(Bill, "change", noc_world["not_bill"].pk)).status_code == 200
    # And the members of its hotel's program, not the other program's
    members = client.get(admin_url(Member, "changelist"))
    assert noc_world["noc"].number in members.text
    assert noc_world["oh"].number not in members.text
    # And its hotel's Reward Certificates only (NR2: handed over at the hotel)
    certificate(noc_world["noc"], noc_world["NOT"], "RC-NOT-1")
    other = certificate(noc_world["noc"], noc_world["NOO"], "RC-NOO-1")
    certificates = client.get(admin_url(Certificate, "changelist"))
    assert "RC-NOT-1" in certificates.text
    assert "RC-NOO-1" not in certificates.text
    assert client.get(admin_url(Certificate, "change", other.pk)).status_code in (302, 404)
    # And nothing of the ledger (the group does not grant it)
    assert client.get(admin_url(LedgerEntry, "changelist")).status_code == 403


# --- Cards (M4) ----------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_m4_mark_as_mailed_sets_mailed_today_for_cards_to_be_mailed(admin_client):
    # Given a new member's card waiting to be mailed, and a legacy card (nothing to mail)
    member = make_member("one-harmony", oci="111222")
    card = member.cards.get(kind=Card.Kind.MEMBERSHIP)
    legacy = member.cards.get(kind=Card.Kind.OCI)
    assert card.fulfilment == Card.Fulfilment.TO_BE_MAILED
    # When the office marks both as mailed
    response = admin_client.post(
        admin_url(Card, "changelist"),
        {"action": "mark_as_mailed", "_selected_action": [card.pk, legacy.pk]},
    )
    # Then the card is mailed today, with its history, and the legacy card is left as it was
    assert response.status_code == 302
    card.refresh_from_db()
    legacy.refresh_from_db()
    assert (card.fulfilment, card.mailed_on) == (Card.Fulfilment.MAILED, timezone.localdate())
    assert card.history.filter(fulfilment=Card.Fulfilment.MAILED).exists()
    assert (legacy.fulfilment, legacy.mailed_on) == (Card.Fulfilment.NOT_MAILED, None)


@pytest.mark.django_db
def test_m1_card_number_is_read_only_once_the_card_exists(admin_client):
    member = make_member("one-harmony")
    card = member.cards.get()
    page = admin_client.get(admin_url(Card, "change", card.pk))
    assert page.status_code == 200
    assert 'name="number"' not in page.text
    member_page = admin_client.get(admin_url(Member, "change", member.pk))
    assert re.search(r'name="cards-0-number"[^>]*disabled', member_page.text)


@pytest.mark.django_db
def test_m1_a_new_card_cannot_take_a_number_another_member_holds(admin_client):
    # Given two members
    holder, other = make_member("one-harmony"), make_member("one-harmony")
    form = {"member": other.pk, "kind": "membership", "state": "current", "fulfilment": "to_be_mailed"}
    # When the office adds a card for the second member with the first member's number
    response = admin_client.post(admin_url(Card, "add"), {**form, "number": holder.number, "issued_on": "2026-01-05"})
    # Then the form refuses it (no error page), and the card still resolves to its holder
    assert response.status_code == 200
    assert "M1" in response.text
    assert list(Card.objects.filter(number=holder.number).values_list("member", flat=True)) == [holder.pk]
    # While a new number is taken, in the member's program
    response = admin_client.post(admin_url(Card, "add"), {**form, "number": "999000111", "issued_on": "2026-01-05"})
    assert response.status_code == 302
    assert Card.objects.get(number="999000111").program == other.program


# --- Bills in words -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_nx3_bill_change_page_shows_the_exclusion_rule_in_words(admin_client):
    # Given a stay with a mini bar charge, recorded through the bill service
    HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    member = make_member("new-otani", enrolled_on=D(2020, 1, 1))
    payload = copy.deepcopy(STAY) | {"member": member.number}
    outcome = bill_record(payload=payload, source=Bill.Source.DEMO)
    assert [e["rule"] for e in outcome.body["exclusions"]] == ["NX3"]
    # When the office opens the bill
    page = admin_client.get(admin_url(Bill, "change", outcome.bill.pk))
    # Then it reads the rule in words, the units and the payments
    assert page.status_code == 200
    assert describe("NX3") in page.text
    assert "mini bar" in page.text.lower()
    assert "2025-03-01 room 1203" in page.text
    assert "credit_card" in page.text


# --- Members: account summary (A4) and office enrolment (M3) --------------------------------------------------------


@pytest.mark.django_db
def test_a4_member_page_shows_the_account_summary(admin_client):
    member = make_member("new-otani")
    bill = make_bill(member, paid_on=D(2026, 1, 10))
    points_earn(
        member=member,
        bill=bill,
        points=1725,
        bonus_points=0,
        used_on=bill.paid_on,
        posts_on=D(2099, 1, 20),
        expires_on=bill.expires_on,
    )
    page = admin_client.get(admin_url(Member, "change", member.pk))
    assert page.status_code == 200
    assert "Account summary" in page.text
    assert "1,725 on 2099-01-20" in page.text  # pending with its posting date (NE7)
    assert f"bill {bill.hotel.code} {bill.number}" in page.text  # the last entries with their cause


@pytest.mark.django_db
def test_m3_office_enrols_a_member_without_email_through_the_service(admin_client, oh):
    response = admin_client.post(
        admin_url(Member, "add"),
        {
            "program": oh.pk,
            "family_name": "Suzuki",
            "given_name": "Ichiro",
            "email": "",
            "phone": "+81 90 0000 0000",
            "enrolled_on": "2026-01-05",
            "oci": "333444",
        },
    )
    assert response.status_code == 302, response.content
    member = Member.objects.get(family_name="Suzuki")
    assert member.number == "700333444"  # M2
    assert member.channel == Member.Channel.OFFICE
    assert set(member.cards.values_list("number", flat=True)) == {"700333444", "333444"}
    assert member.balance.posted == 0


@pytest.mark.django_db
def test_m3_office_enrolment_shows_the_services_refusal_on_the_form(admin_client, noc):
    response = admin_client.post(
        admin_url(Member, "add"),
        {"program": noc.pk, "family_name": "Ito", "given_name": "Aoi", "enrolled_on": "2026-01-05", "oci": "333444"},
    )
    assert response.status_code == 200
    assert "M2" in response.text  # legacy OCI/MYJ cards belong to One Harmony
    assert not Member.objects.filter(family_name="Ito").exists()


# --- API tokens --------------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_api_token_hash_is_never_editable_and_revoke_works(admin_client):
    hotel = HotelFactory(code="NOT")
    token = ApiToken.objects.create(name="NOT PMS", prefix="abcd1234", key_hash="f" * 64, hotel=hotel)
    page = admin_client.get(admin_url(ApiToken, "change", token.pk))
    assert page.status_code == 200
    assert 'name="key_hash"' not in page.text and 'name="prefix"' not in page.text
    assert admin_client.get(admin_url(ApiToken, "add")).status_code == 403
    response = admin_client.post(
        admin_url(ApiToken, "changelist"), {"action": "revoke", "_selected_action": [token.pk]}
    )
    assert response.status_code == 302
    token.refresh_from_db()
    assert token.revoked_at is not None


# --- Staff groups (data migration) ----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_groups_have_their_permissions():
    def perms(name):
        return set(Group.objects.get(name=name).permissions.values_list("content_type__app_label", "codename"))

    clerk, supervisor, desk = perms("Office clerk"), perms("Office supervisor"), perms("Front desk")
    assert {("members", "change_member"), ("members", "change_card"), ("points", "add_adjustment")} <= clerk
    assert {("points", "view_ledgerentry"), ("rewards", "view_transfer"), ("points", "view_bill")} <= clerk
    assert ("points", "change_adjustment") not in clerk
    assert clerk < supervisor
    assert {("points", "change_adjustment"), ("members", "change_programsettings")} <= supervisor  # PT1
    assert ("rewards", "change_certificate") in supervisor
    assert desk == {
        ("members", "view_member"),
        ("members", "view_card"),
        ("points", "view_bill"),
        ("rewards", "view_certificate"),
        ("rewards", "change_certificate"),
        ("rewards", "view_certificateuse"),  # NR3: what the certificates it marked used paid (issue 15)
    }
    # Nobody but a superuser edits the ledger
    assert not any(codename.endswith("ledgerentry") and not codename.startswith("view") for _, codename in supervisor)


# --- The rule catalog ---------------------------------------------------------------------------------------------

RULE_IDS = (
    [f"M{i}" for i in range(1, 11)]
    + [f"NE{i}" for i in range(1, 10)]
    + [f"NX{i}" for i in range(1, 16)]
    + [f"OE{i}" for i in range(1, 7)]
    + ["SH1", "SH2", "ST1", "ST2", "ST3"]
    + [f"EX{i}" for i in range(1, 7)]
    + ["R1", "NR1", "NR2", "NR3", "OR1"]
    + [f"T{i}" for i in range(1, 6)]
    + [f"A{i}" for i in range(1, 6)]
    + ["PT1", "PT2"]
    + [f"J{i}" for i in range(1, 5)]
)


def test_catalog_names_every_rule_of_the_rulebook_in_words():
    assert sorted(RULES) == sorted(RULE_IDS)
    assert all(len(title) > 10 for title in RULES.values())
    assert describe("NX3") == "NX3 — " + RULES["NX3"]
    assert "mini bar" in describe("NX3")
    assert describe("nx11") == "NX11 — " + RULES["NX11"]
    assert describe("XX9") == "XX9"
    assert describe("") == ""


# --- Program settings (PT1) ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_pt1_every_default_is_editable_by_a_supervisor_and_only_read_by_a_clerk(client, noc):
    # Given the New Otani settings, a NOC clerk and a NOC supervisor
    row = ProgramSettings.objects.get(program=noc)
    model_admin = admin.site._registry[ProgramSettings]
    request = RequestFactory().get("/")
    request.user = User.objects.create_superuser("root", password="x")
    form_fields = set(model_admin.get_form(request, row).base_fields)
    # Then every Default of the rulebook is a field of the admin form
    assert {f.name for f in ProgramSettings._meta.concrete_fields} - {"id"} <= form_fields
    data = {f: getattr(row, f) for f in form_fields if f != "program"} | {"program": noc.pk}
    data |= {"excluded_categories": ["laundry"], "posting_delay_days": 14}
    data |= {"earning_channels": row.earning_channels}  # NE4: the channels ticked by their labels (issue 16)
    url = admin_url(ProgramSettings, "change", row.pk)
    # When the clerk tries to change one, Then it is refused
    client.force_login(staff_user("noc-center", "Office clerk", programs=[noc]))
    assert client.get(url).status_code == 200
    assert client.post(url, data).status_code == 403
    # When the supervisor changes it, Then it is saved (NE7 posting delay, NX15 excluded categories)
    client.force_login(staff_user("noc-supervisor", "Office supervisor", programs=[noc]))
    assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert (row.posting_delay_days, row.excluded_categories) == (14, ["laundry"])
