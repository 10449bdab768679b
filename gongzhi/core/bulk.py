"""Fast inserts for the bulk services (demo district, large imports).

``bulk_create`` compiles SQL per batch of ~40 rows on SQLite (its 999-parameter limit) and that
compilation costs more than the insert itself. Here each value is still prepared by its field
(``pre_save`` + ``get_db_prep_save``, so dates, JSON and time zones are stored exactly as the ORM would),
but the statement is compiled once and run with ``executemany``. Primary keys are not returned: callers
that need them read them back by a natural key.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TypeVar

from django.db import connection, models


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

_INSERT_ONE: dict[tuple[str, type[models.Model]], tuple[str, list[models.Field]]] = {}


def insert_one(obj: M) -> M:
    """``obj.save(force_insert=True)`` for the hot services (a report, a timeline row, an audit row),
    without the ORM's per-call SQL compilation: the statement is built once per model and database
    vendor, every value is still prepared by its field (``pre_save`` + ``get_db_prep_save``: ``auto_now``,
    JSON, time zones exactly as the ORM stores them), the primary key comes back from ``RETURNING`` (or
    ``lastrowid``) and ``obj`` is left saved (a later ``save()`` updates it). No ``pre_save``/``post_save``
    signals are sent, so use it only for models nothing listens to."""
    model = type(obj)
    key = (connection.vendor, model)
    cached = _INSERT_ONE.get(key)
    if cached is None:
        fields = [f for f in model._meta.concrete_fields if not isinstance(f, models.AutoField)]
        quote = connection.ops.quote_name
        sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(model._meta.db_table),
            ", ".join(quote(f.column) for f in fields),
            ", ".join(["%s"] * len(fields)),
        )
        if connection.features.can_return_columns_from_insert:
            sql += f" RETURNING {quote(model._meta.pk.column)}"
        cached = _INSERT_ONE[key] = (sql, fields)
    sql, fields = cached
    params = [f.get_db_prep_save(f.pre_save(obj, add=True), connection=connection) for f in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        pk = cursor.fetchone()[0] if connection.features.can_return_columns_from_insert else cursor.lastrowid
    obj.pk = pk
    obj._state.adding = False
    obj._state.db = connection.alias
    return obj
