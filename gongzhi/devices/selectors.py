"""Reads of the devices app, with the actor's scope applied (missing and forbidden are the same 404);
the route of an event kind; the signed request's key; the overview figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.devices import signing
from gongzhi.devices.enums import DeviceKind, DeviceStatus, EventKind
from gongzhi.devices.models import Device, DeviceEvent, EventRoute, Incident, Platform, PlatformKey
from gongzhi.devices.routing import DEFAULT_ROUTES, Route
from gongzhi.tickets.models import Category

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- the signed request ----------------------------------------------------------------------------


class Unsigned(ApplicationError):
    status = 401
    code = "bad_signature"


@dataclass(frozen=True)
class Verified:
    key: PlatformKey
    platform: Platform
    signature: str
    timestamp: int


def request_verify(
    *, key_id: str, timestamp: str, signature_header: str, body: bytes, now: dt.datetime | None = None
) -> Verified:
    """The platform key that signed this request, or a 401 in Chinese saying what is wrong. The replay
    check (a signature seen before) is the write's: ``events.device_event_receive`` records it."""
    at = now or timezone.now()
    key_id = (key_id or "").strip()
    if not key_id:
        raise Unsigned(
            f"缺少签名：请在请求头 {signing.HEADER_KEY}、{signing.HEADER_TIMESTAMP}、{signing.HEADER_SIGNATURE} 中提供密钥编号、时间戳和签名",
            code="unsigned",
        )
    key = (
        PlatformKey.objects.select_related("platform").filter(key_id=key_id[:32]).first()
        if len(key_id) <= 32
        else None
    )
    if key is None or key.revoked_at is not None:
        raise Unsigned("签名密钥不存在或已停用", code="unknown_key")
    ts = (timestamp or "").strip()
    if not ts.isdigit() or len(ts) > 12:
        raise Unsigned("时间戳格式不正确：应为Unix秒数", code="bad_timestamp")
    if abs(int(ts) - int(at.timestamp())) > signing.WINDOW_SECONDS:
        raise Unsigned(
            f"请求已过期：时间戳与服务器时间相差超过{signing.WINDOW_SECONDS}秒，请校准时钟后重新签名",
            code="stale",
        )
    secret = signing.secret_for(key.key_id, key.salt)
    if signing.hash_secret(secret) != key.key_hash:
        raise Unsigned("签名密钥无法校验（服务器密钥已更换），请联系区级管理员重新签发", code="unknown_key")
    found = signing.matching(secret, ts, body, signature_header)
    if found is None:
        raise Unsigned('签名不正确：应为 v1=HMAC-SHA256(密钥, 时间戳 + "." + 请求体)', code="bad_signature")
    return Verified(key=key, platform=key.platform, signature=found, timestamp=int(ts))


# --- routes -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResolvedRoute:
    kind: str
    raise_ticket: bool
    category: Category | None
    urgent: bool
    storm_minutes: int
    edited: bool


def route_for(kind: str) -> ResolvedRoute:
    """The district admin's row for the kind if there is one, else the shipped table; a category that
    no longer exists or is inactive is no category (the intake desk classifies the ticket)."""
    row = EventRoute.objects.select_related("category").filter(kind=kind).first()
    if row is not None:
        category = row.category if row.category is not None and row.category.active else None
        return ResolvedRoute(kind, row.raise_ticket, category, row.urgent, row.storm_minutes, True)
    default: Route = DEFAULT_ROUTES[kind]
    category = (
        Category.objects.filter(code=default.category_code, active=True).first()
        if default.category_code
        else None
    )
    return ResolvedRoute(kind, default.raise_ticket, category, default.urgent, default.storm_minutes, False)


def route_table() -> list[ResolvedRoute]:
    return [route_for(kind) for kind in EventKind.values]


# --- reads by scope ---------------------------------------------------------------------------------


def _scoped(actor: Actor, qs: QuerySet[Any]) -> QuerySet[Any]:
    scope = scope_of(actor)
    if scope.superuser:
        return qs
    return qs.filter(scope.place_q(TICKET_READERS))


def device_list_for_actor(
    *,
    actor: Actor,
    kind: str = "",
    status: str = "",
    community_code: str = "",
    grid_code: str = "",
    q: str = "",
) -> QuerySet[Device]:
    qs = _scoped(actor, Device.objects.select_related("platform"))
    if kind in DeviceKind.values:
        qs = qs.filter(kind=kind)
    if status in DeviceStatus.values:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code[:12])
    if grid_code:
        qs = qs.filter(grid_code=grid_code[:15])
    if q:
        q = q.strip()[:40]
        qs = qs.filter(
            Q(code__icontains=q) | Q(name__icontains=q) | Q(place__icontains=q) | Q(building__icontains=q)
        )
    return qs.order_by("community_code", "kind", "code")


def device_get_for_actor(*, actor: Actor, device_id: int) -> Device:
    device = _scoped(actor, Device.objects.select_related("platform")).filter(pk=device_id).first()
    if device is None:
        raise NotFound("设备不存在或无权查看")
    return device


def offline_list_for_actor(*, actor: Actor) -> QuerySet[Device]:
    return _scoped(
        actor, Device.objects.filter(status=DeviceStatus.OFFLINE).select_related("platform")
    ).order_by("offline_since", "code")


def device_event_list_for_actor(
    *, actor: Actor, kind: str = "", device_id: int | None = None, community_code: str = "", limit: int = 300
) -> list[DeviceEvent]:
    qs = _scoped(actor, DeviceEvent.objects.select_related("device", "incident", "platform"))
    if kind in EventKind.values:
        qs = qs.filter(kind=kind)
    if device_id:
        qs = qs.filter(device_id=device_id)
    if community_code:
        qs = qs.filter(community_code=community_code[:12])
    return list(qs.order_by("-occurred_at", "-id")[: max(1, min(limit, 1000))])


def device_event_get_for_actor(*, actor: Actor, event_id: int) -> DeviceEvent:
    event = (
        _scoped(actor, DeviceEvent.objects.select_related("device", "incident", "platform", "snapshot"))
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        raise NotFound("设备事件不存在或无权查看")
    return event


def incident_list_for_actor(*, actor: Actor, open_only: bool = False, limit: int = 300) -> list[Incident]:
    qs = _scoped(actor, Incident.objects.select_related("device", "ticket"))
    if open_only:
        qs = qs.filter(ended_at__isnull=True)
    return list(qs.order_by("-last_at")[: max(1, min(limit, 1000))])


@dataclass
class CommunityFigures:
    community_code: str
    community_name: str
    by_kind: dict[str, int]
    devices: int
    offline: int
    events_this_month: int
    tickets_from_devices: int


def _month_start() -> dt.datetime:
    today = timezone.localdate()
    return timezone.make_aware(dt.datetime(today.year, today.month, 1))


def device_figures_for_actor(*, actor: Actor) -> list[CommunityFigures]:
    """Per community of the actor's scope: devices by kind, offline, events this month, tickets raised."""
    from gongzhi.places.models import Community

    devices = _scoped(actor, Device.objects.exclude(status=DeviceStatus.RETIRED))
    rows: dict[str, CommunityFigures] = {}
    names = dict(Community.objects.values_list("code", "name"))
    for r in devices.values("community_code", "kind", "status").annotate(n=Count("id")):
        f = rows.setdefault(
            r["community_code"],
            CommunityFigures(r["community_code"], names.get(r["community_code"], ""), {}, 0, 0, 0, 0),
        )
        f.by_kind[r["kind"]] = f.by_kind.get(r["kind"], 0) + r["n"]
        f.devices += r["n"]
        if r["status"] == DeviceStatus.OFFLINE:
            f.offline += r["n"]
    events = _scoped(actor, DeviceEvent.objects.filter(occurred_at__gte=_month_start()))
    for r in events.values("community_code").annotate(n=Count("id")):
        if r["community_code"] in rows:
            rows[r["community_code"]].events_this_month = r["n"]
    tickets = _scoped(actor, Incident.objects.filter(ticket__isnull=False))
    for r in tickets.values("community_code").annotate(n=Count("ticket_id", distinct=True)):
        if r["community_code"] in rows:
            rows[r["community_code"]].tickets_from_devices = r["n"]
    return sorted(rows.values(), key=lambda f: f.community_code)


def platform_list_for_actor(*, actor: Actor) -> list[Platform]:
    scope = scope_of(actor)
    qs = Platform.objects.prefetch_related("keys").annotate(device_count=Count("devices"))
    if not scope.superuser:
        qs = qs.filter(district_code__in=sorted(scope.district_codes))
    return list(qs.order_by("-id"))


def devices_counts() -> dict[str, int]:
    """The overview's ``devices`` key, district-wide from the records."""
    live = Device.objects.exclude(status=DeviceStatus.RETIRED)
    return {
        "devices": live.count(),
        "offline": live.filter(status=DeviceStatus.OFFLINE).count(),
        "events_this_month": DeviceEvent.objects.filter(occurred_at__gte=_month_start()).count(),
        "tickets_from_devices": Incident.objects.filter(ticket__isnull=False)
        .values("ticket_id")
        .distinct()
        .count(),
    }
