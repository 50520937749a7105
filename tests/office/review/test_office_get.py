"""Hostile GETs on the office (django-unfold admin): "Never a 500". Each case is one URL a clerk, supervisor or
front desk can type (or a crawler can follow); the answer must be a page (200/302/404), never an Internal Server Error.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from members.models import Card, Member
from points.models import Adjustment, Hotel

from .conftest import login_as

pytestmark = pytest.mark.django_db


def _status(client, url):
    client.raise_request_exception = False
    return client.get(url).status_code


# F1: date_hierarchy drill-down with year 9999: Django computes the end of the year (10000) -> ValueError -> 500.
DATE_HIERARCHY_9999 = [
    ("oh-supervisor", "/admin/points/bill/?paid_on__year=9999"),
    ("oh-supervisor", "/admin/points/ledgerentry/?effective_on__year=9999"),
    ("oh-supervisor", "/admin/points/pointlot/?expires_on__year=9999"),
    ("noc-supervisor", "/admin/rewards/certificate/?valid_until__year=9999"),
    ("noc-supervisor", "/admin/rewards/certificaterequest/?arrival_on__year=9999"),
    ("frontdesk-not", "/admin/points/bill/?paid_on__year=9999"),
    ("frontdesk-not", "/admin/members/card/?issued_on__year=9999"),
    ("oh-supervisor", "/admin/points/jobrun/?as_of__year=9999&as_of__month=12"),
]


@pytest.mark.parametrize(("who", "url"), DATE_HIERARCHY_9999)
def test_date_hierarchy_year_9999_is_not_a_500(people, who, url):
    assert _status(login_as(who), url) < 500


# F2: any __year lookup (date_hierarchy or a plain query string) with a huge year -> OverflowError -> 500, on every
# changelist that has a date or datetime field (members, adjustments, claims, bills, ...).
HUGE_YEAR = [
    ("oh-office", "/admin/members/member/?created_at__year=99999999999"),
    ("oh-office", "/admin/points/adjustment/?created_at__year=99999999999"),
    ("oh-office", "/admin/points/claim/?created_at__year=99999999999"),
    ("oh-supervisor", "/admin/points/bill/?paid_on__year=99999999999"),
    ("frontdesk-not", "/admin/rewards/certificate/?valid_until__year=99999999999"),
]


@pytest.mark.parametrize(("who", "url"), HUGE_YEAR)
def test_huge_year_lookup_is_not_a_500(people, who, url):
    assert _status(login_as(who), url) < 500


# F3: a history version id that is not a number (simple-history's history_form_view) -> ValueError -> 500, for
# every role on every HistoryAdmin (members, cards, hotels, awards, certificates, adjustments' history pages ...).
def _history_urls():
    return [
        ("oh-office", "members", "member", lambda: Member.objects.get(number="700123456").pk),
        ("oh-office", "members", "card", lambda: Card.objects.filter(member__number="700123456").first().pk),
        ("noc-center", "points", "hotel", lambda: Hotel.objects.filter(program__code="new-otani").first().pk),
        ("oh-supervisor", "points", "adjustment", None),
    ]


@pytest.mark.parametrize(("who", "app", "model", "pk"), _history_urls())
def test_history_version_not_a_number_is_not_a_500(people, who, app, model, pk):
    if pk is None:  # an adjustment of the supervisor's program
        member = Member.objects.get(number="700123456")
        pk = lambda: Adjustment.objects.create(member=member, points=5, reason="r", used_on=member.enrolled_on).pk  # noqa: E731
    url = f"/admin/{app}/{model}/{pk()}/history/abc/"
    assert _status(login_as(who), url) < 500


# F4: a superuser's history page of a non-numeric object id (StaffScopeMixin._ensure_in_scope returns early for
# superusers, then simple-history filters history rows by id='abc') -> ValueError -> 500.
@pytest.mark.parametrize("model", ["members/member", "points/adjustment", "rewards/certificate", "points/hotel"])
def test_superuser_history_of_non_numeric_id_is_not_a_500(people, django_user_model, model):
    from tests.conftest import OneShotClient

    root = django_user_model.objects.create_user("root-review", password="x", is_staff=True, is_superuser=True)
    client = OneShotClient()
    client.force_login(root)
    assert _status(client, f"/admin/{model}/abc/history/") < 500


# F5: the member autocomplete (every "member" field of the office: adjustments, claims, cards, name changes) with a
# NUL in the search term -> PostgreSQL DataError -> 500.
@pytest.mark.parametrize("who", ["oh-office", "noc-supervisor"])
def test_member_autocomplete_with_nul_is_not_a_500(people, who):
    url = reverse("admin:autocomplete") + "?app_label=points&model_name=adjustment&field_name=member&term=%00"
    assert _status(login_as(who), url) < 500
