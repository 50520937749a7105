"""The per-program dashboard: points issued, posted, redeemed, expired and outstanding by month (24 months) from
the ledger, SVG bar charts, and the liability in yen (outstanding posted points x the value of a point)."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil.relativedelta import relativedelta
from django.urls import reverse
from django.utils import timezone

from loyalty.office.dashboard import bar_chart
from members.models import ProgramSettings
from points.models import EntryKind
from points.selectors import ledger_by_month, liabilities
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
    # four series moved in the window; nothing expired: a note instead of an empty chart
    assert page.text.count('class="loyalty-chart"') == 4
    assert page.text.count("No data for these months.") == 1
    assert "¥2,600" in page.text  # 1,300 valid posted points x ¥2


def test_charts_have_axes_month_labels_values_and_a_note_when_empty(ledger):
    # Given 24 months of which the last two moved points
    months = [ledger["this"] - relativedelta(months=23 - i) for i in range(24)]
    values = [0] * 22 + [600, -300]
    # When the chart is drawn
    svg = bar_chart(list(zip(months, values, strict=True)), title="Points")
    # Then it has a value axis with its scale, a label under every month, the year under the first month, values
    assert svg.count('class="axis"') == 2
    assert ">600<" in svg and ">-300<" in svg and ">0<" in svg
    assert svg.count(f">{months[-1]:%m}<") >= 1 and f">{months[0].year}<" in svg
    assert svg.count("<rect") == 24 and 'class="bar negative"' in svg
    assert 'role="img"' in svg and 'aria-label="Points"' in svg
    # And an empty series says so instead of drawing nothing
    assert "No data" in bar_chart([(m, 0) for m in months], title="Points")


def test_r1_ex5_liability_is_positive_balances_at_the_point_value_and_debts_apart(noc):
    from points.services.ledger import points_retract

    # Given a member with 1,000 valid posted points, one whose points lapsed yesterday, and one who owes 400
    today = timezone.localdate()
    rich = make_member("new-otani")
    points_credit(
        member=rich, kind=EntryKind.MIGRATE, lots=[LotSpec(1_000, today, today + dt.timedelta(days=30))], on=today
    )
    lapsed = make_member("new-otani")
    points_credit(
        member=lapsed,
        kind=EntryKind.MIGRATE,
        lots=[LotSpec(700, today - dt.timedelta(days=400), today - dt.timedelta(days=1))],
        on=today - dt.timedelta(days=400),
    )
    debtor = make_member("new-otani")
    bill = make_bill(debtor, paid_on=today - dt.timedelta(days=20))
    points_retract(member=debtor, bill=bill, refund=None, points=400, bonus_points=0, on=today)
    ProgramSettings.objects.filter(program=noc).update(point_value_yen=2)
    # When the liability is read
    liability = liabilities(programs=[noc], on=today)[noc.pk]
    # Then only valid positive balances count, at the point value, and the debt is reported apart (not netted)
    assert (liability.points, liability.yen) == (1_000, 2_000)
    assert (liability.debt_points, liability.debt_yen) == (400, 800)


def test_another_programs_dashboard_is_not_offered_and_refuses_in_the_admin_look(client, noc, oh):
    from django.contrib.auth.models import Group

    from members.models import User

    clerk = User.objects.create_user(username="noc-clerk", password="x", is_staff=True)
    clerk.programs.set([noc])
    clerk.groups.add(Group.objects.get(name="Office clerk"))
    client.force_login(clerk)
    home = client.get(reverse("admin:index")).text
    assert reverse("admin:dashboard", args=["new-otani"]) in home
    assert reverse("admin:dashboard", args=["one-harmony"]) not in home
    refused = client.get(reverse("admin:dashboard", args=["one-harmony"]))
    assert refused.status_code == 403
    assert "Not for your office" in refused.text and reverse("admin:index") in refused.text
    assert "NOC Center" in refused.text  # the office's own frame, not a bare "403 Forbidden"


def test_r1_account_summary_shows_the_yen_to_charge(admin_client, noc):
    from points.models import PointLot
    from points.services.ledger import points_retract

    member = make_member("new-otani")
    bill = make_bill(member, paid_on=dt.date(2025, 1, 10))
    points_retract(member=member, bill=bill, refund=None, points=400, bonus_points=0, on=dt.date(2025, 2, 1))
    assert PointLot.objects.get(member=member).remaining == -400
    ProgramSettings.objects.filter(program=noc).update(point_value_yen=1)
    page = admin_client.get(reverse("admin:members_member_change", args=[member.pk]))
    assert "charges the member ¥400" in page.text
