"""Downloads of assessment documents, written down: one audit row per download (who, which run, which
document, how many sheets). The results name grid workers with their scores."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.assessment.enums import RUN_DOWNLOADED
from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.assessment.models import Run
    from gongzhi.core.types import Actor


@transaction.atomic
def run_downloaded(*, actor: Actor, run: Run, document: str, rows: int) -> None:
    audit_record(
        actor=actor,
        target=run,
        event=RUN_DOWNLOADED,
        data={"document": document, "version": run.version, "rows": rows},
    )
