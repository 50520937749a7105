"""The bill feed's write paths (loyalty.db) and the per-process reference data (points.reference).

A bill written by COPY (a file's batch) and one written by INSERT (an API request) must be the same rows; a
reference change (a designation, NE2) must reach the very next bill, whichever process made it.
"""

from __future__ import annotations

import copy
import datetime as dt
import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db.models import NOT_PROVIDED
from django.forms.models import model_to_dict

from loyalty import db
from points import reference
from points.models import (
    Bill,
    BillCharge,
    BillCheck,
    BillExclusion,
    BillPayment,
    BillRoom,
    BillUnit,
    LedgerEntry,
    MemberBalance,
    OutletDesignation,
    PointLot,
    StayNight,
)
from points.services import bills, ledger
from points.services.bills import bill_record
from tests.factories import HotelFactory, OutletFactory, make_member
from tests.points.test_bills import EXAMPLE, in_room
from tests.points.test_ledger import assert_consistent

D = dt.date
VARYING = {"id", "number", "bill", "entry", "room_check", "payload", "response", "fingerprint", "received_at"}


def _rows(bill: Bill, room: str = "") -> dict:
    """Everything written for a bill, without ids and what names the bill's number (and its ``room``: NE6 lets a
    room's night earn for one bill only, so each bill has a room of its own)."""

    def text(v) -> str:
        return str(v).replace(room, "<room>") if room else str(v)

    def plain(objects):
        return sorted(
            (sorted((k, text(v)) for k, v in model_to_dict(o).items() if k not in VARYING) for o in objects), key=str
        )

    return {
        "bill": plain([bill]),
        "rooms": plain(BillRoom.objects.filter(bill=bill)),
        "checks": plain(BillCheck.objects.filter(bill=bill)),
        "charges": plain(BillCharge.objects.filter(bill=bill)),
        "checked": BillCharge.objects.filter(bill=bill, room_check__isnull=False).count(),
        "payments": plain(BillPayment.objects.filter(bill=bill)),
        "units": plain(BillUnit.objects.filter(bill=bill)),
        "exclusions": plain(BillExclusion.objects.filter(bill=bill)),
        "entries": plain(LedgerEntry.objects.filter(bill=bill)),
        "lots": plain(PointLot.objects.filter(entry__bill=bill)),
    }


@pytest.fixture
def world(db):
    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    OutletFactory(hotel=hotel, code="SATSUKI", name="Satsuki")
    return hotel


def test_a_bill_copied_in_a_files_batch_is_the_same_rows_as_one_inserted_by_the_api(world, postgres_only, tmp_path):
    # Given the same folio reported once through the API (a few rows: INSERT) ...
    members = [make_member("new-otani") for _ in range(3)]
    api = in_room(copy.deepcopy(EXAMPLE) | {"member": members[0].number, "number": "API-1"}, "RM-API")
    api_bill = Bill.objects.get(pk=bill_record(payload=api).bill_id)
    # ... and once among 150 bills of a file (one batch: COPY, ids reserved first), for another member
    lines = []
    for n in range(150):
        bill = in_room(
            copy.deepcopy(EXAMPLE) | {"member": members[1 + n % 2].number, "number": f"FILE-{n}"}, f"RM-{n:03d}"
        )
        lines.append(json.dumps(bill))
    path = tmp_path / "bills.jsonl"
    path.write_text("\n".join(lines))
    call_command("import_bills", str(path), "--no-progress", "--batch-size", "500", stdout=io.StringIO())
    assert Bill.objects.filter(number__startswith="FILE-").count() == 150
    file_bill = Bill.objects.get(number="FILE-0")
    # Then both are written alike, row for row (but the member, the card and the source)
    api_rows, file_rows = _rows(api_bill, "RM-API"), _rows(file_bill, "RM-000")
    for rows in (api_rows, file_rows):
        for part in ("bill", "entries", "lots"):
            rows[part] = [
                [(k, v) for k, v in row if k not in {"member", "card_number", "source"}] for row in rows[part]
            ]
    assert file_rows == api_rows
    assert api_rows["checked"] == 1 and api_rows["units"] and api_rows["exclusions"]
    # And the balances and nights follow (SH1: one night per member and date, however many bills)
    assert StayNight.objects.filter(member=members[1]).count() == 2
    for member in members:
        assert_consistent(member)
    assert MemberBalance.objects.get(member=members[1]).pending == 75 * api_bill.points


def test_ids_reserved_are_never_handed_out_again(world):
    first = db.ids_reserve({Bill: 3, LedgerEntry: 2})
    second = db.ids_reserve({Bill: 2})
    assert len(set(first[Bill]) | set(second[Bill])) == 5
    assert len(first[LedgerEntry]) == 2


def test_members_built_from_rows_read_by_hand_equal_the_orms(world):
    # Given a member read back by a query written by hand (as the bill feed reads card holders, M2)
    from django.db import connection

    from members.models import Member
    from members.selectors import MEMBER_FIELDS, members_by_cards

    member = make_member("new-otani")
    columns = ", ".join(connection.ops.quote_name(Member._meta.get_field(name).column) for name in MEMBER_FIELDS)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {columns} FROM {Member._meta.db_table} WHERE id = %s", [member.pk])
        rows = cursor.fetchall()
    # When the rows become members
    [built] = db.models_from_rows(Member, MEMBER_FIELDS, rows)
    # Then each is the member the ORM reads, field by field and type by type, and saved as it was read
    expected = Member.objects.get(pk=member.pk)
    for name in MEMBER_FIELDS:
        assert (getattr(built, name), type(getattr(built, name))) == (
            getattr(expected, name),
            type(getattr(expected, name)),
        ), name
    assert built._state.adding is False and built._state.db == "default"
    assert members_by_cards(numbers=[member.number], program=member.program)[member.number].pk == member.pk


@pytest.mark.parametrize(
    ("row", "model"),
    [
        (bills.BillRow, Bill),
        (bills.BillCheckRow, BillCheck),
        (bills.BillRoomRow, BillRoom),
        (bills.BillChargeRow, BillCharge),
        (bills.BillPaymentRow, BillPayment),
        (bills.BillUnitRow, BillUnit),
        (bills.BillExclusionRow, BillExclusion),
        (bills.StayNightRow, StayNight),
        (ledger.EntryRow, LedgerEntry),
        (ledger.LotRow, PointLot),
    ],
)
def test_each_named_row_is_columns_of_its_table(row, model):
    # Given a row type of the bill feed; Then every field of it names a column of its table (the write batch takes
    # the fields as the column list), and every column without a default is among them
    columns = {f.attname: f for f in model._meta.concrete_fields}
    assert set(row._fields) <= set(columns), set(row._fields) - set(columns)
    required = {
        name
        for name, f in columns.items()
        if not (f.primary_key or f.has_default() or f.null or f.db_default is not NOT_PROVIDED)
        and not getattr(f, "auto_now", False)
        and not getattr(f, "auto_now_add", False)
    }
    assert required <= set(row._fields), required - set(row._fields)


def test_a_batch_refuses_named_rows_of_other_fields(world):
    # Given rows of stay nights offered as payments; When they are inserted; Then nothing is written
    row = bills.StayNightRow(member_id=1, night_of=D(2026, 1, 1), bill_id=1, hotel_id=world.pk)
    with pytest.raises(ValueError, match="StayNightRow"), db.Batch() as batch:
        batch.insert(BillPayment, bills.BillPaymentRow._fields, [row])
    assert not BillPayment.objects.exists()


def test_batch_increments_create_missing_rows_and_add_to_existing_ones(world):
    a, b = make_member("new-otani"), make_member("new-otani")
    MemberBalance.objects.update_or_create(member=a, defaults={"pending": 10})
    MemberBalance.objects.filter(member=b).delete()
    with db.Batch() as batch:
        batch.increments(MemberBalance, {b.pk: {"pending": 7}, a.pk: {"pending": 5}})
    assert MemberBalance.objects.get(member=a).pending == 15
    assert MemberBalance.objects.get(member=b).pending == 7


def _dining(member) -> dict:
    """A dinner at Satsuki (JPY 10,000): it earns while the outlet is designated (NE2)."""
    return {
        "hotel": "NOT",
        "member": member.number,
        "kind": "dining",
        "paid_on": "2025-05-01",
        "outlet": "SATSUKI",
        "payments": [{"method": "cash", "amount": 10000}],
        "charges": [{"category": "food_beverage", "amount": 10000}],
    }


def test_a_designation_change_reaches_the_next_bill(world):
    # NE2: a dining bill at an outlet earns only while the outlet is designated
    dining = _dining(make_member("new-otani"))
    assert bill_record(payload=dining | {"number": "R-1"}).body["points"] > 0
    OutletDesignation.objects.create(
        outlet=world.outlets.get(code="SATSUKI"), effective_from=D(2025, 4, 1), designated=False
    )
    assert bill_record(payload=dining | {"number": "R-2"}).body["points"] == 0


def test_a_change_made_by_another_process_reaches_this_one(world):
    dining = _dining(make_member("new-otani"))
    assert bill_record(payload=dining | {"number": "R-1"}).body["points"] > 0
    # Another process changes the designation (no signal here) and replaces the version in the shared cache
    OutletDesignation.objects.filter(outlet__code="SATSUKI").update(designated=False)
    assert bill_record(payload=dining | {"number": "R-2"}).body["points"] > 0  # this process has not heard yet
    cache.set(reference.VERSION_KEY, "changed elsewhere", timeout=None)
    assert bill_record(payload=dining | {"number": "R-3"}).body["points"] == 0
