"""API fixtures: hotels made with the ORM, tokens issued through ``api_token_issue``, one client per token."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from rest_framework.test import APIClient

from points.models import Hotel, Outlet, OutletDesignation
from points.services.tokens import api_token_issue


def client_with(key: str | None) -> APIClient:
    client = APIClient()
    if key is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def hotel_not(noc):
    return Hotel.objects.create(program=noc, code="NOT", name="Hotel New Otani Tokyo", brand=Hotel.Brand.NEW_OTANI)


@pytest.fixture
def hotel_hok(oh):
    return Hotel.objects.create(program=oh, code="HOK", name="The Okura Tokyo", brand=Hotel.Brand.OKURA)


@pytest.fixture
def hotel_nikko(oh):
    return Hotel.objects.create(
        program=oh, code="NKO", name="Hotel Nikko Osaka", brand=Hotel.Brand.NIKKO, accepts_jal_coupons=True
    )


@pytest.fixture
def anonymous():
    return client_with(None)


@pytest.fixture
def hok_client(hotel_hok):
    """The PMS of The Okura Tokyo (a One Harmony hotel token)."""
    _, key = api_token_issue(hotel=hotel_hok)
    return client_with(key)


@pytest.fixture
def not_client(hotel_not):
    """The PMS of Hotel New Otani Tokyo (a New Otani hotel token)."""
    _, key = api_token_issue(hotel=hotel_not)
    return client_with(key)


@pytest.fixture
def oh_office(oh):
    _, key = api_token_issue(program=oh)
    return client_with(key)


@pytest.fixture
def noc_office(noc):
    _, key = api_token_issue(program=noc)
    return client_with(key)


@pytest.fixture
def satsuki(hotel_not):
    outlet = Outlet.objects.create(hotel=hotel_not, code="SATSUKI", name="Satsuki", kind="restaurant")
    OutletDesignation.objects.create(outlet=outlet, effective_from=dt.date(2007, 10, 1), designated=True)
    return outlet


@pytest.fixture
def member(noc):
    from tests.factories import make_member

    return make_member("new-otani", enrolled_on=dt.date(2020, 1, 1))


@pytest.fixture
def folio(member, satsuki):
    """The bill of API.md "Bills" for ``member`` at NOT."""
    from tests.points.test_bills import EXAMPLE

    payload = copy.deepcopy(EXAMPLE)
    payload["member"] = member.number
    return payload
