"""Downloads of resettlement documents with personal data, written down: one audit row per download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from django.db import models

    from gongzhi.core.types import Actor


@transaction.atomic
def resettlement_document_downloaded(*, actor: Actor, target: models.Model, document: str, rows: int) -> None:
    """结算单 (the head's name, units, amount) or 公示 (masked names, units)."""
    audit_record(
        actor=actor,
        target=target,
        event="resettlement.document_downloaded",
        data={"document": document, "rows": rows},
    )
