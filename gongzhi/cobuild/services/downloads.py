"""Downloads of documents with personal data, written down: one audit row per download (who, which
document, whose, how many rows). A download is a read; the row is its only write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.cobuild.models import Project
    from gongzhi.core.types import Actor


@transaction.atomic
def agreement_downloaded(*, actor: Actor, project: Project) -> None:
    """共驻共建协议书 (PDF): the parties' names and contacts."""
    audit_record(
        actor=actor,
        target=project,
        event="cobuild.agreement_downloaded",
        data={"document": "共驻共建协议书", "number": project.agreement_number, "rows": 1},
    )
