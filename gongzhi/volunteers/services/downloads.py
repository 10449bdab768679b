"""Downloads of documents with personal data, written down: one audit row per download (who, which
document, whose, how many rows). A download is a read; the row is its only write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.volunteers.models import Certificate


@transaction.atomic
def certificate_downloaded(*, actor: Actor, certificate: Certificate) -> None:
    """志愿服务证明 (PDF): the volunteer's name and hours."""
    audit_record(
        actor=actor,
        target=certificate,
        event="volunteers.certificate_downloaded",
        data={
            "document": "志愿服务证明",
            "number": certificate.number,
            "volunteer_id": certificate.volunteer_id,
            "rows": 1,
        },
    )
