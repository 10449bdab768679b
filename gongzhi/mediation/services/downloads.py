"""Downloads of mediation documents with personal data, written down: one audit row per download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from django.db.models import Model

    from gongzhi.core.types import Actor


@transaction.atomic
def mediation_document_downloaded(
    *, actor: Actor, target: Model, document: str, rows: int, period: str = ""
) -> None:
    """A register (PDF/xlsx), an agreement or a case file: who, which, whose, how many rows."""
    audit_record(
        actor=actor,
        target=target,
        event="mediation.document_downloaded",
        data={"document": document, "rows": rows, "period": period},
    )
