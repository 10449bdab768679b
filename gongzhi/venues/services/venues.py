"""Writes of the venue register: register a venue, change its hours and services, stop using it, and
record a standards inspection; the demo's batch registration."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, ValidationFailed
from gongzhi.core.permissions import require
from gongzhi.venues.enums import StandardItem, VenueKind
from gongzhi.venues.models import Venue, VenueInspection
from gongzhi.venues.selectors import venue_list_for_actor

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community, Grid


@dataclass
class VenueInput:
    kind: str
    name: str
    address: str
    lng: float | None = None
    lat: float | None = None
    grid_id: int | None = None
    open_weekdays: Iterable[int] = (0, 1, 2, 3, 4)
    opens_at: dt.time | None = dt.time(9, 0)
    closes_at: dt.time | None = dt.time(17, 0)
    after_hours_678: bool = False
    services: Iterable[str] = field(default_factory=list)
    manager_name: str = ""
    capacity: int = 20
    floor_area: int | None = None
    bookable: bool = True


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)


def _text(errors: dict[str, str], name: str, value: str, label: str, max_len: int, required: bool) -> str:
    value = (value or "").strip()
    if required and not value:
        errors[name] = gettext("请填写%(label)s") % {"label": label}
    elif len(value) > max_len:
        errors[name] = gettext("%(label)s不能超过%(max_len)s个字") % {"label": label, "max_len": max_len}
    return value


def _clean(data: VenueInput, community: Community) -> dict[str, Any]:
    from gongzhi.places.models import Grid

    errors: dict[str, str] = {}
    out: dict[str, Any] = {
        "name": _text(errors, "name", data.name, gettext("阵地名称"), 100, True),
        "address": _text(errors, "address", data.address, gettext("地址"), 200, True),
        "manager_name": _text(errors, "manager_name", data.manager_name, gettext("管理人"), 50, False),
    }
    if data.kind not in VenueKind.values:
        errors["kind"] = gettext("请选择阵地类型")
    if (data.lng is None) != (data.lat is None):
        errors["lng"] = gettext("经度和纬度需同时填写")
    elif (
        data.lng is not None and data.lat is not None and not (73 <= data.lng <= 136 and 3 <= data.lat <= 54)
    ):
        errors["lng"] = gettext("坐标不在中国境内，请检查经纬度")
    days = sorted({int(d) for d in data.open_weekdays if str(d).lstrip("-").isdigit()})
    if any(not 0 <= d <= 6 for d in days):
        errors["open_weekdays"] = gettext("开放日应为周一至周日")
    if data.opens_at is None or data.closes_at is None:
        errors["opens_at"] = gettext("请填写开放时间和关闭时间")
    elif data.closes_at <= data.opens_at:
        errors["closes_at"] = gettext("关闭时间应晚于开放时间")
    services = list(dict.fromkeys(s.strip()[:20] for s in data.services if s and s.strip()))
    if len(services) > 30:
        errors["services"] = gettext("服务项目不能超过30项")
    if not isinstance(data.capacity, int) or not 1 <= data.capacity <= 10000:
        errors["capacity"] = gettext("容纳人数应为1到10000之间的整数")
    if data.floor_area is not None and not 1 <= data.floor_area <= 1_000_000:
        errors["floor_area"] = gettext("面积应为1到1000000平方米")
    grid: Grid | None = None
    if data.grid_id:
        grid = (
            Grid.objects.filter(pk=data.grid_id, community=community).first()
            if bounds.int_in_range(data.grid_id)
            else None
        )
        if grid is None:
            errors["grid_id"] = gettext("网格不存在或不在本社区")
    _raise(errors)
    lng, lat = data.lng, data.lat
    if lng is None and grid is not None:
        lng, lat = grid.center_lng, grid.center_lat
    out.update(
        kind=data.kind,
        grid=grid,
        lng=lng,
        lat=lat,
        open_weekdays=days,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        after_hours_678=bool(data.after_hours_678),
        services=services,
        capacity=data.capacity,
        floor_area=data.floor_area,
        bookable=bool(data.bookable),
    )
    return out


def _community(community_id: int) -> Community:
    from gongzhi.places.models import Community

    community = (
        Community.objects.filter(pk=community_id).first() if bounds.int_in_range(community_id) else None
    )
    if community is None:
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("请选择社区")})
    return community


def _new_venue(community: Community, clean: dict[str, Any]) -> Venue:
    venue = Venue(community=community, **clean)
    grid: Grid | None = clean.get("grid")
    venue.set_place_codes(grid_code=grid.code if grid else "", community_code=community.code)
    return venue


@transaction.atomic
def venue_register(*, actor: Actor, community_id: int, data: VenueInput) -> Venue:
    community = _community(community_id)
    require(
        actor,
        "venues.manage_venue",
        community,
        error=ValidationFailed(
            gettext("只能在本人负责的社区登记阵地"),
            fields={"community_id": gettext("只能在本人负责的社区登记阵地")},
        ),
    )
    clean = _clean(data, community)
    if Venue.objects.filter(community=community, name=clean["name"]).exists():
        raise ValidationFailed(gettext("本社区已有同名阵地"), fields={"name": gettext("本社区已有同名阵地")})
    venue = _new_venue(community, clean)
    venue.save()
    audit_record(
        actor=actor,
        target=venue,
        event="venues.venue_registered",
        data={"kind": venue.kind, "name": venue.name},
    )
    return venue


@transaction.atomic
def venue_update(*, actor: Actor, venue_id: int, data: VenueInput) -> Venue:
    visible = list(
        venue_list_for_actor(actor=actor, active=None).filter(pk=venue_id).values_list("pk", flat=True)
    )
    venue = (
        Venue.objects.select_for_update(of=("self",))
        .filter(pk__in=visible)
        .select_related("community")
        .first()
    )
    if venue is None:
        raise NotFound(gettext("阵地不存在或无权查看"))
    require(actor, "venues.manage_venue", venue)
    clean = _clean(data, venue.community)
    if Venue.objects.filter(community=venue.community, name=clean["name"]).exclude(pk=venue.pk).exists():
        raise ValidationFailed(gettext("本社区已有同名阵地"), fields={"name": gettext("本社区已有同名阵地")})
    changed = [k for k, v in clean.items() if getattr(venue, k) != v]
    for k in changed:
        setattr(venue, k, clean[k])
    grid = clean.get("grid")
    venue.set_place_codes(grid_code=grid.code if grid else "", community_code=venue.community.code)
    venue.save()
    audit_record(actor=actor, target=venue, event="venues.venue_changed", data={"fields": sorted(changed)})
    return venue


@transaction.atomic
def venue_deactivate(*, actor: Actor, venue_id: int) -> Venue:
    visible = list(
        venue_list_for_actor(actor=actor, active=None).filter(pk=venue_id).values_list("pk", flat=True)
    )
    venue = Venue.objects.select_for_update(of=("self",)).filter(pk__in=visible).first()
    if venue is None:
        raise NotFound(gettext("阵地不存在或无权查看"))
    require(actor, "venues.manage_venue", venue)
    venue.active = False
    venue.save(update_fields=["active", "updated_at"])
    audit_record(actor=actor, target=venue, event="venues.venue_deactivated", data={})
    return venue


@transaction.atomic
def venue_inspect(
    *,
    actor: Actor,
    venue_id: int,
    met_items: Iterable[str],
    inspected_on: dt.date | None = None,
    note: str = "",
) -> VenueInspection:
    """A standards inspection: the checklist items the venue meets; the others need work (整改)."""
    venue = venue_list_for_actor(actor=actor, active=None).filter(pk=venue_id).first()
    if venue is None:
        raise NotFound(gettext("阵地不存在或无权查看"))
    require(actor, "venues.manage_venue", venue)
    errors: dict[str, str] = {}
    met = set(met_items)
    unknown = met - set(StandardItem.values)
    if unknown:
        errors["met_items"] = gettext("无法识别的检查项：%(value)s") % {"value": "、".join(sorted(unknown))}
    day = inspected_on or timezone.localdate()
    if not bounds.date_in_range(day) or day > timezone.localdate():
        errors["inspected_on"] = gettext("检查日期不能晚于今天")
    note = _text(errors, "note", note, gettext("整改意见"), 500, False)
    _raise(errors)
    results = {item: item in met for item in StandardItem.values}
    inspection = VenueInspection(
        venue=venue,
        inspected_on=day,
        inspector_id=actor.pk,
        results=results,
        met=sum(results.values()),
        total=len(results),
        note=note,
    )
    inspection.set_place_codes(grid_code=venue.grid_code, community_code=venue.community_code)
    inspection.save()
    audit_record(
        actor=actor,
        target=inspection,
        event="venues.venue_inspected",
        data={"venue": venue.pk, "met": inspection.met, "total": inspection.total},
    )
    return inspection


@dataclass
class VenueRow:
    community: Community
    data: VenueInput
    grid: Grid | None = None


@transaction.atomic
def venues_bulk_register(*, actor: Actor | None, rows: list[VenueRow]) -> list[Venue]:
    """A batch of venues registered by the district (the demo district, an import): one audit row."""
    if not rows:
        return []
    out = []
    for r in rows:
        r.data.grid_id = r.grid.pk if r.grid else None
        out.append(_new_venue(r.community, _clean(r.data, r.community)))
    Venue.objects.bulk_create(out, batch_size=500)
    audit_record(
        actor=actor, target=out[0].community, event="venues.venues_imported", data={"count": len(out)}
    )
    return out
