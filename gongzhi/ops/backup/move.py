"""Moving a running SQLite install into PostgreSQL (``python manage.py move_database --to postgres://…``).

A district that started on the embedded SQLite cannot ``restore`` its backup into PostgreSQL (a dump is one
engine's). The move copies every table of the installed models, row by row and column by column, from
the configured SQLite database into a PostgreSQL database, in one transaction on each side:

1. The target is checked first: it must be a PostgreSQL database that holds no data. A database without
   tables is migrated here (``migrate`` on the target); a migrated one must be at the same migrations as
   the source. Either way, no table may hold a row except those the migrations themselves fill
   (``SEEDED_BY_MIGRATIONS``: content types, permissions, the default ticket categories), which the
   source's rows replace. Anything else is refused with a Chinese message and nothing is written.
2. The source is read in one read transaction (SQLite's WAL gives a consistent snapshot while the server
   goes on writing); its per-table fingerprints are computed from the same snapshot.
3. The target is written with COPY, every table in one transaction (foreign keys are checked at commit:
   Django creates them DEFERRABLE INITIALLY DEFERRED), then its sequences are set past the copied keys.
4. The target's fingerprints are computed and must equal the source's, table by table.

The fingerprints are the backup's (``fingerprints._row_bytes``: each row as canonical JSON, sha256 over the
rows in key order), over the values as Django reads them (``model_fingerprints``): SQLite keeps a
date-time as text and a boolean as 0/1 where PostgreSQL has types, so the raw rows of the two engines
cannot be compared, but the values the application sees can.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connections, models, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import load_backend

from gongzhi.ops.backup.database import Database
from gongzhi.ops.backup.errors import BackupError
from gongzhi.ops.backup.fingerprints import _row_bytes

TARGET_ALIAS = "move_target"
# Tables a freshly migrated database already holds rows in: post_migrate's content types and permissions,
# the default ticket categories (tickets 0002) with their Open311 questions (open311 0002). The source has
# the same rows from its own migrations; on the target they are replaced by the source's (same keys).
SEEDED_BY_MIGRATIONS = ("contenttypes.ContentType", "auth.Permission", "tickets.Category")
CHUNK = 2000


@dataclass
class MoveResult:
    target: str  # the target's URL without its password
    migrated: bool  # the target had no tables and was migrated by the move
    tables: dict[str, dict[str, Any]]  # the fingerprints, equal on both sides
    seconds: float
    not_copied: list[str] = field(default_factory=list)  # source tables of no installed model

    @property
    def rows(self) -> int:
        return sum(t["rows"] for t in self.tables.values())


def copied_models() -> list[type[models.Model]]:
    """Every table of the installed models (many-to-many tables included), each once."""
    seen: set[str] = set()
    out: list[type[models.Model]] = []
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if meta.proxy or not meta.managed or meta.db_table in seen:
            continue
        seen.add(meta.db_table)
        out.append(model)
    return sorted(out, key=lambda m: m._meta.db_table)


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields if f.column]


def _rows(model: type[models.Model], alias: str) -> Iterator[tuple]:
    """The rows as Django reads them (the engine's converters applied), in primary-key order."""
    names = [f.attname for f in _columns(model)]
    qs = model._base_manager.using(alias).order_by("pk").values_list(*names)
    yield from qs.iterator(chunk_size=CHUNK)


def _fingerprint(model: type[models.Model], alias: str) -> dict[str, Any]:
    columns = [f.column for f in _columns(model)]
    digest = hashlib.sha256(_row_bytes(columns) + b"\n")
    lines: Iterator[bytes] = (_row_bytes(row) for row in _rows(model, alias))
    pk = model._meta.pk
    # Integer keys sort alike everywhere; a text key (a session's) sorts by collation: sort the rows here.
    if pk is None or not isinstance(pk, models.AutoField | models.BigAutoField | models.IntegerField):
        lines = iter(sorted(lines))
    count = 0
    for line in lines:
        digest.update(line + b"\n")
        count += 1
    return {"rows": count, "sha256": digest.hexdigest()}


def model_fingerprints(alias: str = "default") -> dict[str, dict[str, Any]]:
    """``{table: {"rows": n, "sha256": hex}}`` for every installed model's table, read through ``alias``;
    equal for equal content whatever the engine."""
    return {m._meta.db_table: _fingerprint(m, alias) for m in copied_models()}


# --- the target -----------------------------------------------------------------------------------------


def _open_target(url: str) -> Database:
    target = Database.from_url(url)
    if target.engine != "postgresql":
        raise BackupError("迁移目标必须是 PostgreSQL 数据库（postgres://用户@主机:端口/库名）")
    if not target.name:
        raise BackupError("迁移目标地址缺少数据库名，例如 postgres://postgres@127.0.0.1:5432/gongzhi")
    import dj_database_url

    config: dict[str, Any] = dict(dj_database_url.parse(url))
    config.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    databases = {"default": dict(settings.DATABASES["default"]), TARGET_ALIAS: config}
    config = connections.configure_settings(databases)[TARGET_ALIAS]
    _close_target()
    # A connection of its own, not in settings.DATABASES: nothing else of the install ever uses it.
    setattr(
        _local(),
        TARGET_ALIAS,
        load_backend(config["ENGINE"]).DatabaseWrapper(config, TARGET_ALIAS),
    )
    try:
        connections[TARGET_ALIAS].ensure_connection()
    except Exception as exc:
        _close_target()
        raise BackupError(f"无法连接迁移目标数据库“{target.name}”：{exc}") from exc
    return target


def _local() -> Any:
    """The connection handler's per-thread connections (Django keeps them on ``_connections``)."""
    return connections._connections  # type: ignore[attr-defined]


def _close_target() -> None:
    conn = getattr(_local(), TARGET_ALIAS, None)
    if conn is not None:
        conn.close()
        delattr(_local(), TARGET_ALIAS)


def _target_tables() -> set[str]:
    return set(connections[TARGET_ALIAS].introspection.table_names())


def _unapplied(alias: str) -> list[str]:
    executor = MigrationExecutor(connections[alias])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    return [f"{m.app_label}.{m.name}" for m, _backwards in plan]


def _rows_in_use(models_: list[type[models.Model]]) -> dict[str, int]:
    """Tables of the target holding rows the migrations did not put there."""
    seeded = {apps.get_model(label)._meta.db_table for label in SEEDED_BY_MIGRATIONS}
    out: dict[str, int] = {}
    for model in models_:
        table = model._meta.db_table
        if table in seeded:
            continue
        n = model._base_manager.using(TARGET_ALIAS).count()
        if n:
            out[table] = n
    return out


def _check_target(models_: list[type[models.Model]]) -> bool:
    """Refuses a target in use or at other migrations; migrates one without tables. True if migrated."""
    migrated = False
    tables = _target_tables()
    if not tables:
        call_command("migrate", database=TARGET_ALIAS, interactive=False, verbosity=0)
        migrated = True
    else:
        missing = [m._meta.db_table for m in models_ if m._meta.db_table not in tables]
        pending = _unapplied(TARGET_ALIAS)
        if missing or pending:
            named = "、".join((missing or pending)[:5])
            raise BackupError(
                f"迁移目标数据库已有表，但与本系统的数据库结构不一致（缺少或未执行：{named}）。"
                "请换用一个新建的空数据库，本命令会自动建表"
            )
    in_use = _rows_in_use(models_)
    if in_use:
        listed = "、".join(f"{t}（{n}行）" for t, n in sorted(in_use.items())[:5])
        raise BackupError(f"迁移目标数据库已有数据：{listed}。只能迁移到新建的空数据库，未写入任何数据")
    return migrated


# --- the copy -------------------------------------------------------------------------------------------


def _copy_table(model: type[models.Model], cursor: Any) -> None:
    target = connections[TARGET_ALIAS]
    fields = _columns(model)
    columns = ", ".join(target.ops.quote_name(f.column) for f in fields)
    table = target.ops.quote_name(model._meta.db_table)
    with cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for row in _rows(model, "default"):
            copy.write_row(
                [
                    None if value is None else f.get_db_prep_save(value, connection=target)
                    for f, value in zip(fields, row, strict=True)
                ]
            )


def _source_tables_without_model(models_: list[type[models.Model]]) -> list[str]:
    known = {m._meta.db_table for m in models_} | {"django_migrations"}
    names = connections["default"].introspection.table_names()
    return sorted(t for t in names if t not in known and not t.startswith("sqlite_"))


def database_move(url: str) -> MoveResult:
    """Copies the configured SQLite database into the PostgreSQL database at ``url`` (see the module)."""
    started = time.monotonic()
    source = connections["default"]
    if source.vendor != "sqlite":
        raise BackupError("当前数据库不是 SQLite，无需迁移（本命令把 SQLite 数据库迁移到 PostgreSQL）")
    pending = _unapplied("default")
    if pending:
        raise BackupError(f"当前数据库还有未执行的迁移（{'、'.join(pending[:5])}），请先运行 migrate")
    target = _open_target(url)
    models_ = copied_models()
    try:
        migrated = _check_target(models_)
        seeded = [apps.get_model(label) for label in SEEDED_BY_MIGRATIONS]
        with transaction.atomic(using="default"):  # one snapshot of the source for copy and fingerprints
            before = model_fingerprints("default")
            with transaction.atomic(using=TARGET_ALIAS):
                dest = connections[TARGET_ALIAS]
                with dest.cursor() as wrapper:
                    cursor = wrapper.cursor  # psycopg 3: COPY
                    if _rows_in_use(models_):  # a concurrent writer since the check
                        raise BackupError("迁移目标数据库在迁移过程中被写入了数据，已撤销，未写入任何数据")
                    tables = ", ".join(dest.ops.quote_name(m._meta.db_table) for m in seeded)
                    cursor.execute(f"TRUNCATE {tables} CASCADE")
                    for model in models_:
                        _copy_table(model, cursor)
                    for sql in dest.ops.sequence_reset_sql(no_style(), models_):
                        cursor.execute(sql)
                after = model_fingerprints(TARGET_ALIAS)
                differ = sorted(t for t in before if before[t] != after.get(t))
                if differ:
                    raise BackupError(
                        f"迁移后核对不一致，已撤销，目标库未写入任何数据：{'、'.join(differ[:10])}"
                    )
        not_copied = _source_tables_without_model(models_)
    finally:
        _close_target()
    shown = f"postgres://{target.user + '@' if target.user else ''}{target.host or 'localhost'}"
    shown += f":{target.port or 5432}/{target.name}"
    return MoveResult(
        target=shown,
        migrated=migrated,
        tables=before,
        seconds=round(time.monotonic() - started, 1),
        not_copied=not_copied,
    )
