"""Extensions of the handling deadline: requested by the handler, decided by the dispatching level."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, field_error
from gongzhi.core.permissions import require
from gongzhi.tickets.deadlines import deadline_for, red_card_at
from gongzhi.tickets.enums import (
    HANDLING,
    ExtensionStatus,
)
from gongzhi.tickets.models import (
    ExtensionRequest,
)
from gongzhi.tickets.services.common import (
    LIMIT_UNIT_VALUES,
    local_minute,
    locked,
    move_to,
    now_or,
    record,
    text,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- extensions -------------------------------------------------------------------------------------


@transaction.atomic
def ticket_extend_request(
    *, actor: Actor | None, ticket_id: int, amount: int, unit: str, reason: str, now: datetime | None = None
) -> ExtensionRequest:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    require(
        actor, "tickets.handle_ticket", ticket, error=Forbidden(gettext("只有被派遣的处置单位可以申请延期"))
    )
    move_to(ticket, "extend")
    if unit not in LIMIT_UNIT_VALUES:
        raise field_error("unit", gettext("时限单位应为工作时、工作日、自然日或小时"))
    try:
        amount = int(amount)
    except (TypeError, ValueError) as exc:
        raise field_error("amount", gettext("延长时限应为整数")) from exc
    if not 1 <= amount <= 60:
        raise field_error("amount", gettext("延长时限应在1到60之间"))
    reason = text(reason, "reason", "延期理由", required=True, max_length=300)
    if ExtensionRequest.objects.filter(ticket=ticket, status=ExtensionStatus.PENDING).exists():
        raise Conflict(gettext("已有待审批的延期申请"), code="extension_pending")
    req = ExtensionRequest.objects.create(
        ticket=ticket,
        amount=amount,
        unit=unit,
        reason=reason,
        requested_by_id=actor.pk if actor is not None else None,
        requested_at=at,
        old_deadline=ticket.deadline,
    )
    record(
        ticket,
        actor=actor,
        move="extend",
        old=ticket.status,
        new=ticket.status,
        at=at,
        note=reason,
        data={"request": req.pk, "amount": amount, "unit": unit, "decision": "requested"},
    )
    return req


@transaction.atomic
def ticket_extend_decide(
    *, actor: Actor | None, ticket_id: int, approve: bool, note: str = "", now: datetime | None = None
) -> ExtensionRequest:
    """The dispatching level approves (the deadline moves on from the old one) or refuses — never the
    one who asked (a grid worker who dispatched to their own grid and handles it asks the community)."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    require(
        actor,
        "tickets.decide_extension",
        ticket,
        error=Forbidden(gettext("只有派遣层级的工作人员可以审批延期")),
    )
    req = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .filter(ticket=ticket, status=ExtensionStatus.PENDING)
        .first()
    )
    if req is None:
        raise Conflict(gettext("没有待审批的延期申请"), code="no_pending_extension")
    refuse_own_work(actor, req.requested_by_id, what="审批本人提出的延期申请")
    note = text(note, "note", "审批意见", required=not approve, max_length=300)
    req.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    req.decided_by_id, req.decided_at, req.decision_note = (actor.pk if actor else None), at, note
    public = ""
    if approve and ticket.deadline and ticket.status in HANDLING:
        d = deadline_for(ticket.deadline, req.amount, req.unit)
        req.new_deadline = d.at
        ticket.deadline = d.at
        ticket.red_at = red_card_at(d.at, ticket.limit_amount or req.amount, ticket.limit_unit or req.unit)
        ticket.deadline_warning = "；".join(d.warnings)[:200]
        ticket.supervision = ""
        ticket.save(update_fields=["deadline", "red_at", "deadline_warning", "supervision", "updated_at"])
        public = f"办理期限延长至{local_minute(d.at)}"
    req.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "new_deadline"])
    record(
        ticket,
        actor=actor,
        move="extend",
        old=ticket.status,
        new=ticket.status,
        at=at,
        note=note,
        public_note=public,
        data={"request": req.pk, "decision": "approved" if approve else "refused"},
    )
    return req
