"""The device registry: register, change and retire a device; a bulk registration for a community's
whole installation (one transaction, one audit row)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.permissions import allowed, require
from gongzhi.core.workflow import check_move
from gongzhi.devices.enums import DEFAULT_HEARTBEAT_MINUTES, DeviceKind, DeviceStatus
from gongzhi.devices.models import Device, Platform
from gongzhi.devices.services._common import checked_text
from gongzhi.devices.transitions import DEVICE
from gongzhi.places.models import Grid

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

HEARTBEAT_MAX_MINUTES = 7 * 24 * 60
BULK_MAX = 5000


@dataclass
class DeviceInput:
    code: str
    name: str
    kind: str
    grid_code: str
    vendor: str = ""
    place: str = ""
    building: str = ""
    platform_id: int | None = None
    heartbeat_minutes: int | None = None
    sign_posted_on: dt.date | None = None
    note: str = ""


def _clean(data: DeviceInput, *, grids: dict[str, Grid] | None = None) -> dict:
    code = checked_text(data.code, "code", "设备编码", max_length=40, required=True)
    if any(c.isspace() for c in code):
        raise field_error("code", "设备编码不能含空格")
    if data.kind not in DeviceKind.values:
        raise field_error("kind", "请选择设备类型")
    grid_code = (data.grid_code or "").strip()
    grid = (grids or {}).get(grid_code) if grids is not None else Grid.objects.filter(code=grid_code).first()
    if grid is None:
        raise field_error("grid_code", f"网格“{grid_code[:20]}”不存在" if grid_code else "请选择所在网格")
    minutes = data.heartbeat_minutes or DEFAULT_HEARTBEAT_MINUTES[data.kind]
    if not 1 <= int(minutes) <= HEARTBEAT_MAX_MINUTES:
        raise field_error("heartbeat_minutes", f"心跳间隔应在1到{HEARTBEAT_MAX_MINUTES}分钟之间")
    return {
        "code": code,
        "name": checked_text(data.name, "name", "设备名称", max_length=100, required=True),
        "kind": data.kind,
        "vendor": checked_text(data.vendor, "vendor", "厂商", max_length=60),
        "place": checked_text(data.place, "place", "安装位置", max_length=120),
        "building": checked_text(data.building, "building", "楼栋", max_length=60),
        "heartbeat_minutes": int(minutes),
        "sign_posted_on": data.sign_posted_on,
        "note": checked_text(data.note, "note", "备注", max_length=200),
        "grid_code": grid.code,
    }


def _platform(platform_id: int | None, device: Device) -> Platform | None:
    if not platform_id:
        return None
    platform = Platform.objects.filter(pk=platform_id).first()
    if platform is None:
        raise field_error("platform_id", "监控平台不存在")
    if not platform.covers(device):
        raise field_error("platform_id", f"设备不在监控平台“{platform.name}”的覆盖范围内")
    return platform


@transaction.atomic
def device_register(*, actor: Actor | None, data: DeviceInput) -> Device:
    values = _clean(data)
    device = Device(**{k: v for k, v in values.items() if k != "grid_code"}, status=DeviceStatus.ONLINE)
    device.set_place_codes(grid_code=values["grid_code"])
    require(actor, "devices.manage_device", device, error=Forbidden("只能登记本人管理范围内的设备"))
    if Device.objects.filter(code=device.code).exists():
        raise field_error("code", f"设备编码“{device.code}”已登记")
    device.platform = _platform(data.platform_id, device)
    device.save(force_insert=True)
    audit_record(
        actor=actor,
        target=device,
        event="devices.device_registered",
        data={"code": device.code, "kind": device.kind, "grid": device.grid_code},
    )
    return device


def _locked(actor: Actor | None, device_id: int) -> Device:
    device = Device.objects.select_for_update().filter(pk=device_id).first()
    if device is None or not allowed(actor, "devices.view_device", device):
        raise NotFound("设备不存在或无权查看")
    require(
        actor, "devices.manage_device", device, error=Forbidden("只有本社区、街道或区级管理员可以修改设备")
    )
    return device


@transaction.atomic
def device_update(*, actor: Actor | None, device_id: int, data: DeviceInput) -> Device:
    device = _locked(actor, device_id)
    if device.status == DeviceStatus.RETIRED:
        check_move(DEVICE, DeviceStatus.ONLINE, device.status)
    data.code = device.code  # the code is the platform's name for it: never changed here
    values = _clean(data)
    grid_code = values.pop("grid_code")
    for name, value in values.items():
        setattr(device, name, value)
    device.set_place_codes(grid_code=grid_code)
    require(actor, "devices.manage_device", device, error=Forbidden("只能把设备移到本人管理范围内的网格"))
    device.platform = _platform(data.platform_id, device)
    device.save()
    changed = {
        k: str(v) for k, v in values.items() if k in ("name", "place", "building", "heartbeat_minutes")
    }
    audit_record(
        actor=actor,
        target=device,
        event="devices.device_updated",
        data={"code": device.code, "grid": grid_code, **changed},
    )
    return device


@transaction.atomic
def device_retire(*, actor: Actor | None, device_id: int, reason: str) -> Device:
    device = _locked(actor, device_id)
    reason = checked_text(reason, "reason", "停用原因", max_length=200, required=True)
    device.status = check_move(DEVICE, DeviceStatus.RETIRED, device.status)
    device.note = reason
    device.save(update_fields=["status", "note", "updated_at"])
    audit_record(actor=actor, target=device, event="devices.device_retired", data={"reason": reason})
    return device


@transaction.atomic
def devices_register_bulk(
    *, actor: Actor | None, rows: list[DeviceInput], heard_at: dt.datetime | None = None
) -> int:
    """A community's whole installation at once (the demo, a vendor's list): every row checked first,
    then one bulk insert and one audit row. All or nothing."""
    if len(rows) > BULK_MAX:
        raise field_error("rows", f"一次最多登记{BULK_MAX}台设备")
    if not rows:
        return 0
    grids = {g.code: g for g in Grid.objects.filter(code__in={r.grid_code for r in rows})}
    platforms = {
        p.pk: p for p in Platform.objects.filter(pk__in={r.platform_id for r in rows if r.platform_id})
    }
    devices = []
    seen: set[str] = set()
    for i, row in enumerate(rows, start=1):
        try:
            values = _clean(row, grids=grids)
        except Exception as exc:
            message = getattr(exc, "message", str(exc))
            raise field_error("rows", f"第{i}行：{message}") from exc
        if values["code"] in seen:
            raise field_error("rows", f"第{i}行：设备编码“{values['code']}”重复")
        seen.add(values["code"])
        grid_code = values.pop("grid_code")
        device = Device(**values, status=DeviceStatus.ONLINE, last_heard_at=heard_at)
        device.set_place_codes(grid_code=grid_code)
        if not allowed(actor, "devices.manage_device", device):
            raise Forbidden(f"第{i}行：只能登记本人管理范围内的设备")
        platform = platforms.get(row.platform_id or 0)
        if row.platform_id and (platform is None or not platform.covers(device)):
            raise field_error("rows", f"第{i}行：监控平台不存在或不覆盖该网格")
        device.platform = platform
        devices.append(device)
    taken = list(Device.objects.filter(code__in=seen).values_list("code", flat=True)[:5])
    if taken:
        raise field_error("rows", f"设备编码已登记：{'、'.join(taken)}")
    Device.objects.bulk_create(devices, batch_size=500)
    first = Device.objects.filter(code=devices[0].code).first()
    assert first is not None
    by_kind: dict[str, int] = {}
    for d in devices:
        by_kind[d.kind] = by_kind.get(d.kind, 0) + 1
    audit_record(
        actor=actor,
        target=first,
        event="devices.devices_imported",
        data={"count": len(devices), "by_kind": by_kind, "at": (heard_at or timezone.now()).isoformat()},
    )
    return len(devices)
