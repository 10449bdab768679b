"""Demo: the smart-community installation of 银山社区 in seed 001's numbers — 398 HD cameras, 30 access-
control sets, 9 face-recognition sets, 1 fire-lane camera, one monitoring platform — registered in bulk,
and a month of their events through the bulk event path (storms worked out in memory, one ticket per
incident through the ticket services); then the silence sweep finds the few cameras that stopped
reporting and raises their maintenance ticket. All through the devices services; about a second."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.utils import timezone

from gongzhi.devices.enums import DeviceKind, EventKind
from gongzhi.devices.models import Device
from gongzhi.devices.services.events import HistoryEvent, device_events_import
from gongzhi.devices.services.heartbeats import device_silence_sweep
from gongzhi.devices.services.platforms import platform_create, platform_key_issue
from gongzhi.devices.services.registry import DeviceInput, devices_register_bulk
from gongzhi.places.enums import GridKind
from gongzhi.places.models import Community, Grid

# seed 001: 398个高清摄像头、30套智能门禁、9套人脸识别设备、1个消防通道监控摄像头，一个监控平台
INSTALLATION = (
    (DeviceKind.CAMERA, 398, "YS-CAM"),
    (DeviceKind.ACCESS_CONTROL, 30, "YS-AC"),
    (DeviceKind.FACE_RECOGNITION, 9, "YS-FR"),
    (DeviceKind.FIRE_LANE_CAMERA, 1, "YS-FL"),
)
CAMERA_SPOTS = (
    "单元门口",
    "电梯轿厢",
    "楼道",
    "地下车库",
    "非机动车棚",
    "垃圾分类点",
    "小区主路",
    "楼顶天台",
)
# (kind, which devices, storms in the month, events per storm (min, max), spread of a storm in minutes)
MONTH = (
    (EventKind.FIRE_LANE_BLOCKED, DeviceKind.FIRE_LANE_CAMERA, 9, (3, 25), 50),
    (EventKind.GARBAGE_OVERFLOW, DeviceKind.CAMERA, 14, (1, 6), 200),
    (EventKind.EBIKE_IN_LIFT, DeviceKind.CAMERA, 10, (1, 4), 40),
    (EventKind.HIGH_ALTITUDE_THROW, DeviceKind.CAMERA, 2, (1, 2), 10),
    (EventKind.INTRUSION, DeviceKind.CAMERA, 20, (1, 3), 5),
    (EventKind.DOOR_HELD_OPEN, DeviceKind.ACCESS_CONTROL, 40, (1, 5), 20),
    (EventKind.DOOR_FORCED, DeviceKind.ACCESS_CONTROL, 4, (1, 2), 3),
    (EventKind.TAMPER, DeviceKind.FACE_RECOGNITION, 1, (1, 3), 30),
)
SILENT_CAMERAS = 3
DEMO_HEARTBEAT_MINUTES = 7 * 24 * 60


def seed_devices(seeder: Any) -> dict[str, int]:
    rng = random.Random(seeder.seed + 24)
    community = (
        Community.objects.filter(name="银山社区").first() or Community.objects.order_by("code").first()
    )
    if community is None:
        return {}
    grids = list(Grid.objects.filter(community=community, kind=GridKind.RESIDENTIAL).order_by("code"))
    if not grids:
        return {}
    now = timezone.now()
    platform = platform_create(
        actor=None, name="“善美济阳、幸福银山”智慧管理平台", place_code=community.code, vendor="社区数据中心"
    )
    platform_key_issue(actor=None, platform_id=platform.pk)  # its secret went to the vendor, shown once
    rows: list[DeviceInput] = []
    for kind, count, prefix in INSTALLATION:
        for n in range(1, count + 1):
            grid = grids[(n - 1) % len(grids)]
            building = f"{(n - 1) // 8 % 30 + 1}号楼"
            if kind == DeviceKind.CAMERA:
                spot = CAMERA_SPOTS[n % len(CAMERA_SPOTS)]
                name, place = f"{building}{spot}高清摄像头", spot
            elif kind == DeviceKind.ACCESS_CONTROL:
                name, place = f"{building}单元智能门禁", f"{(n - 1) % 4 + 1}单元门"
            elif kind == DeviceKind.FACE_RECOGNITION:
                gate = ("东门", "西门", "南门", "北门", "地库入口")[n % 5]
                name, place, building = f"小区{gate}人脸识别闸机{n}", f"{gate}（另设刷卡、密码通行）", ""
            else:
                name, place, building = "消防通道监控摄像头", "小区南侧消防通道", "12号楼"
            rows.append(
                DeviceInput(
                    code=f"{prefix}-{n:03d}",
                    name=name,
                    kind=kind,
                    grid_code=grid.code,
                    vendor="海康威视" if kind == DeviceKind.CAMERA else "社区智能门禁供应商",
                    place=place,
                    building=building,
                    platform_id=platform.pk,
                    sign_posted_on=(now - dt.timedelta(days=400)).date(),
                    # the demo's platform sends no heartbeats after the seed: a week's interval keeps the
                    # installation online in a demo run (a real platform reports every few minutes)
                    heartbeat_minutes=DEMO_HEARTBEAT_MINUTES,
                )
            )
    registered = devices_register_bulk(actor=None, rows=rows, heard_at=now - dt.timedelta(minutes=3))
    by_kind: dict[str, list[Device]] = {}
    for d in Device.objects.filter(platform=platform).order_by("code"):
        by_kind.setdefault(d.kind, []).append(d)
    events: list[HistoryEvent] = []
    start = now - dt.timedelta(days=30)
    for event_kind, device_kind, storms, (low, high), spread in MONTH:
        for s in range(storms):
            device = rng.choice(by_kind[device_kind])
            at = start + dt.timedelta(minutes=rng.randint(0, 30 * 24 * 60 - 600))
            for i in range(rng.randint(low, high)):
                events.append(
                    HistoryEvent(
                        device=device,
                        kind=event_kind,
                        occurred_at=at + dt.timedelta(minutes=rng.randint(0, spread), seconds=i),
                        event_id=f"YS-{event_kind}-{s:03d}-{i:03d}",
                        confidence=round(rng.uniform(0.72, 0.98), 2),
                    )
                )
    got = device_events_import(actor=None, platform=platform, events=events)
    # a few cameras stopped reporting a day past their interval: the sweep finds them offline
    silent = [d.pk for d in by_kind[DeviceKind.CAMERA][-SILENT_CAMERAS:]]
    Device.objects.filter(pk__in=silent).update(
        last_heard_at=now - dt.timedelta(minutes=DEMO_HEARTBEAT_MINUTES + 60 * 24)
    )
    swept = device_silence_sweep(now.date(), now=now)
    return {"devices": registered, **got, "offline": sum(v for k, v in swept.items() if "新离线" in k)}
