"""Daily rollups kept in step with the moves: one upsert per move, in the move's transaction.

``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`` is the same statement on SQLite (≥ 3.24) and
PostgreSQL, so the counters are exact under concurrency without a read-modify-write.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from gongzhi.tickets.models import STAT_FIELDS, DailyStat

if TYPE_CHECKING:
    from gongzhi.tickets.models import Ticket

_KEY = ["day", "district_code", "subdistrict_code", "community_code", "grid_code", "department_id"]


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def bump(ticket: Ticket, at: datetime, *, department_id: int | None = None, **counts: int) -> None:
    """Add ``counts`` to the row of ``at``'s local day for the ticket's place and lead department."""
    counts = {k: int(v) for k, v in counts.items() if v}
    if not counts:
        return
    unknown = set(counts) - set(STAT_FIELDS)
    if unknown:
        raise ValueError(f"unknown counters {sorted(unknown)}")
    dep = department_id if department_id is not None else (ticket.department_id or 0)
    key: list[Any] = [
        local_day(at),
        ticket.district_code,
        ticket.subdistrict_code or "",
        ticket.community_code or "",
        ticket.grid_code or "",
        dep,
    ]
    fields = list(counts)
    table = DailyStat._meta.db_table
    cols = ", ".join(_KEY + fields)
    marks = ", ".join(["%s"] * (len(_KEY) + len(fields)))
    updates = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in fields)
    defaults = [f for f in STAT_FIELDS if f not in counts]
    # Columns without a database default must be given on insert.
    all_cols = cols + (", " + ", ".join(defaults) if defaults else "")
    all_marks = marks + (", " + ", ".join(["0"] * len(defaults)) if defaults else "")
    sql = (
        f"INSERT INTO {table} ({all_cols}) VALUES ({all_marks}) "  # noqa: S608 (names are ours)
        f"ON CONFLICT ({', '.join(_KEY)}) DO UPDATE SET {updates}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*key, *counts.values()])
