"""Bulk writes for the hot paths (the bill feed): rows as plain tuples, no model instance per row.

On PostgreSQL rows go in by ``COPY`` (the fastest way in: PERFORMANCE.md, a million ledger rows in 3 s) with ids
reserved from the table's sequence beforehand, so children can name their parents in the same batch. Elsewhere
(SQLite, the demo's embedded database) the same rows go through ``bulk_create``. Either way every column the
caller leaves out gets the model field's default, so a row written here reads back as if the ORM had saved it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.utils import timezone


def _columns(model: type[models.Model], fields: Sequence[str]) -> tuple[list[models.Field], list[object]]:
    """Every concrete column but the primary key and those with a database default: ``fields`` first (by attname),
    then the others with their default value (one value per batch: ``auto_now_add`` is the batch's time)."""
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in fields if name not in by_attname]
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    given = [by_attname[name] for name in fields]
    now = timezone.now()
    rest, defaults = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key or field.attname in fields or field.db_default is not models.NOT_PROVIDED:
            continue
        rest.append(field)
        stamped = getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False)
        defaults.append(now if stamped else field.get_default())
    return given + rest, defaults


def ids_reserve(model: type[models.Model], count: int) -> list[int]:
    """``count`` new primary keys of ``model`` from its sequence (PostgreSQL): never handed out twice."""
    if count == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def rows_insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, ids: bool = False
) -> list[int]:
    """Insert ``rows`` (tuples of ``fields`` values, by attname) into ``model``'s table; with ``ids``, return
    the new primary keys in row order. JSON fields take Python values."""
    rows = list(rows)
    if not rows:
        return []
    if connection.vendor != "postgresql":
        created = model.objects.bulk_create([model(**dict(zip(fields, row, strict=True))) for row in rows])
        return [obj.pk for obj in created] if ids else []
    from psycopg.types.json import Jsonb

    columns, defaults = _columns(model, fields)
    json_at = [i for i, f in enumerate(columns) if isinstance(f, models.JSONField)]
    defaults = tuple(
        Jsonb(v) if isinstance(f, models.JSONField) else v
        for f, v in zip(columns[len(fields) :], defaults, strict=True)
    )
    new_ids = ids_reserve(model, len(rows)) if ids else []
    names = [connection.ops.quote_name(f.column) for f in columns]
    if ids:
        names.insert(0, connection.ops.quote_name(model._meta.pk.column))
    sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({', '.join(names)}) FROM STDIN"
    # psycopg's own cursor (Django's has no COPY); its errors raised as Django's (IntegrityError, ...).
    with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
        for i, row in enumerate(rows):
            if json_at:
                row = list(row)
                for at in json_at:
                    if at < len(fields) and row[at] is not None:
                        row[at] = Jsonb(row[at])
            values = (*row, *defaults)
            copy.write_row((new_ids[i], *values) if ids else values)
    return new_ids


def increments_apply(model: type[models.Model], deltas: dict[object, dict[str, int]]) -> int:
    """``UPDATE model SET col = col + delta ... FROM (VALUES ...)``: one statement for many rows (keyed by primary
    key), never a read-modify-write in Python. ``deltas`` maps a primary key to ``{column: delta}``; every row
    names the same columns."""
    if not deltas:
        return 0
    columns = list(next(iter(deltas.values())))
    table = connection.ops.quote_name(model._meta.db_table)
    pk = connection.ops.quote_name(model._meta.pk.column)
    quoted = [connection.ops.quote_name(model._meta.get_field(c).column) for c in columns]
    row = "(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"
    params: list[object] = []
    for key, change in deltas.items():
        params.append(key)
        params.extend(change[c] for c in columns)
    # VALUES columns are column1, column2, ... in both PostgreSQL and SQLite (which has no ``AS v(a, b)``).
    names = ", ".join(["column1 AS k", *(f"column{i + 2} AS d{i}" for i in range(len(columns)))])
    sets = ", ".join(f"{q} = {table}.{q} + v.d{i}" for i, q in enumerate(quoted))
    sql = (
        f"UPDATE {table} SET {sets} FROM (SELECT {names} FROM (VALUES {', '.join([row] * len(deltas))}) AS rows) AS v "
        f"WHERE {table}.{pk} = v.k"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount
