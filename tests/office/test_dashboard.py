"""The per-program dashboard: points issued, posted, redeemed, expired and outstanding by month (24 months) from
the ledger, SVG bar charts, and the liability in yen (outstanding posted points x the value of a point)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from members.models import ProgramSettings
from points.models import EntryKind
from points.selectors import ledger_by_month
from points.services.ledger import LotSpec, lots_post, points_credit, points_debit, points_earn
from tests.factories import make_bill, make_member


@pytest.fixture
def ledger(db, noc):
    today = timezone.localdate()
    this_month = today.replace(day=1)
    last_month = this_month - relativedelta(months=1)
    old = this_month - relativedelta(months=30)
    member = make_member("new-otani")
    far = today + dt.timedelta(days=900)
    points_credit(member=member, kind=EntryKind.MIGRATE, lots=[LotSpec(1_000, old, far)], on=old)
    bill = make_bill(member, paid_on=last_month)
    points_earn(
        member=member, bill=bill, points=500, bonus_points=100, used_on=last_month, posts_on=last_month, expires_on=far
    )
    lots_post(member=member, as_of=last_month)
    points_debit(member=member, kind=EntryKind.REDEEM, points=300, on=this_month)
    return {"this": this_month, "last": last_month}


def test_ledger_by_month_in_one_grouped_query(ledger, noc, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = ledger_by_month(program=noc, last_month=ledger["this"])
    assert len(rows) == 24 and rows[-1]["month"] == ledger["this"]
    last, this = rows[-2], rows[-1]
    assert (last["issued"], last["posted"], last["outstanding"]) == (600, 600, 1_600)
    assert (this["redeemed"], this["outstanding"]) == (300, 1_300)
    assert rows[0]["outstanding"] == 1_000  # the opening balance from before the window


def test_dashboard_page_shows_charts_and_liability_in_yen(admin_client, ledger, noc):
    ProgramSettings.objects.filter(program=noc).update(point_value_yen=2)
    index = admin_client.get(reverse("admin:index"))
    assert reverse("admin:dashboard", args=["new-otani"]) in index.text
    page = admin_client.get(reverse("admin:dashboard", args=["new-otani"]))
    assert page.status_code == 200
    assert page.text.count('class="loyalty-chart"') == 5
    assert "JPY 2,600" in page.text  # 1,300 outstanding points x JPY 2


def test_r1_account_summary_shows_the_yen_to_charge(admin_client, noc):
    from points.models import PointLot
    from points.services.ledger import points_retract

    member = make_member("new-otani")
    bill = make_bill(member, paid_on=dt.date(2025, 1, 10))
    points_retract(member=member, bill=bill, refund=None, points=400, bonus_points=0, on=dt.date(2025, 2, 1))
    assert PointLot.objects.get(member=member).remaining == -400
    ProgramSettings.objects.filter(program=noc).update(point_value_yen=1)
    page = admin_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert "charges the member JPY 400" in page.text
