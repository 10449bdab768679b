"""A move of the loop by name (``ACTIONS``) with its fields: the API and the console forms share it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.tickets.enums import (
    Satisfaction,
)
from gongzhi.tickets.services.dispatch import ticket_dispatch, ticket_escalate, ticket_respond, ticket_return
from gongzhi.tickets.services.extensions import ticket_extend_decide, ticket_extend_request
from gongzhi.tickets.services.handling import ticket_callback, ticket_close, ticket_handle, ticket_verify
from gongzhi.tickets.services.response import ticket_accept, ticket_decline, ticket_merge

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.tickets.forms import MoveIn


# --- a move by name ----------------------------------------------------------------------------------

ACTIONS = (
    "accept",
    "decline",
    "merge",
    "dispatch",
    "escalate",
    "respond",
    "return",
    "handle",
    "verify",
    "callback",
    "close",
    "extend",
)


def ticket_move(*, actor: Actor | None, ticket_id: int, action: str, data: MoveIn, photos: list[Any]) -> None:
    """One action of the loop by name (``ACTIONS``) with its fields; the API and the console forms share it."""
    p, files = data, photos
    now = timezone.now()
    if action == "accept":
        ticket_accept(actor=actor, ticket_id=ticket_id, category_code=p.category_code, note=p.note, now=now)
    elif action == "decline":
        ticket_decline(actor=actor, ticket_id=ticket_id, reason=p.reason or p.note, now=now)
    elif action == "merge":
        if p.into_id is None:
            raise ValidationFailed(gettext("请选择要合并到的工单"), fields={"into_id": gettext("必填项")})
        ticket_merge(actor=actor, ticket_id=ticket_id, into_id=p.into_id, note=p.note, now=now)
    elif action == "dispatch":
        ticket_dispatch(
            actor=actor,
            ticket_id=ticket_id,
            level=p.level,
            department_id=p.department_id,
            co_department_ids=p.co_department_ids,
            handler_id=p.handler_id,
            category_code=p.category_code,
            limit_amount=p.limit_amount,
            limit_unit=p.limit_unit,
            note=p.note,
            now=now,
        )
    elif action == "escalate":
        ticket_escalate(actor=actor, ticket_id=ticket_id, reason=p.reason or p.note, now=now)
    elif action == "respond":
        ticket_respond(actor=actor, ticket_id=ticket_id, note=p.note, now=now)
    elif action == "return":
        ticket_return(actor=actor, ticket_id=ticket_id, reason=p.reason or p.note, now=now)
    elif action == "handle":
        ticket_handle(actor=actor, ticket_id=ticket_id, result=p.result or p.note, photos=files, now=now)
    elif action == "verify":
        if p.passed is None:
            raise ValidationFailed(gettext("请选择核查是否通过"), fields={"passed": gettext("必填项")})
        ticket_verify(actor=actor, ticket_id=ticket_id, passed=p.passed, note=p.note, photos=files, now=now)
    elif action == "callback":
        if p.satisfaction not in Satisfaction.values:
            raise ValidationFailed(
                gettext("请选择满意、基本满意或不满意"),
                fields={"satisfaction": gettext("取值不在可选范围内")},
            )
        ticket_callback(actor=actor, ticket_id=ticket_id, satisfaction=p.satisfaction, note=p.note, now=now)
    elif action == "close":
        ticket_close(actor=actor, ticket_id=ticket_id, note=p.note, now=now)
    elif action == "extend":
        if p.decision:
            if p.decision not in ("approve", "refuse"):
                raise ValidationFailed(
                    gettext("审批结果应为 approve 或 refuse"),
                    fields={"decision": gettext("取值不在可选范围内")},
                )
            ticket_extend_decide(
                actor=actor, ticket_id=ticket_id, approve=p.decision == "approve", note=p.note, now=now
            )
        else:
            if p.amount is None:
                raise ValidationFailed(gettext("请填写延长时限"), fields={"amount": gettext("必填项")})
            ticket_extend_request(
                actor=actor,
                ticket_id=ticket_id,
                amount=p.amount,
                unit=p.unit,
                reason=p.reason or p.note,
                now=now,
            )
    else:
        raise NotFound(gettext("没有这个操作"))
