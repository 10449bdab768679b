"""Device kinds and statuses, event kinds (with the ones refused by design), event outcomes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeviceKind(models.TextChoices):
    CAMERA = "camera", _("高清摄像头")
    ACCESS_CONTROL = "access_control", _("智能门禁")
    FACE_RECOGNITION = "face_recognition", _("人脸识别设备")
    FIRE_LANE_CAMERA = "fire_lane_camera", _("消防通道监控摄像头")
    SMOKE_SENSOR = "smoke_sensor", _("烟雾报警器")
    GAS_SENSOR = "gas_sensor", _("燃气探测器")
    WATER_LEVEL_SENSOR = "water_level_sensor", _("水位传感器")
    OTHER = "other", _("其他设备")


# How often a device of each kind is expected to be heard (minutes), unless its row says otherwise.
DEFAULT_HEARTBEAT_MINUTES: dict[str, int] = {
    DeviceKind.CAMERA: 30,
    DeviceKind.ACCESS_CONTROL: 30,
    DeviceKind.FACE_RECOGNITION: 30,
    DeviceKind.FIRE_LANE_CAMERA: 15,
    DeviceKind.SMOKE_SENSOR: 240,
    DeviceKind.GAS_SENSOR: 240,
    DeviceKind.WATER_LEVEL_SENSOR: 240,
    DeviceKind.OTHER: 60,
}


class DeviceStatus(models.TextChoices):
    ONLINE = "online", _("在线")
    OFFLINE = "offline", _("离线")
    RETIRED = "retired", _("已停用")


class EventKind(models.TextChoices):
    FIRE_LANE_BLOCKED = "fire_lane_blocked", _("消防通道占用")
    SMOKE_ALARM = "smoke_alarm", _("烟雾报警")
    GAS_ALARM = "gas_alarm", _("燃气泄漏报警")
    WATER_LEVEL = "water_level", _("水位超限")
    EBIKE_IN_LIFT = "ebike_in_lift", _("电动车进电梯")
    HIGH_ALTITUDE_THROW = "high_altitude_throw", _("高空抛物")
    GARBAGE_OVERFLOW = "garbage_overflow", _("垃圾满溢")
    DOOR_FORCED = "door_forced", _("门禁被强行打开")
    DOOR_HELD_OPEN = "door_held_open", _("门长时间未关")
    INTRUSION = "intrusion", _("区域入侵")
    TAMPER = "tamper", _("设备遮挡或破坏")
    DEVICE_OFFLINE = "device_offline", _("设备离线")


# Event kinds that carry faces or identities: refused whatever the payload (PIPL Art. 26/28; the face
# recognition measures of 2025: face data stays in the device). docs/devices.md says why.
REFUSED_KINDS: dict[str, str] = {
    "face_snap": "人脸抓拍",
    "face_recognition": "人脸识别比对",
    "face_match": "人脸比对",
    "person_control": "人员布控",
    "identity_match": "身份比对",
    "plate_recognition": "车牌识别",
}


class EventState(models.TextChoices):
    START = "start", _("开始")
    END = "end", _("结束")


class EventOutcome(models.TextChoices):
    TICKET_RAISED = "ticket_raised", _("已生成工单")
    APPENDED = "appended", _("并入已有工单（同一事件风暴）")
    RECORDED = "recorded", _("仅记录")
    ENDED = "ended", _("事件结束")
