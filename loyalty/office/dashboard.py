"""The per-program dashboard of the office (``admin/dashboard/<program>/``): the ledger's last 24 months
(``points.selectors.ledger_by_month``) as charts people read (axes, months, values, legend, a note when empty) and
a table, and the liability in yen with the debts owed to the office apart (``points.selectors.liabilities``)."""

from __future__ import annotations

import datetime as dt

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from loyalty import clock
from loyalty.adminkit import html_table, number, yen
from members.models import (
    Program,
)
from points.selectors import DASHBOARD_SERIES, ledger_by_month, liabilities

from .navigation import office_name

CHART = {"left": 72, "right": 8, "top": 40, "height": 160, "bottom": 34, "bar": 28}


def _tick(value: int) -> str:
    return f"{value:,}"


def bar_chart(values: list[tuple[dt.date, int]], *, title: str) -> str:
    """An SVG bar chart drawn on the server (no JavaScript): a value axis with its scale, a label under each month
    (the month, and the year under January and the first month), each month's value above (below, if negative)
    its bar, and a note instead of the chart when every month is zero."""
    if not any(v for _m, v in values):
        return format_html('<p class="office-note">{}</p>', _("No data for these months."))
    c = CHART
    top = max([v for _m, v in values] + [0])
    bottom = min([v for _m, v in values] + [0])
    span = (top - bottom) or 1
    height = c["height"]

    def y(value: int) -> float:
        return round(c["top"] + (top - value) * height / span, 1)

    width = c["left"] + len(values) * c["bar"] + c["right"]
    parts = []
    # the value axis: zero, the highest and the lowest value, with grid lines
    for tick in sorted({0, top, bottom}):
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text x="{}" y="{}" text-anchor="end" dominant-baseline="middle">{}</text>',
                c["left"],
                y(tick),
                width - c["right"],
                y(tick),
                c["left"] - 6,
                y(tick),
                _tick(tick),
            )
        )
    parts.append(
        format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/><line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            c["left"],
            c["top"],
            c["left"],
            c["top"] + height,
            c["left"],
            y(0),
            width - c["right"],
            y(0),
        )
    )
    for i, (month, value) in enumerate(values):
        x = c["left"] + i * c["bar"] + 3
        w = c["bar"] - 6
        bar_top, bar_bottom = (y(value), y(0)) if value >= 0 else (y(0), y(value))
        label = f"{month:%Y-%m}: {value:,}"
        parts.append(
            format_html(
                '<rect class="bar{}" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
                " negative" if value < 0 else "",
                x,
                bar_top,
                w,
                max(round(bar_bottom - bar_top, 1), 0),
                label,
            )
        )
        if value:
            # the value, written upwards beside the bar's end
            vy = bar_top - 4 if value >= 0 else bar_bottom + 4
            anchor = "start" if value >= 0 else "end"
            parts.append(
                format_html(
                    '<text class="value" transform="translate({} {}) rotate(-90)" text-anchor="{}" '
                    'dominant-baseline="middle">{}</text>',
                    x + w / 2,
                    vy,
                    anchor,
                    _tick(value),
                )
            )
        base = c["top"] + height + 14
        parts.append(format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>', x + w / 2, base, f"{month:%m}"))
        if i == 0 or month.month == 1:
            parts.append(
                format_html('<text x="{}" y="{}" text-anchor="middle">{}</text>', x + w / 2, base + 14, month.year)
            )
    total_height = c["top"] + height + c["bottom"]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {} {}" width="{}" height="{}" role="img" '
        'aria-label="{}" class="loyalty-chart">{}</svg>',
        width,
        total_height,
        width,
        total_height,
        title,
        format_html_join("", "{}", ((p,) for p in parts)),
    )


def dashboard_view(request, program: str):
    """The per-program dashboard (admin/dashboard/<program>/): the last 24 months of the ledger, and the liability
    in yen (valid positive posted balances x the value of a point) with the members' debts apart (R1, EX5)."""
    program_obj = get_object_or_404(Program, code=program)
    user = request.user
    if not (user.is_superuser or user.programs.filter(pk=program_obj.pk).exists()):
        raise PermissionDenied(
            _("This dashboard is another program's: you work for %(offices)s.") % {"offices": office_name(request)}
        )
    today = clock.today()
    rows = ledger_by_month(program=program_obj, last_month=today.replace(day=1))
    liability = liabilities(programs=[program_obj], on=today)[program_obj.pk]
    charts = [
        {
            "title": title,
            "svg": bar_chart([(r["month"], r[key]) for r in rows], title=str(title)),
            "negative": any(r[key] < 0 for r in rows),
            "empty": not any(r[key] for r in rows),
        }
        for key, title in DASHBOARD_SERIES
    ]
    table = html_table(
        [str(_("month")), *(str(title) for _key, title in DASHBOARD_SERIES)],
        [(f"{r['month']:%Y-%m}", *(number(r[key]) for key, _t in DASHBOARD_SERIES)) for r in reversed(rows)],
    )
    context = {
        **admin.site.each_context(request),
        "title": _("Dashboard: %(program)s") % {"program": program_obj.name},
        "charts": charts,
        "table": table,
        "outstanding_points": number(liability.points),
        "liability_yen": yen(liability.yen),
        "debt_points": number(liability.debt_points),
        "debt_yen": yen(liability.debt_yen),
        "pending_points": number(liability.pending),
        "point_value": yen(liability.point_value_yen)
        if liability.point_value_yen == int(liability.point_value_yen)
        else f"¥{liability.point_value_yen}",
        "first_month": f"{rows[0]['month']:%Y-%m}",
        "last_month": f"{rows[-1]['month']:%Y-%m}",
    }
    return TemplateResponse(request, "admin/dashboard.html", context)
