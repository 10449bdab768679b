from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from gongzhi.audit.models import AuditEvent
from gongzhi.audit.services import target_type_of

if TYPE_CHECKING:
    from django.db import models

    from gongzhi.core.types import Actor


def audit_timeline_for_target(
    *, actor: Actor, target: models.Model, limit: int = 200
) -> QuerySet[AuditEvent]:
    """The caller has already read ``target`` through its own scoped selector."""
    return (
        AuditEvent.objects.filter(target_type=target_type_of(target), target_id=str(target.pk))
        .select_related("actor")
        .order_by("-id")[:limit]
    )


def audit_event_list_for_actor(
    *, actor: Actor, event_type: str = "", before_id: int | None = None, limit: int = 50
):
    from django.db.models import Q

    from gongzhi.core.permissions import allowed
    from gongzhi.core.roles import AUDIT_READERS
    from gongzhi.core.scope import scope_of

    q = scope_of(actor).place_q(AUDIT_READERS)
    if allowed(actor, "audit.view_account_auditevent"):
        q |= Q(district_code="")
    qs = AuditEvent.objects.filter(q)
    if event_type:
        qs = qs.filter(event_type=event_type)
    if before_id:
        qs = qs.filter(id__lt=before_id)
    return qs.select_related("actor").order_by("-id")[:limit]
