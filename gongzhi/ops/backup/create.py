"""Writing a backup: the snapshot (SQLite online backup API or pg_dump from an exported snapshot), the
manifest and the signed archive (``backup_create``), its name, and pruning old archives (``prune``).
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import Any

import django
from django.conf import settings
from django.utils import timezone

from gongzhi.ops.backup.archive import (
    DUMP_NAMES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA_PREFIX,
    SIGNATURE,
    _add_bytes,
    _add_file,
    _media_files,
    _sha256_file,
    _signature,
    data_key_id,
)
from gongzhi.ops.backup.database import Database, _is_memory, default_database, pg_tool
from gongzhi.ops.backup.errors import BackupError
from gongzhi.ops.backup.fingerprints import _applied_migrations, migration_heads, table_fingerprints

ARCHIVE_GLOB = "gongzhi-backup-*.tar.gz"


# --- backup ---------------------------------------------------------------------------------------------


@dataclass
class BackupResult:
    path: Path
    sha256: str
    manifest: dict[str, Any]

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def _archive_path(output: str | Path | None, now: datetime) -> Path:
    target = Path(output) if output else Path(settings.BACKUP_DIR)
    if str(target).endswith((".tar.gz", ".tgz")):
        if target.exists():
            raise BackupError(f"文件已存在，不会覆盖：{target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        return target
    target.mkdir(parents=True, exist_ok=True)
    stem = f"gongzhi-backup-{timezone.localtime(now):%Y%m%d-%H%M%S}"
    path, n = target / f"{stem}.tar.gz", 1
    while path.exists():
        path, n = target / f"{stem}-{n}.tar.gz", n + 1
    return path


def _snapshot_sqlite(db: Database, dump: Path) -> tuple[dict, set]:
    if _is_memory(db):
        raise BackupError("内存中的 SQLite 数据库无法备份")
    src = db.connect()
    dst = sqlite3.connect(str(dump))
    try:
        # One step: the read transaction on the source is the snapshot; WAL lets the server go on writing.
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        tables = table_fingerprints(db, dst)
        applied = _applied_migrations(db, dst)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 备份失败：{exc}") from exc
    finally:
        src.close()
        dst.close()
    return tables, applied


def _snapshot_postgres(db: Database, dump: Path) -> tuple[dict, set]:
    import psycopg

    conn = db.connect()
    try:
        conn.commit()
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        server_major = conn.info.server_version // 10000
        pg_dump = pg_tool("pg_dump", server_major)
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        with tempfile.TemporaryFile() as err:
            # pg_dump reads the snapshot this transaction exported, so the dump and the hashes below are
            # of the same instant; they run side by side.
            proc = subprocess.Popen(  # noqa: S603
                [pg_dump, "-Fc", "--no-password", f"--snapshot={snapshot}", "-f", str(dump)],
                env=db.libpq_env(),
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            try:
                tables = table_fingerprints(db, conn)
                applied = _applied_migrations(db, conn)
            except BaseException:
                proc.kill()
                raise
            finally:
                proc.wait()
            if proc.returncode != 0:
                err.seek(0)
                message = err.read().decode(errors="replace").strip()[-2000:]
                raise BackupError(f"pg_dump 失败（退出码 {proc.returncode}）：{message}")
    except psycopg.Error as exc:
        raise BackupError(f"PostgreSQL 备份失败：{exc}") from exc
    finally:
        conn.close()
    return tables, applied


def backup_create(
    *,
    output: str | Path | None = None,
    database: Database | None = None,
    media_root: str | Path | None = None,
    keep: int | None = None,
    record: bool = True,
) -> BackupResult:
    """Writes one archive of the database and MEDIA_ROOT; then one BackupRecord with its audit row."""
    db = database or default_database()
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT)
    now = timezone.now()
    out_dir = Path(output) if output else Path(settings.BACKUP_DIR)
    if media.resolve() == out_dir.resolve() or media.resolve() in out_dir.resolve().parents:
        raise BackupError(f"备份不能放在 MEDIA_ROOT（{media}）之内：否则下一次备份会把这次的备份也装进去")
    path = _archive_path(output, now)
    dump_name = DUMP_NAMES[db.engine]
    with tempfile.TemporaryDirectory(prefix=".gongzhi-backup-", dir=path.parent) as tmp:
        dump = Path(tmp) / PurePosixPath(dump_name).name
        if db.engine == "sqlite":
            tables, applied = _snapshot_sqlite(db, dump)
        else:
            tables, applied = _snapshot_postgres(db, dump)
        media_files = _media_files(media)
        dump_meta = {"name": dump_name, "sha256": _sha256_file(dump), "bytes": dump.stat().st_size}
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": now.astimezone(UTC).isoformat(),
            "engine": db.engine,
            "database": db.label,
            "django_version": django.get_version(),
            "data_key_id": data_key_id(),
            "migrations": migration_heads(applied),
            "tables": tables,
            "dump": dump_meta,
            "media": media_files,
        }
        manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True).encode()
        part = Path(tmp) / (path.name + ".part")
        fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)  # personal data: owner only
        with os.fdopen(fd, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar:
                mtime = now.timestamp()
                _add_bytes(tar, MANIFEST, manifest_bytes, mtime)
                _add_bytes(tar, SIGNATURE, _signature(manifest_bytes).encode(), mtime)
                _add_file(tar, dump_name, dump, dump_meta)
                for rel, meta in media_files.items():
                    _add_file(tar, MEDIA_PREFIX + rel, media / rel, meta)
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(part, path)
    result = BackupResult(path=path, sha256=_sha256_file(path), manifest=manifest)
    if record:
        from gongzhi.ops.models import BackupKind
        from gongzhi.ops.services import backup_record_create

        backup_record_create(
            kind=BackupKind.BACKUP,
            archive=str(path),
            archive_sha256=result.sha256,
            engine=db.engine,
            tables=len(tables),
            rows=result.rows,
            media_files=len(media_files),
            data={"database": db.label},
        )
    if keep:
        prune(path.parent, keep)
    return result


_ARCHIVE_NAME = re.compile(r"gongzhi-backup-(\d{8}-\d{6})(?:-(\d+))?\.tar\.gz")


def prune(directory: Path, keep: int) -> list[Path]:
    """Deletes all but the newest ``keep`` archives in ``directory`` (by the time in their names)."""

    def when(p: Path) -> tuple[str, int]:
        m = _ARCHIVE_NAME.fullmatch(p.name)
        return (m.group(1), int(m.group(2) or 0)) if m else ("", 0)

    archives = sorted((p for p in directory.glob(ARCHIVE_GLOB) if when(p)[0]), key=when, reverse=True)
    removed = archives[max(keep, 1) :]
    for p in removed:
        p.unlink()
    return removed
