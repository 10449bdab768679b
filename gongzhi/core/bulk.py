"""Fast inserts for the bulk services (demo district, large imports).

``bulk_create`` compiles SQL per batch of ~40 rows on SQLite (its 999-parameter limit) and that
compilation costs more than the insert itself. Here each value is still prepared by its field
(``pre_save`` + ``get_db_prep_save``, so dates, JSON and time zones are stored exactly as the ORM would),
but the statement is compiled once and run with ``executemany``. Primary keys are not returned: callers
that need them read them back by a natural key.
"""

from __future__ import annotations

from collections.abc import Sequence

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
