"""Monitoring platforms, their signing keys (the secret shown once, never stored) and the district
admin's edits of the event-to-category table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.core.scope import scope_of
from gongzhi.devices import signing
from gongzhi.devices.enums import EventKind
from gongzhi.devices.models import EventRoute, Platform, PlatformKey
from gongzhi.devices.services._common import checked_text, place_codes, platform_place_label
from gongzhi.tickets.models import Category

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

ADMIN_ONLY = "只有区级管理员可以管理监控平台和签名密钥"
STORM_MAX_MINUTES = 7 * 24 * 60


def _districts(actor: Actor | None) -> set[str] | None:
    if actor is None:
        return None
    scope = scope_of(actor)
    return None if scope.superuser else scope.district_codes


@transaction.atomic
def platform_create(
    *, actor: Actor | None, name: str, place_code: str, vendor: str = "", note: str = ""
) -> Platform:
    require(actor, "devices.manage_platform", error=Forbidden(ADMIN_ONLY))
    name = checked_text(name, "name", "平台名称", max_length=100, required=True)
    place_code = (place_code or "").strip()
    label = platform_place_label(place_code)
    if label is None:
        raise field_error("place_code", "请选择覆盖范围：区县、街道、社区或网格")
    districts = _districts(actor)
    if districts is not None and place_code[:6] not in districts:
        raise field_error("place_code", "覆盖范围只能是本人管理的区县内的区划")
    platform = Platform(
        name=name,
        vendor=checked_text(vendor, "vendor", "厂商", max_length=60),
        note=checked_text(note, "note", "备注", max_length=200),
        place_code=place_code,
        place_label=label[:100],
        created_by_id=actor.pk if actor is not None else None,
        **place_codes(place_code),
    )
    platform.save(force_insert=True)
    audit_record(
        actor=actor,
        target=platform,
        event="devices.platform_created",
        data={"name": name, "place": place_code},
    )
    return platform


@dataclass(frozen=True)
class IssuedPlatformKey:
    key: PlatformKey
    secret: str  # shown once, never stored


def _platform_for_admin(actor: Actor | None, platform_id: int) -> Platform:
    require(actor, "devices.manage_platform", error=Forbidden(ADMIN_ONLY))
    platform = Platform.objects.select_for_update().filter(pk=platform_id).first()
    districts = _districts(actor)
    if platform is None or (districts is not None and platform.district_code not in districts):
        raise NotFound("监控平台不存在或无权管理")
    return platform


@transaction.atomic
def platform_key_issue(*, actor: Actor | None, platform_id: int) -> IssuedPlatformKey:
    platform = _platform_for_admin(actor, platform_id)
    new = signing.new_key()
    key = PlatformKey.objects.create(
        platform=platform,
        key_id=new.key_id,
        salt=new.salt,
        key_hash=new.key_hash,
        created_by_id=actor.pk if actor is not None else None,
    )
    audit_record(
        actor=actor,
        target=platform,
        event="devices.key_issued",
        data={"key_id": key.key_id, "name": platform.name},
    )
    return IssuedPlatformKey(key=key, secret=new.secret)


@transaction.atomic
def platform_key_revoke(*, actor: Actor | None, key_id: int, now: datetime | None = None) -> PlatformKey:
    require(actor, "devices.manage_platform", error=Forbidden(ADMIN_ONLY))
    key = (
        PlatformKey.objects.select_for_update(of=("self",))
        .select_related("platform")
        .filter(pk=key_id)
        .first()
    )
    districts = _districts(actor)
    if key is None or (districts is not None and key.platform.district_code not in districts):
        raise NotFound("密钥不存在或无权管理")
    if key.revoked_at is not None:
        return key
    key.revoked_at = now or timezone.now()
    key.revoked_by_id = actor.pk if actor is not None else None
    key.save(update_fields=["revoked_at", "revoked_by"])
    audit_record(actor=actor, target=key.platform, event="devices.key_revoked", data={"key_id": key.key_id})
    return key


@transaction.atomic
def event_route_set(
    *,
    actor: Actor | None,
    kind: str,
    raise_ticket: bool,
    category_code: str = "",
    urgent: bool = False,
    storm_minutes: int | None = None,
) -> EventRoute:
    """The district admin's choice for one event kind (the shipped table is ``routing.DEFAULT_ROUTES``)."""
    require(actor, "devices.edit_route", error=Forbidden("只有区级管理员可以修改设备事件与工单分类的对应"))
    if kind not in EventKind.values:
        raise field_error("kind", "事件类型不正确")
    category = None
    if category_code:
        category = Category.objects.filter(code=category_code.strip(), active=True).first()
        if category is None:
            raise field_error("category_code", f"事件分类“{category_code[:20]}”不存在或已停用")
    minutes = storm_minutes if storm_minutes is not None else 30
    if not 1 <= int(minutes) <= STORM_MAX_MINUTES:
        raise field_error("storm_minutes", f"合并窗口应在1到{STORM_MAX_MINUTES}分钟之间")
    route = EventRoute.objects.select_for_update().filter(kind=kind).first() or EventRoute(kind=kind)
    route.raise_ticket = bool(raise_ticket)
    route.category = category
    route.urgent = bool(urgent)
    route.storm_minutes = int(minutes)
    route.updated_by_id = actor.pk if actor is not None else None
    route.save()
    audit_record(
        actor=actor,
        target=route,
        event="devices.route_set",
        data={
            "kind": kind,
            "raise_ticket": route.raise_ticket,
            "category": category.code if category else "",
            "urgent": route.urgent,
            "storm_minutes": route.storm_minutes,
        },
    )
    return route
