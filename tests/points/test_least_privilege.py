"""Least privilege (issue 13 item 6, R1, EX4): as the application role (``loyalty_app``, created by migration
``points/0017``) the ledger's entries and lot consumptions cannot be updated, deleted, truncated or have their
append-only trigger disabled, while the application's normal writes work. PostgreSQL only."""

from __future__ import annotations

import contextlib
import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

from points.models import Bill, LedgerEntry, LotConsumption, MemberBalance
from points.services import ledger
from points.services.bills import bill_record
from tests.factories import HotelFactory, OutletFactory, make_member
from tests.points.test_bills import EXAMPLE
from tests.points.test_ledger import earn_and_post

ROLE = "loyalty_app"
D = dt.date


@contextlib.contextmanager
def as_app_role():
    """Run the block as the application role (``SET LOCAL ROLE``: undone when the savepoint ends)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL ROLE {ROLE}")
        yield cursor
        cursor.execute("RESET ROLE")


def refused(sql: str, params=()) -> str:
    """The error PostgreSQL answers ``sql`` with, run as the application role ('' if it was allowed)."""
    try:
        with as_app_role() as cursor:
            cursor.execute(sql, params)
    except DatabaseError as exc:
        return str(exc)
    return ""


@pytest.fixture
def spent_member(postgres_only):
    member = make_member("new-otani")
    earn_and_post(member, 5000, D(2025, 3, 1))
    ledger.points_debit(member=member, kind="redeem", points=1000, on=D(2025, 4, 1))
    return member


def test_item6_the_application_role_exists_and_owns_nothing(postgres_only):
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = %s", [ROLE])
        assert cursor.fetchone() == (False, False, False)
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname = %s", [ROLE]
        )
        assert cursor.fetchone()[0] == 0


@pytest.mark.parametrize("table", ["points_ledgerentry", "points_lotconsumption"])
def test_item6_r1_the_application_role_cannot_update_delete_or_truncate_the_ledger(spent_member, table):
    assert LotConsumption.objects.exists()
    assert "permission denied" in refused(f"UPDATE {table} SET points = points + 1")
    assert "permission denied" in refused(f"DELETE FROM {table}")
    assert "permission denied" in refused(f"TRUNCATE {table} CASCADE")
    assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert "must be owner" in refused(f"ALTER TABLE {table} DISABLE TRIGGER USER")
    assert "must be owner" in refused(f"DROP TABLE {table} CASCADE")
    # And nothing changed
    assert LedgerEntry.objects.filter(member=spent_member).count() == 3


def test_item6_the_application_role_cannot_create_tables_or_roles(postgres_only):
    assert "permission denied" in refused("CREATE TABLE sneaky (id int)")
    assert "permission denied" in refused("CREATE ROLE sneaky")


def test_item6_the_application_works_as_that_role(postgres_only):
    # Given a hotel and a member
    hotel = HotelFactory(code="NOT", name="Hotel New Otani Tokyo")
    OutletFactory(hotel=hotel, code="SATSUKI")
    member = make_member("new-otani", enrolled_on=D(2020, 1, 1))
    # When a bill is recorded, refunded and points spent, all as the application role
    with as_app_role():
        outcome = bill_record(payload={**EXAMPLE, "member": member.number})
        from points.services.bills import bill_refund
        from points.services.jobs import post_points

        post_points(as_of=D(2025, 3, 13))
        ledger.points_debit(member=member, kind="redeem", points=1000, on=D(2025, 4, 1))
        bill_refund(bill=Bill.objects.get(pk=outcome.bill_id), amount=5000, on=D(2025, 4, 2))
    # Then everything was written: entries inserted, balance rows and lots updated
    assert outcome.created
    assert LedgerEntry.objects.filter(member=member).count() >= 4
    # R1 Default allocation (issue 15): 5,000 yen takes the mini bar's 2,300 that earned nothing first: 135 points
    assert MemberBalance.objects.get(member=member).posted == 3910 - 1000 - 135


def test_item6_the_application_role_writes_every_table_of_every_app(postgres_only):
    # Every model's table, the later apps' included (NE6's room nights earned, refunds' lines, PT3 notices ...):
    # the role may read and insert everywhere, and update and delete everywhere but the append-only ledger.
    from django.apps import apps

    ledger_tables = {LedgerEntry._meta.db_table, LotConsumption._meta.db_table}
    tables = {m._meta.db_table for m in apps.get_models() if m._meta.managed and not m._meta.proxy}
    missing = []
    with connection.cursor() as cursor:
        for table in sorted(tables):
            for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE"):
                cursor.execute("SELECT has_table_privilege(%s, %s, %s)", [ROLE, table, privilege])
                allowed = cursor.fetchone()[0]
                expected = privilege in ("SELECT", "INSERT") or table not in ledger_tables
                if allowed != expected:
                    missing.append((table, privilege, allowed))
    assert missing == []
    assert {"points_earnedroomnight", "points_idempotencykey", "points_ledgermismatch"} <= tables
