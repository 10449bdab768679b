"""Handling, verification on site, the callback and closing.

Separation of duties (``core.duties``, 403 ``own_work``): whoever reported the ticket or did the work on
it (its named handler, anyone who submitted a handling result) does not verify it; whoever did the work
does not call back about it (the reporter rating their own ticket is the point of the callback). It is on
unless the ticket's district switched it off (``services/policy.py``, 工单办理设置). The
grid worker who finds a problem on patrol and fixes it on the spot (自办) hands the check to another
worker of the grid or to the community's staff. Accepting and closing are not judgements of someone's
work (the check has already been made by another), so a first responder may accept their own report.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, field_error
from gongzhi.core.images import clean_images
from gongzhi.core.permissions import require
from gongzhi.tickets import stats
from gongzhi.tickets.enums import (
    Channel,
    PhotoStage,
    Satisfaction,
    SupervisionKind,
)
from gongzhi.tickets.models import (
    Supervision,
    Ticket,
)
from gongzhi.tickets.selectors.policy import duties_separated
from gongzhi.tickets.selectors.tickets import ticket_workers
from gongzhi.tickets.services.common import (
    S,
    locked,
    move_to,
    now_or,
    record,
    tell_handler,
    text,
)
from gongzhi.tickets.services.dispatch import set_deadline
from gongzhi.tickets.services.intake import save_photos
from gongzhi.tickets.services.supervision import issue_supervision

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- handling, verification, callback, closing --------------------------------------------------------


@transaction.atomic
def ticket_handle(
    *,
    actor: Actor | None,
    ticket_id: int,
    result: str,
    photos: list[Any] | None = None,
    now: datetime | None = None,
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "handle")
    require(
        actor,
        "tickets.handle_ticket",
        ticket,
        error=Forbidden(gettext("只有被派遣的处置单位可以提交处置结果")),
    )
    result = text(result, "result", "处置结果", required=True)
    images = clean_images(list(photos or []))
    first = ticket.first_handled_at is None
    ticket.status, ticket.handled_at, ticket.result = new, at, result
    if ticket.responded_at is None:
        ticket.responded_at = at
    counts: dict[str, int] = {}
    if first:
        ticket.first_handled_at = at
        counts["handled"] = 1
        if ticket.dispatched_at:
            counts["handling_seconds"] = max(0, int((at - ticket.dispatched_at).total_seconds()))
    on_time = bool(ticket.deadline and at <= ticket.deadline)
    if not ticket.sla_counted and ticket.deadline:
        ticket.sla_counted = True
        counts["due"] = 1
        counts["on_time"] = 1 if on_time else 0
    ticket.save(
        update_fields=[
            "status",
            "handled_at",
            "result",
            "responded_at",
            "first_handled_at",
            "sla_counted",
            "updated_at",
        ]
    )
    Supervision.objects.filter(ticket=ticket, resolved_at=None).update(resolved_at=at)
    event = record(
        ticket,
        actor=actor,
        move="handle",
        old=old,
        new=new,
        at=at,
        note=result,
        public_note=f"已处置：{result}"[:500],
        data={"on_time": on_time, "photos": len(images)},
        counts=counts,
    )
    if images:
        save_photos(ticket, images, stage=PhotoStage.RESULT, actor=actor, event=event)
    return ticket


@transaction.atomic
def ticket_verify(
    *,
    actor: Actor | None,
    ticket_id: int,
    passed: bool,
    note: str = "",
    photos: list[Any] | None = None,
    now: datetime | None = None,
) -> Ticket:
    """核查 on site: passed → waits for the callback; failed → rework by the same handler (counted)."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "verify_pass" if passed else "verify_fail")
    require(
        actor,
        "tickets.verify_ticket",
        ticket,
        error=Forbidden(gettext("只有问题所在网格的网格员、社区工作人员或首问负责人可以核查")),
    )
    if duties_separated(ticket.district_code):
        refuse_own_work(actor, ticket.reporter_id, ticket_workers(ticket), what="核查本人上报或处置的工单")
    note = text(note, "note", "核查意见", required=not passed)
    images = clean_images(list(photos or []))
    fields = ["status", "updated_at"]
    ticket.status = new
    if passed:
        ticket.verified_at = at
        fields.append("verified_at")
    else:
        ticket.rework_count += 1
        fields.append("rework_count")
    ticket.save(update_fields=fields)
    event = record(
        ticket,
        actor=actor,
        move="verify",
        old=old,
        new=new,
        at=at,
        note=note,
        public_note="经现场核查，问题已处置到位" if passed else "经现场核查未达到要求，已要求重新处置",
        data={"passed": passed},
        counts={"verifications": 1, "reworked": 0 if passed else 1},
    )
    if not passed:
        tell_handler(ticket, "verify", f"工单核查未通过，请返工：{note}")
    if images:
        save_photos(ticket, images, stage=PhotoStage.VERIFY, actor=actor, event=event)
    return ticket


def callback_needed(ticket: Ticket) -> bool:
    """Someone to call back: a reporter who is not staff reporting their own patrol finding."""
    if ticket.channel == Channel.PATROL:
        return False
    return bool(ticket.reporter_phone_hash or (ticket.reporter_id and ticket.channel == Channel.RESIDENT))


@transaction.atomic
def ticket_callback(
    *, actor: Actor | None, ticket_id: int, satisfaction: str, note: str = "", now: datetime | None = None
) -> Ticket:
    """回访: the reporter's rating. Dissatisfied reopens the ticket; a second dissatisfied is supervised.
    A ticket merged into another (并单) is called back too once that one is handled: its reporter's own
    rating, kept on the merged ticket (事事有回音)."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    if ticket.status == S.MERGED:
        return _merged_callback(ticket, actor=actor, satisfaction=satisfaction, note=note, at=at)
    move_to(ticket, "callback_ok")  # the status must allow a callback before anyone is asked who they are
    is_reporter = actor is not None and actor.pk == ticket.reporter_id
    require(
        actor,
        "tickets.callback_ticket",
        ticket,
        error=Forbidden(gettext("只有首问负责人、社区工作人员或上报人本人可以回访评价")),
    )
    if duties_separated(ticket.district_code):
        refuse_own_work(actor, ticket_workers(ticket), what="回访本人处置的工单")
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", gettext("请选择满意、基本满意或不满意"))
    note = text(
        note, "note", "回访记录", required=satisfaction == Satisfaction.DISSATISFIED and not is_reporter
    )
    ok = satisfaction != Satisfaction.DISSATISFIED
    old, new = move_to(ticket, "callback_ok" if ok else "callback_dissatisfied")
    ticket.status, ticket.satisfaction, ticket.called_back_at = new, satisfaction, at
    fields = ["status", "satisfaction", "called_back_at", "updated_at"]
    supervise = False
    if not ok:
        ticket.dissatisfied_count += 1
        ticket.reopen_count += 1
        if ticket.limit_amount and ticket.limit_unit:
            set_deadline(ticket, at, ticket.limit_amount, ticket.limit_unit)
        fields += ["dissatisfied_count", "reopen_count", "deadline", "limit_amount", "limit_unit"]
        fields += ["deadline_warning", "red_at", "supervision"]
        supervise = ticket.dissatisfied_count >= 2
    ticket.save(update_fields=fields)
    label = Satisfaction(satisfaction).label
    record(
        ticket,
        actor=actor,
        move="callback",
        old=old,
        new=new,
        at=at,
        note=note,
        public_note=f"回访评价：{label}，感谢您的反馈" if ok else f"回访评价：{label}，工单已重新交办处置",
        data={"satisfaction": satisfaction, "by_reporter": is_reporter},
        counts={"callbacks": 1, "satisfied": 1 if ok else 0},
    )
    if supervise:
        issue_supervision(
            ticket, kind=SupervisionKind.DISSATISFIED, at=at, actor=None, reason="回访两次不满意"
        )
    if not ok:
        tell_handler(ticket, "callback", "上报人对处置结果不满意，工单已重新交办")
    return ticket


MERGED_RATABLE = frozenset({S.VERIFIED, S.CALLED_BACK, S.CLOSED})


def merged_callback_open(ticket: Ticket, into: Ticket | None) -> bool:
    """Whether a merged ticket's reporter can be called back now: the surviving ticket is handled and
    verified, and this reporter has not rated yet."""
    return (
        ticket.status == S.MERGED
        and not ticket.satisfaction
        and into is not None
        and into.status in MERGED_RATABLE
    )


def _merged_callback(
    ticket: Ticket, *, actor: Actor | None, satisfaction: str, note: str, at: datetime
) -> Ticket:
    require(
        actor,
        "tickets.callback_ticket",
        ticket,
        error=Forbidden(gettext("只有首问负责人、社区工作人员或上报人本人可以回访评价")),
    )
    into = Ticket.objects.filter(pk=ticket.duplicate_of_id).first() if ticket.duplicate_of_id else None
    if not merged_callback_open(ticket, into):
        raise Conflict(
            gettext("该工单已合并，合并到的工单核查通过后才能回访，且每位上报人只回访一次"),
            code="merged_callback_closed",
        )
    assert into is not None
    if duties_separated(into.district_code):
        refuse_own_work(actor, ticket_workers(into), what="回访本人处置的工单")
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", gettext("请选择满意、基本满意或不满意"))
    is_reporter = actor is not None and actor.pk == ticket.reporter_id
    ok = satisfaction != Satisfaction.DISSATISFIED
    note = text(note, "note", "回访记录", required=not ok and not is_reporter)
    ticket.satisfaction, ticket.called_back_at = satisfaction, at
    ticket.save(update_fields=["satisfaction", "called_back_at", "updated_at"])
    label = Satisfaction(satisfaction).label
    record(
        ticket,
        actor=actor,
        move="callback",
        old=ticket.status,
        new=ticket.status,
        at=at,
        note=note,
        public_note=f"回访评价：{label}，感谢您的反馈",
        data={"satisfaction": satisfaction, "by_reporter": is_reporter, "merged_into": into.pk},
    )
    if not ok:
        tell_handler(into, "callback", f"合并工单{ticket.number}的上报人对处置结果不满意：{note}"[:200])
    return ticket


@transaction.atomic
def ticket_close(
    *, actor: Actor | None, ticket_id: int, note: str = "", now: datetime | None = None
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "close")
    require(
        actor,
        "tickets.close_ticket",
        ticket,
        error=Forbidden(gettext("只有首问负责人或社区工作人员可以结案")),
    )
    if old == S.VERIFIED and callback_needed(ticket):
        raise Conflict(gettext("请先回访上报人，再结案"), code="callback_required")
    ticket.status, ticket.closed_at = new, at
    ticket.save(update_fields=["status", "closed_at", "updated_at"])
    Supervision.objects.filter(ticket=ticket, resolved_at=None).update(resolved_at=at)
    record(
        ticket,
        actor=actor,
        move="close",
        old=old,
        new=new,
        at=at,
        note=text(note, "note", "结案说明"),
        public_note="工单已办结，感谢您的反映",
        data={},
    )
    # Closed is counted on the day the ticket was reported: the share of a day's reports that closed.
    stats.bump(ticket, ticket.created_at, closed=1)
    return ticket
