"""Rollups kept in step with the moves, in the move's transaction: the day's counters (``DailyStat``), the
month's per community (``MonthlyStat``) and, when the move changes the status, the status counts of the
ticket's report month (``StatusCount``).

``INSERT … ON CONFLICT … DO UPDATE SET n = n + excluded.n`` is the same statement on SQLite (≥ 3.24) and
PostgreSQL, so the counters are exact under concurrency without a read-modify-write. On PostgreSQL the
upserts of one move go to the server as one statement (data-modifying CTEs); SQLite runs them one by one.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from django.db import connection
from django.utils import timezone

from gongzhi.tickets.models import STAT_FIELDS, DailyStat, MonthlyStat, StatusCount

if TYPE_CHECKING:
    from gongzhi.core.bulk import Batch
    from gongzhi.tickets.models import Ticket

_KEY = ["day", "district_code", "subdistrict_code", "community_code", "grid_code", "department_id"]
_MONTH_KEY = ["district_code", "subdistrict_code", "community_code", "month"]
_STATUS_KEY = [*_MONTH_KEY, "status"]


def local_day(at: datetime) -> date:
    return timezone.localtime(at).date()


def month_of(day: date) -> date:
    return day.replace(day=1)


def _upsert(table: str, key: list[str], fields: tuple[str, ...], rows: int = 1) -> str:
    """``INSERT … ON CONFLICT (key) DO UPDATE SET f = f + excluded.f`` for ``rows`` rows of key + fields;
    the other counters are inserted as 0 (the columns have no database default)."""
    defaults = [f for f in STAT_FIELDS if f not in fields] if table != StatusCount._meta.db_table else []
    cols = ", ".join(key + list(fields) + defaults)
    one = "(" + ", ".join(["%s"] * (len(key) + len(fields)) + ["0"] * len(defaults)) + ")"
    updates = ", ".join(f"{f} = {table}.{f} + excluded.{f}" for f in fields)
    return (
        f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * rows)} "  # noqa: S608 (names are ours)
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


@lru_cache(maxsize=256)
def _parts(fields: tuple[str, ...], status_rows: int) -> tuple[tuple[str, int], ...]:
    """The upserts of one bump and how many parameters each takes, in the order they are laid out."""
    parts = []
    if fields:
        parts.append((_upsert(DailyStat._meta.db_table, _KEY, fields), len(_KEY) + len(fields)))
        parts.append((_upsert(MonthlyStat._meta.db_table, _MONTH_KEY, fields), len(_MONTH_KEY) + len(fields)))
    if status_rows:
        parts.append(
            (
                _upsert(StatusCount._meta.db_table, _STATUS_KEY, ("tickets",), status_rows),
                (len(_STATUS_KEY) + 1) * status_rows,
            )
        )
    return tuple(parts)


@lru_cache(maxsize=256)
def _one_statement(fields: tuple[str, ...], status_rows: int) -> str:
    """PostgreSQL: the upserts as one statement (data-modifying CTEs), one round trip."""
    *first, (last, _) = _parts(fields, status_rows)
    if not first:
        return last
    ctes = ", ".join(f"u{i} AS ({sql})" for i, (sql, _) in enumerate(first))
    return f"WITH {ctes} {last}"


def bump(
    ticket: Ticket,
    at: datetime,
    *,
    department_id: int | None = None,
    status: tuple[str, str] | None = None,
    batch: Batch | None = None,
    **counts: int,
) -> None:
    """Add ``counts`` to the day of ``at`` (and its month) for the ticket's place and lead department;
    with ``status=(old, new)`` and old ≠ new, move the ticket from old to new in its report month. With a
    ``batch`` the upserts join the service's other writes (core.bulk.Batch) instead of running now."""
    counts = {k: int(v) for k, v in counts.items() if v}
    unknown = set(counts) - set(STAT_FIELDS)
    if unknown:
        raise ValueError(f"unknown counters {sorted(unknown)}")
    moves: list[tuple[str, int]] = []
    if status is not None and status[0] != status[1]:
        old, new = status
        # In the order of the status names: two moves in opposite directions at once (handle and a
        # failed verify in one community and month) lock the two rows in the same order, never a deadlock.
        moves = sorted([(new, 1)] + ([(old, -1)] if old else []))
    if not counts and not moves:
        return
    place = [
        ticket.district_code,
        ticket.subdistrict_code or "",
        ticket.community_code or "",
    ]
    params: list[Any] = []
    if counts:
        dep = department_id if department_id is not None else (ticket.department_id or 0)
        day = local_day(at)
        values = list(counts.values())
        params += [day, *place, ticket.grid_code or "", dep, *values]
        params += [*place, month_of(day), *values]
    if moves:
        reported = month_of(local_day(ticket.created_at))
        for s, n in moves:
            params += [*place, reported, s, n]
    fields = tuple(counts)
    if batch is not None:
        i = 0
        for sql, size in _parts(fields, len(moves)):
            batch.execute(sql, params[i : i + size])
            i += size
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_one_statement(fields, len(moves)), params)
            return
        # SQLite: one statement each, in the order their parameters were laid out.
        i = 0
        for sql, size in _parts(fields, len(moves)):
            cursor.execute(sql, params[i : i + size])
            i += size
