"""API.md "Redemption and transfers" (NR1-NR3, OR1, T1-T5) and `DELETE /api/v1/members/{card}/` (M9): status codes,
bodies, error codes and token scopes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from members.models import Member, MembershipCategory
from points.models import EntryKind, Hotel, LedgerEntry
from points.services.tokens import api_token_issue
from rewards.models import Award, Certificate, CertificateRequest, Transfer
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post

pytestmark = pytest.mark.django_db


def client_with(key: str) -> APIClient:
    client = APIClient()
    client.default_format = "json"  # the API takes JSON bodies only
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def assert_refused(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "detail", "fields"}
    assert data["code"] == code, data
    assert data["detail"]
    return data


def recent() -> dt.date:
    """A date of use whose points are posted and valid today."""
    return timezone.localdate() - dt.timedelta(days=30)


@pytest.fixture
def hotel_not(noc):
    return Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand="new-otani")


@pytest.fixture
def hotel_hok(oh):
    return Hotel.objects.create(program=oh, code="HOK", name="The Okura Tokyo", brand="okura")


@pytest.fixture
def noc_office(noc):
    return client_with(api_token_issue(program=noc)[1])


@pytest.fixture
def oh_office(oh):
    return client_with(api_token_issue(program=oh)[1])


@pytest.fixture
def not_client(hotel_not):
    return client_with(api_token_issue(hotel=hotel_not)[1])


@pytest.fixture
def hok_client(hotel_hok):
    return client_with(api_token_issue(hotel=hotel_hok)[1])


def certificates_url(member) -> str:
    return f"/api/v1/members/{member.number}/certificates/"


def arrival(days: int = 20) -> str:
    return (timezone.localdate() + dt.timedelta(days=days)).isoformat()


# --- Certificates (NR1-NR3) ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("client_name", ["noc_office", "not_client"])
def test_nr1_certificates_contract_answer(request, client_name, hotel_not):
    client = request.getfixturevalue(client_name)
    member = make_member("new-otani")
    earn_and_post(member, 11200, recent())
    response = client.post(
        certificates_url(member), {"count": 2, "hotel": "NOT", "arrival_on": arrival()}, format="json"
    )
    assert response.status_code == 201, response.content
    data = response.json()
    assert set(data) == {"certificates", "points_redeemed", "balance"}
    assert (data["points_redeemed"], data["balance"]) == (10000, 1200)
    assert len(data["certificates"]) == 2
    for certificate in data["certificates"]:
        assert set(certificate) == {"number", "value", "valid_until"}
        assert certificate["value"] == 5000
    assert {c["number"] for c in data["certificates"]} == set(Certificate.objects.values_list("number", flat=True))


def test_nr1_insufficient_points_409(noc_office, hotel_not):
    member = make_member("new-otani")
    earn_and_post(member, 4999, recent())
    response = noc_office.post(certificates_url(member), {"count": 1, "hotel": "NOT", "arrival_on": arrival()})
    assert_refused(response, 409, "insufficient_points")
    assert not CertificateRequest.objects.exists()


def test_nr2_too_close_to_arrival_and_hotel_not_eligible_400(noc_office, hotel_not, noc):
    member = make_member("new-otani")
    earn_and_post(member, 5000, recent())
    url = certificates_url(member)
    assert_refused(
        noc_office.post(url, {"count": 1, "hotel": "NOT", "arrival_on": arrival(9)}), 400, "too_close_to_arrival"
    )
    Hotel.objects.create(program=noc, code="NOA", name="Associate", brand="new-otani", affiliation="associate")
    assert_refused(
        noc_office.post(url, {"count": 1, "hotel": "NOA", "arrival_on": arrival()}), 400, "hotel_not_eligible"
    )
    assert not CertificateRequest.objects.exists()


def test_m9_certificates_of_a_closed_membership_409(noc_office, hotel_not):
    member = make_member("new-otani")
    earn_and_post(member, 5000, recent())
    assert noc_office.delete(f"/api/v1/members/{member.number}/").status_code == 200
    response = noc_office.post(certificates_url(member), {"count": 1, "hotel": "NOT", "arrival_on": arrival()})
    assert_refused(response, 409, "membership_closed")


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"count": 0, "hotel": "NOT", "arrival_on": "2030-01-01"},
        {"count": 21, "hotel": "NOT", "arrival_on": "2030-01-01"},
        {"count": "two", "hotel": "NOT", "arrival_on": "2030-01-01"},
        {"count": 1, "hotel": "NOT", "arrival_on": "2030-02-30"},
        {"count": 1, "hotel": 7, "arrival_on": "2030-01-01"},
        {"count": 1, "hotel": "NOPE", "arrival_on": "2030-01-01"},
        ["not", "an", "object"],
    ],
)
def test_nr1_malformed_requests_are_400_never_500(noc_office, hotel_not, body):
    member = make_member("new-otani")
    earn_and_post(member, 5000, recent())
    assert_refused(noc_office.post(certificates_url(member), body, format="json"), 400, "invalid")


def test_certificates_out_of_scope_member_404(hok_client, hotel_not):
    member = make_member("new-otani")
    response = hok_client.post(certificates_url(member), {"count": 1, "hotel": "NOT", "arrival_on": arrival()})
    assert_refused(response, 404, "member_not_found")


# --- Awards (OR1) --------------------------------------------------------------------------------------------------


@pytest.fixture
def breakfast(oh, hotel_hok):
    return Award.objects.create(
        program=oh, code="BREAKFAST-HOK", kind="breakfast", name="Breakfast for two", points=3000, hotel=hotel_hok
    )


def test_or1_award_contract_answer_with_a_hotel_token(hok_client, breakfast):
    member = make_member("one-harmony")
    earn_and_post(member, 12000, recent())
    response = hok_client.post(f"/api/v1/members/{member.number}/redemptions/", {"award": "BREAKFAST-HOK"})
    assert response.status_code == 201, response.content
    assert response.json() == {"award": "BREAKFAST-HOK", "points_redeemed": 3000, "balance": 9000}


def test_or1_award_refusals(hok_client, oh_office, breakfast):
    member = make_member("one-harmony")
    earn_and_post(member, 2000, recent())
    url = f"/api/v1/members/{member.number}/redemptions/"
    assert_refused(hok_client.post(url, {"award": "BREAKFAST-HOK"}), 409, "insufficient_points")
    assert_refused(hok_client.post(url, {"award": "NO-SUCH"}), 400, "award_not_available")
    assert_refused(oh_office.post(url, {"award": "BREAKFAST-HOK"}), 400, "wrong_channel")  # OR1: not via the office
    assert_refused(hok_client.post(url, {"award": ["x"]}, format="json"), 400, "invalid")
    assert not LedgerEntry.objects.filter(kind=EntryKind.REDEEM).exists()


# --- Transfers (T1-T5) ---------------------------------------------------------------------------------------------


def test_t1_t3_transfer_contract_answer(noc_office):
    principal = make_member("new-otani")
    spouse = make_member("new-otani", family_of=principal)
    earn_and_post(principal, 8000, recent())
    body = {"from": principal.number, "to": spouse.number, "consents": ["from", "to"]}
    response = noc_office.post("/api/v1/transfers/", body, format="json")
    assert response.status_code == 201, response.content
    assert response.json() == {"points_moved": 8000}


def test_t1_t5_transfer_refusals(noc_office, noc):
    principal = make_member("new-otani")
    spouse = make_member("new-otani", family_of=principal)
    stranger = make_member("new-otani")
    url = "/api/v1/transfers/"

    def post(giver, receiver, consents=("from", "to")):
        return noc_office.post(
            url, {"from": giver.number, "to": receiver.number, "consents": list(consents)}, format="json"
        )

    assert_refused(post(principal, spouse), 400, "nothing_to_transfer")
    earn_and_post(principal, 8000, recent())
    assert_refused(post(principal, stranger), 400, "not_family")
    assert_refused(post(principal, spouse, ["from"]), 400, "consent_missing")
    no_consents = {"from": principal.number, "to": spouse.number}
    assert_refused(noc_office.post(url, no_consents, format="json"), 400, "consent_missing")
    category = MembershipCategory.objects.create(program=noc, code="x", name="X", allows_family_transfer=False)
    Member.objects.filter(pk=spouse.pk).update(category=category)
    assert_refused(post(principal, spouse), 400, "category_excluded")
    assert not Transfer.objects.exists()


def test_transfers_are_for_office_tokens_and_validate_their_shape(noc_office, not_client):
    principal = make_member("new-otani")
    spouse = make_member("new-otani", family_of=principal)
    body = {"from": principal.number, "to": spouse.number, "consents": ["from", "to"]}
    assert_refused(not_client.post("/api/v1/transfers/", body, format="json"), 403, "forbidden")
    data = assert_refused(noc_office.post("/api/v1/transfers/", {"to": spouse.number}, format="json"), 400, "invalid")
    assert "from" in data["fields"]
    unknown = {"from": "0000000000", "to": spouse.number, "consents": ["from", "to"]}
    assert (
        "from"
        in assert_refused(noc_office.post("/api/v1/transfers/", unknown, format="json"), 400, "invalid")["fields"]
    )
    wrong = {"from": principal.number, "to": spouse.number, "consents": ["from", "someone"]}
    assert_refused(noc_office.post("/api/v1/transfers/", wrong, format="json"), 400, "invalid")


# --- DELETE /members/{card}/ (M9) ----------------------------------------------------------------------------------


def test_m9_delete_cancels_and_forfeits(noc_office):
    member = make_member("new-otani")
    earn_and_post(member, 7000, recent())
    response = noc_office.delete(f"/api/v1/members/{member.number}/?reason=withdrawn")
    assert response.status_code == 200, response.content
    assert response.json() == {
        "number": member.number,
        "closed_on": timezone.localdate().isoformat(),
        "points_forfeited": 7000,
    }
    member.refresh_from_db()
    assert member.closed_reason == "withdrawn"
    assert noc_office.get(f"/api/v1/members/{member.number}/").json()["points"]["balance"] == 0
    assert_refused(noc_office.delete(f"/api/v1/members/{member.number}/"), 409, "membership_closed")


def test_m9_delete_is_for_office_tokens_of_the_members_program(not_client, oh_office, noc_office):
    member = make_member("new-otani")
    assert_refused(not_client.delete(f"/api/v1/members/{member.number}/"), 403, "forbidden")
    assert_refused(oh_office.delete(f"/api/v1/members/{member.number}/"), 404, "member_not_found")
    assert_refused(noc_office.delete(f"/api/v1/members/{member.number}/?reason=merged"), 400, "invalid")
    member.refresh_from_db()
    assert member.closed_on is None


def test_the_schema_documents_the_rewards_endpoints(noc_office):
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths = schema["paths"]
    assert "post" in paths["/api/v1/members/{card}/certificates/"]
    assert "post" in paths["/api/v1/members/{card}/redemptions/"]
    assert "from" in schema["components"]["schemas"]["TransferRequest"]["properties"]
    assert "delete" in paths["/api/v1/members/{card}/"]


def test_nr3_certificates_for_an_arrival_after_their_validity_are_refused_and_the_member_reads_why(
    noc_office, hotel_not
):
    """NR2/NR3: handed over at the stay, certificates valid until a year from today could not pay an arrival after
    that: refused, nothing redeemed; the member reads it in plain words (no rule ID)."""
    from loyalty.portal import reasons
    from rewards.exceptions import InvalidRedemption

    member = make_member("new-otani")
    earn_and_post(member, 5000, recent())
    response = noc_office.post(certificates_url(member), {"count": 1, "hotel": "NOT", "arrival_on": "2099-01-01"})
    assert_refused(response, 400, "invalid")
    assert "arrival_on" in response.json()["fields"]
    error = InvalidRedemption("x", field="arrival_on")
    assert "valid for a limited time" in reasons.error_text(error) and "NR" not in reasons.error_text(error)
