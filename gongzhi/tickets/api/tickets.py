"""/api/v1/tickets: thin handlers over the ticket services and selectors.

``POST /tickets`` and ``POST /tickets/{id}/{action}`` take JSON, or multipart with ``photos`` files (up to
nine images) and the same fields as form fields.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import FileResponse, HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status
from pydantic import ValidationError

from gongzhi.core import bounds, ratelimit
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level, Move, TicketStatus
from gongzhi.tickets.forms import MoveIn, field_messages
from gongzhi.tickets.models import Ticket, TicketEvent, TicketPhoto
from gongzhi.tickets.selectors import tickets as selectors
from gongzhi.tickets.selectors.tickets import ticket_photo_url
from gongzhi.tickets.services.reveal import CALLBACK_REASON, ticket_reporter_phone_reveal

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["网格事件"], auth=session_auth)


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class TicketIn(Schema):
    description: str = Field(..., max_length=4000, description="问题描述")
    channel: str = Field(
        Channel.RESIDENT, description="来源：patrol, resident, hotline, appointment, assigned, api"
    )
    title: str = Field("", max_length=100)
    category_code: str = Field("", max_length=12)
    lng: float | None = None
    lat: float | None = None
    coord_system: str = Field("wgs84", description="wgs84（GPS）、gcj02（高德/腾讯/微信）或 bd09（百度）")
    address: str = Field("", max_length=200)
    grid_code: str = Field("", max_length=15)
    reporter_name: str = Field("", max_length=50)
    reporter_phone: str = Field("", max_length=30)
    reporter_email: str = Field("", max_length=120)
    anonymous: bool = False
    channel_source: str = Field("", max_length=100)
    external_id: str = Field("", max_length=64)
    urgent: bool = False
    patrol_id: int | None = None


class PhotoOut(Schema):
    id: int
    stage: str
    url: str
    width: int
    height: int


class EventOut(Schema):
    id: int
    at: datetime
    move: str
    move_label: str
    actor_label: str
    from_status: str
    to_status: str
    note: str
    public_note: str
    photos: list[PhotoOut]


class TicketOut(Schema):
    id: int
    number: str
    title: str
    status: str
    status_label: str
    channel: str
    channel_label: str
    channel_source: str
    category_code: str | None
    category_name: str | None
    level: str
    level_label: str
    urgent: bool
    address: str
    lng: float | None
    lat: float | None
    district_code: str
    subdistrict_code: str
    community_code: str
    grid_code: str
    department: str | None
    deadline: datetime | None
    deadline_warning: str
    overdue: bool
    supervision: str
    satisfaction: str
    created_at: datetime
    updated_at: datetime
    closed_at: datetime | None


class TicketDetailOut(TicketOut):
    description: str
    result: str
    reporter_name: str
    reporter_phone: str
    anonymous: bool
    first_responder: str | None
    rework_count: int
    return_count: int
    reopen_count: int
    duplicate_of: int | None
    actions: list[str]
    photos: list[PhotoOut]
    timeline: list[EventOut]


class TicketPage(Schema):
    items: list[TicketOut]
    next_after: int | None


class ListQuery(Schema):
    inbox: str = Field(
        "", description="accept, dispatch, handle, verify, callback, overdue, supervised, mine"
    )
    status: str = Field("", description="逗号分隔的状态")
    category: str = ""
    channel: str = ""
    place: str = Field("", description="区县、街道、社区或网格代码")
    since: datetime | None = None
    until: datetime | None = None
    q: str = Field("", max_length=50, description="全文检索（支持“路灯”“噪音”等双字词）或工单编号")
    after: int | None = Field(None, description="上一页返回的 next_after")
    limit: int = Field(50, ge=1, le=100)


class CategoryOut(Schema):
    code: str
    name: str
    kind: str
    default_level: str
    department_code: str
    limit_amount: int
    limit_unit: str
    close_conditions: str
    children: list[CategoryOut] = []


def _photo(p: TicketPhoto) -> dict[str, Any]:
    return {"id": p.pk, "stage": p.stage, "url": ticket_photo_url(p), "width": p.width, "height": p.height}


def ticket_out(t: Ticket) -> dict[str, Any]:
    return {
        "id": t.pk,
        "number": t.number,
        "title": t.title,
        "status": t.status,
        "status_label": str(TicketStatus(t.status).label),
        "channel": t.channel,
        "channel_label": str(Channel(t.channel).label),
        "channel_source": t.channel_source,
        "category_code": t.category.code if t.category_id and t.category else None,
        "category_name": t.category.name if t.category_id and t.category else None,
        "level": t.level,
        "level_label": str(Level(t.level).label),
        "urgent": t.urgent,
        "address": t.address,
        "lng": t.lng,
        "lat": t.lat,
        "district_code": t.district_code,
        "subdistrict_code": t.subdistrict_code,
        "community_code": t.community_code,
        "grid_code": t.grid_code,
        "department": t.department.name if t.department_id and t.department else None,
        "deadline": t.deadline,
        "deadline_warning": t.deadline_warning,
        "overdue": t.is_overdue,
        "supervision": t.supervision,
        "satisfaction": t.satisfaction,
        "created_at": t.created_at,
        "updated_at": t.updated_at,
        "closed_at": t.closed_at,
    }


def _event(e: TicketEvent, public: bool) -> dict[str, Any]:
    return {
        "id": e.pk,
        "at": e.at,
        "move": e.move,
        "move_label": str(Move(e.move).label),
        "actor_label": "" if public else e.actor_label,
        "from_status": e.from_status,
        "to_status": e.to_status,
        "note": "" if public else e.note,
        "public_note": e.public_note,
        "photos": [_photo(p) for p in e.photos.all()],
    }


def ticket_detail(
    actor: User,
    ticket: Ticket,
    *,
    events: list[TicketEvent] | None = None,
    photos: list[TicketPhoto] | None = None,
) -> dict[str, Any]:
    """The ticket with its timeline; ``events`` and ``photos`` when the caller holds them already (a
    ticket just reported: its one timeline row and its photos, each row's photos attached)."""
    staff = allowed(actor, "tickets.view_timeline", ticket)
    if events is None:
        events = (
            selectors.ticket_timeline(ticket=ticket) if staff else selectors.public_timeline(ticket=ticket)
        )
    elif not staff:
        events = [e for e in events if e.public_note]
    if photos is None:
        photos = selectors.ticket_photos(ticket=ticket)
    return {
        **ticket_out(ticket),
        "description": ticket.description,
        "result": ticket.result,
        "reporter_name": ticket.reporter_name if staff or not ticket.anonymous else "",
        "reporter_phone": ticket.reporter_phone_masked,
        "anonymous": ticket.anonymous,
        "first_responder": ticket.first_responder.display_label if ticket.first_responder else None,
        "rework_count": ticket.rework_count,
        "return_count": ticket.return_count,
        "reopen_count": ticket.reopen_count,
        "duplicate_of": ticket.duplicate_of_id,
        "actions": selectors.ticket_actions_for_actor(actor=actor, ticket=ticket),
        "photos": [_photo(p) for p in photos],
        "timeline": [_event(e, public=not staff) for e in events],
    }


def parse_body(request: HttpRequest, schema: type[Schema]) -> tuple[Any, list[Any]]:
    """JSON, or multipart/form fields plus ``photos`` files, validated by ``schema``."""
    content_type = request.content_type or ""
    files: list[Any] = []
    if content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
        data: dict[str, Any] = {}
        for key in request.POST:
            values = request.POST.getlist(key)
            data[key.removesuffix("[]")] = values if key.endswith("[]") or len(values) > 1 else values[0]
        files = request.FILES.getlist("photos")
    else:
        try:
            data = json.loads(request.body or b"{}")
        except (ValueError, UnicodeDecodeError) as exc:
            raise ValidationFailed(
                gettext("请求内容不是有效的JSON"), fields={"body": gettext("JSON格式错误")}
            ) from exc
        if not isinstance(data, dict):
            raise ValidationFailed(gettext("请求内容应为JSON对象"), fields={"body": gettext("应为对象")})
    try:
        payload = schema.model_validate(data)
    except ValidationError as exc:
        fields = field_messages(exc)
        first = next(iter(fields.items()))
        raise ValidationFailed(
            gettext("请求参数有误：%(value)s %(value2)s") % {"value": first[0], "value2": first[1]},
            fields=fields,
        ) from exc
    # Parsed here, not by ninja: held to the input edges as every ninja-parsed argument is (config/api.py).
    return bounds.held(payload), files


def _body_doc(schema: type[Schema], files: bool) -> dict[str, Any]:
    json_schema = schema.json_schema()
    multipart = dict(json_schema)
    multipart["properties"] = {
        **json_schema.get("properties", {}),
        **({"photos": {"type": "array", "items": {"type": "string", "format": "binary"}}} if files else {}),
    }
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": json_schema},
                "multipart/form-data": {"schema": multipart},
            },
        }
    }


@router.post(
    "/tickets",
    response={201: TicketDetailOut, **ERRORS},
    summary="上报工单（JSON，或 multipart 附 photos 照片）",
    openapi_extra=_body_doc(TicketIn, files=True),
)
def create_ticket(request: HttpRequest):
    ratelimit.limit_resident_report(request, _actor(request))
    payload, files = parse_body(request, TicketIn)
    data = svc.TicketInput(**payload.model_dump())
    saved = svc.ticket_report_rows(actor=_actor(request), data=data, photos=files)
    # The reporter reads what they just reported: the rows the service saved are the answer (the ticket
    # with its category, its one timeline row and its photos), so nothing is read back.
    saved.event._prefetched_objects_cache = {"photos": saved.photos}
    return Status(
        201, ticket_detail(_actor(request), saved.ticket, events=[saved.event], photos=saved.photos)
    )


@router.get("/tickets", response={200: TicketPage, **ERRORS}, summary="工单列表（按权限范围，键集分页）")
def list_tickets(request: HttpRequest, query: Query[ListQuery]):
    filters = selectors.clean_filters(
        inbox=query.inbox,
        status=query.status,
        category=query.category,
        channel=query.channel,
        place=query.place,
        since=query.since,
        until=query.until,
        q=query.q,
    )
    rows = selectors.ticket_list_for_actor(
        actor=_actor(request), filters=filters, after_id=query.after, limit=query.limit
    )
    items = rows[: query.limit]
    next_after = items[-1].pk if len(rows) > query.limit else None
    return {"items": [ticket_out(t) for t in items], "next_after": next_after}


class InboxCountsOut(Schema):
    counts: dict[str, int]
    labels: dict[str, str]


@router.get("/tickets/inbox-counts", response={200: InboxCountsOut, **ERRORS}, summary="各工作台待办数")
def inbox_counts(request: HttpRequest):
    return {
        "counts": selectors.inbox_counts(actor=_actor(request)),
        "labels": {key: str(label) for key, label in selectors.INBOXES.items()},
    }


def _category(c: Any) -> dict[str, Any]:
    return {
        "code": c.code,
        "name": c.name,
        "kind": c.kind,
        "default_level": c.default_level,
        "department_code": c.department_code,
        "limit_amount": c.limit_amount,
        "limit_unit": c.limit_unit,
        "close_conditions": c.close_conditions,
        "children": [_category(k) for k in getattr(c, "kids", [])],
    }


@router.get(
    "/tickets/categories", response={200: list[CategoryOut], **ERRORS}, auth=None, summary="事件分类（两级）"
)
def categories(request: HttpRequest):
    return [_category(c) for c in selectors.category_tree()]


@router.get("/tickets/photos/{photo_id}", summary="工单照片（按工单权限）", response={200: None, **ERRORS})
def photo(request: HttpRequest, photo_id: int):
    p = TicketPhoto.objects.select_related("ticket").filter(pk=photo_id).first()
    if p is None or not allowed(_actor(request), "tickets.view_ticket", p.ticket):
        raise NotFound()
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/tickets/{ticket_id}", response={200: TicketDetailOut, **ERRORS}, summary="工单详情与办理过程")
def get_ticket(request: HttpRequest, ticket_id: int):
    ticket = selectors.ticket_get_for_actor(actor=_actor(request), ticket_id=ticket_id)
    return ticket_detail(_actor(request), ticket)


class ReporterPhoneOut(Schema):
    phone: str = Field(..., description="上报人完整电话")
    reason: str = Field(..., description="记入操作记录的事由（回访）")


# Before the moves' route: "/tickets/{id}/{action}" would take "reporter-phone" as an action.
@router.post(
    "/tickets/{ticket_id}/reporter-phone",
    response={200: ReporterPhoneOut, **ERRORS},
    summary="回访：查看上报人完整电话（负责回访的人，核查通过后；记入操作记录）",
)
def reporter_phone(request: HttpRequest, ticket_id: int):
    phone = ticket_reporter_phone_reveal(actor=_actor(request), ticket_id=ticket_id)
    return {"phone": phone, "reason": CALLBACK_REASON}


@router.post(
    "/tickets/{ticket_id}/{action}",
    response={200: TicketDetailOut, **ERRORS},
    summary="办理操作：accept, decline, merge, dispatch, escalate, respond, return, handle, verify, callback, close, extend",
    openapi_extra=_body_doc(MoveIn, files=True),
)
def move(request: HttpRequest, ticket_id: int, action: str):
    if action not in svc.ACTIONS:
        raise NotFound(gettext("没有这个操作"))
    payload, files = parse_body(request, MoveIn)
    svc.ticket_move(actor=_actor(request), ticket_id=ticket_id, action=action, data=payload, photos=files)
    ticket = selectors.ticket_get_for_actor(actor=_actor(request), ticket_id=ticket_id)
    return ticket_detail(_actor(request), ticket)
