from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from gongzhi.audit.models import AuditEvent
from gongzhi.core.bulk import Batch, insert_one

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def target_type_of(target: models.Model) -> str:
    return f"{target._meta.app_label}.{target._meta.model_name}"


def audit_record(
    *,
    actor: Actor | None,
    target: models.Model,
    event: str,
    data: dict[str, Any] | None = None,
    batch: Batch | None = None,
) -> AuditEvent:
    """Writes the audit row for a change; must run inside the service's transaction. With a ``batch``
    the row goes with the service's other writes (``core.bulk.Batch``) when the service runs it."""
    # A batch is written as one statement (or in a transaction of its own): the row cannot be left alone.
    if batch is None and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside the service's transaction")
    row = AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_label=getattr(actor, "display_label", "")
        or (actor.get_username() if actor is not None else "系统"),
        event_type=event,
        target_type=target_type_of(target),
        target_id=str(target.pk),
        target_label=str(target)[:200],
        district_code=getattr(target, "district_code", "") or "",
        subdistrict_code=getattr(target, "subdistrict_code", "") or "",
        community_code=getattr(target, "community_code", "") or "",
        grid_code=getattr(target, "grid_code", "") or "",
        data=data or {},
    )
    # Every service writes one: compiled once per model, not per call (no signals listen to audit rows).
    if batch is not None:
        batch.insert(row)
    else:
        insert_one(row)
    return row


def audit_record_about(
    *,
    actor: Actor | None,
    event: str,
    target_type: str,
    target_id: str = "",
    target_label: str = "",
    actor_label: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """The audit row of an event named by its target's type and id rather than an object in hand: a failed
    sign-in (no one is signed in, so ``actor_label`` says who asked), or one about no stored object at all
    (a user name that names no account, a phone) with an empty ``target_id``. The place codes are empty, so
    only the readers of account events (``audit.view_account_auditevent``) see it. Inside a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record_about must be called inside the service's transaction")
    row = AuditEvent(
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label
        or getattr(actor, "display_label", "")
        or (actor.get_username() if actor is not None else "系统"),
        event_type=event,
        target_type=target_type,
        target_id=target_id,
        target_label=target_label[:200],
        data=data or {},
    )
    insert_one(row)
    return row
