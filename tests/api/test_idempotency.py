"""API.md 1.1 ``Idempotency-Key`` (issue 13 item 4): a retried POST gets the first answer and does nothing more, also
when both arrive at once; the same key with another body answers 409 ``idempotency_key_reused``. Keys are per
token. NR1/OR1/R1: a retry never spends or retracts points twice."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from points.models import Bill, BillRefund, EntryKind, IdempotencyKey, LedgerEntry
from points.services.tokens import api_token_issue
from rewards.models import Certificate, CertificateRequest
from tests.api.conftest import client_with
from tests.api.test_bills_api import URL
from tests.factories import make_member
from tests.points.test_ledger import earn_and_post
from tests.points.test_ledger_guards import race

REFUND = "/api/v1/bills/NOT/F-1001/refund/"


def recent() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=30)


def certificate_body() -> dict:
    return {"count": 1, "hotel": "NOT", "arrival_on": (timezone.localdate() + dt.timedelta(days=20)).isoformat()}


def post(client, url, body, key):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def test_item4_nr1_a_retried_certificate_request_gets_the_first_answer_and_redeems_once(not_client, hotel_not):
    # Given a member with 10,000 posted points
    member = make_member("new-otani")
    earn_and_post(member, 10000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    # When the PMS sends the same request twice with the same key (it timed out the first time)
    first = post(not_client, url, certificate_body(), "retry-1")
    again = post(not_client, url, certificate_body(), "retry-1")
    # Then the retry is answered with the first answer, and only one certificate is redeemed
    assert first.status_code == 201, first.content
    assert (again.status_code, again.json()) == (201, first.json())
    assert again["Idempotent-Replayed"] == "true"
    assert CertificateRequest.objects.count() == 1 and Certificate.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1
    # And another key is another request
    third = post(not_client, url, certificate_body(), "retry-2")
    assert third.status_code == 201 and CertificateRequest.objects.count() == 2


def test_item4_the_same_key_with_another_body_answers_409_idempotency_key_reused(not_client, hotel_not):
    member = make_member("new-otani")
    earn_and_post(member, 20000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    assert post(not_client, url, certificate_body(), "k").status_code == 201
    other = post(not_client, url, {**certificate_body(), "count": 2}, "k")
    assert other.status_code == 409
    assert other.json()["code"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json()["fields"]
    assert CertificateRequest.objects.count() == 1
    # The same key on another endpoint is another body too
    assert post(not_client, URL, {"hotel": "NOT"}, "k").json()["code"] == "idempotency_key_reused"


def test_item4_keys_are_per_token(hotel_not, noc):
    member = make_member("new-otani")
    earn_and_post(member, 10000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    one = client_with(api_token_issue(hotel=hotel_not)[1])
    two = client_with(api_token_issue(program=noc)[1])
    assert post(one, url, certificate_body(), "same").status_code == 201
    assert post(two, url, certificate_body(), "same").status_code == 201
    assert CertificateRequest.objects.count() == 2


def test_item4_r1_a_retried_refund_retracts_once(not_client, folio):
    not_client.post(URL, folio, format="json")
    first = post(not_client, REFUND, {"amount": 5000}, "refund-1")
    again = post(not_client, REFUND, {"amount": 5000}, "refund-1")
    assert first.status_code == 200, first.content
    assert again.json() == first.json()
    assert BillRefund.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.RETRACT).count() == 1


def test_item4_a_retried_bill_gets_the_first_answer_201(not_client, folio):
    first = post(not_client, URL, folio, "bill-F-1001")
    again = post(not_client, URL, folio, "bill-F-1001")
    assert (first.status_code, again.status_code) == (201, 201)
    assert again.json() == first.json()
    assert Bill.objects.count() == 1


def test_item4_a_refusal_is_replayed_and_keeps_nothing_but_its_answer(not_client, hotel_not):
    # Given a member without enough points: the first answer is 409 insufficient_points
    member = make_member("new-otani")
    url = f"/api/v1/members/{member.number}/certificates/"
    first = post(not_client, url, certificate_body(), "poor")
    assert first.status_code == 409 and first.json()["code"] == "insufficient_points"
    # When points arrive and the same request is retried with the same key
    earn_and_post(member, 5000, recent())
    again = post(not_client, url, certificate_body(), "poor")
    # Then the retry gets the first answer: a retry is not a new request
    assert (again.status_code, again.json()) == (409, first.json())
    assert CertificateRequest.objects.count() == 0


def test_item4_a_server_error_keeps_no_key_so_the_retry_can_succeed(not_client, folio, monkeypatch):
    from points.api import views

    real = views.bill_record

    def broken(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(views, "bill_record", broken)
    assert post(not_client, URL, folio, "k500").status_code == 500
    assert IdempotencyKey.objects.count() == 0 and Bill.objects.count() == 0
    monkeypatch.setattr(views, "bill_record", real)
    assert post(not_client, URL, folio, "k500").status_code == 201


@pytest.mark.parametrize("key", ["", " ", "a b", "x" * 256, "キー"])
def test_item4_a_key_that_is_not_1_to_255_visible_characters_answers_400(not_client, folio, key):
    response = not_client.post(URL, folio, format="json", HTTP_IDEMPOTENCY_KEY=key)
    assert response.status_code == 400
    assert "Idempotency-Key" in response.json()["fields"]
    assert Bill.objects.count() == 0


def test_item4_an_expired_key_starts_afresh(not_client, hotel_not):
    member = make_member("new-otani")
    earn_and_post(member, 10000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    assert post(not_client, url, certificate_body(), "old").status_code == 201
    IdempotencyKey.objects.update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert post(not_client, url, certificate_body(), "old").status_code == 201
    assert CertificateRequest.objects.count() == 2


@pytest.mark.django_db(transaction=True)
def test_item4_nr1_the_same_request_arriving_eight_times_at_once_redeems_once(postgres_only):
    # Given a member with 20,000 posted points and a hotel token
    from points.models import Hotel
    from tests.factories import HotelFactory

    hotel = HotelFactory(code="NOT", brand=Hotel.Brand.NEW_OTANI)
    key = api_token_issue(hotel=hotel)[1]
    member = make_member("new-otani")
    earn_and_post(member, 20000, recent())
    url = f"/api/v1/members/{member.number}/certificates/"
    body = certificate_body()

    # When eight copies of one request with one key arrive at once
    def work(i):
        response = post(client_with(key), url, body, "at-once")
        return response.status_code, response.json()

    results = race(8, work)
    # Then every copy gets the same 201 answer, and exactly one certificate is redeemed
    assert all(not isinstance(r, Exception) for r in results), results
    assert {status for status, _ in results} == {201}, results
    assert len({str(body) for _, body in results}) == 1
    assert CertificateRequest.objects.count() == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.REDEEM).count() == 1


@pytest.mark.django_db(transaction=True)
def test_item4_the_same_bill_arriving_at_once_with_one_key_is_recorded_once_and_answered_alike(postgres_only):
    from points.models import Hotel
    from tests.factories import HotelFactory, OutletFactory
    from tests.points.test_bills import EXAMPLE

    hotel = HotelFactory(code="NOT", brand=Hotel.Brand.NEW_OTANI)
    OutletFactory(hotel=hotel, code="SATSUKI")
    key = api_token_issue(hotel=hotel)[1]
    member = make_member("new-otani")
    bill = {**EXAMPLE, "member": member.number}

    def work(i):
        response = post(client_with(key), URL, bill, "bill-once")
        return response.status_code, response.json()

    results = race(6, work)
    assert {status for status, _ in results} == {201}, results
    assert len({str(body) for _, body in results}) == 1
    assert Bill.objects.count() == 1


def test_item4_answers_past_their_window_are_purged_daily(not_client, folio):
    from django_celery_beat.models import PeriodicTask

    from points.tasks import purge_idempotency_keys_task

    post(not_client, URL, folio, "old")
    folio["number"] = "F-1002"
    post(not_client, URL, folio, "new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - dt.timedelta(hours=25))
    assert purge_idempotency_keys_task.apply().get() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert PeriodicTask.objects.get(task="points.purge_idempotency_keys").enabled
