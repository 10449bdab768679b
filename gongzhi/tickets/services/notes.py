"""补充说明: a note added to a ticket without moving it — by the reporter, the staff who work on it, or a
connected system (``actor=None``) adding an update to a ticket it filed (Open311 servicerequestupdates)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden, field_error
from gongzhi.core.permissions import require
from gongzhi.tickets.enums import Move
from gongzhi.tickets.models import TicketEvent
from gongzhi.tickets.services.common import PUBLIC_MAX, locked, now_or, record, tell_handler, text

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def ticket_note(
    *,
    actor: Actor | None,
    ticket_id: int,
    note: str = "",
    public_note: str = "",
    data: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> TicketEvent:
    """One timeline row (move ``note``, status unchanged) and its audit row. ``note`` is for the staff,
    ``public_note`` is what the reporter and public systems read; at least one of them, or ``data``."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    require(
        actor,
        "tickets.note_ticket",
        ticket,
        error=Forbidden(gettext("只有上报人、首问负责人、处置单位和问题所在地的工作人员可以补充说明")),
    )
    note = text(note, "note", "补充说明")
    public_note = text(public_note, "public_note", "对外说明", max_length=PUBLIC_MAX)
    if not note and not public_note and not data:
        raise field_error("note", gettext("请填写补充说明"), code="required")
    event = record(
        ticket,
        actor=actor,
        move=Move.NOTE,
        old=ticket.status,
        new=ticket.status,
        at=at,
        note=note,
        public_note=public_note,
        data=data or {},
        notify_reporter=False,
    )
    if ticket.handler_id and (note or public_note):
        tell_handler(ticket, "note", f"工单有新的补充说明：{(public_note or note)[:100]}")
    return event
