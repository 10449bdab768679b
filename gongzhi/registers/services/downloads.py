"""Downloads of the registers, written down: one audit row per download (who, which register, which
period, how many rows), filed under the smallest place holding the downloader's places. A download is a
read; the row is its only write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.registers.models import RegisterImport


@transaction.atomic
def register_exported(*, actor: Actor, key: str, title: str, period: str, rows: int) -> None:
    from gongzhi.places.selectors import place_holding_actor

    audit_record(
        actor=actor,
        target=place_holding_actor(actor=actor) or actor,
        event="registers.exported",
        data={"document": title, "register": key, "period": period, "rows": rows},
    )


@transaction.atomic
def import_report_downloaded(*, actor: Actor, record: RegisterImport) -> None:
    audit_record(
        actor=actor,
        target=record,
        event="registers.import_report_downloaded",
        data={"document": "导入错误报告", "import_id": record.pk, "rows": len(record.errors or [])},
    )
