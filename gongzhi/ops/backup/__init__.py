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
"""

from __future__ import annotations

import glob
import hashlib
import hmac
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path, PurePosixPath
from typing import IO, Any

import dj_database_url
import django
from django.apps import apps
from django.conf import settings
from django.db import connections
from django.utils import timezone

FORMAT = "gongzhi-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.hmac"
DUMP_NAMES = {"sqlite": "db/gongzhi.sqlite3", "postgresql": "db/gongzhi.pgdump"}
MEDIA_PREFIX = "media/"
ARCHIVE_GLOB = "gongzhi-backup-*.tar.gz"
ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# A database "has data" when any of these has a row: every service writes an audit row, and accounts and
# the administrative tree are made first. A freshly migrated database (categories, Open311 questions) has none.
DATA_MODELS = ("audit.AuditEvent", "accounts.User", "places.District")
# libpq settings Django passes through OPTIONS that pg_dump/pg_restore understand as environment variables.
LIBPQ_OPTIONS = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
    "service": "PGSERVICE",
    "connect_timeout": "PGCONNECT_TIMEOUT",
    "target_session_attrs": "PGTARGETSESSIONATTRS",
}
CHUNK = 1 << 20


class BackupError(Exception):
    """A refusal or failure, said in Chinese for the operator; the commands turn it into an exit code."""

    def __init__(self, message: str, *, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []

    def __str__(self) -> str:
        if not self.details:
            return self.message
        shown = "\n".join(f"  - {d}" for d in self.details[:50])
        more = f"\n  …… 另有 {len(self.details) - 50} 项" if len(self.details) > 50 else ""
        return f"{self.message}\n{shown}{more}"


# --- databases ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Database:
    """Where a dump comes from or goes to, read from a Django settings dict (never printed with its password)."""

    engine: str
    name: str
    host: str = ""
    port: str = ""
    user: str = ""
    password: str = field(default="", repr=False)
    options: dict[str, Any] = field(default_factory=dict, repr=False)

    @classmethod
    def from_settings(cls, sd: dict[str, Any]) -> Database:
        engine_path = sd.get("ENGINE", "")
        if engine_path.endswith("sqlite3"):
            engine = "sqlite"
        elif "postgresql" in engine_path or "postgis" in engine_path:
            engine = "postgresql"
        else:
            raise BackupError(f"不支持的数据库引擎：{engine_path}（只支持 SQLite 和 PostgreSQL）")
        return cls(
            engine=engine,
            name=str(sd.get("NAME") or ""),
            host=str(sd.get("HOST") or ""),
            port=str(sd.get("PORT") or ""),
            user=str(sd.get("USER") or ""),
            password=str(sd.get("PASSWORD") or ""),
            options=dict(sd.get("OPTIONS") or {}),
        )

    @classmethod
    def from_url(cls, url: str) -> Database:
        try:
            sd = dj_database_url.parse(url)
        except Exception as exc:
            raise BackupError(f"数据库地址无法识别：{exc}") from exc
        return cls.from_settings(dict(sd))

    @property
    def label(self) -> str:
        if self.engine == "sqlite":
            return f"SQLite {self.name}"
        where = f"{self.host or 'localhost'}:{self.port or 5432}"
        return f"PostgreSQL {self.user + '@' if self.user else ''}{where}/{self.name}"

    def libpq_env(self) -> dict[str, str]:
        """The connection for pg_dump/pg_restore: in the environment, so the password is never in argv.

        Other PG* variables of the operator's environment stay: psycopg (libpq) reads them too, so the tools
        and the hashing connection reach the same server.
        """
        env = dict(os.environ)
        pairs = {
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGDATABASE": self.name,
        }
        for key, var in LIBPQ_OPTIONS.items():
            if self.options.get(key) not in (None, ""):
                pairs[var] = str(self.options[key])
        env.update({k: v for k, v in pairs.items() if v})
        return env

    def connect(self) -> Any:
        """A plain DB-API connection (not Django's): the snapshot, the hashes and the checks use their own."""
        if self.engine == "sqlite":
            path = Path(self.name)
            if not path.is_file():
                raise BackupError(f"SQLite 数据库文件不存在：{path}")
            return sqlite3.connect(str(path), timeout=30)
        import psycopg

        kwargs: dict[str, Any] = {
            k: v
            for k, v in {
                "dbname": self.name,
                "host": self.host,
                "port": self.port,
                "user": self.user,
                "password": self.password,
            }.items()
            if v
        }
        kwargs.update({k: v for k, v in self.options.items() if k in LIBPQ_OPTIONS and v not in (None, "")})
        try:
            conn = psycopg.connect(**kwargs)
        except psycopg.Error as exc:
            raise BackupError(f"无法连接数据库 {self.label}：{exc}") from exc
        conn.execute("SET TIME ZONE 'UTC'")
        return conn


def default_database() -> Database:
    return Database.from_settings(connections["default"].settings_dict)


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _is_memory(db: Database) -> bool:
    return db.engine == "sqlite" and (not db.name or db.name == ":memory:" or "mode=memory" in db.name)


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


# --- keys -----------------------------------------------------------------------------------------------


def _data_key() -> bytes:
    return str(getattr(settings, "GONGZHI_DATA_KEY", "") or "").encode()


def data_key_id() -> str:
    """Names the personal-data key without revealing it: a backup is only readable under the same key."""
    return hmac.new(_data_key(), b"gongzhi-backup:key-id", hashlib.sha256).hexdigest()[:16]


def _signature(manifest_bytes: bytes) -> str:
    key = hmac.new(_data_key(), b"gongzhi-backup:manifest", hashlib.sha256).digest()
    return hmac.new(key, manifest_bytes, hashlib.sha256).hexdigest()


# --- files ----------------------------------------------------------------------------------------------


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _walk_media(media_root: Path) -> Iterator[tuple[str, Path]]:
    if not media_root.is_dir():
        return
    for dirpath, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            if not path.is_symlink() and path.is_file():
                yield path.relative_to(media_root).as_posix(), path


def _media_files(media_root: Path) -> dict[str, dict[str, Any]]:
    return {rel: {"sha256": _sha256_file(p), "bytes": p.stat().st_size} for rel, p in _walk_media(media_root)}


def _safe_rel(rel: Any) -> bool:
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel:
        return False
    p = PurePosixPath(rel)
    return not p.is_absolute() and ".." not in p.parts and p.as_posix() == rel


class _HashingReader:
    def __init__(self, f: IO[bytes]):
        self.f = f
        self.digest = hashlib.sha256()

    def read(self, n: int = -1) -> bytes:
        data = self.f.read(n)
        self.digest.update(data)
        return data


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes, mtime: float) -> None:
    import io

    info = tarfile.TarInfo(name)
    info.size, info.mtime, info.mode = len(data), mtime, 0o600
    tar.addfile(info, io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path, meta: dict[str, Any]) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode = meta["bytes"], 0o600
    try:
        info.mtime = path.stat().st_mtime
        with path.open("rb") as f:
            reader = _HashingReader(f)
            tar.addfile(info, reader)
    except OSError as exc:
        raise BackupError(f"文件在备份过程中被修改或删除：{name}（请重新备份）") from exc
    if reader.digest.hexdigest() != meta["sha256"]:
        raise BackupError(f"文件在备份过程中被修改：{name}（请重新备份）")


# --- PostgreSQL tools -----------------------------------------------------------------------------------


def _tool_major(path: str) -> int:
    try:
        out = subprocess.run(  # noqa: S603 (a path found on PATH or under /usr/lib/postgresql)
            [path, "--version"], capture_output=True, text=True, timeout=30, check=True
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else 0


def pg_tool(name: str, server_major: int = 0) -> str:
    """pg_dump/pg_restore: from PG_BIN_DIR if set, else the newest of PATH and /usr/lib/postgresql/*/bin.

    A client older than the server cannot dump it, so the newest one is taken and checked.
    """
    bin_dir = getattr(settings, "PG_BIN_DIR", "")
    if bin_dir:
        candidates = [str(Path(bin_dir) / name)]
    else:
        candidates = [p for p in [shutil.which(name), *glob.glob(f"/usr/lib/postgresql/*/bin/{name}")] if p]
    found = sorted(
        ((_tool_major(p), p) for p in dict.fromkeys(candidates) if os.access(p, os.X_OK)), reverse=True
    )
    if not found or found[0][0] == 0:
        raise BackupError(
            f"找不到 {name}（PostgreSQL 客户端工具）：请安装 postgresql-client，或用环境变量 PG_BIN_DIR 指定其目录"
        )
    major, path = found[0]
    if server_major and major < server_major:
        raise BackupError(
            f"{name} 的版本（{major}）低于数据库服务器（{server_major}）：请安装 {server_major} 或更新版本的客户端工具"
        )
    return path


def _run_tool(cmd: list[str], env: dict[str, str], what: str) -> None:
    with tempfile.TemporaryFile() as err:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=err, check=False)  # noqa: S603
        if proc.returncode != 0:
            err.seek(0)
            message = err.read().decode(errors="replace").strip()[-2000:]
            raise BackupError(f"{what}失败（退出码 {proc.returncode}）：{message}")


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


# --- reading and checking an archive --------------------------------------------------------------------


@dataclass
class Checked:
    archive: Path
    manifest: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    key_matches: bool = True


def _check_manifest_shape(m: Any) -> dict[str, Any]:
    bad = BackupError("manifest.json 内容不完整或格式不对，不是有效的共治备份")
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        raise bad
    version = m.get("format_version")
    if not isinstance(version, int):
        raise bad
    if version > FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {version} 比当前程序支持的（{FORMAT_VERSION}）新，请先升级程序")
    if m.get("engine") not in DUMP_NAMES:
        raise BackupError(f"备份的数据库类型“{m.get('engine')}”不受支持")
    dump, tables, media = m.get("dump"), m.get("tables"), m.get("media")
    if not (isinstance(dump, dict) and dump.get("name") == DUMP_NAMES[m["engine"]] and "sha256" in dump):
        raise bad
    if not isinstance(tables, dict) or not all(
        isinstance(t, dict) and isinstance(t.get("rows"), int) and isinstance(t.get("sha256"), str)
        for t in tables.values()
    ):
        raise bad
    if not isinstance(media, dict) or not all(
        _safe_rel(rel) and isinstance(meta, dict) and isinstance(meta.get("sha256"), str)
        for rel, meta in media.items()
    ):
        raise bad
    if not isinstance(m.get("migrations", {}), dict):
        raise bad
    return m


def archive_check(
    archive: str | Path, *, extract_to: Path | None = None, allow_other_key: bool = False
) -> Checked:
    """Reads the whole archive once: the manifest first, then every member hashed against it.

    With ``extract_to`` the dump and media land there (nothing outside it is touched). Raises BackupError
    on anything missing, extra, unreadable or with a different hash.
    """
    path = Path(archive)
    if not path.exists():
        raise BackupError(f"备份文件不存在：{path}")
    if not path.is_file():
        raise BackupError(f"不是文件：{path}")
    expected: dict[str, str] = {}
    seen: set[str] = set()
    problems: list[str] = []
    manifest: dict[str, Any] | None = None
    signature = ""
    manifest_bytes = b""
    try:
        with tarfile.open(path, mode="r|gz") as tar:
            for i, member in enumerate(tar):
                name = member.name
                if i == 0:
                    if name != MANIFEST or not member.isreg():
                        raise BackupError("备份文件中缺少 manifest.json，不是共治备份")
                    manifest_bytes = _read_member(tar, member)
                    try:
                        manifest = _check_manifest_shape(json.loads(manifest_bytes))
                    except ValueError as exc:
                        raise BackupError("manifest.json 不是有效的 JSON，备份已损坏") from exc
                    expected[manifest["dump"]["name"]] = manifest["dump"]["sha256"]
                    for rel, meta in manifest["media"].items():
                        expected[MEDIA_PREFIX + rel] = meta["sha256"]
                    continue
                if name == SIGNATURE and not signature and member.isreg():
                    signature = _read_member(tar, member).decode(errors="replace").strip()
                    continue
                if name not in expected or name in seen or not member.isreg():
                    problems.append(f"备份中有清单未列出的内容：{name}")
                    continue
                seen.add(name)
                digest = _copy_member(tar, member, extract_to / name if extract_to else None)
                if digest != expected[name]:
                    problems.append(f"{name}：sha256 与清单不符")
    except BackupError:
        raise
    except (tarfile.ReadError, zlib.error, EOFError, OSError) as exc:
        if manifest is None:
            raise BackupError(f"不是有效的备份文件（无法作为 tar.gz 读取）：{path}") from exc
        raise BackupError(f"备份文件不完整或已损坏：{path}（{exc}）") from exc
    if manifest is None:
        raise BackupError("备份文件中缺少 manifest.json，不是共治备份")
    problems.extend(f"{name}：备份中缺少该文件" for name in expected if name not in seen)
    key_matches = manifest.get("data_key_id") == data_key_id()
    if key_matches and not hmac.compare_digest(signature, _signature(manifest_bytes)):
        problems.append("manifest.json 的签名不符：清单在备份之后被改动过")
    if problems:
        raise BackupError("备份文件未通过检查，未做任何改动：", details=problems)
    checked = Checked(archive=path, manifest=manifest, key_matches=key_matches)
    if not key_matches:
        message = (
            "备份时使用的个人信息加密密钥（GONGZHI_DATA_KEY）与当前配置不同：恢复后身份证号码、电话号码将无法解密，"
            "清单签名也无法核对"
        )
        if not allow_other_key:
            raise BackupError(message + "。请配置备份时的密钥；确认仍要恢复请加 --force")
        checked.notes.append(message)
    return checked


def _read_member(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    if member.size > 256 * 1024 * 1024:
        raise BackupError(f"{member.name} 过大，不是有效的备份")
    f = tar.extractfile(member)
    return f.read() if f else b""


def _copy_member(tar: tarfile.TarFile, member: tarfile.TarInfo, dest: Path | None) -> str:
    digest = hashlib.sha256()
    src = tar.extractfile(member)
    out: IO[bytes] | None = None
    if dest is not None:
        dest.parent.mkdir(parents=True, exist_ok=True)
        out = dest.open("wb")
    try:
        while src is not None and (chunk := src.read(CHUNK)):
            digest.update(chunk)
            if out is not None:
                out.write(chunk)
    finally:
        if out is not None:
            out.close()
    return digest.hexdigest()


def _dump_readable(engine: str, dump: Path) -> str | None:
    """A light look inside the dump; returns a note when it cannot be looked at here."""
    if engine == "sqlite":
        try:
            conn = sqlite3.connect(str(dump))
            try:
                result = conn.execute("PRAGMA quick_check").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.Error as exc:
            raise BackupError(f"数据库快照无法打开：{exc}") from exc
        if result != "ok":
            raise BackupError(f"数据库快照检查未通过：{result}")
        return None
    try:
        pg_restore = pg_tool("pg_restore")
    except BackupError:
        return "未检查转储内容：本机找不到 pg_restore"
    _run_tool([pg_restore, "--list", str(dump)], dict(os.environ), "读取 PostgreSQL 转储")
    return None


def archive_verify(archive: str | Path) -> Checked:
    """``backup --verify`` / ``restore --check``: everything short of restoring, nothing touched.

    For SQLite the snapshot's tables are hashed too, so the dump itself is checked against the manifest.
    """
    with tempfile.TemporaryDirectory(prefix="gongzhi-verify-") as tmp:
        root = Path(tmp)
        checked = archive_check(archive, extract_to=root, allow_other_key=True)
        m = checked.manifest
        dump = root / m["dump"]["name"]
        note = _dump_readable(m["engine"], dump)
        if note:
            checked.notes.append(note)
        if m["engine"] == "sqlite":
            conn = sqlite3.connect(str(dump))
            try:
                diffs = compare_tables(m["tables"], table_fingerprints(Database("sqlite", str(dump)), conn))
            finally:
                conn.close()
            if diffs:
                raise BackupError("数据库快照与清单不符：", details=diffs)
    return checked


def compare_tables(want: dict[str, dict[str, Any]], have: dict[str, dict[str, Any]]) -> list[str]:
    diffs: list[str] = []
    for table, meta in sorted(want.items()):
        got = have.get(table)
        if got is None:
            diffs.append(f"表 {table}：恢复后不存在")
        elif got["rows"] != meta["rows"]:
            diffs.append(f"表 {table}：行数应为 {meta['rows']}，实为 {got['rows']}")
        elif got["sha256"] != meta["sha256"]:
            diffs.append(f"表 {table}：内容哈希不一致（行数相同）")
    diffs.extend(f"表 {table}：不在备份中，却在数据库里" for table in sorted(set(have) - set(want)))
    return diffs


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
