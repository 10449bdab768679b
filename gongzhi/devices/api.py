"""The devices router (``/api/v1/devices/``).

Two operations are for monitoring platforms, not people: ``POST /events`` and ``POST /heartbeats`` are
authenticated by the request's HMAC signature (``signing.py``: key id, timestamp, ``v1=`` signature over
timestamp + body), never by a session, so they carry no CSRF token. Their errors are the one error shape
with Chinese messages: 401 unsigned, unknown key, stale timestamp or wrong signature; 409 a replayed
signature; 400 a bad body or a refused (face/identity) event kind; 404 a device not registered for the
platform. The rest are staff reads by scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed
from gongzhi.devices import payload, selectors, signing
from gongzhi.devices.enums import EventKind
from gongzhi.devices.services.events import device_event_receive, device_heartbeats_receive

router = Router(tags=["智慧社区设备"])

SIGNED_HEADERS = [
    {"name": signing.HEADER_KEY, "in": "header", "required": True, "schema": {"type": "string"}},
    {"name": signing.HEADER_TIMESTAMP, "in": "header", "required": True, "schema": {"type": "string"}},
    {"name": signing.HEADER_SIGNATURE, "in": "header", "required": True, "schema": {"type": "string"}},
]
EVENT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["event_id", "device", "kind"],
                "properties": {
                    "event_id": {
                        "type": "string",
                        "maxLength": 64,
                        "description": "平台的事件编号（幂等键）",
                    },
                    "device": {"type": "string", "maxLength": 40, "description": "设备编码"},
                    "kind": {"type": "string", "enum": list(EventKind.values)},
                    "state": {"type": "string", "enum": ["start", "end"]},
                    "occurred_at": {"type": "string", "description": "ISO 8601（带时区）或Unix秒/毫秒"},
                    "confidence": {"type": "number", "minimum": 0, "maximum": 1},
                    "zone": {"type": "string", "maxLength": 60},
                    "snapshot": {"type": "string", "description": "现场抓拍（JPEG/PNG/WebP，base64）"},
                },
            }
        }
    },
}
HEARTBEAT_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "required": ["devices"],
                "properties": {"devices": {"type": "array", "items": {"type": "string"}, "maxItems": 1000}},
            }
        }
    },
}


class DeviceEventAnswer(Schema):
    event_id: str
    outcome: str
    duplicate: bool
    ticket_id: int | None
    ticket_number: str
    incident_count: int
    stripped: list[str]


class HeartbeatAnswer(Schema):
    heard: int
    unknown: list[str]


def _verified(request: HttpRequest) -> selectors.Verified:
    return selectors.request_verify(
        key_id=request.headers.get(signing.HEADER_KEY, ""),
        timestamp=request.headers.get(signing.HEADER_TIMESTAMP, ""),
        signature_header=request.headers.get(signing.HEADER_SIGNATURE, ""),
        body=request.body,
    )


@router.post(
    "/events",
    auth=None,
    response={200: DeviceEventAnswer, 201: DeviceEventAnswer, **ERRORS},
    summary="监控平台推送设备事件（HMAC签名，非会话）",
    openapi_extra={"parameters": SIGNED_HEADERS, "requestBody": EVENT_BODY},
)
def events(request: HttpRequest):
    verified = _verified(request)
    data = payload.event_of(payload.read_json(request.body), now=timezone.now())
    got = device_event_receive(verified=verified, data=data)
    ticket_number = ""
    if got.ticket_id:
        from gongzhi.tickets.models import Ticket

        created = Ticket.objects.filter(pk=got.ticket_id).values_list("created_at", flat=True).first()
        if created:
            ticket_number = f"{timezone.localtime(created):%Y%m%d}-{got.ticket_id:07d}"
    body = {
        "event_id": got.event.event_id,
        "outcome": got.event.outcome,
        "duplicate": got.duplicate,
        "ticket_id": got.ticket_id,
        "ticket_number": ticket_number,
        "incident_count": got.incident_count,
        "stripped": list(got.event.stripped or []),
    }
    return Status(200 if got.duplicate else 201, body)


@router.post(
    "/heartbeats",
    auth=None,
    response={200: HeartbeatAnswer, **ERRORS},
    summary="监控平台上报设备心跳（HMAC签名，非会话）",
    openapi_extra={"parameters": SIGNED_HEADERS, "requestBody": HEARTBEAT_BODY},
)
def heartbeats(request: HttpRequest):
    verified = _verified(request)
    codes = payload.heartbeat_codes(payload.read_json(request.body))
    heard = device_heartbeats_receive(verified=verified, codes=codes)
    return Status(200, {"heard": heard.heard, "unknown": heard.unknown})


# --- staff reads --------------------------------------------------------------------------------------


class DeviceOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    vendor: str
    place: str
    building: str
    community_code: str
    grid_code: str
    status: str
    last_heard_at: dt.datetime | None
    heartbeat_minutes: int


class DeviceFiguresOut(Schema):
    community_code: str
    community_name: str
    by_kind: dict[str, int]
    devices: int
    offline: int
    events_this_month: int
    tickets_from_devices: int


def _reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not allowed(actor, "devices.list_device"):
        raise NotFound()
    return actor


def _device(d: Any) -> dict[str, Any]:
    return {name: getattr(d, name) for name in DeviceOut.model_fields if name != "id"} | {"id": d.pk}


@router.get(
    "/",
    auth=session_auth,
    response={200: list[DeviceOut], **ERRORS},
    summary="设备台账（本人范围，可按类型、状态、社区、网格筛选）",
)
def device_list(
    request: HttpRequest,
    kind: str = "",
    status: str = "",
    community_code: str = "",
    grid_code: str = "",
    limit: int = 500,
):
    actor = _reader(request)
    rows = selectors.device_list_for_actor(
        actor=actor, kind=kind, status=status, community_code=community_code, grid_code=grid_code
    )
    return [_device(d) for d in rows[: max(1, min(limit, 1000))]]


@router.get(
    "/figures",
    auth=session_auth,
    response={200: list[DeviceFiguresOut], **ERRORS},
    summary="各社区设备数（按类型）、离线数、本月事件数、设备生成的工单数",
)
def figures(request: HttpRequest):
    actor = _reader(request)
    return [f.__dict__ for f in selectors.device_figures_for_actor(actor=actor)]
