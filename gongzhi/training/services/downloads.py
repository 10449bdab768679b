"""Downloads of documents with personal data, written down: one audit row per download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.training.models import CompletionCertificate


@transaction.atomic
def training_certificate_downloaded(*, actor: Actor, certificate: CompletionCertificate) -> None:
    """结业证书 (PDF): the trainee's name, course and hours."""
    audit_record(
        actor=actor,
        target=certificate,
        event="training.certificate_downloaded",
        data={"document": "结业证书", "number": certificate.number, "rows": 1},
    )
