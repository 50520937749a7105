"""API.md "Members": enrolment (M3, M2, M6, T1, M10), the account summary (A4, ST1, NE7, EX6) and qualification
(ST2, SH1), with the token scopes of points.api.permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from loyalty.rulebooks.validity import valid_through
from members.models import Card, Member, StatusPeriod
from points.models import MemberBalance, QualificationCredit, StayNight
from points.services.ledger import lots_post, points_earn
from tests.factories import make_bill, make_member

URL = "/api/v1/members/"

CONTRACT_EXAMPLE = {
    "program": "one-harmony",
    "family_name": "Sato",
    "given_name": "Hana",
    "email": "hana@example.com",
    "enrolled_on": "2025-01-10",
    "hotel": "HOK",
    "legacy": {"oci": "123456"},
    "family_of": None,
    "category": None,
}


def body(**overrides):
    data = {"family_name": "Sato", "given_name": "Hana", "email": "hana@example.com"}
    data.update(overrides)
    return data


def assert_refused(response, status: int, code: str, *fields: str) -> dict:
    """A refusal: the status, the JSON error body, and every named field at fault."""
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    data = response.json()
    assert set(data) == {"code", "detail", "fields"}
    assert data["code"] == code
    assert isinstance(data["detail"], str) and data["detail"]
    for field in fields:
        assert field in data["fields"], data
        assert field.lower() in data["detail"].lower(), data["detail"]
    return data


# --- POST /members/ ------------------------------------------------------------------------------------------


def test_m2_m3_contract_example_with_an_office_token(oh_office, hotel_hok):
    # Given the API.md example, sent by the One Harmony office
    # When it is posted
    response = oh_office.post(URL, CONTRACT_EXAMPLE, format="json")
    # Then a former OCI member gets "700" + the OCI number, and keeps the OCI card (M2)
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "number": "700123456",
        "program": "one-harmony",
        "family_name": "Sato",
        "given_name": "Hana",
        "email": "hana@example.com",
        "enrolled_on": "2025-01-10",
        "cards": [{"number": "700123456", "kind": "membership"}, {"number": "123456", "kind": "oci"}],
    }
    member = Member.objects.get(number="700123456")
    assert (member.enrolled_at, member.channel) == (hotel_hok, Member.Channel.OFFICE)
    assert MemberBalance.objects.filter(member=member).exists()


def test_m3_hotel_token_enrolls_into_its_program_at_its_hotel_by_default(hok_client, hotel_hok):
    # Given the Okura Tokyo's PMS, which sends neither program nor hotel nor date
    response = hok_client.post(URL, body(phone="090-1234-5678"), format="json")
    # Then the member is a One Harmony member enrolled today at the front desk of that hotel
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["program"] == "one-harmony"
    assert len(data["number"]) == 9  # M1
    assert data["enrolled_on"] == timezone.localdate().isoformat()
    assert data["cards"] == [{"number": data["number"], "kind": "membership"}]
    member = Member.objects.get(number=data["number"])
    assert (member.enrolled_at, member.channel, member.phone) == (hotel_hok, Member.Channel.FRONT_DESK, "090-1234-5678")


def test_m6_new_otani_enrolment_date_is_the_admission_date(not_client, hotel_not):
    response = not_client.post(URL, body(program="new-otani", hotel="NOT", enrolled_on="2025-02-01"), format="json")
    assert response.status_code == 201, response.json()
    member = Member.objects.get(number=response.json()["number"])
    assert len(member.number) == 10  # M1 Default
    assert member.admitted_on == dt.date(2025, 2, 1)


def test_m3_hotel_token_cannot_enroll_without_email(hok_client):
    response = hok_client.post(URL, {"family_name": "Sato", "given_name": "Hana"}, format="json")
    assert_refused(response, 400, "invalid_enrolment", "email")
    assert not Member.objects.exists()


def test_m3_office_token_enrolls_without_email(oh_office):
    response = oh_office.post(URL, {"family_name": "Sato", "given_name": "Hana"}, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["email"] == ""


def test_m2_hotel_token_cannot_send_legacy_cards(hok_client):
    response = hok_client.post(URL, body(legacy={"oci": "123456"}), format="json")
    assert_refused(response, 403, "forbidden_field", "legacy")
    assert not Member.objects.exists()


def test_m2_office_records_a_myj_number_as_a_card(oh_office):
    response = oh_office.post(URL, body(legacy={"myj": "MJ4455"}), format="json")
    assert response.status_code == 201, response.json()
    member = Member.objects.get(number=response.json()["number"])
    assert Card.objects.filter(member=member, number="MJ4455", kind=Card.Kind.MYJ).exists()
    assert {"number": "MJ4455", "kind": "myj"} in response.json()["cards"]


def test_m1_a_legacy_card_already_held_is_a_conflict(oh_office):
    make_member("one-harmony", oci="123456")
    response = oh_office.post(URL, body(legacy={"oci": "123456"}), format="json")
    assert_refused(response, 409, "duplicate_card")
    assert Member.objects.count() == 1


def test_m2_an_oci_number_has_six_digits(oh_office):
    response = oh_office.post(URL, body(legacy={"oci": "12345"}), format="json")
    assert_refused(response, 400, "invalid_enrolment", "legacy.oci")


def test_t1_m10_family_of_and_category(noc_office, noc):
    # Given a New Otani principal member
    principal = make_member("new-otani")
    # When the office enrolls a family member of it, in the corporate category
    response = noc_office.post(
        URL, body(program="new-otani", family_of=principal.number, category="corporate"), format="json"
    )
    # Then both are recorded
    assert response.status_code == 201, response.json()
    member = Member.objects.get(number=response.json()["number"])
    assert member.family_of == principal
    assert member.category.code == "corporate"


def test_unknown_program_hotel_category_family_of_are_named(oh_office, hotel_hok):
    response = oh_office.post(URL, body(program="platinum-club"), format="json")
    assert_refused(response, 400, "invalid", "program")
    response = oh_office.post(URL, body(hotel="NOPE", category="gold", family_of="999999999"), format="json")
    assert_refused(response, 400, "invalid", "hotel", "category", "family_of")
    assert not Member.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"enrolled_on": "2025-13-40"}, ["enrolled_on"]),
        ({"enrolled_on": 20250110}, ["enrolled_on"]),
        ({"email": "not-an-email"}, ["email"]),
        ({"family_name": 123, "given_name": ["Hana"]}, ["family_name", "given_name"]),
        ({"family_name": ""}, ["family_name"]),
        ({"legacy": "123456"}, ["legacy"]),
        ({"legacy": {"oci": 123456}}, ["legacy.oci"]),
        ({"legacy": {"jal": "1"}}, ["legacy.jal"]),
        ({"hotel": True}, ["hotel"]),
    ],
)
def test_bad_input_is_400_naming_the_fields_and_stores_nothing(oh_office, overrides, fields):
    response = oh_office.post(URL, body(**overrides), format="json")
    data = assert_refused(response, 400, "invalid", *fields)
    assert set(data["fields"]) == set(fields)
    assert not Member.objects.exists()


def test_missing_required_fields_are_named(oh_office):
    response = oh_office.post(URL, {}, format="json")
    assert_refused(response, 400, "invalid", "family_name", "given_name")


def test_hotel_token_enrolls_only_at_its_own_hotel(hok_client, hotel_nikko):
    response = hok_client.post(URL, body(hotel="NKO"), format="json")
    assert_refused(response, 403, "forbidden_hotel", "hotel")
    assert not Member.objects.exists()


def test_hotel_token_enrolls_only_into_its_hotels_program(hok_client, noc):
    response = hok_client.post(URL, body(program="new-otani"), format="json")
    assert_refused(response, 403, "forbidden_program", "program")
    assert not Member.objects.exists()


def test_office_token_enrolls_only_into_its_program(noc_office, hotel_hok):
    response = noc_office.post(URL, CONTRACT_EXAMPLE, format="json")
    assert_refused(response, 403, "forbidden_program", "program")
    response = noc_office.post(URL, body(hotel="HOK"), format="json")
    assert_refused(response, 403, "forbidden_hotel", "hotel")
    assert not Member.objects.exists()


def test_enrolment_needs_a_token(db, anonymous):
    response = anonymous.post(URL, body(), format="json")
    assert_refused(response, 401, "not_authenticated")
    assert not Member.objects.exists()


# --- GET /members/{card}/ ------------------------------------------------------------------------------------


@pytest.fixture
def account(hotel_hok):
    """A One Harmony member (former OCI 123456, MYJ MJ4455) with posted points of two years, pending points and a
    Loyal status in force."""
    today = timezone.localdate()
    member = make_member("one-harmony", oci="123456", myj="MJ4455", enrolled_on=today - dt.timedelta(days=800))
    earlier, recent, pending = today - dt.timedelta(days=400), today - dt.timedelta(days=40), today - dt.timedelta(2)
    for used_on, points, bonus in ((earlier, 2000, 0), (recent, 8000, 2000), (pending, 450, 0)):
        bill = make_bill(member, hotel=hotel_hok, paid_on=used_on, points=points)
        points_earn(
            member=member,
            bill=bill,
            points=points,
            bonus_points=bonus,
            used_on=used_on,
            posts_on=used_on + dt.timedelta(days=10),
            expires_on=valid_through("one-harmony", used_on),
        )
    lots_post(member=member, as_of=today)
    StatusPeriod.objects.create(
        member=member,
        tier="loyal",
        valid_from=today - dt.timedelta(days=30),
        valid_until=today + dt.timedelta(days=300),
        qualification_year=today.year - 1,
    )
    return member, earlier, recent, pending


def test_a4_account_has_exactly_the_contract_shape(oh_office, account):
    member, earlier, recent, pending = account
    today = timezone.localdate()
    response = oh_office.get(f"{URL}{member.number}/")
    assert response.status_code == 200, response.json()
    assert response.json() == {
        "number": "700123456",
        "program": "one-harmony",
        "status": "loyal",
        "status_valid_until": (today + dt.timedelta(days=300)).isoformat(),
        "points": {"balance": 12000, "pending": 450},
        "pending": [{"points": 450, "posts_on": (pending + dt.timedelta(days=10)).isoformat()}],
        # EX1, EX6: 360 days apart, so two calendar years and two expiry dates, soonest first (bonus included)
        "expiring": [
            {"expires_on": valid_through("one-harmony", earlier).isoformat(), "points": 2000},
            {"expires_on": valid_through("one-harmony", recent).isoformat(), "points": 10000},
        ],
    }


def test_m2_any_card_ever_held_gives_the_same_member(hok_client, account):
    member = account[0]
    answers = [hok_client.get(f"{URL}{card}/") for card in ("700123456", "123456", "MJ4455")]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert answers[0].json() == answers[1].json() == answers[2].json()
    assert answers[0].json()["number"] == member.number


def test_st1_member_without_status_and_new_otani_members_are_member(oh_office, noc_office):
    oh_member = make_member("one-harmony")
    StatusPeriod.objects.create(  # a status that ended: not in force
        member=oh_member, tier="exclusive", valid_from=dt.date(2020, 4, 1), valid_until=dt.date(2021, 3, 31)
    )
    data = oh_office.get(f"{URL}{oh_member.number}/").json()
    assert (data["status"], data["status_valid_until"]) == ("member", None)
    assert data["points"] == {"balance": 0, "pending": 0}
    assert (data["pending"], data["expiring"]) == ([], [])
    noc_member = make_member("new-otani")
    data = noc_office.get(f"{URL}{noc_member.number}/").json()
    assert (data["program"], data["status"], data["status_valid_until"]) == ("new-otani", "member", None)


def test_scope_a_member_of_another_program_is_not_found(noc_office, not_client, oh_office, account):
    member = account[0]
    for client in (noc_office, not_client):
        assert_refused(client.get(f"{URL}{member.number}/"), 404, "member_not_found")
        assert_refused(client.get(f"{URL}123456/"), 404, "member_not_found")
    assert_refused(oh_office.get(f"{URL}000000000/"), 404, "member_not_found")


def test_account_needs_a_token(anonymous, account):
    assert_refused(anonymous.get(f"{URL}{account[0].number}/"), 401, "not_authenticated")


# --- GET /members/{card}/qualification/{year}/ ---------------------------------------------------------------


def test_st2_sh1_qualification_of_a_year(oh_office, hotel_hok):
    member = make_member("one-harmony", oci="654321")
    bill = make_bill(member, hotel=hotel_hok, paid_on=dt.date(2025, 6, 1), points=4000)
    points_earn(
        member=member,
        bill=bill,
        points=4000,
        bonus_points=1000,  # OE6: the bonus does not qualify
        used_on=dt.date(2025, 6, 1),
        posts_on=dt.date(2025, 6, 11),
        expires_on=dt.date(2028, 1, 31),
    )
    for day in (1, 2, 3):
        StayNight.objects.create(member=member, night_of=dt.date(2025, 5, day), hotel=hotel_hok)
    QualificationCredit.objects.create(
        member=member, year=2025, credited_on=dt.date(2025, 3, 31), points=1200, source="test"
    )
    response = oh_office.get(f"{URL}654321/qualification/2025/")
    assert response.status_code == 200, response.json()
    assert response.json() == {"year": 2025, "points": 5200, "nights": 3, "tier": "loyal"}
    assert oh_office.get(f"{URL}654321/qualification/2024/").json() == {
        "year": 2024,
        "points": 0,
        "nights": 0,
        "tier": "member",
    }


def test_st1_qualification_does_not_apply_to_new_otani(noc_office):
    member = make_member("new-otani")
    assert_refused(noc_office.get(f"{URL}{member.number}/qualification/2025/"), 400, "not_applicable")


def test_qualification_year_must_be_a_year(oh_office):
    member = make_member("one-harmony")
    for year in ("twenty", "0", "99999"):
        assert_refused(oh_office.get(f"{URL}{member.number}/qualification/{year}/"), 400, "invalid", "year")


def test_qualification_scope(noc_office):
    member = make_member("one-harmony")
    assert_refused(noc_office.get(f"{URL}{member.number}/qualification/2025/"), 404, "member_not_found")
