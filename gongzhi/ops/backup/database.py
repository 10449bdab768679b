"""The database a dump comes from or goes to, and the PostgreSQL client tools that dump and restore it.

``Database`` is read from a Django settings dict or a URL and opens its own DB-API connection;
``pg_tool`` finds a pg_dump/pg_restore new enough for the server and ``_run_tool`` runs one.
"""

from __future__ import annotations

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import dj_database_url
from django.conf import settings
from django.db import connections

from gongzhi.ops.backup.errors import BackupError

ENGINE_LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
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
