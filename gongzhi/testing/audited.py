"""A download and the audit row it must leave: exactly one new row, of the event named, naming the
document (``data["document"]``) and the account that downloaded."""

from __future__ import annotations

from typing import Any

from gongzhi.audit.models import AuditEvent


def download(client: Any, url: str, *, event: str, document: str, user: Any) -> tuple[Any, AuditEvent]:
    """GET ``url`` as ``user`` (already signed in on ``client``): 200, and the one audit row it left."""
    before = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.content[:300])
    rows = list(AuditEvent.objects.filter(id__gt=before))
    assert [r.event_type for r in rows] == [event], f"{url}: {[r.event_type for r in rows]}"
    row = rows[0]
    assert row.data.get("document") == document and row.actor_id == user.pk, (row.data, row.actor_id)
    assert isinstance(row.data.get("rows"), int)
    return response, row


def refused_without_row(client: Any, url: str, status: int = 404) -> None:
    """A download refused (out of scope, missing): the refusal, and no audit row."""
    before = AuditEvent.objects.count()
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    assert AuditEvent.objects.count() == before
