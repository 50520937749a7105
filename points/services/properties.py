"""Hotels and outlets from the properties file (API.md "Properties file", NE2): stored by code, a row saved only
when something in it changes; an outlet's designation is effective-dated. The file as a whole (checked first, awards
included) is ``rewards.services.properties``'s, which calls this in its transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from members.models import Program

from ..models import Hotel, Outlet, OutletDesignation

SET_NULL = object()  # a value the file sets to null explicitly


def row_store(model_cls, lookup: dict[str, Any], values: dict[str, Any]) -> tuple[Any, str]:
    """Create, or update only the fields that differ (no save, no history row, when nothing does). A value of
    ``None`` is a field the file leaves out: the model's default on create, untouched on update; ``NULL`` is set
    with ``SET_NULL``."""
    values = {k: (None if v is SET_NULL else v) for k, v in values.items() if v is not None}
    obj = model_cls.objects.filter(**lookup).first()
    if obj is None:
        return model_cls.objects.create(**lookup, **values), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if not changed:
        return obj, "unchanged"
    for name in changed:
        setattr(obj, name, values[name])
    obj.save(update_fields=changed)
    return obj, "updated"


def _designate(outlet: Outlet, designated: bool, *, created: bool, since: dt.date, on: dt.date) -> bool:
    """NE2: effective-dated designation. True when a designation row was added or changed."""
    if created or not outlet.designations.exists():
        OutletDesignation.objects.create(outlet=outlet, effective_from=since, designated=designated)
        return True
    current = outlet.designations.filter(effective_from__lte=on).order_by("-effective_from").first()
    if current is not None and current.designated == designated:
        return False
    if current is not None and current.effective_from == on:
        current.designated = designated
        current.save(update_fields=["designated"])
    else:
        OutletDesignation.objects.create(outlet=outlet, effective_from=on, designated=designated)
    return True


def hotels_import(
    *, program: Program, rows: list[dict[str, Any]], on: dt.date, counts: dict[str, Counter[str]]
) -> dict[str, Hotel]:
    """Store the checked hotel rows of ``program`` with their outlets (in the caller's transaction), counting
    created, updated and unchanged rows in ``counts["hotels"]`` and ``counts["outlets"]``; the hotels by code."""
    hotels: dict[str, Hotel] = {}
    for row in rows:
        values = {k: v for k, v in row.items() if k not in ("code", "outlets")}
        hotel, outcome = row_store(Hotel, {"code": row["code"]}, {"program": program, **values})
        hotels[hotel.code] = hotel
        counts["hotels"][outcome] += 1
        for outlet_row in row["outlets"]:
            designated = outlet_row["designated"]
            outlet, outcome = row_store(
                Outlet,
                {"hotel": hotel, "code": outlet_row["code"]},
                {"name": outlet_row["name"], "name_ja": outlet_row["name_ja"], "kind": outlet_row["kind"]},
            )
            flipped = False
            if outlet_row["designated"] is not None or outcome == "created":
                flipped = _designate(
                    outlet,
                    True if designated is None else designated,
                    created=outcome == "created",
                    since=program.started_on,
                    on=on,
                )
            if outcome == "unchanged" and flipped:
                outcome = "updated"
            counts["outlets"][outcome] += 1
    return hotels
