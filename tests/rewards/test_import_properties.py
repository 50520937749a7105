"""API.md "Properties file": ``import_properties FILE`` creates or updates hotels, outlets (with their effective-dated
designation, NE2) and awards (OR1) by code; running it twice changes nothing; a bad file stores nothing."""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from points.models import Hotel, Outlet, OutletDesignation
from rewards.models import Award

D = dt.date

NEW_OTANI = {
    "program": "new-otani",
    "hotels": [
        {
            "code": "NOT",
            "name": "Hotel New Otani Tokyo",
            "country": "JP",
            "affiliation": "group",
            "brand": "new-otani",
            "accepts_jal_coupons": False,
            "travel_agency_stays_earn": False,
            "outlets": [{"code": "SATSUKI", "name": "Satsuki", "kind": "restaurant", "designated": True}],
        }
    ],
}

ONE_HARMONY = {
    "program": "one-harmony",
    "hotels": [
        {
            "code": "HOK",
            "name": "The Okura Tokyo",
            "country": "JP",
            "affiliation": "group",
            "brand": "okura",
            "accepts_jal_coupons": False,
            "travel_agency_stays_earn": True,
            "outlets": [
                {"code": "ORCHID", "name": "Orchid Room", "kind": "restaurant", "designated": True},
                {"code": "STARLIGHT", "name": "Starlight", "kind": "bar", "designated": False},
            ],
        },
        {
            "code": "NKO",
            "name": "Hotel Nikko Osaka",
            "country": "JP",
            "affiliation": "group",
            "brand": "nikko",
            "accepts_jal_coupons": True,
            "travel_agency_stays_earn": False,
            "outlets": [],
        },
    ],
    "awards": [
        {"code": "BREAKFAST-HOK", "kind": "breakfast", "name": "Breakfast for two", "points": 3000, "hotel": "HOK"},
        {"code": "GIFT-TOWEL", "kind": "gift", "name": "Original towel", "points": 1500},
    ],
}


@pytest.fixture
def run(tmp_path):
    def _run(data, *args: str) -> str:
        path = tmp_path / "properties.json"
        path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
        out = io.StringIO()
        call_command("import_properties", str(path), *args, stdout=out)
        return out.getvalue()

    return _run


def snapshot() -> dict[str, int]:
    """Every row and every history row the import can write."""
    return {
        "hotels": Hotel.objects.count(),
        "hotel_history": Hotel.history.count(),
        "outlets": Outlet.objects.count(),
        "outlet_history": Outlet.history.count(),
        "designations": OutletDesignation.objects.count(),
        "designation_history": OutletDesignation.history.count(),
        "awards": Award.objects.count(),
        "award_history": Award.history.count(),
    }


def test_the_contract_example_creates_the_hotel_and_its_designated_outlet(noc, run):
    out = run(NEW_OTANI)
    hotel = Hotel.objects.get(code="NOT")
    assert (hotel.program, hotel.name, hotel.brand, hotel.affiliation) == (
        noc,
        "Hotel New Otani Tokyo",
        "new-otani",
        "group",
    )
    outlet = Outlet.objects.get(hotel=hotel, code="SATSUKI")
    assert (outlet.name, outlet.kind) == ("Satsuki", "restaurant")
    # NE2: designated from the program's start
    assert list(outlet.designations.values_list("effective_from", "designated")) == [(noc.started_on, True)]
    assert out.strip().splitlines() == [
        "import_properties new-otani: hotels: 1 created, 0 updated, 0 unchanged; "
        "outlets: 1 created, 0 updated, 0 unchanged; awards: 0 created, 0 updated, 0 unchanged"
    ]


def test_one_harmony_hotels_outlets_and_awards(oh, run):
    run(ONE_HARMONY)
    nikko = Hotel.objects.get(code="NKO")
    assert (nikko.brand, nikko.accepts_jal_coupons) == ("nikko", True)
    assert Hotel.objects.get(code="HOK").travel_agency_stays_earn is True
    bar = Outlet.objects.get(code="STARLIGHT")
    assert list(bar.designations.values_list("designated", flat=True)) == [False]
    breakfast = Award.objects.get(code="BREAKFAST-HOK")
    assert (breakfast.program, breakfast.kind, breakfast.points, breakfast.hotel.code) == (oh, "breakfast", 3000, "HOK")
    assert Award.objects.get(code="GIFT-TOWEL").hotel is None


def test_running_twice_changes_nothing(oh, run):
    # Given a file imported once
    run(ONE_HARMONY)
    before = snapshot()
    # When it is imported again
    out = run(ONE_HARMONY)
    # Then no row and no history row is added
    assert snapshot() == before
    assert "hotels: 0 created, 0 updated, 2 unchanged" in out
    assert "outlets: 0 created, 0 updated, 2 unchanged" in out
    assert "awards: 0 created, 0 updated, 2 unchanged" in out


def test_a_changed_field_updates_only_that_row(oh, run):
    run(ONE_HARMONY)
    before = snapshot()
    data = copy.deepcopy(ONE_HARMONY)
    data["hotels"][0]["name"] = "The Okura Tokyo (renamed)"
    data["awards"][0]["points"] = 3500
    out = run(data)
    assert Hotel.objects.get(code="HOK").name == "The Okura Tokyo (renamed)"
    assert Award.objects.get(code="BREAKFAST-HOK").points == 3500
    after = snapshot()
    assert after["hotel_history"] == before["hotel_history"] + 1
    assert after["award_history"] == before["award_history"] + 1
    assert after["outlet_history"] == before["outlet_history"]
    assert "hotels: 0 created, 1 updated, 1 unchanged" in out
    assert "awards: 0 created, 1 updated, 1 unchanged" in out


def test_ne2_a_flipped_designation_is_effective_from_the_import_date(noc, run):
    run(NEW_OTANI)
    data = copy.deepcopy(NEW_OTANI)
    data["hotels"][0]["outlets"][0]["designated"] = False
    out = run(data, "--on", "2025-04-01")
    outlet = Outlet.objects.get(code="SATSUKI")
    assert list(outlet.designations.order_by("effective_from").values_list("effective_from", "designated")) == [
        (noc.started_on, True),
        (D(2025, 4, 1), False),
    ]
    assert "outlets: 0 created, 1 updated, 0 unchanged" in out
    # The same designation again adds nothing
    before = snapshot()
    run(data, "--on", "2025-05-01")
    assert snapshot() == before


def test_ne2_flip_defaults_to_today(noc, run):
    from django.utils import timezone

    run(NEW_OTANI)
    data = copy.deepcopy(NEW_OTANI)
    data["hotels"][0]["outlets"][0]["designated"] = False
    run(data)
    latest = Outlet.objects.get(code="SATSUKI").designations.order_by("-effective_from").first()
    assert (latest.effective_from, latest.designated) == (timezone.localdate(), False)


def test_every_bad_entry_is_reported_with_its_path_and_nothing_is_stored(oh, run):
    data = copy.deepcopy(ONE_HARMONY)
    data["hotels"][0]["brand"] = "hilton"
    data["hotels"][0]["outlets"][1]["kind"] = "cafe"
    data["hotels"][1]["affiliation"] = "partner"
    data["hotels"].append(
        {"code": "HOK2", "name": "Okura Kyoto", "brand": "okura", "accepts_jal_coupons": True, "outlets": []}
    )
    data["awards"][0]["points"] = 0
    data["awards"][1]["kind"] = "voucher"
    data["awards"].append({"code": "STAY-X", "kind": "stay", "name": "Stay", "points": 10000, "hotel": "NOPE"})
    with pytest.raises(CommandError) as refused:
        run(data)
    message = str(refused.value)
    for path in (
        "hotels[0].brand",
        "hotels[0].outlets[1].kind",
        "hotels[1].affiliation",
        "hotels[2].accepts_jal_coupons",
        "awards[0].points",
        "awards[1].kind",
        "awards[2].hotel",
    ):
        assert path in message, message
    assert "OE5" in message
    assert snapshot() == dict.fromkeys(snapshot(), 0)


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda d: d.update(program="platinum"), "program"),
        (lambda d: d.pop("program"), "program"),
        (lambda d: d.update(hotels={"code": "X"}), "hotels"),
        (lambda d: d["hotels"][0].pop("name"), "hotels[0].name"),
        (lambda d: d["hotels"][0].update(code=42), "hotels[0].code"),
        (lambda d: d["hotels"][0].update(country="Japan"), "hotels[0].country"),
        (lambda d: d["hotels"][0].update(accepts_jal_coupons="yes"), "hotels[0].accepts_jal_coupons"),
        (lambda d: d["hotels"][0].update(accepts_jal_coupons=True), "hotels[0].accepts_jal_coupons"),
        (lambda d: d["hotels"][0].update(brand="okura"), "hotels[0].brand"),
        (lambda d: d["hotels"][0]["outlets"].append(dict(d["hotels"][0]["outlets"][0])), "hotels[0].outlets[1].code"),
        (lambda d: d["hotels"].append(dict(d["hotels"][0])), "hotels[1].code"),
        (lambda d: d.update(awards=[{"code": "A", "kind": "gift", "name": "A", "points": 1}]), "awards"),
        (lambda d: d["hotels"][0]["outlets"].append("SATSUKI"), "hotels[0].outlets[1]"),
        (lambda d: d["hotels"][0].update(name="New\x00Otani"), "hotels[0].name"),
    ],
)
def test_bad_new_otani_files(noc, run, change, path):
    data = copy.deepcopy(NEW_OTANI)
    change(data)
    with pytest.raises(CommandError) as refused:
        run(data)
    assert f"{path}:" in str(refused.value), str(refused.value)
    assert Hotel.objects.count() == 0


def test_award_points_must_be_a_whole_positive_number(oh, run):
    for points in (0, -5, 2.5, "3000", True, None):
        data = copy.deepcopy(ONE_HARMONY)
        data["awards"][0]["points"] = points
        with pytest.raises(CommandError, match=r"awards\[0\]\.points"):
            run(data)
    assert Award.objects.count() == 0


def test_a_hotel_code_of_another_program_is_refused(oh, noc, run):
    run(NEW_OTANI)
    data = copy.deepcopy(ONE_HARMONY)
    data["hotels"][0]["code"] = "NOT"
    with pytest.raises(CommandError, match=r"hotels\[0\]\.code: hotel NOT is a hotel of new-otani"):
        run(data)
    assert Hotel.objects.get(code="NOT").program == noc


def test_an_award_may_name_a_hotel_already_stored(oh, run):
    run(ONE_HARMONY)
    data = {
        "program": "one-harmony",
        "awards": [{"code": "UP-NKO", "kind": "upgrade", "name": "Upgrade", "points": 8000, "hotel": "NKO"}],
    }
    run(data)
    assert Award.objects.get(code="UP-NKO").hotel.code == "NKO"


def test_unreadable_files(db, run, tmp_path):
    with pytest.raises(CommandError, match="not valid JSON"):
        run('{"program": "new-otani",')
    with pytest.raises(CommandError, match="cannot read"):
        call_command("import_properties", str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="must be an object"):
        run("[]")
