"""What a backup promises about the database: per table a row count and a content hash; the migration heads.

The same functions run on the snapshot when backing up and on the restored database after a restore.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from gongzhi.ops.backup.database import Database, _quote

# --- content hashes -------------------------------------------------------------------------------------


def _canon(value: Any) -> Any:
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": bytes(value).hex()}
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return {"$seconds": value.total_seconds()}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    return str(value)


def _row_bytes(row: Iterable[Any]) -> bytes:
    return json.dumps(
        list(row), default=_canon, ensure_ascii=False, sort_keys=True, separators=(",", ":")
    ).encode()


def _table_names(db: Database, cur: Any) -> list[str]:
    if db.engine == "sqlite":
        cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        # A virtual table (full-text index) is hashed through its shadow tables, which are ordinary ones.
        names = [n for n, sql in cur.fetchall() if not (sql or "").upper().startswith("CREATE VIRTUAL")]
    else:
        cur.execute(
            "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition"
        )
        names = [r[0] for r in cur.fetchall()]
    return sorted(names)


def _columns_and_order(db: Database, cur: Any, table: str) -> tuple[list[str], str]:
    """Column names, and the ORDER BY that makes the row order deterministic ('' = sort in Python)."""
    if db.engine == "sqlite":
        cur.execute(f"PRAGMA table_info({_quote(table)})")
        info = cur.fetchall()
        columns = [r[1] for r in info]
        pk = [r[1] for r in sorted((r for r in info if r[5]), key=lambda r: r[5])]
        without_rowid = False
        if not pk:
            cur.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,))
            without_rowid = "WITHOUT ROWID" in (cur.fetchone()[0] or "").upper()
        order = ", ".join(_quote(c) for c in pk) if pk else ("" if without_rowid else "rowid")
        return columns, order
    cur.execute(
        "SELECT a.attname FROM pg_attribute a WHERE a.attrelid = %s::regclass AND a.attnum > 0 "
        "AND NOT a.attisdropped ORDER BY a.attnum",
        (_quote(table),),
    )
    columns = [r[0] for r in cur.fetchall()]
    # Text keys sort by bytes ("C"), so the order does not hang on the database's collation.
    cur.execute(
        "SELECT a.attname, a.attcollation <> 0 FROM pg_index i "
        "JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
        "WHERE i.indrelid = %s::regclass AND i.indisprimary "
        "ORDER BY array_position(i.indkey::int2[], a.attnum)",
        (_quote(table),),
    )
    order = ", ".join(_quote(name) + (' COLLATE "C"' if collatable else "") for name, collatable in cur)
    return columns, order


def _rows(db: Database, conn: Any, table: str, columns: list[str], order: str) -> Iterator[tuple]:
    select = f"SELECT {', '.join(_quote(c) for c in columns)} FROM {_quote(table)}"  # noqa: S608
    if order:
        select += f" ORDER BY {order}"
    if db.engine == "sqlite":
        yield from conn.execute(select)
        return
    # A server-side cursor: a table of millions of rows is streamed, not loaded.
    with conn.cursor(name=f"gz_backup_rows_{abs(hash(table)) % 10**8}") as cur:
        cur.itersize = 5000
        cur.execute(select)
        yield from cur


def table_fingerprints(db: Database, conn: Any) -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` for every table; deterministic for the same content."""
    out: dict[str, dict[str, Any]] = {}
    cur = conn.cursor()
    for table in _table_names(db, cur):
        columns, order = _columns_and_order(db, cur, table)
        digest = hashlib.sha256(_row_bytes(columns) + b"\n")
        count = 0
        rows = (_row_bytes(r) for r in _rows(db, conn, table, columns, order))
        for line in rows if order else sorted(rows):
            digest.update(line + b"\n")
            count += 1
        out[table] = {"rows": count, "sha256": digest.hexdigest()}
    cur.close()
    return out


def _applied_migrations(db: Database, conn: Any) -> set[tuple[str, str]]:
    cur = conn.cursor()
    if "django_migrations" not in _table_names(db, cur):
        return set()
    cur.execute("SELECT app, name FROM django_migrations")
    rows = {(app, name) for app, name in cur.fetchall()}
    cur.close()
    return rows


def _loader() -> Any:
    from django.db.migrations.loader import MigrationLoader

    return MigrationLoader(None, ignore_no_migrations=True)


def migration_heads(applied: set[tuple[str, str]]) -> dict[str, list[str]]:
    """Per app, the applied migrations no other applied migration of that app depends on."""
    graph = _loader().graph
    parents_of: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for key in applied:
        node = graph.node_map.get(key)
        parents_of[key] = {p.key for p in node.parents} if node is not None else set()
    heads: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        superseded = any((app, name) in parents_of[other] for other in applied if other[0] == app)
        if not superseded:
            heads.setdefault(app, []).append(name)
    return heads
