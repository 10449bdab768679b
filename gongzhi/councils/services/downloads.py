"""Downloads of documents with personal data, written down: one audit row per download. A download is a
read; the row is its only write."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.councils.models import Meeting


@transaction.atomic
def minutes_downloaded(*, actor: Actor, meeting: Meeting) -> None:
    """会议纪要 (PDF): the members present and how each voted."""
    audit_record(
        actor=actor,
        target=meeting,
        event="councils.minutes_downloaded",
        data={"document": "会议纪要", "rows": meeting.attended_count},
    )
