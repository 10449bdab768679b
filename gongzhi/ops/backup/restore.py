"""Restoring an archive (``backup_restore``): the refusals before anything is touched, the database and
media restore, and the check of the result against the manifest.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections

from gongzhi.ops.backup.archive import MEDIA_PREFIX, _sha256_file, _walk_media, archive_check, compare_tables
from gongzhi.ops.backup.database import (
    ENGINE_LABELS,
    Database,
    _is_memory,
    _quote,
    _run_tool,
    default_database,
    pg_tool,
)
from gongzhi.ops.backup.errors import BackupError
from gongzhi.ops.backup.fingerprints import _loader, _table_names, table_fingerprints

# A database "has data" when any of these has a row: every service writes an audit row, and accounts and
# the administrative tree are made first. A freshly migrated database (categories, Open311 questions) has none.
DATA_MODELS = ("audit.AuditEvent", "accounts.User", "places.District")


# --- restore --------------------------------------------------------------------------------------------


@dataclass
class RestoreResult:
    archive: Path
    manifest: dict[str, Any]
    database: str
    media_root: Path | None
    notes: list[str] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.manifest["tables"].values())


def database_rows(db: Database) -> dict[str, int]:
    """Rows in the tables that mean "this database is in use" (see DATA_MODELS); {} for an empty one."""
    if _is_memory(db) or (db.engine == "sqlite" and not Path(db.name).is_file()):
        return {}
    conn = db.connect()
    try:
        cur = conn.cursor()
        present = set(_table_names(db, cur))
        out: dict[str, int] = {}
        for label in DATA_MODELS:
            table = apps.get_model(label)._meta.db_table
            if table in present:
                # The audit rows of backups and restores themselves do not make a database "in use".
                where = " WHERE event_type NOT LIKE 'ops.%'" if label == "audit.AuditEvent" else ""
                cur.execute(f"SELECT COUNT(*) FROM {_quote(table)}{where}")  # noqa: S608
                n = cur.fetchone()[0]
                if n:
                    out[table] = n
        return out
    finally:
        conn.close()


def _tables_not_in(db: Database, tables: dict[str, Any]) -> list[str]:
    """Tables the target has and the archive has not; none matter for SQLite, whose file is replaced."""
    if db.engine == "sqlite":
        return []
    conn = db.connect()
    try:
        return [t for t in _table_names(db, conn.cursor()) if t not in tables]
    finally:
        conn.close()


def _migration_notes(heads: dict[str, list[str]]) -> tuple[list[str], list[str]]:
    """(unknown to this code, behind this code) per the archive's migration heads."""
    loader = _loader()
    known = set(loader.disk_migrations)
    leaves = dict(loader.graph.leaf_nodes())
    unknown = [f"{app}.{name}" for app, names in heads.items() for name in names if (app, name) not in known]
    behind = [app for app, leaf in leaves.items() if app in heads and leaf not in heads[app]]
    behind += [app for app in leaves if app not in heads and heads]
    return unknown, sorted(set(behind))


def _restore_sqlite(dump: Path, db: Database) -> None:
    target = Path(db.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(str(dump))
    dst = sqlite3.connect(str(target), timeout=30)
    try:
        wal = dst.execute("PRAGMA journal_mode").fetchone()[0].lower() == "wal"
        # The backup API writes through SQLite's locks: connections the server holds see the new content,
        # which copying the file over a live WAL database would corrupt.
        src.backup(dst)
        if wal:
            dst.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite 恢复失败：{exc}") from exc
    finally:
        src.close()
        dst.close()


def _restore_postgres(dump: Path, db: Database) -> None:
    conn = db.connect()
    try:
        server_major = conn.info.server_version // 10000
    finally:
        conn.close()
    tool = pg_tool("pg_restore", server_major)
    # One transaction: a restore that fails half-way leaves the database as it was.
    cmd = [tool, "--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error"]
    _run_tool([*cmd, "--no-password", "-d", db.name, str(dump)], db.libpq_env(), "pg_restore ")


def _restore_media(src_root: Path, media_root: Path, files: dict[str, dict[str, Any]]) -> int:
    """Puts every archived file in place (atomically, one by one); returns how many other files stay."""
    media_root.mkdir(parents=True, exist_ok=True)
    root = media_root.resolve()
    for rel in files:
        dest = (media_root / rel).resolve()
        if root not in dest.parents:
            raise BackupError(f"媒体文件路径越出 MEDIA_ROOT：{rel}")
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(f".{dest.name}.restoring")
        shutil.copyfile(src_root / rel, tmp)
        os.replace(tmp, dest)
    return sum(1 for rel, _ in _walk_media(media_root) if rel not in files)


def backup_restore(
    archive: str | Path,
    *,
    force: bool = False,
    database: Database | None = None,
    media_root: str | Path | None = None,
    restore_media: bool = True,
) -> RestoreResult:
    """Checks the archive, refuses a database in use unless ``force``, restores the database and media,
    then checks the result against the manifest. The audit row goes into the configured database, after.
    """
    target = database or default_database()
    is_default = database is None
    media = Path(media_root if media_root is not None else settings.MEDIA_ROOT) if restore_media else None
    var_dir = Path(getattr(settings, "VAR_DIR", tempfile.gettempdir()))
    var_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".gongzhi-restore-", dir=var_dir) as tmp:
        staging = Path(tmp)
        checked = archive_check(archive, extract_to=staging, allow_other_key=force)
        m = checked.manifest
        notes = list(checked.notes)
        if m["engine"] != target.engine:
            raise BackupError(
                f"备份来自 {ENGINE_LABELS[m['engine']]} 数据库，目标是 {ENGINE_LABELS[target.engine]}，不能直接恢复"
            )
        if _is_memory(target):
            raise BackupError("不能恢复到内存中的 SQLite 数据库")
        unknown, behind = _migration_notes(m.get("migrations", {}))
        if unknown:
            message = f"备份的数据库结构比当前程序新（程序中没有迁移 {', '.join(unknown[:5])}）"
            if not force:
                raise BackupError(message + "：请先升级程序；确认仍要恢复请加 --force")
            notes.append(message)
        extra = _tables_not_in(target, m["tables"])
        if extra:
            # pg_restore --clean drops and recreates only what the dump holds; tables of later migrations
            # would stay, with django_migrations no longer knowing them.
            raise BackupError(
                f"目标数据库中有备份里没有的表（{', '.join(extra[:5])}{' 等' if len(extra) > 5 else ''}），"
                "恢复后数据库结构会不一致：请恢复到一个新建的空数据库（dropdb/createdb 后再恢复）"
            )
        in_use = database_rows(target)
        if in_use and not force:
            counts = "，".join(f"{t} {n} 行" for t, n in in_use.items())
            raise BackupError(
                f"目标数据库 {target.label} 已有数据（{counts}）：恢复会用备份覆盖全部数据。"
                "确认要覆盖请加 --force（建议先备份当前数据）"
            )
        dump = staging / m["dump"]["name"]
        if is_default:
            connections["default"].close()  # nothing of Django's holds the database while it is replaced
        if target.engine == "sqlite":
            _restore_sqlite(dump, target)
        else:
            _restore_postgres(dump, target)
        problems: list[str] = []
        if media is not None:
            others = _restore_media(staging / MEDIA_PREFIX.rstrip("/"), media, m["media"])
            if others:
                notes.append(f"MEDIA_ROOT 中另有 {others} 个备份中没有的文件，已保留未动")
            for rel, meta in sorted(m["media"].items()):
                path = media / rel
                if not path.is_file() or _sha256_file(path) != meta["sha256"]:
                    problems.append(f"媒体文件 {rel}：恢复后与清单不符")
        else:
            notes.append("未恢复媒体文件（指定了其他数据库而没有指定 --media-root）")
    conn = target.connect()
    try:
        problems = compare_tables(m["tables"], table_fingerprints(target, conn)) + problems
    finally:
        conn.close()
    if behind:
        notes.append(
            f"当前程序有备份之后新增的数据库迁移（{', '.join(behind)}）：请运行 python manage.py migrate"
        )
    from gongzhi.ops.models import BackupKind
    from gongzhi.ops.services import backup_record_create

    if is_default:
        connections["default"].close()
    backup_record_create(
        kind=BackupKind.RESTORE,
        archive=str(checked.archive),
        archive_sha256=_sha256_file(checked.archive),
        engine=target.engine,
        tables=len(m["tables"]),
        rows=sum(t["rows"] for t in m["tables"].values()),
        media_files=len(m["media"]) if media is not None else 0,
        ok=not problems,
        data={
            "database": target.label,
            "backup_created_at": m.get("created_at", ""),
            **({"problems": problems[:50]} if problems else {}),
        },
    )
    if problems:
        raise BackupError("恢复后的数据与备份清单不一致：", details=problems)
    return RestoreResult(
        archive=checked.archive, manifest=m, database=target.label, media_root=media, notes=notes
    )
