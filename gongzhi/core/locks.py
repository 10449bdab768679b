"""A lock on a name, for "only one may win" rules that have no row to lock yet.

``select_for_update`` locks rows that exist; when two requests would each create the row (the first
registration of a phone, the first code sent to a phone this minute) there is nothing to lock, and on
PostgreSQL both pass the "already there?" check. ``lock_name`` takes a transaction-scoped advisory lock
on the name instead: the second caller waits until the first commits, then sees its rows. On SQLite a
writing transaction already holds the database's one write lock from BEGIN (IMMEDIATE, see
config/settings.py), so there is nothing more to take.
"""

from __future__ import annotations

import hashlib

from django.db import connection, transaction


def lock_key(name: str) -> int:
    """A signed 64-bit key for ``pg_advisory_xact_lock``, the same in every process."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def lock_name(*names: str) -> None:
    """Holds a lock on each name until the current transaction ends (in a fixed order: no deadlock)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("lock_name() needs a transaction (call it inside transaction.atomic)")
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for key in sorted({lock_key(n) for n in names}):
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])
