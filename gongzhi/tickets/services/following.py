"""这也是我的问题 (me too): a resident who finds their problem already reported nearby joins that ticket
instead of filing a second one.

The joining resident gets a ticket of their own, merged at once into the one they joined: the same model
as a duplicate a staff member merges (``response.ticket_merge``), so the resident is kept informed in the
same way — the result and the close reach them (``common.tell_merged_reporters``), their ticket page
follows the joined ticket's public steps, and once it is verified they are called back and rate it
(``handling.merged_callback_open``), each reporter once. The merge is the resident's own statement, so it
needs no staff permission; it is refused for a ticket the resident may not join (``selectors.public.
joinable``: open, in a public category), their own, or one they joined already.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.errors import Conflict, NotFound, ValidationFailed
from gongzhi.tickets.enums import Channel, TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors.public import joinable
from gongzhi.tickets.services.common import move_to, now_or, record, text
from gongzhi.tickets.services.intake import TicketInput, ticket_report_rows

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

S = TicketStatus
NOTE_MAX = 500


@transaction.atomic
def ticket_join(*, actor: Actor, into_id: int, note: str = "", now: datetime | None = None) -> Ticket:
    """The actor says "这也是我的问题" about ticket ``into_id``: a new ticket of theirs, merged into it."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise ValidationFailed(gettext("请先登录"), code="login_required")
    at = now_or(now)
    into = (
        Ticket.objects.select_for_update(of=("self",)).select_related("category").filter(pk=into_id).first()
    )
    if into is None or not joinable(into):
        raise NotFound(gettext("该问题不存在或已办结，请直接提交新的反映"))
    if into.reporter_id == actor.pk:
        raise Conflict(gettext("这是您本人反映的问题，进展请在“我的反映”中查看"), code="own_ticket")
    if Ticket.objects.filter(duplicate_of_id=into.pk, reporter_id=actor.pk).exists():
        raise Conflict(gettext("您已关注该问题，处理结果会同时告诉您"), code="already_joined")
    note = text(note, "note", "补充说明", max_length=NOTE_MAX)
    head = f"这也是我的问题（同工单{into.number}）"
    reported = ticket_report_rows(
        actor=actor,
        data=TicketInput(
            description=f"{head}：{note}" if note else head,
            channel=Channel.RESIDENT,
            category_code=into.category.code if into.category and into.category.public else "",
            lng=into.lng,
            lat=into.lat,
            coord_system="wgs84",
        ),
        now=at,
    )
    ticket = Ticket.objects.select_for_update(of=("self",)).get(pk=reported.ticket.pk)
    old, new = move_to(ticket, "merge")
    ticket.status, ticket.duplicate_of, ticket.closed_at = new, into, at
    ticket.save(update_fields=["status", "duplicate_of", "closed_at", "updated_at"])
    record(
        ticket,
        actor=actor,
        move="merge",
        old=old,
        new=new,
        at=at,
        note="居民确认与该工单是同一问题（这也是我的问题）",
        public_note=f"与工单{into.number}反映的是同一问题，已合并办理，处理结果会同时告诉您",
        data={"into": into.pk, "joined": True},
        counts={"merged": 1},
        notify_reporter=False,
    )
    return ticket
