"""The properties file (API.md "Properties file"): create or update, by code, a program's hotels, outlets and award
catalog. It lives in ``rewards``, the highest app it writes (awards).

Everything is checked first (``properties_check``) and every bad entry is reported with its JSON path
(``hotels[0].outlets[1].kind``); if anything is wrong nothing is stored. Otherwise the file is stored in one
transaction (``properties_import``). A row is saved only when something in it changes, so running the same file
twice adds no row and no history row.

``name_ja`` (hotels, outlets, awards; optional) is the name My Account shows in Japanese; left out, the name stays
as it is (and My Account shows ``name``).

Outlet designation is effective-dated (NE2): an outlet's first import designates it (or not) from the program's
start; a later import that flips it adds a designation effective on ``on``; the same designation adds nothing.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from members.models import Program
from points.models import Hotel, Outlet
from points.services.properties import SET_NULL, hotels_import, row_store

from ..models import Award

ONE_HARMONY_BRANDS = (Hotel.Brand.OKURA, Hotel.Brand.NIKKO, Hotel.Brand.JAL_CITY)
JAL_COUPON_BRANDS = (Hotel.Brand.NIKKO, Hotel.Brand.JAL_CITY)  # OE5
BRANDS_BY_PROGRAM = {Program.ONE_HARMONY: ONE_HARMONY_BRANDS, Program.NEW_OTANI: (Hotel.Brand.NEW_OTANI,)}


@dataclass
class Plan:
    """A checked file: plain values per row, ready to store."""

    program: Program
    hotels: list[dict[str, Any]] = field(default_factory=list)  # each with "outlets": [dict]
    awards: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


class _Checker:
    """Reads one JSON object's fields, recording every problem with its path."""

    def __init__(self, errors: list[str], path: str, data: Any) -> None:
        self.errors, self.path, self.data = errors, path, data
        self.ok = isinstance(data, dict)
        if not self.ok:
            self.error("", "must be an object")

    def error(self, key: str, message: str) -> None:
        where = f"{self.path}.{key}" if key and self.path else (key or self.path or "(file)")
        self.errors.append(f"{where}: {message}")

    def has(self, key: str) -> bool:
        return self.ok and key in self.data

    def text(self, key: str, *, max_length: int, required: bool = True) -> str | None:
        if not self.has(key):
            if required and self.ok:
                self.error(key, "is required")
            return None
        value = self.data[key]
        if not isinstance(value, str) or not value.strip():
            self.error(key, f"must be a non-empty string, not {json.dumps(value)}")
            return None
        if "\x00" in value:
            self.error(key, "must not contain NUL characters")
            return None
        if len(value.strip()) > max_length:
            self.error(key, f"is longer than {max_length} characters")
            return None
        return value.strip()

    def choice(self, key: str, choices: tuple[str, ...], *, required: bool = True) -> str | None:
        value = self.text(key, max_length=64, required=required)
        if value is not None and value not in choices:
            self.error(key, f"{json.dumps(value)} is not one of {', '.join(choices)}")
            return None
        return value

    def flag(self, key: str) -> bool | None:
        if not self.has(key):
            return None
        value = self.data[key]
        if not isinstance(value, bool):
            self.error(key, f"must be true or false, not {json.dumps(value)}")
            return None
        return value

    def items(self, key: str) -> list[Any]:
        if not self.has(key):
            return []
        value = self.data[key]
        if not isinstance(value, list):
            self.error(key, "must be a list")
            return []
        return value


def properties_check(data: Any) -> Plan | list[str]:
    """Check the whole file; the plan, or every error found."""
    errors: list[str] = []
    top = _Checker(errors, "", data)
    if not top.ok:
        return errors
    code = top.text("program", max_length=32)
    program = Program.objects.filter(code=code).first() if code else None
    if code and program is None:
        codes = ", ".join(Program.objects.order_by("code").values_list("code", flat=True))
        top.error("program", f"unknown program {json.dumps(code)} (one of {codes})")
    if program is None:
        return errors
    plan = Plan(program=program)
    brands = BRANDS_BY_PROGRAM.get(program.code, tuple(Hotel.Brand.values))

    seen_hotels: Counter[str] = Counter()
    for i, raw in enumerate(top.items("hotels")):
        hotel = _Checker(errors, f"hotels[{i}]", raw)
        if not hotel.ok:
            continue
        row: dict[str, Any] = {
            "code": hotel.text("code", max_length=20),
            "name": hotel.text("name", max_length=200),
            "name_ja": hotel.text("name_ja", max_length=200, required=False),  # version 1.1: optional
        }
        country = hotel.text("country", max_length=2, required=False)
        if country is not None and not (len(country) == 2 and country.isalpha() and country.isupper()):
            hotel.error("country", f"{json.dumps(country)} is not a 2-letter country code like JP")
        row["country"] = country
        row["affiliation"] = hotel.choice("affiliation", tuple(Hotel.Affiliation.values), required=False)
        required_brand = program.is_one_harmony
        row["brand"] = hotel.choice("brand", brands, required=required_brand) or (
            None if required_brand else Hotel.Brand.NEW_OTANI.value
        )
        row["accepts_jal_coupons"] = hotel.flag("accepts_jal_coupons")
        if row["accepts_jal_coupons"] and row["brand"] and row["brand"] not in JAL_COUPON_BRANDS:
            hotel.error("accepts_jal_coupons", "only Nikko Hotels International and Hotel JAL City hotels (OE5)")
        row["travel_agency_stays_earn"] = hotel.flag("travel_agency_stays_earn")
        row["active"] = hotel.flag("active")
        if row["code"]:
            seen_hotels[row["code"]] += 1
            if seen_hotels[row["code"]] == 2:
                hotel.error("code", f"hotel {row['code']} is in the file more than once")
            other = Hotel.objects.filter(code=row["code"]).exclude(program=program).select_related("program").first()
            if other is not None:
                hotel.error("code", f"hotel {row['code']} is a hotel of {other.program.code}")
        row["outlets"] = []
        seen_outlets: Counter[str] = Counter()
        for j, raw_outlet in enumerate(hotel.items("outlets")):
            outlet = _Checker(errors, f"hotels[{i}].outlets[{j}]", raw_outlet)
            if not outlet.ok:
                continue
            outlet_row = {
                "code": outlet.text("code", max_length=20),
                "name": outlet.text("name", max_length=200),
                "name_ja": outlet.text("name_ja", max_length=200, required=False),
                "kind": outlet.choice("kind", tuple(Outlet.Kind.values)),
                "designated": outlet.flag("designated"),
            }
            if outlet_row["code"]:
                seen_outlets[outlet_row["code"]] += 1
                if seen_outlets[outlet_row["code"]] == 2:
                    outlet.error("code", f"outlet {outlet_row['code']} is in this hotel more than once")
            row["outlets"].append(outlet_row)
        plan.hotels.append(row)

    awards = top.items("awards")
    if awards and not program.is_one_harmony:
        top.error("awards", "the award catalog is One Harmony's (OR1)")
        awards = []
    file_hotels = {row["code"] for row in plan.hotels if row["code"]}
    seen_awards: Counter[str] = Counter()
    for i, raw in enumerate(awards):
        award = _Checker(errors, f"awards[{i}]", raw)
        if not award.ok:
            continue
        row = {
            "code": award.text("code", max_length=40),
            "kind": award.choice("kind", tuple(Award.Kind.values)),
            "name": award.text("name", max_length=200),
            "name_ja": award.text("name_ja", max_length=200, required=False),
            "points": None,
            "hotel": ...,  # not in the file: left as it is
            "active": award.flag("active"),
        }
        if not award.has("points"):
            award.error("points", "is required")
        else:
            points = award.data["points"]
            if isinstance(points, bool) or not isinstance(points, int) or points <= 0:
                award.error("points", f"must be a whole number of points above 0, not {json.dumps(points)}")
            else:
                row["points"] = points
        if award.has("hotel") and award.data["hotel"] is None:
            row["hotel"] = None  # explicitly none: an award of no particular hotel
        elif award.has("hotel"):
            hotel_code = award.text("hotel", max_length=20)
            if hotel_code is not None:
                known = hotel_code in file_hotels or Hotel.objects.filter(code=hotel_code, program=program).exists()
                if not known:
                    award.error("hotel", f"unknown {program.code} hotel {json.dumps(hotel_code)}")
                row["hotel"] = hotel_code
        if row["code"]:
            seen_awards[row["code"]] += 1
            if seen_awards[row["code"]] == 2:
                award.error("code", f"award {row['code']} is in the file more than once")
            other = Award.objects.filter(code=row["code"]).exclude(program=program).select_related("program").first()
            if other is not None:
                award.error("code", f"award {row['code']} is an award of {other.program.code}")
        plan.awards.append(row)
    return errors or plan


@transaction.atomic
def properties_import(*, plan: Plan, on: dt.date) -> dict[str, Counter[str]]:
    """Store a checked file (one transaction); counts of created, updated and unchanged rows per kind."""
    counts = {"hotels": Counter(), "outlets": Counter(), "awards": Counter()}
    program = plan.program
    hotels = hotels_import(program=program, rows=plan.hotels, on=on, counts=counts)
    for row in plan.awards:
        hotel: Hotel | object | None = None  # not in the file
        if row["hotel"] is None:
            hotel = SET_NULL
        elif row["hotel"] is not ...:
            hotel = hotels.get(row["hotel"]) or Hotel.objects.get(code=row["hotel"], program=program)
        values = {
            "program": program,
            "kind": row["kind"],
            "name": row["name"],
            "name_ja": row["name_ja"],
            "points": row["points"],
            "hotel": hotel,
            "active": row["active"],
        }
        _, outcome = row_store(Award, {"code": row["code"]}, values)
        counts["awards"][outcome] += 1
    return counts
