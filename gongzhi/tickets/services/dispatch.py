"""Dispatch, escalation (吹哨), a department's response (报到) and a handler's return of a wrong dispatch;
the handling deadline a dispatch sets."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.core.errors import Conflict, Forbidden, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Department
from gongzhi.tickets.deadlines import deadline_for, limit_label, red_card_at
from gongzhi.tickets.enums import (
    HANDLING,
    PLACE_LEVELS,
    TO_DISPATCH,
    AssignmentRole,
    Level,
)
from gongzhi.tickets.models import (
    Assignment,
    DepartmentLimit,
    Ticket,
)
from gongzhi.tickets.permissions import LEVEL_ROLES, holds_level
from gongzhi.tickets.services.common import (
    LIMIT_UNIT_VALUES,
    assignments_end,
    due_clear,
    level_above,
    local_minute,
    locked,
    move_to,
    now_or,
    place_code_at,
    record,
    routing_choice_record,
    tell_handler,
    text,
)
from gongzhi.tickets.services.intake import category_by_code

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- dispatch, escalation and response --------------------------------------------------------------


def _limit(ticket: Ticket, amount: int | None, unit: str) -> tuple[int, str]:
    if amount is not None:
        if unit not in LIMIT_UNIT_VALUES:
            raise field_error("limit_unit", gettext("时限单位应为工作时、工作日、自然日或小时"))
        return int(amount), unit
    if ticket.category is None:
        raise field_error("category", gettext("请先选择事件分类（分类决定处置时限），或直接给出处置时限"))
    return ticket.category.limit_amount, ticket.category.limit_unit


def _department(ticket: Ticket, department_id: int | None, field: str = "department_id") -> Department:
    dep = (
        Department.objects.filter(pk=department_id, district__code=ticket.district_code).first()
        if department_id
        else None
    )
    if dep is None:
        raise field_error(field, gettext("请选择本区的职能部门"))
    return dep


def _handler_user(ticket: Ticket, level: str, place_code: str, handler_id: int | None) -> int | None:
    if not handler_id:
        return None
    from gongzhi.accounts.models import RoleAssignment

    ok = RoleAssignment.objects.filter(
        user_id=handler_id, active=True, role__in=LEVEL_ROLES.get(level, ()), place_code=place_code
    ).exists()
    if not ok:
        raise field_error("handler_id", gettext("所选处置人不在该处置单位"))
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
        error=Forbidden(gettext("只有工单所在层级（或上级）的工作人员可以派遣")),
    )
    if level not in Level.values:
        raise field_error("level", gettext("请选择处置层级：网格、社区、街道、区级或职能部门"))
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
            raise field_error("level", gettext("派往职能部门需由社区或以上层级派遣，请先吹哨上报"))
        dep = _department(ticket, department_id)
        for i, dep_id in enumerate(dict.fromkeys(co_department_ids or [])):
            if dep_id == dep.pk:
                continue
            co.append(_department(ticket, dep_id, field=f"co_department_ids.{i}"))
        respond_deadline, _warn = _respond_deadline(dep, at)
    else:
        place_code = place_code_at(ticket, level)
        if not place_code:
            raise field_error("level", gettext("该工单尚未落到这一层级的区划，请选择其他层级"))
        if scope is not None and not holds_level(scope, ticket, level):
            raise field_error("level", gettext("只能派往本人所在层级或下级，上级请使用吹哨上报"))
        if co_department_ids:
            raise field_error("co_department_ids", gettext("协办部门只能与主办部门一同派遣"))
    amount, unit = _limit(ticket, limit_amount, limit_unit)
    handler = _handler_user(ticket, level, place_code, handler_id) if level != Level.DEPARTMENT else None
    note = text(note, "note", "派遣意见")

    assignments_end(ticket, "redispatched")
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
    routing_choice_record(ticket, actor=actor, at=at, department_id=dep.pk if dep else None)
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
        f"预计{local_minute(ticket.deadline)}前办结",
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
    tell_handler(ticket, "dispatch", f"新工单待处置：{ticket.title}，时限至{local_minute(ticket.deadline)}")
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
            error=Forbidden(gettext("只有工单所在层级的工作人员可以吹哨上报")),
        )
        from_level = ticket.level
    else:
        require(
            actor, "tickets.escalate_ticket", ticket, error=Forbidden(gettext("只有当前处置单位可以吹哨上报"))
        )
        if ticket.level == Level.DEPARTMENT:
            raise Conflict(
                gettext("职能部门不能再向上吹哨；无法处置的请退回派遣单位并说明理由"),
                code="illegal_transition",
            )
        from_level = ticket.level
    up = level_above(from_level)
    if up is None:
        raise Conflict(gettext("工单已在区级，不能再向上吹哨，请派往职能部门"), code="illegal_transition")
    if not place_code_at(ticket, up):
        raise Conflict(gettext("该工单尚未落到上一级区划，请先派遣"), code="illegal_transition")
    assignments_end(ticket, "escalated")
    due_clear(ticket, at)
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
            raise Conflict(gettext("本部门已报到"), code="already_responded")
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
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden(gettext("只有被派遣的处置单位可以报到")))
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
    require(actor, "tickets.handle_ticket", ticket, error=Forbidden(gettext("只有被派遣的处置单位可以退回")))
    reason = text(reason, "reason", "退回理由", required=True, max_length=300)
    dispatcher_id, from_level, dep_id = ticket.dispatcher_id, ticket.level, ticket.department_id
    assignments_end(ticket, "returned")
    due_clear(ticket, at)
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
