"""Downloads of documents with personal data, written down: one audit row per download (who, which
document, whose, how many rows). A download is a read; the row is its only write. (The ticket list's
export is audited where it is written, ``tickets/exports.py``: ``tickets.exported``.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.tickets.models import HotlineImport


@transaction.atomic
def hotline_report_downloaded(*, actor: Actor, record: HotlineImport) -> None:
    """12345导入错误报告 (xlsx): the bad rows as the file had them (callers' names, addresses; phones
    masked)."""
    audit_record(
        actor=actor,
        target=record,
        event="tickets.hotline_report_downloaded",
        data={"document": "12345导入错误报告", "file": record.file_name, "rows": len(record.errors or [])},
    )
