"""Backup and restore of a whole site: the database and every file under MEDIA_ROOT, in one archive.

The archive is a tar.gz holding, in this order::

    manifest.json       what is inside and how to check it (see ``_manifest``)
    manifest.hmac       HMAC-SHA256 of manifest.json under a key derived from GONGZHI_DATA_KEY
    db/gongzhi.sqlite3  SQLite: a snapshot made with the online backup API (safe while the server runs)
    db/gongzhi.pgdump   PostgreSQL: ``pg_dump -Fc`` from an exported snapshot
    media/<path>        every file under MEDIA_ROOT

The manifest carries per table a row count and a content hash (rows in primary-key order, each row as
canonical JSON, sha256). Both come from the same snapshot as the dump: the SQLite snapshot file itself, or
the REPEATABLE READ transaction whose snapshot pg_dump was given. After a restore the same hashes are
computed on the restored database and must be equal.

Nothing here prints; errors are ``BackupError`` with a Chinese message for the operator.

What is where (each module imports only those above it)::

    errors.py        BackupError
    database.py      Database, default_database, quoting, ENGINE_LABELS; the PostgreSQL tools (pg_tool,
                     the client's version against the server's, running pg_dump/pg_restore)
    fingerprints.py  per-table row counts and content hashes (table_fingerprints), migration heads
    archive.py       the format constants, the key id and the manifest signature, media files, tar members;
                     reading and checking an archive (archive_check, archive_verify, compare_tables)
    create.py        backup_create: the snapshots, the manifest, the archive and its name; prune
    restore.py       backup_restore and its refusals and steps; database_rows

This package re-exports the public names of all of them, so callers import from ``gongzhi.ops.backup``.
"""

from gongzhi.ops.backup.archive import (
    CHUNK,
    DUMP_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    SIGNATURE,
    Checked,
    archive_check,
    archive_verify,
    compare_tables,
    data_key_id,
)
from gongzhi.ops.backup.create import ARCHIVE_GLOB, BackupResult, backup_create, prune
from gongzhi.ops.backup.database import ENGINE_LABELS, LIBPQ_OPTIONS, Database, default_database, pg_tool
from gongzhi.ops.backup.errors import BackupError
from gongzhi.ops.backup.fingerprints import migration_heads, table_fingerprints
from gongzhi.ops.backup.restore import DATA_MODELS, RestoreResult, backup_restore, database_rows

__all__ = [
    "ARCHIVE_GLOB",
    "CHUNK",
    "DATA_MODELS",
    "DUMP_NAMES",
    "ENGINE_LABELS",
    "FORMAT",
    "FORMAT_VERSION",
    "LIBPQ_OPTIONS",
    "MANIFEST",
    "MEDIA_PREFIX",
    "SIGNATURE",
    "BackupError",
    "BackupResult",
    "Checked",
    "Database",
    "RestoreResult",
    "archive_check",
    "archive_verify",
    "backup_create",
    "backup_restore",
    "compare_tables",
    "data_key_id",
    "database_rows",
    "default_database",
    "migration_heads",
    "pg_tool",
    "prune",
    "table_fingerprints",
]
