"""The reporter's full phone number for the callback (回访): shown to whoever may make the callback now.

The number is kept encrypted on the ticket and shown masked everywhere. The person who calls the reporter
back needs it whole: the first responder or the staff of the ticket's community (``tickets.call_reporter``),
while the ticket waits for its callback (verified; or merged into a ticket that passed verification and
not yet rated), and — while the district keeps duties apart — not someone who handled it. Each reveal is
one audit row with the reason "回访" and counts toward the actor's reveal limit (the people register's
``RATE_LIMITS["reveal_user"]``, console and API together). Console and API both come through here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import ids, ratelimit
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors.policy import duties_separated
from gongzhi.tickets.selectors.tickets import ticket_get_for_actor, ticket_workers

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

CALLBACK_REASON = "回访"


def _callback_stage(ticket: Ticket) -> Ticket | None:
    """The ticket whose handling the callback is about, when ``ticket`` waits for its callback now: the
    ticket itself once verified, or — for a merged ticket whose reporter has not rated yet — the ticket it
    was merged into once that one passed verification. ``None`` otherwise."""
    from gongzhi.tickets.services.handling import merged_callback_open

    if ticket.status == TicketStatus.VERIFIED:
        return ticket
    if ticket.status == TicketStatus.MERGED and ticket.duplicate_of_id:
        into = Ticket.objects.filter(pk=ticket.duplicate_of_id).first()
        if merged_callback_open(ticket, into):
            return into
    return None


def may_reveal_reporter_phone(actor: Actor | None, ticket: Ticket) -> bool:
    """Whether the page offers the reveal: the same checks as the service, without writing anything."""
    if actor is None or not ticket.reporter_phone_encrypted:
        return False
    handled = _callback_stage(ticket)
    if handled is None or not allowed(actor, "tickets.call_reporter", ticket):
        return False
    return not (duties_separated(handled.district_code) and actor.pk in ticket_workers(handled))


@transaction.atomic
def ticket_reporter_phone_reveal(*, actor: Actor, ticket_id: int) -> str:
    """The reporter's full phone number for the callback; one audit row (reason "回访")."""
    ticket = ticket_get_for_actor(actor=actor, ticket_id=ticket_id)  # 404 when unreadable
    handled = _callback_stage(ticket)
    if handled is None:
        raise Conflict(
            gettext("工单核查通过、等待回访时才能查看上报人完整电话"), code="not_waiting_for_callback"
        )
    if not allowed(actor, "tickets.call_reporter", ticket):
        raise Forbidden(gettext("只有负责回访的首问负责人或社区工作人员可以查看上报人完整电话"))
    if duties_separated(handled.district_code):
        refuse_own_work(actor, ticket_workers(handled), what="回访本人处置的工单")
    if not ticket.reporter_phone_encrypted:
        raise NotFound(gettext("上报人未留联系电话"))
    try:
        ratelimit.hit("reveal_user", str(actor.pk))
    except ratelimit.RateLimited as exc:
        limit = ratelimit.limit_of("reveal_user")
        per = f"（每{limit.seconds // 60}分钟最多{limit.count}次）" if limit else ""
        raise ratelimit.RateLimited(
            exc.retry_after,
            gettext("查看完整个人信息过于频繁%(per)s，请%(retry_after)s秒后再试")
            % {"per": per, "retry_after": exc.retry_after},
        ) from exc
    audit_record(
        actor=actor,
        target=ticket,
        event="tickets.reporter_phone_revealed",
        data={"field": "reporter_phone", "reason": CALLBACK_REASON},
    )
    return ids.decrypt(ticket.reporter_phone_encrypted)
