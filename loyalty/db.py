"""Bulk writes for the hot paths (the bill feed): rows as tuples (named tuples, one type per table), no model
instance per row.

On PostgreSQL many rows go in by ``COPY`` (the fastest way in: PERFORMANCE.md, a million ledger rows in 3 s) with
ids reserved from the table's sequence beforehand, so children can name their parents in the same batch; a few
rows (one API request) by one ``INSERT ... VALUES``. Writes whose results are not needed gather in a ``Batch``
and go to PostgreSQL as one query string: one round trip for all of a bill's parts. Elsewhere (SQLite, the demo's
embedded database) the same rows go through ``bulk_create``. Either way every column the caller leaves out gets
the model field's default, so a row written here reads back as if the ORM had saved it.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence

from django.db import connection, models
from django.db.models import F
from django.utils import timezone

COPY_FROM = 100  # rows of one table: from here COPY beats one INSERT ... VALUES


def _postgresql() -> bool:
    return connection.vendor == "postgresql"


def models_from_rows(model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[object]]) -> list:
    """Model instances from rows of ``fields`` (attnames) read by a query written by hand, built as the ORM builds
    them: the backend's and the fields' converters first (SQLite's dates come as text), then ``Model.from_db``.
    Costs a fraction of ``Manager.raw``, which works out its columns and converters again for every query."""
    concrete = {f.attname: f for f in model._meta.concrete_fields}
    converters = []
    for at, name in enumerate(fields):
        column = concrete[name].get_col(model._meta.db_table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((at, column, functions))
    instances = []
    for row in rows:
        if converters:
            row = list(row)
            for at, column, functions in converters:
                for function in functions:
                    row[at] = function(row[at], column, connection)
        instances.append(model.from_db(connection.alias, fields, row))
    return instances


class _Table:
    """How rows of ``fields`` go into ``model``'s table: every concrete column but the primary key and those with
    a database default, ``fields`` first (by attname), then the others with their default (``auto_now`` and
    ``auto_now_add``: the time of the write). JSON values are wrapped for psycopg. Built once per model and
    fields (``_table``), the defaults once per write."""

    def __init__(self, model: type[models.Model], fields: tuple[str, ...]):
        from psycopg.types.json import Jsonb

        by_attname = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [name for name in fields if name not in by_attname]
        if unknown:
            raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
        columns = [by_attname[name] for name in fields]
        self.rest = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key or f.attname in fields or f.db_default is not models.NOT_PROVIDED)
        ]
        columns += self.rest
        self.json_at = [i for i, f in enumerate(columns[: len(fields)]) if isinstance(f, models.JSONField)]
        self.jsonb = Jsonb
        quote = connection.ops.quote_name
        self.table = quote(model._meta.db_table)
        self.names = ", ".join(quote(f.column) for f in columns)
        self.width = len(columns)
        self.placeholders = "(" + ", ".join(["%s"] * self.width) + ")"
        self.defaults: tuple = ()

    def stamp(self) -> _Table:
        """This table for one write: the defaults of the columns the rows leave out (a copy: threads share the
        table)."""
        table = copy.copy(self)
        now = timezone.now()
        values = []
        for field in self.rest:
            value = now if getattr(field, "auto_now_add", False) or getattr(field, "auto_now", False) else None
            value = value if value is not None else field.get_default()
            values.append(self.jsonb(value) if isinstance(field, models.JSONField) else value)
        table.defaults = tuple(values)
        return table

    def values(self, row: tuple) -> tuple:
        if self.json_at:
            row = list(row)
            for at in self.json_at:
                if row[at] is not None:
                    row[at] = self.jsonb(row[at])
        return (*row, *self.defaults)

    def insert_sql(self, rows: list[tuple], *, ignore_conflicts: bool = False) -> tuple[str, list[object]]:
        sql = f"INSERT INTO {self.table} ({self.names}) VALUES {', '.join([self.placeholders] * len(rows))}"
        if ignore_conflicts:
            sql += " ON CONFLICT DO NOTHING"
        return sql, [v for row in rows for v in self.values(row)]

    def copy(self, rows: list[tuple]) -> None:
        sql = f"COPY {self.table} ({self.names}) FROM STDIN"
        # psycopg's own cursor (Django's has no COPY); its errors raised as Django's (IntegrityError, ...).
        with connection.cursor() as cursor, connection.wrap_database_errors, cursor.cursor.copy(sql) as copy:
            for row in rows:
                copy.write_row(self.values(row))


_tables: dict[tuple[str, str, tuple[str, ...]], _Table] = {}


def _table(model: type[models.Model], fields: Sequence[str]) -> _Table:
    key = (connection.alias, model._meta.label, tuple(fields))
    table = _tables.get(key)
    if table is None:
        table = _tables[key] = _Table(model, tuple(fields))
    return table.stamp()


def _objects(model: type[models.Model], fields: Sequence[str], rows: list[tuple]) -> list[models.Model]:
    return [model(**dict(zip(fields, row, strict=True))) for row in rows]


def ids_reserve(counts: dict[type[models.Model], int]) -> dict[type[models.Model], list[int]]:
    """New primary keys for each model (``{model: how many}``), never handed out twice: from the tables'
    sequences on PostgreSQL (one round trip for all), from ``sqlite_sequence`` on SQLite (the write takes the
    database's write lock, so no other connection can take the same ones)."""
    counts = {model: n for model, n in counts.items() if n}
    ids: dict[type[models.Model], list[int]] = {model: [] for model in counts}
    if not counts:
        return ids
    with connection.cursor() as cursor:
        if _postgresql():
            arrays = ", ".join(
                "ARRAY(SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s))" for _ in counts
            )
            params = [p for model, n in counts.items() for p in (model._meta.db_table, model._meta.pk.column, n)]
            cursor.execute(f"SELECT {arrays}", params)
            return dict(zip(counts, (list(a) for a in cursor.fetchone()), strict=True))
        for model, n in counts.items():
            table = model._meta.db_table
            cursor.execute("UPDATE sqlite_sequence SET seq = seq + %s WHERE name = %s", [n, table])
            if cursor.rowcount:
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
                last = cursor.fetchone()[0]
            else:  # no row was ever inserted: the table's own maximum (none: 0) is where its numbers start
                pk = connection.ops.quote_name(model._meta.pk.column)
                cursor.execute(f"SELECT COALESCE(MAX({pk}), 0) FROM {connection.ops.quote_name(table)}")
                last = cursor.fetchone()[0] + n
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, last])
            ids[model] = list(range(last - n + 1, last + 1))
    return ids


class Batch:
    """Writes whose results are not needed, sent together when the batch is sent (or leaves its ``with``).

    On PostgreSQL the statements go as one query string (Django's psycopg cursors bind parameters on the client,
    so several statements travel in one round trip); many rows of one table still go by COPY. Elsewhere each write
    runs when it is added.
    """

    def __init__(self):
        self.statements: list[tuple[str, Sequence[object]]] = []
        self.postgresql = _postgresql()

    def __enter__(self) -> Batch:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if error is None:
            self.send()

    def insert(
        self, model: type[models.Model], fields: Sequence[str], rows: Iterable[tuple], *, ignore_conflicts=False
    ) -> None:
        """Insert ``rows``: tuples of ``fields`` values (by attname; the primary key among them if the ids were
        reserved, ``ids_reserve``; JSON fields take Python values). ``ignore_conflicts``: rows a unique constraint
        refuses are skipped (``ON CONFLICT DO NOTHING``). Rows are best named tuples whose ``_fields`` are
        ``fields`` (a value then goes to the column that names it); named rows of other fields are refused."""
        rows = list(rows)
        if not rows:
            return
        named = getattr(rows[0], "_fields", None)
        if named is not None and tuple(named) != tuple(fields):
            raise ValueError(f"{type(rows[0]).__name__} rows do not have the fields given for {model.__name__}")
        if not self.postgresql:
            model.objects.bulk_create(_objects(model, fields, rows), ignore_conflicts=ignore_conflicts)
            return
        table = _table(model, fields)
        if len(rows) >= COPY_FROM and not ignore_conflicts:
            self.send()  # keep the order of writes: what was added before goes first
            table.copy(rows)
            return
        self.statement(*table.insert_sql(rows, ignore_conflicts=ignore_conflicts))

    def increments(self, model: type[models.Model], deltas: dict[int, dict[str, int]]) -> None:
        """Add ``deltas`` (``{primary key: {column: delta}}``, every row the same columns) to rows of ``model``,
        creating the missing ones (the other columns at their defaults): one ``INSERT ... ON CONFLICT DO UPDATE``,
        rows in key order (two concurrent batches lock them in the same order), never a read-modify-write in
        Python. ``auto_now`` columns are stamped."""
        if not deltas:
            return
        if not self.postgresql:  # the embedded database: a few rows, through the ORM
            for key in sorted(deltas):
                change = {c: F(c) + d for c, d in deltas[key].items()}
                change |= {f.name: timezone.now() for f in model._meta.concrete_fields if getattr(f, "auto_now", False)}
                if not model.objects.filter(pk=key).update(**change):
                    model.objects.create(pk=key, **deltas[key])
            return
        columns = list(next(iter(deltas.values())))
        pk = model._meta.pk.attname
        table = _table(model, [pk, *columns])
        quote = connection.ops.quote_name
        sets = [
            f"{quote(model._meta.get_field(c).column)} = {table.table}.{quote(model._meta.get_field(c).column)}"
            f" + EXCLUDED.{quote(model._meta.get_field(c).column)}"
            for c in columns
        ]
        sets += [
            f"{quote(f.column)} = EXCLUDED.{quote(f.column)}"
            for f in model._meta.concrete_fields
            if getattr(f, "auto_now", False)
        ]
        rows = [(key, *(deltas[key][c] for c in columns)) for key in sorted(deltas)]
        sql, params = table.insert_sql(rows)
        self.statement(f"{sql} ON CONFLICT ({quote(model._meta.pk.column)}) DO UPDATE SET {', '.join(sets)}", params)

    def statement(self, sql: str, params: Sequence[object]) -> None:
        if not self.postgresql:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
            return
        self.statements.append((sql, params))

    def send(self) -> None:
        statements, self.statements = self.statements, []
        if not statements:
            return
        from psycopg import ClientCursor

        with connection.cursor() as cursor:
            if isinstance(cursor.cursor, ClientCursor):
                # Each statement bound by psycopg on its own (its parsing cached by statement shape), then all
                # of them sent as one query string.
                cursor.execute(";\n".join(cursor.cursor.mogrify(sql, params) for sql, params in statements))
            else:  # server-side binding (an OPTIONS choice) takes one statement at a time
                for sql, params in statements:
                    cursor.execute(sql, params)
