"""The only writes of the ops app: a BackupRecord and its audit row, one transaction."""

from __future__ import annotations

import getpass
from typing import Any

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.ops.models import BackupKind, BackupRecord


def _os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (a container without a passwd entry): still record the backup
        return ""


@transaction.atomic
def backup_record_create(
    *,
    kind: BackupKind,
    archive: str,
    archive_sha256: str,
    engine: str,
    tables: int,
    rows: int,
    media_files: int,
    ok: bool = True,
    data: dict[str, Any] | None = None,
) -> BackupRecord:
    """Commands run as the operator on the server, not as a signed-in user: the actor is the system."""
    record = BackupRecord.objects.create(
        kind=kind,
        archive=archive[:500],
        archive_sha256=archive_sha256,
        engine=engine,
        tables=tables,
        rows=rows,
        media_files=media_files,
        ok=ok,
        data={"os_user": _os_user(), **(data or {})},
    )
    audit_record(
        actor=None,
        target=record,
        event="ops.backup_created" if kind == BackupKind.BACKUP else "ops.restored",
        data={
            "archive": archive,
            "sha256": archive_sha256,
            "engine": engine,
            "tables": tables,
            "rows": rows,
            "media_files": media_files,
            "ok": ok,
            **(data or {}),
        },
    )
    return record
