"""The periodic sweep that finds newly overdue tickets (nothing depends on someone opening a page).

Yellow card: a ticket still being handled after its deadline. Red card: still not handled when it is
overdue again by the same span (``Ticket.red_at``, set at dispatch; ``TICKET_RED_CARD_FACTOR`` scales the
span). A department that has not responded (报到) by its response limit gets a response card. Each card is
issued in its own transaction, once per ticket, kind and deadline, so running the sweep twice — or two
sweeps at once — issues nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.tickets import stats
from gongzhi.tickets.enums import HANDLING, Level, SupervisionKind, SupervisionLevel, TicketStatus
from gongzhi.tickets.models import Supervision, Ticket
from gongzhi.tickets.services.common import record, tell_handler

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

BATCH = 500


def issue_supervision(
    ticket: Ticket, *, kind: str, at: datetime, actor: Actor | None, reason: str, deadline_key: str = ""
) -> Supervision | None:
    """One card per kind and deadline (the sweep may run twice); inside the caller's transaction."""
    sup, created = Supervision.objects.get_or_create(
        ticket=ticket,
        kind=kind,
        deadline_key=deadline_key,
        defaults={
            "reason": reason[:300],
            "department_id": ticket.department_id,
            "handler_place_code": ticket.handler_place_code,
            "level": ticket.level,
            "issued_at": at,
            "issued_by_id": actor.pk if actor is not None else None,
            "district_code": ticket.district_code,
            "subdistrict_code": ticket.subdistrict_code,
            "community_code": ticket.community_code,
            "grid_code": ticket.grid_code,
        },
    )
    if not created:
        return None
    record(
        ticket,
        actor=actor,
        move="supervise",
        old=ticket.status,
        new=ticket.status,
        at=at,
        note=reason,
        data={"kind": kind, "supervision": sup.pk},
    )
    tell_handler(ticket, "supervise", f"{SupervisionKind(kind).label}：{reason}")
    return sup


def _key(at: datetime | None) -> str:
    return at.isoformat() if at else ""


@transaction.atomic
def ticket_supervise_overdue(*, ticket_id: int, now: datetime | None = None) -> str:
    """Issues the card a ticket has earned by ``now``; returns the kind issued or ""."""
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket_id).first()
    if ticket is None or ticket.status not in HANDLING or ticket.deadline is None or ticket.deadline >= now:
        return ""
    local_deadline = timezone.localtime(ticket.deadline)
    if ticket.red_at and ticket.red_at < now and ticket.supervision == SupervisionLevel.YELLOW:
        issued = issue_supervision(
            ticket,
            kind=SupervisionKind.RED,
            at=now,
            actor=None,
            reason=f"超期未办结（时限{local_deadline:%Y-%m-%d %H:%M}），且再次超出同样时长",
            deadline_key=_key(ticket.deadline),
        )
        ticket.supervision = SupervisionLevel.RED
        ticket.save(update_fields=["supervision", "updated_at"])
        return SupervisionKind.RED if issued else ""
    if ticket.supervision:
        return ""
    issued = issue_supervision(
        ticket,
        kind=SupervisionKind.YELLOW,
        at=now,
        actor=None,
        reason=f"超过处置时限（{local_deadline:%Y-%m-%d %H:%M}）仍未办结",
        deadline_key=_key(ticket.deadline),
    )
    ticket.supervision = SupervisionLevel.YELLOW
    fields = ["supervision", "updated_at"]
    if not ticket.sla_counted:
        # Overdue and unhandled: settled as not on time, on the day the deadline passed.
        ticket.sla_counted = True
        fields.append("sla_counted")
        stats.bump(ticket, ticket.deadline, due=1)
    ticket.save(update_fields=fields)
    return SupervisionKind.YELLOW if issued else ""


@transaction.atomic
def ticket_supervise_response(*, ticket_id: int, now: datetime | None = None) -> str:
    now = now or timezone.now()
    ticket = Ticket.objects.select_for_update(of=("self",)).filter(pk=ticket_id).first()
    if (
        ticket is None
        or ticket.status != TicketStatus.DISPATCHED
        or ticket.level != Level.DEPARTMENT
        or ticket.respond_deadline is None
        or ticket.respond_deadline >= now
    ):
        return ""
    issued = issue_supervision(
        ticket,
        kind=SupervisionKind.RESPONSE,
        at=now,
        actor=None,
        reason=f"{ticket.department}未在时限内报到（{timezone.localtime(ticket.respond_deadline):%Y-%m-%d %H:%M}）",
        deadline_key=_key(ticket.respond_deadline),
    )
    return SupervisionKind.RESPONSE if issued else ""


def supervision_sweep(*, now: datetime | None = None) -> dict[str, int]:
    """Every ticket that has newly earned a card by ``now``; returns how many of each were issued."""
    now = now or timezone.now()
    out = {SupervisionKind.YELLOW.value: 0, SupervisionKind.RED.value: 0, SupervisionKind.RESPONSE.value: 0}
    overdue = Ticket.objects.filter(status__in=HANDLING, deadline__lt=now, supervision="")
    red = Ticket.objects.filter(status__in=HANDLING, red_at__lt=now, supervision=SupervisionLevel.YELLOW)
    for qs in (overdue, red):
        for ticket_id in list(qs.order_by("id").values_list("id", flat=True)[:100_000]):
            kind = ticket_supervise_overdue(ticket_id=ticket_id, now=now)
            if kind:
                out[kind] += 1
    late = Ticket.objects.filter(
        status=TicketStatus.DISPATCHED, level=Level.DEPARTMENT, respond_deadline__lt=now
    ).exclude(supervisions__kind=SupervisionKind.RESPONSE)
    for ticket_id in list(late.order_by("id").values_list("id", flat=True)[:100_000]):
        if ticket_supervise_response(ticket_id=ticket_id, now=now):
            out[SupervisionKind.RESPONSE] += 1
    return out
