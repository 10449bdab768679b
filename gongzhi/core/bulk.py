"""Fast inserts for the bulk services (demo district, large imports) and the hot ones (a report, a move).

``bulk_create`` compiles SQL per batch of ~40 rows on SQLite (its 999-parameter limit) and that
compilation costs more than the insert itself. Here each value is still prepared by its field
(``pre_save`` + ``get_db_prep_save``, so dates, JSON and time zones are stored exactly as the ORM would),
but the statement is compiled once and run with ``executemany``. Primary keys are not returned: callers
that need them read them back by a natural key.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from django.db import connection, models, transaction


def insert_rows(model: type[models.Model], objs: Sequence[models.Model]) -> int:
    if not objs:
        return 0
    fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
    quote = connection.ops.quote_name
    # Only model metadata goes into the statement (quoted names); every value is a bound parameter.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        tuple(f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection) for f in fields)
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
    return len(rows)


M = TypeVar("M", bound=models.Model)

_INSERT_ONE: dict[tuple[str, type[models.Model], bool], tuple[str, list[models.Field]]] = {}
_SEQUENCES: dict[type[models.Model], str] = {}
_AS_JSON_ROW: dict[tuple[type[models.Model], bool], tuple[str, list[models.Field]]] = {}
# psycopg parses a statement's placeholders once and keeps the result only for statements of at most 50
# parameters (psycopg._queries.MAX_CACHED_STATEMENT_PARAMS); past it, every execution parses again in
# Python. A batch sends a row this wide as one JSON parameter instead.
WIDE_ROW = 30


def _insert_statement(model: type[models.Model], with_key: bool = False) -> tuple[str, list[models.Field]]:
    """``INSERT INTO table (every column but the key) VALUES (%s, …)`` (+ ``RETURNING pk`` where the
    database can), built once per model and database vendor; ``with_key``: the key column too."""
    key = (connection.vendor, model, with_key)
    cached = _INSERT_ONE.get(key)
    if cached is None:
        fields = [f for f in model._meta.concrete_fields if with_key or not isinstance(f, models.AutoField)]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        cached = _INSERT_ONE[key] = (sql, fields)
    return cached


def _values(obj: models.Model, fields: list[models.Field]) -> list[Any]:
    return [f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection) for f in fields]


def _as_json_row(model: type[models.Model], with_key: bool) -> tuple[str, list[models.Field]]:
    """PostgreSQL: ``INSERT INTO table (cols) SELECT cols FROM json_populate_record(NULL::table, %s)``: one
    parameter for the whole row, each value read by its column's own input function."""
    key = (model, with_key)
    cached = _AS_JSON_ROW.get(key)
    if cached is None:
        fields = [f for f in model._meta.concrete_fields if with_key or not isinstance(f, models.AutoField)]
        quote = connection.ops.quote_name
        table = quote(model._meta.db_table)
        cols = ", ".join(quote(f.column) for f in fields)
        # Model metadata only (quoted names); the row is the one bound parameter.
        sql = (
            f"INSERT INTO {table} ({cols}) SELECT {cols} "  # noqa: S608
            f"FROM json_populate_record(NULL::{table}, %s::json) RETURNING {quote(model._meta.pk.column)}"
        )
        cached = _AS_JSON_ROW[key] = (sql, fields)
    return cached


def _json_value(value: Any) -> Any:
    """A prepared value (``get_db_prep_save``) as JSON that PostgreSQL's input functions read back to
    the same value: full-precision ISO times, exact decimals, JSON columns as their JSON."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, Decimal | uuid.UUID):
        return str(value)
    from psycopg.types.json import Json, Jsonb

    if isinstance(value, Json | Jsonb):  # a JSONField's value, with the field's encoder if it has one
        return json.loads(value.dumps(value.obj)) if value.dumps else value.obj
    raise TypeError(f"no JSON form for a {type(value).__name__} column value")


def _saved(obj: M, pk: Any) -> M:
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj


def next_key(model: type[models.Model]) -> int:
    """PostgreSQL: the next value of the model's key sequence, taken now, so that a row and the rows that
    point at it can go to the server in one statement (``Batch.insert(obj, with_key=True)``). The key is
    the one the row's own INSERT would have taken a moment later; a write that then fails leaves a gap in
    the sequence, as a rolled-back INSERT does."""
    if connection.vendor != "postgresql":
        raise RuntimeError("next_key is for PostgreSQL; elsewhere insert the row and read its key")
    with connection.cursor() as cursor:
        sequence = _SEQUENCES.get(model)
        if sequence is None:
            cursor.execute(
                "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
            )
            sequence = _SEQUENCES[model] = cursor.fetchone()[0]
        cursor.execute("SELECT nextval(%s::regclass)", [sequence])
        return int(cursor.fetchone()[0])


def insert_one(obj: M) -> M:
    """``obj.save(force_insert=True)`` for the hot services (a report, a timeline row, an audit row),
    without the ORM's per-call SQL compilation: the statement is built once per model and database
    vendor, every value is still prepared by its field (``pre_save`` + ``get_db_prep_save``: ``auto_now``,
    JSON, time zones exactly as the ORM stores them), the primary key comes back from ``RETURNING`` (or
    ``lastrowid``) and ``obj`` is left saved (a later ``save()`` updates it). No ``pre_save``/``post_save``
    signals are sent, so use it only for models nothing listens to."""
    sql, fields = _insert_statement(type(obj))
    with connection.cursor() as cursor:
        cursor.execute(sql, _values(obj, fields))
        pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    return _saved(obj, pk)


class Batch:
    """Writes of one service that need nothing back but the new rows' keys (a timeline row, the audit
    row, the rollup upserts), sent to PostgreSQL as one statement: each write is a data-modifying CTE of
    ``WITH w0 AS (INSERT … RETURNING id), w1 AS (…) SELECT (SELECT id FROM w0), …``. PostgreSQL runs
    every data-modifying CTE exactly once, referenced or not, all on one snapshot: so no write may need to
    see another's rows (none of these does). Elsewhere (SQLite) they run one by one, in the order added.
    Inserts are ``insert_one``'s (values prepared by their fields, no signals); ``execute`` adds a
    statement of one's own, which must not be a ``WITH`` itself. Call ``run()`` once, inside the service's
    transaction (or alone, as the service's one statement); the inserted objects have their keys then."""

    def __init__(self) -> None:
        self._writes: list[tuple[str, list[Any], models.Model | None]] = []

    def insert(self, obj: models.Model, *, with_key: bool = False) -> None:
        """Queue ``obj``'s INSERT; its values are prepared now (``pre_save`` included). ``with_key``: the
        object already holds its key (``next_key``), so later writes of the batch may point at it."""
        if with_key and obj.pk is None:
            raise ValueError("Batch.insert(with_key=True) needs an object that holds its key")
        sql, fields = _insert_statement(type(obj), with_key)
        values = _values(obj, fields)
        if connection.vendor == "postgresql" and len(fields) > WIDE_ROW:
            sql, fields = _as_json_row(type(obj), with_key)
            row = {f.column: v for f, v in zip(fields, values, strict=True)}
            values = [json.dumps(row, ensure_ascii=False, default=_json_value)]
        self._writes.append((sql, values, obj))

    def execute(self, sql: str, params: Sequence[Any]) -> None:
        if sql.lstrip()[:4].upper() == "WITH":
            raise ValueError("Batch.execute: a statement with its own WITH cannot be a CTE")
        self._writes.append((sql, list(params), None))

    def run(self) -> None:
        """One statement on PostgreSQL, which is a transaction by itself when no transaction is open;
        elsewhere the statements one by one, in a transaction of their own when none is open."""
        writes, self._writes = self._writes, []
        if not writes:
            return
        if connection.vendor != "postgresql" and len(writes) > 1 and not connection.in_atomic_block:
            with transaction.atomic():
                self._writes = writes
                self.run()
            return
        with connection.cursor() as cursor:
            if connection.vendor != "postgresql" or len(writes) == 1:
                for sql, params, obj in writes:
                    cursor.execute(sql, params)
                    if obj is not None:
                        returns = connection.features.can_return_columns_from_insert
                        _saved(obj, cursor.fetchone()[0] if returns else cursor.lastrowid)
                return
            quote = connection.ops.quote_name
            ctes, keys, params = [], [], []
            inserted = []
            for i, (sql, values, obj) in enumerate(writes):
                ctes.append(f"w{i} AS ({sql})")
                params += values
                if obj is not None:
                    keys.append(f"(SELECT {quote(obj._meta.pk.column)} FROM w{i})")  # noqa: S608
                    inserted.append(obj)
            cursor.execute(f"WITH {', '.join(ctes)} SELECT {', '.join(keys) or '1'}", params)
            row = cursor.fetchone()
        for obj, pk in zip(inserted, row, strict=False):
            _saved(obj, pk)
