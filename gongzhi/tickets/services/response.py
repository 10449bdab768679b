"""The first response to a report (首问): accept it, decline it, or merge it into another ticket.
Each move one transaction: lock, check who and whether (transitions.py), change, record, tell."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.tickets.enums import (
    TERMINAL,
)
from gongzhi.tickets.models import (
    Ticket,
)
from gongzhi.tickets.services.common import (
    S,
    locked,
    move_to,
    now_or,
    record,
    routing_choice_record,
    text,
)
from gongzhi.tickets.services.intake import category_by_code

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- first response ---------------------------------------------------------------------------------


@transaction.atomic
def ticket_accept(
    *,
    actor: Actor | None,
    ticket_id: int,
    category_code: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "accept")
    require(
        actor,
        "tickets.accept_ticket",
        ticket,
        error=Forbidden(gettext("只有问题所在网格、社区或上级的工作人员可以受理")),
    )
    category = category_by_code(category_code) if category_code else ticket.category
    note = text(note, "note", "受理意见")
    ticket.status, ticket.accepted_at, ticket.category = new, at, category
    ticket.first_responder_id = actor.pk if actor is not None else None
    ticket.save(update_fields=["status", "accepted_at", "category", "first_responder", "updated_at"])
    routing_choice_record(ticket, actor=actor, at=at, accepted=True)
    record(
        ticket,
        actor=actor,
        move="accept",
        old=old,
        new=new,
        at=at,
        note=note,
        # No staff name in public wording: it reaches the reporter and public systems (Open311).
        public_note="已受理，工作人员将负责跟进到底（首问负责）",
        counts={"accepted": 1},
    )
    return ticket


@transaction.atomic
def ticket_decline(
    *, actor: Actor | None, ticket_id: int, reason: str, now: datetime | None = None
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "decline")
    require(
        actor,
        "tickets.accept_ticket",
        ticket,
        error=Forbidden(gettext("只有问题所在网格、社区或上级的工作人员可以受理")),
    )
    reason = text(reason, "reason", "不予受理的理由", required=True, max_length=300)
    ticket.status, ticket.closed_at = new, at
    ticket.first_responder_id = actor.pk if actor is not None else None
    ticket.save(update_fields=["status", "closed_at", "first_responder", "updated_at"])
    record(
        ticket,
        actor=actor,
        move="decline",
        old=old,
        new=new,
        at=at,
        note=reason,
        public_note=f"经核实不予受理：{reason}",
        counts={"declined": 1},
    )
    return ticket


@transaction.atomic
def ticket_merge(
    *, actor: Actor | None, ticket_id: int, into_id: int, note: str = "", now: datetime | None = None
) -> Ticket:
    """A duplicate joins the ticket already open for the same problem; its reporter follows that one."""
    at = now_or(now)
    if int(into_id) == int(ticket_id):
        raise field_error("into_id", gettext("不能与自身合并"))
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "merge")
    require(
        actor,
        "tickets.accept_ticket",
        ticket,
        error=Forbidden(gettext("只有问题所在网格、社区或上级的工作人员可以合并工单")),
    )
    into = Ticket.objects.filter(pk=into_id).first()
    if into is None or not allowed(actor, "tickets.view_ticket", into):
        raise field_error("into_id", gettext("要合并到的工单不存在或无权查看"))
    if into.status in TERMINAL:
        raise field_error(
            "into_id",
            gettext("工单%(number)s已%(label)s，不能合并到该工单")
            % {"number": into.number, "label": S(into.status).label},
        )
    ticket.status, ticket.duplicate_of, ticket.closed_at = new, into, at
    if ticket.first_responder_id is None and actor is not None:
        ticket.first_responder_id = actor.pk
    ticket.save(update_fields=["status", "duplicate_of", "closed_at", "first_responder", "updated_at"])
    record(
        ticket,
        actor=actor,
        move="merge",
        old=old,
        new=new,
        at=at,
        note=text(note, "note", "说明"),
        public_note=f"与工单{into.number}反映的是同一问题，已合并办理，进展请见该工单",
        data={"into": into.pk},
        counts={"merged": 1},
    )
    return ticket
