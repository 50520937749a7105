"""The per-program dashboard of the office (``admin/dashboard/<program>/``): the ledger's last 24 months
(``points.selectors.ledger_by_month``) as charts and a table, and the liability in yen."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import html_table
from members.models import (
    Program,
)
from members.selectors import settings_on
from points.models import (
    LedgerEntry,
)
from points.selectors import DASHBOARD_SERIES, ledger_by_month


def bar_chart(values: list[tuple[str, int]], *, height: int = 120, bar: int = 22) -> str:
    """An inline SVG bar chart (server-side, no JavaScript); negative values are drawn below the axis."""
    top = max([v for _, v in values] + [0]) or 1
    bottom = min([v for _, v in values] + [0])
    span = top - bottom or 1
    zero = height * top / span
    bars = []
    for i, (label, value) in enumerate(values):
        h = abs(value) * height / span
        y = zero - h if value >= 0 else zero
        bars.append((i * bar, round(y, 1), bar - 4, round(h, 1), f"{label}: {value:,}"))
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" role="img" class="loyalty-chart">'
        '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="#999"/>{}</svg>',
        len(values) * bar,
        height + 2,
        round(zero, 1),
        len(values) * bar,
        round(zero, 1),
        format_html_join(
            "",
            '<rect x="{}" y="{}" width="{}" height="{}" fill="#417690"><title>{}</title></rect>',
            bars,
        ),
    )


def dashboard_view(request, program: str):
    """The per-program dashboard (admin/dashboard/<program>/): the last 24 months of the ledger and the liability
    in yen (outstanding posted points x the value of a point, R1)."""
    program_obj = get_object_or_404(Program, code=program)
    user = request.user
    if not (user.is_superuser or user.programs.filter(pk=program_obj.pk).exists()):
        raise PermissionDenied
    today = clock.today()
    rows = ledger_by_month(program=program_obj, last_month=today.replace(day=1))
    outstanding = LedgerEntry.objects.filter(member__program=program_obj).aggregate(total=Sum("points"))["total"] or 0
    row = settings_on(program=program_obj, on=today)
    point_value = row.point_value_yen if row is not None else 1
    charts = [
        {"title": title, "svg": bar_chart([(r["month"].strftime("%Y-%m"), r[key]) for r in rows])}
        for key, title in DASHBOARD_SERIES
    ]
    table = html_table(
        [str(_("month")), *(str(title) for _key, title in DASHBOARD_SERIES)],
        [(r["month"].strftime("%Y-%m"), *(f"{r[key]:,}" for key, _t in DASHBOARD_SERIES)) for r in rows],
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard: %(program)s") % {"program": program_obj.name},
        "charts": charts,
        "table": table,
        "outstanding_points": f"{outstanding:,}",
        "liability_yen": f"{round(outstanding * point_value):,}",
        "point_value": point_value,
        "first_month": rows[0]["month"].strftime("%Y-%m"),
        "last_month": rows[-1]["month"].strftime("%Y-%m"),
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
