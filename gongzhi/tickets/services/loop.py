"""The moves of the loop, one service each: lock the ticket, check who and whether (transitions.py),
change it, record the move (timeline, audit, counters), tell the people concerned."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.images import clean_images
from gongzhi.core.permissions import allowed, require
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Department
from gongzhi.tickets import stats
from gongzhi.tickets.deadlines import deadline_for, limit_label, red_card_at
from gongzhi.tickets.enums import (
    HANDLING,
    PLACE_LEVELS,
    TERMINAL,
    TO_DISPATCH,
    AssignmentRole,
    Channel,
    ExtensionStatus,
    Level,
    PhotoStage,
    Satisfaction,
    SupervisionKind,
    TicketStatus,
)
from gongzhi.tickets.models import (
    LIMIT_UNITS,
    Assignment,
    DepartmentLimit,
    ExtensionRequest,
    Supervision,
    Ticket,
)
from gongzhi.tickets.permissions import LEVEL_ROLES, holds_level
from gongzhi.tickets.services.common import locked, move_to, now_or, record, tell_handler, text
from gongzhi.tickets.services.intake import category_by_code, save_photos

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.tickets.forms import MoveIn

S = TicketStatus
_UNITS = {value for value, _label in LIMIT_UNITS}


def _local(at: datetime) -> str:
    return f"{timezone.localtime(at):%Y-%m-%d %H:%M}"


def _place_code(ticket: Ticket, level: str) -> str:
    codes: dict[str, str] = {
        Level.GRID: ticket.grid_code,
        Level.COMMUNITY: ticket.community_code,
        Level.SUBDISTRICT: ticket.subdistrict_code,
        Level.DISTRICT: ticket.district_code,
    }
    return codes.get(level, "")


def _level_above(level: str) -> str | None:
    if level not in PLACE_LEVELS:
        return None
    i = PLACE_LEVELS.index(Level(level))
    return PLACE_LEVELS[i + 1] if i + 1 < len(PLACE_LEVELS) else None


def _end_assignments(ticket: Ticket, reason: str) -> None:
    ticket.assignments.filter(active=True).update(active=False, ended_reason=reason)


def _undo_due(ticket: Ticket, at: datetime) -> None:
    """Leaving the handling clock before first handling: nothing to count yet; clear the deadline."""
    ticket.deadline = None
    ticket.red_at = None
    ticket.respond_deadline = None
    ticket.deadline_warning = ""


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
        error=Forbidden("只有问题所在网格、社区或上级的工作人员可以受理"),
    )
    category = category_by_code(category_code) if category_code else ticket.category
    note = text(note, "note", "受理意见")
    ticket.status, ticket.accepted_at, ticket.category = new, at, category
    ticket.first_responder_id = actor.pk if actor is not None else None
    ticket.save(update_fields=["status", "accepted_at", "category", "first_responder", "updated_at"])
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
        error=Forbidden("只有问题所在网格、社区或上级的工作人员可以受理"),
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
        raise field_error("into_id", "不能与自身合并")
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "merge")
    require(
        actor,
        "tickets.accept_ticket",
        ticket,
        error=Forbidden("只有问题所在网格、社区或上级的工作人员可以合并工单"),
    )
    into = Ticket.objects.filter(pk=into_id).first()
    if into is None or not allowed(actor, "tickets.view_ticket", into):
        raise field_error("into_id", "要合并到的工单不存在或无权查看")
    if into.status in TERMINAL:
        raise field_error("into_id", f"工单{into.number}已{S(into.status).label}，不能合并到该工单")
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


# --- dispatch, escalation and response --------------------------------------------------------------


def _limit(ticket: Ticket, amount: int | None, unit: str) -> tuple[int, str]:
    if amount is not None:
        if unit not in _UNITS:
            raise field_error("limit_unit", "时限单位应为工作时、工作日、自然日或小时")
        return int(amount), unit
    if ticket.category is None:
        raise field_error("category", "请先选择事件分类（分类决定处置时限），或直接给出处置时限")
    return ticket.category.limit_amount, ticket.category.limit_unit


def _department(ticket: Ticket, department_id: int | None, field: str = "department_id") -> Department:
    dep = (
        Department.objects.filter(pk=department_id, district__code=ticket.district_code).first()
        if department_id
        else None
    )
    if dep is None:
        raise field_error(field, "请选择本区的职能部门")
    return dep


def _handler_user(ticket: Ticket, level: str, place_code: str, handler_id: int | None) -> int | None:
    if not handler_id:
        return None
    from gongzhi.accounts.models import RoleAssignment

    ok = RoleAssignment.objects.filter(
        user_id=handler_id, active=True, role__in=LEVEL_ROLES.get(level, ()), place_code=place_code
    ).exists()
    if not ok:
        raise field_error("handler_id", "所选处置人不在该处置单位")
    return int(handler_id)


def _respond_deadline(dep: Department, at: datetime) -> tuple[datetime, str]:
    limit = DepartmentLimit.objects.filter(department=dep).first()
    amount, unit = (limit.respond_amount, limit.respond_unit) if limit else (2, "working_hours")
    d = deadline_for(at, amount, unit)
    return d.at, "；".join(d.warnings)


def set_deadline(ticket: Ticket, start: datetime, amount: int, unit: str) -> None:
    d = deadline_for(start, amount, unit)
    ticket.deadline = d.at
    ticket.limit_amount, ticket.limit_unit = amount, unit
    ticket.deadline_warning = "；".join(d.warnings)[:200]
    ticket.red_at = red_card_at(d.at, amount, unit)
    ticket.supervision = ""


@transaction.atomic
def ticket_dispatch(
    *,
    actor: Actor | None,
    ticket_id: int,
    level: str,
    department_id: int | None = None,
    co_department_ids: list[int] | None = None,
    handler_id: int | None = None,
    category_code: str = "",
    limit_amount: int | None = None,
    limit_unit: str = "",
    note: str = "",
    now: datetime | None = None,
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "dispatch")
    require(
        actor,
        "tickets.dispatch_ticket",
        ticket,
        error=Forbidden("只有工单所在层级（或上级）的工作人员可以派遣"),
    )
    if level not in Level.values:
        raise field_error("level", "请选择处置层级：网格、社区、街道、区级或职能部门")
    if category_code:
        ticket.category = category_by_code(category_code)
    scope = scope_of(actor) if actor is not None else None
    waiting_at = ticket.level if ticket.level in PLACE_LEVELS else Level.COMMUNITY
    dep = None
    co: list[Department] = []
    place_code = ""
    respond_deadline = None
    if level == Level.DEPARTMENT:
        if scope is not None and not holds_level(scope, ticket, Level.COMMUNITY):
            raise field_error("level", "派往职能部门需由社区或以上层级派遣，请先吹哨上报")
        dep = _department(ticket, department_id)
        for i, dep_id in enumerate(dict.fromkeys(co_department_ids or [])):
            if dep_id == dep.pk:
                continue
            co.append(_department(ticket, dep_id, field=f"co_department_ids.{i}"))
        respond_deadline, _warn = _respond_deadline(dep, at)
    else:
        place_code = _place_code(ticket, level)
        if not place_code:
            raise field_error("level", "该工单尚未落到这一层级的区划，请选择其他层级")
        if scope is not None and not holds_level(scope, ticket, level):
            raise field_error("level", "只能派往本人所在层级或下级，上级请使用吹哨上报")
        if co_department_ids:
            raise field_error("co_department_ids", "协办部门只能与主办部门一同派遣")
    amount, unit = _limit(ticket, limit_amount, limit_unit)
    handler = _handler_user(ticket, level, place_code, handler_id) if level != Level.DEPARTMENT else None
    note = text(note, "note", "派遣意见")

    _end_assignments(ticket, "redispatched")
    Assignment.objects.create(
        ticket=ticket,
        role=AssignmentRole.LEAD,
        level=level,
        department=dep,
        place_code=place_code,
        handler_id=handler,
        dispatched_by_id=actor.pk if actor is not None else None,
        dispatched_at=at,
        respond_deadline=respond_deadline,
    )
    for c in co:
        Assignment.objects.create(
            ticket=ticket,
            role=AssignmentRole.CO,
            level=level,
            department=c,
            dispatched_by_id=actor.pk if actor is not None else None,
            dispatched_at=at,
            respond_deadline=_respond_deadline(c, at)[0],
        )
    ticket._co_departments = {c.pk for c in co} | ({dep.pk} if dep else set())  # type: ignore[attr-defined]
    ticket.status, ticket.level, ticket.dispatch_level = new, level, waiting_at
    ticket.department, ticket.handler_place_code, ticket.handler_id = dep, place_code, handler
    ticket.dispatcher_id = actor.pk if actor is not None else None
    ticket.dispatched_at, ticket.respond_deadline, ticket.responded_at = at, respond_deadline, None
    set_deadline(ticket, at, amount, unit)
    ticket.save(
        update_fields=[
            "status",
            "level",
            "dispatch_level",
            "category",
            "department",
            "handler_place_code",
            "handler",
            "dispatcher",
            "dispatched_at",
            "respond_deadline",
            "responded_at",
            "deadline",
            "limit_amount",
            "limit_unit",
            "deadline_warning",
            "red_at",
            "supervision",
            "updated_at",
        ]
    )
    target = dep.name if dep else f"{Level(level).label}（{place_code}）"
    if co:
        target += "，协办：" + "、".join(c.name for c in co)
    assert ticket.deadline is not None
    record(
        ticket,
        actor=actor,
        move="dispatch",
        old=old,
        new=new,
        at=at,
        note=note,
        public_note=f"已派至{dep.name if dep else Level(level).label}处置，办理时限{limit_label(amount, unit)}，"
        f"预计{_local(ticket.deadline)}前办结",
        data={
            "level": level,
            "department": dep.pk if dep else None,
            "co_departments": [c.pk for c in co],
            "place_code": place_code,
            "handler": handler,
            "deadline": ticket.deadline.isoformat(),
            "limit": [amount, unit],
            "target": target,
            **({"warning": ticket.deadline_warning} if ticket.deadline_warning else {}),
        },
        counts={"dispatched": 1},
    )
    tell_handler(ticket, "dispatch", f"新工单待处置：{ticket.title}，时限至{_local(ticket.deadline)}")
    return ticket


@transaction.atomic
def ticket_escalate(
    *, actor: Actor | None, ticket_id: int, reason: str, now: datetime | None = None
) -> Ticket:
    """吹哨: up one place level, with the reason. From a handler who cannot handle it, or from the level
    the ticket waits at."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    reason = text(reason, "reason", "吹哨上报的理由", required=True, max_length=300)
    old, new = move_to(ticket, "escalate")
    if old in TO_DISPATCH:
        require(
            actor,
            "tickets.escalate_ticket",
            ticket,
            error=Forbidden("只有工单所在层级的工作人员可以吹哨上报"),
        )
        from_level = ticket.level
    else:
        require(actor, "tickets.escalate_ticket", ticket, error=Forbidden("只有当前处置单位可以吹哨上报"))
        if ticket.level == Level.DEPARTMENT:
            raise Conflict(
                "职能部门不能再向上吹哨；无法处置的请退回派遣单位并说明理由", code="illegal_transition"
            )
        from_level = ticket.level
    up = _level_above(from_level)
    if up is None:
        raise Conflict("工单已在区级，不能再向上吹哨，请派往职能部门", code="illegal_transition")
    if not _place_code(ticket, up):
        raise Conflict("该工单尚未落到上一级区划，请先派遣", code="illegal_transition")
    _end_assignments(ticket, "escalated")
    _undo_due(ticket, at)
    ticket.status, ticket.level = new, up
    ticket.department, ticket.handler_place_code, ticket.handler = None, "", None
    ticket.escalation_count += 1
    ticket.save(
        update_fields=[
            "status",
            "level",
            "department",
            "handler_place_code",
            "handler",
            "escalation_count",
            "deadline",
            "red_at",
            "respond_deadline",
            "deadline_warning",
            "updated_at",
        ]
    )
    record(
        ticket,
        actor=actor,
        move="escalate",
        old=old,
        new=new,
        at=at,
        note=reason,
        public_note=f"已吹哨上报至{Level(up).label}协调处理",
        data={"from_level": from_level, "to_level": up},
        counts={"escalated": 1},
    )
    return ticket


@transaction.atomic
def ticket_respond(
    *, actor: Actor | None, ticket_id: int, note: str = "", now: datetime | None = None
) -> Ticket:
    """报到: the department (lead or co-handling) confirms it has taken the ticket on."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    note = text(note, "note", "报到说明")
    if (
        ticket.status in HANDLING
        and not allowed(actor, "tickets.handle_ticket", ticket)
        and allowed(actor, "tickets.co_handle_ticket", ticket)
    ):
        scope = scope_of(actor)
        assignment = (
            ticket.assignments.select_for_update(of=("self",))
            .filter(
                active=True, role=AssignmentRole.CO, department_id__in=scope.department_ids, responded_at=None
            )
            .first()
        )
        if assignment is None:
            raise Conflict("本部门已报到", code="already_responded")
        assignment.responded_at = at
        assignment.save(update_fields=["responded_at"])
        record(
            ticket,
            actor=actor,
            move="respond",
            old=ticket.status,
            new=ticket.status,
            at=at,
            note=note,
            public_note=f"协办部门{assignment.department}已报到",
            data={"department": assignment.department_id, "role": "co"},
        )
        return ticket
    old, new = move_to(ticket, "respond")
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden("只有被派遣的处置单位可以报到"))
    ticket.status, ticket.responded_at = new, at
    ticket.save(update_fields=["status", "responded_at", "updated_at"])
    ticket.assignments.filter(active=True, role=AssignmentRole.LEAD).update(responded_at=at)
    who = ticket.department.name if ticket.department else Level(ticket.level).label
    late = bool(ticket.respond_deadline and at > ticket.respond_deadline)
    record(
        ticket,
        actor=actor,
        move="respond",
        old=old,
        new=new,
        at=at,
        note=note,
        public_note=f"{who}已报到，正在处置",
        data={"late": late},
    )
    return ticket


@transaction.atomic
def ticket_return(*, actor: Actor | None, ticket_id: int, reason: str, now: datetime | None = None) -> Ticket:
    """A wrong dispatch goes back to the level that dispatched it; it counts against the dispatcher."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "return")
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden("只有被派遣的处置单位可以退回"))
    reason = text(reason, "reason", "退回理由", required=True, max_length=300)
    dispatcher_id, from_level, dep_id = ticket.dispatcher_id, ticket.level, ticket.department_id
    _end_assignments(ticket, "returned")
    _undo_due(ticket, at)
    ticket.status, ticket.level = new, ticket.dispatch_level or Level.COMMUNITY
    ticket.department, ticket.handler_place_code, ticket.handler = None, "", None
    ticket.return_count += 1
    ticket.save(
        update_fields=[
            "status",
            "level",
            "department",
            "handler_place_code",
            "handler",
            "return_count",
            "deadline",
            "red_at",
            "respond_deadline",
            "deadline_warning",
            "updated_at",
        ]
    )
    record(
        ticket,
        actor=actor,
        move="return",
        old=old,
        new=new,
        at=at,
        note=reason,
        public_note="正在重新安排处置单位",
        data={"dispatcher": dispatcher_id, "from_level": from_level, "department": dep_id},
        counts={"returned": 1},
        count_department_id=0,  # a return counts against the dispatching place, not the department
    )
    return ticket


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
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden("只有被派遣的处置单位可以提交处置结果"))
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
        error=Forbidden("只有问题所在网格的网格员、社区工作人员或首问负责人可以核查"),
    )
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
    """回访: the reporter's rating. Dissatisfied reopens the ticket; a second dissatisfied is supervised."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    move_to(ticket, "callback_ok")  # the status must allow a callback before anyone is asked who they are
    is_reporter = actor is not None and actor.pk == ticket.reporter_id
    require(
        actor,
        "tickets.callback_ticket",
        ticket,
        error=Forbidden("只有首问负责人、社区工作人员或上报人本人可以回访评价"),
    )
    if satisfaction not in Satisfaction.values:
        raise field_error("satisfaction", "请选择满意、基本满意或不满意")
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


@transaction.atomic
def ticket_close(
    *, actor: Actor | None, ticket_id: int, note: str = "", now: datetime | None = None
) -> Ticket:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    old, new = move_to(ticket, "close")
    require(actor, "tickets.close_ticket", ticket, error=Forbidden("只有首问负责人或社区工作人员可以结案"))
    if old == S.VERIFIED and callback_needed(ticket):
        raise Conflict("请先回访上报人，再结案", code="callback_required")
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


# --- extensions -------------------------------------------------------------------------------------


@transaction.atomic
def ticket_extend_request(
    *, actor: Actor | None, ticket_id: int, amount: int, unit: str, reason: str, now: datetime | None = None
) -> ExtensionRequest:
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden("只有被派遣的处置单位可以申请延期"))
    move_to(ticket, "extend")
    if unit not in _UNITS:
        raise field_error("unit", "时限单位应为工作时、工作日、自然日或小时")
    try:
        amount = int(amount)
    except (TypeError, ValueError) as exc:
        raise field_error("amount", "延长时限应为整数") from exc
    if not 1 <= amount <= 60:
        raise field_error("amount", "延长时限应在1到60之间")
    reason = text(reason, "reason", "延期理由", required=True, max_length=300)
    if ExtensionRequest.objects.filter(ticket=ticket, status=ExtensionStatus.PENDING).exists():
        raise Conflict("已有待审批的延期申请", code="extension_pending")
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
    """The dispatching level approves (the deadline moves on from the old one) or refuses."""
    at = now_or(now)
    ticket = locked(ticket_id, actor)
    require(actor, "tickets.decide_extension", ticket, error=Forbidden("只有派遣层级的工作人员可以审批延期"))
    req = (
        ExtensionRequest.objects.select_for_update(of=("self",))
        .filter(ticket=ticket, status=ExtensionStatus.PENDING)
        .first()
    )
    if req is None:
        raise Conflict("没有待审批的延期申请", code="no_pending_extension")
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
        public = f"办理期限延长至{_local(d.at)}"
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


# --- supervision ------------------------------------------------------------------------------------


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
            raise ValidationFailed("请选择要合并到的工单", fields={"into_id": "必填项"})
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
            raise ValidationFailed("请选择核查是否通过", fields={"passed": "必填项"})
        ticket_verify(actor=actor, ticket_id=ticket_id, passed=p.passed, note=p.note, photos=files, now=now)
    elif action == "callback":
        if p.satisfaction not in Satisfaction.values:
            raise ValidationFailed(
                "请选择满意、基本满意或不满意", fields={"satisfaction": "取值不在可选范围内"}
            )
        ticket_callback(actor=actor, ticket_id=ticket_id, satisfaction=p.satisfaction, note=p.note, now=now)
    elif action == "close":
        ticket_close(actor=actor, ticket_id=ticket_id, note=p.note, now=now)
    elif action == "extend":
        if p.decision:
            if p.decision not in ("approve", "refuse"):
                raise ValidationFailed(
                    "审批结果应为 approve 或 refuse", fields={"decision": "取值不在可选范围内"}
                )
            ticket_extend_decide(
                actor=actor, ticket_id=ticket_id, approve=p.decision == "approve", note=p.note, now=now
            )
        else:
            if p.amount is None:
                raise ValidationFailed("请填写延长时限", fields={"amount": "必填项"})
            ticket_extend_request(
                actor=actor,
                ticket_id=ticket_id,
                amount=p.amount,
                unit=p.unit,
                reason=p.reason or p.note,
                now=now,
            )
    else:
        raise NotFound("没有这个操作")
