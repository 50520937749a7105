"""The properties file takes ``name_ja`` (hotels, outlets, awards; optional): the names My Account shows in Japanese.
Left out, a stored Japanese name stays as it is; a file without it imports as before."""

from __future__ import annotations

import copy

from points.models import Hotel, Outlet
from rewards.models import Award

from .test_import_properties import ONE_HARMONY, run  # noqa: F401 (the fixture)


def _with_japanese_names() -> dict:
    data = copy.deepcopy(ONE_HARMONY)
    data["hotels"][0]["name_ja"] = "オークラ東京"
    data["hotels"][0]["outlets"][0]["name_ja"] = "オーキッドルーム"
    data["awards"][1]["name_ja"] = "オリジナルタオル"
    return data


def test_name_ja_is_stored_for_hotels_outlets_and_awards(oh, run):  # noqa: F811
    # When a file with Japanese names is imported
    run(_with_japanese_names())
    # Then each row keeps its Japanese name, and rows without one have none
    assert Hotel.objects.get(code="HOK").name_ja == "オークラ東京"
    assert Hotel.objects.get(code="NKO").name_ja == ""
    assert Outlet.objects.get(code="ORCHID").name_ja == "オーキッドルーム"
    assert Award.objects.get(code="GIFT-TOWEL").name_ja == "オリジナルタオル"


def test_a_file_without_name_ja_leaves_the_japanese_names_alone(oh, run):  # noqa: F811
    run(_with_japanese_names())
    out = run(ONE_HARMONY)
    assert Hotel.objects.get(code="HOK").name_ja == "オークラ東京"
    assert "hotels: 0 created, 0 updated, 2 unchanged" in out


def test_a_bad_name_ja_is_reported_with_its_path(oh, run):  # noqa: F811
    import pytest
    from django.core.management import CommandError

    data = _with_japanese_names()
    data["hotels"][0]["name_ja"] = 42
    with pytest.raises(CommandError) as raised:
        run(data)
    assert "hotels[0].name_ja" in str(raised.value)
    assert not Hotel.objects.filter(code="HOK").exists()
