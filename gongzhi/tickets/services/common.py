"""What every ticket service does the same way: lock, check, record the move (timeline + audit),
count it, tell the people concerned."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.bulk import Batch
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.core.workflow import check_move
from gongzhi.tickets import notify, stats
from gongzhi.tickets.enums import PLACE_LEVELS, Level, TicketStatus
from gongzhi.tickets.models import LIMIT_UNITS, Ticket, TicketEvent
from gongzhi.tickets.transitions import TICKET

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

NOTE_MAX = 2000
PUBLIC_MAX = 500


def now_or(now: datetime | None) -> datetime:
    return now or timezone.now()


def actor_label(actor: Actor | None) -> str:
    if actor is None:
        return "系统"
    return getattr(actor, "display_label", "") or actor.get_username()


def locked(ticket_id: int, actor: Actor | None) -> Ticket:
    """The ticket row locked for this transaction; missing and unreadable are the same 404."""
    # The category comes along (accept and dispatch read its limits): one query instead of two.
    ticket = (
        Ticket.objects.select_for_update(of=("self",)).select_related("category").filter(pk=ticket_id).first()
    )
    if ticket is None or not allowed(actor, "tickets.view_ticket", ticket):
        raise NotFound(gettext("工单不存在或无权查看"))
    return ticket


def text(
    value: str | None, field: str, label: str, *, required: bool = False, max_length: int = NOTE_MAX
) -> str:
    value = (value or "").strip()
    if required and not value:
        raise field_error(field, gettext("请填写%(label)s") % {"label": label}, code="required")
    if len(value) > max_length:
        raise field_error(
            field,
            gettext("%(label)s不能超过%(max_length)s个字（现有%(len)s个字）")
            % {"label": label, "max_length": max_length, "len": len(value)},
        )
    return value


def move_to(ticket: Ticket, move: str) -> tuple[str, str]:
    """(old, new) status after checking the move against transitions.py."""
    old = ticket.status
    return old, check_move(TICKET, move, old)


def record(
    ticket: Ticket,
    *,
    actor: Actor | None,
    move: str,
    old: str,
    new: str,
    at: datetime,
    note: str = "",
    public_note: str = "",
    data: dict[str, Any] | None = None,
    counts: dict[str, int] | None = None,
    count_department_id: int | None = None,
    notify_reporter: bool = True,
    batch: Batch | None = None,
) -> TicketEvent:
    """The timeline row, the audit row, the day's counters and the status counts, all in the caller's
    transaction: on PostgreSQL as one statement (``core.bulk.Batch``), one round trip. With ``batch`` they
    join the caller's batch, which the caller runs (the event has its key then)."""
    event = TicketEvent(
        ticket=ticket,
        at=at,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label(actor),
        move=move,
        from_status=old,
        to_status=new,
        note=note,
        public_note=public_note[:PUBLIC_MAX],
        data=data or {},
    )
    own_batch = batch is None
    batch = Batch() if batch is None else batch
    batch.insert(event)
    audit_record(
        actor=actor,
        target=ticket,
        event=f"tickets.{move}",
        data={"from": old, "to": new, **({"note": note} if note else {}), **(data or {})},
        batch=batch,
    )
    stats.bump(
        ticket, at, department_id=count_department_id, status=(old, new), batch=batch, **(counts or {})
    )
    if own_batch:
        batch.run()
    if public_note and notify_reporter and (ticket.reporter_id or ticket.reporter_phone_hash):
        if not own_batch and not transaction.get_connection().in_atomic_block:
            # on_commit outside a transaction runs at once: the notice would leave before the rows
            raise RuntimeError(
                "record: a notice needs the caller's transaction when the caller runs the batch"
            )
        notify.queue(
            notify.Notice(
                ticket_id=ticket.pk,
                number=ticket.number,
                move=move,
                message=public_note,
                audience="reporter",
                user_id=ticket.reporter_id,
                phone_hash=ticket.reporter_phone_hash,
            )
        )
    if public_note and notify_reporter and move in FOLLOWED_MOVES:
        tell_merged_reporters(ticket, move, public_note)
    return event


# The moves whose public note also reaches the reporters of the tickets merged into this one (事事有回音).
FOLLOWED_MOVES = frozenset({"handle", "close"})


def tell_merged_reporters(ticket: Ticket, move: str, public_note: str) -> None:
    """Every reporter of a ticket merged into this one hears what this one's reporter hears (the result,
    the close), as a notice on their own ticket."""
    from gongzhi.tickets.enums import TicketStatus

    rows = Ticket.objects.filter(duplicate_of_id=ticket.pk, status=TicketStatus.MERGED).values_list(
        "pk", "created_at", "reporter_id", "reporter_phone_hash"
    )
    for pk, created_at, reporter_id, phone_hash in rows:
        if not (reporter_id or phone_hash):
            continue
        merged = Ticket(pk=pk, created_at=created_at)
        notify.queue(
            notify.Notice(
                ticket_id=pk,
                number=merged.number,
                move=move,
                message=f"您反映的问题已与工单{ticket.number}合并办理：{public_note}"[:PUBLIC_MAX],
                audience="reporter",
                user_id=reporter_id,
                phone_hash=phone_hash,
            )
        )


def tell_handler(ticket: Ticket, move: str, message: str) -> None:
    notify.queue(
        notify.Notice(
            ticket_id=ticket.pk,
            number=ticket.number,
            move=move,
            message=message,
            audience="handler",
            user_id=ticket.handler_id,
        )
    )


# --- shared by the moves of the loop -----------------------------------------------------------------

S = TicketStatus
LIMIT_UNIT_VALUES = {value for value, _label in LIMIT_UNITS}


def local_minute(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def place_code_at(ticket: Ticket, level: str) -> str:
    codes: dict[str, str] = {
        Level.GRID: ticket.grid_code,
        Level.COMMUNITY: ticket.community_code,
        Level.SUBDISTRICT: ticket.subdistrict_code,
        Level.DISTRICT: ticket.district_code,
    }
    return codes.get(level, "")


def level_above(level: str) -> str | None:
    if level not in PLACE_LEVELS:
        return None
    i = PLACE_LEVELS.index(Level(level))
    return PLACE_LEVELS[i + 1] if i + 1 < len(PLACE_LEVELS) else None


def assignments_end(ticket: Ticket, reason: str) -> None:
    ticket.assignments.filter(active=True).update(active=False, ended_reason=reason)


def due_clear(ticket: Ticket, at: datetime) -> None:
    """Leaving the handling clock before first handling: nothing to count yet; clear the deadline."""
    ticket.deadline = None
    ticket.red_at = None
    ticket.respond_deadline = None
    ticket.deadline_warning = ""


# --- routing: the final choice beside the suggestion (docs/routing.md) -------------------------------

# A ticket's handling level as the routing levels name it.
ROUTING_LEVEL = {
    "grid": "grid",
    "community": "grid",
    "subdistrict": "subdistrict",
    "district": "department",
    "department": "department",
}


def routing_choice_record(
    ticket: Ticket,
    *,
    actor: Actor | None,
    at: datetime,
    accepted: bool = False,
    department_id: int | None = None,
) -> None:
    """Settle the routing suggestion with the choice this move made: on accept the category; on dispatch
    the category, the level and the department type (the district's mapping of the department; for a place
    level, 社区 or 街道办 — or the suggested 城管 for the subdistrict's city-management squad)."""
    from gongzhi.routing import selectors as routing_selectors
    from gongzhi.routing.services import suggestion_settle

    code = ticket.category.code if ticket.category_id and ticket.category else ""
    if accepted:
        suggestion_settle(actor=actor, ticket_id=ticket.pk, code=code, at=at)
        return
    level = ROUTING_LEVEL.get(ticket.level, "")
    if department_id:
        dept_type = routing_selectors.type_of_department(department_id=department_id) or "其他"
    elif level == "grid":
        dept_type = "社区"
    elif level == "subdistrict":
        dept_type = ""  # the suggestion's own (城管 squad) or 街道办: suggestion_settle decides
    else:
        dept_type = "其他"
    suggestion_settle(
        actor=actor, ticket_id=ticket.pk, code=code, level=level, department_type=dept_type, at=at
    )
