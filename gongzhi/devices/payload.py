"""A platform's event body, read by allow-list (pure computation, no database).

Only these fields are kept: ``event_id`` (the idempotency key), ``device`` (the device code), ``kind``,
``state`` (start/end), ``occurred_at`` (ISO 8601 with an offset, or Unix seconds or milliseconds),
``confidence`` (0–1), ``zone`` and ``snapshot`` (a JPEG/PNG/WebP of the scene, base64; read through
``core.images`` within its bounds, metadata removed). Anything else is dropped.

PIPL (docs/devices.md): event kinds that are about faces or identities (face_snap, face_recognition,
person_control …) are refused with a 400 and nothing is written; any field whose name says it carries a
face, a person's identity, a name, a phone, an ID number or a plate is dropped wherever it sits, and only
its name is kept (``stripped``) so the platform's operator can be told to stop sending it.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from gongzhi.core.errors import ValidationFailed, field_error
from gongzhi.core.images import CleanImage, clean_image
from gongzhi.devices.enums import REFUSED_KINDS, EventKind, EventState

EVENT_ID_MAX = 64
FUTURE_SKEW = dt.timedelta(minutes=5)
OLDEST = dt.timedelta(days=7)
HEARTBEAT_MAX_DEVICES = 1000
KNOWN = {"event_id", "device", "kind", "state", "occurred_at", "confidence", "zone", "snapshot"}
# Field names that carry faces or identities (any language a vendor uses: English, pinyin, Chinese).
PERSONAL_FIELD = re.compile(
    r"face|portrait|biometric|person|people|identity|id_?card|id_?no|id_?number|cert_?no|"
    r"name|phone|mobile|plate|license|renlian|xingming|shenfen|人脸|姓名|身份|证件|电话|手机|车牌",
    re.IGNORECASE,
)


@dataclass
class EventInput:
    event_id: str
    device_code: str
    kind: str
    state: str = EventState.START
    occurred_at: dt.datetime | None = None
    confidence: float | None = None
    zone: str = ""
    snapshot: CleanImage | None = None
    stripped: list[str] = field(default_factory=list)


def read_json(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValidationFailed("请求内容不是有效的JSON", code="invalid_json") from None
    if not isinstance(data, dict):
        raise ValidationFailed("请求内容应为JSON对象", code="invalid_json")
    return data


def _personal_names(data: Any, prefix: str = "", depth: int = 0) -> list[str]:
    """Names of the fields (at any depth, up to 6) whose names say they carry personal data."""
    out: list[str] = []
    if depth > 6:
        return out
    if isinstance(data, dict):
        for key, value in list(data.items())[:200]:
            name = f"{prefix}{key}"[:60]
            if PERSONAL_FIELD.search(str(key)):
                out.append(name)
            else:
                out.extend(_personal_names(value, name + ".", depth + 1))
    elif isinstance(data, list):
        for item in data[:50]:
            out.extend(_personal_names(item, prefix, depth + 1))
    return sorted(set(out))[:20]


def _text(data: dict, name: str, label: str, max_length: int, *, required: bool = False) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            raise field_error(name, f"缺少{label}（{name}）", code="required")
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise field_error(name, f"{label}应为字符串")
    out = str(value).strip()
    if not out or len(out) > max_length or any(ord(c) < 32 or ord(c) == 127 for c in out):
        raise field_error(name, f"{label}应为1到{max_length}个可见字符")
    return out


def occurred(value: Any, now: dt.datetime) -> dt.datetime:
    if value in (None, ""):
        return now
    at: dt.datetime | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value  # milliseconds from some vendors
        try:
            at = dt.datetime.fromtimestamp(seconds, tz=dt.UTC)
        except (OverflowError, OSError, ValueError):
            at = None
    elif isinstance(value, str) and len(value) <= 40:
        try:
            at = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            at = None
        if at is not None and timezone.is_naive(at):
            raise field_error("occurred_at", "发生时间须带时区，例如 2026-12-01T08:30:00+08:00")
    if at is None:
        raise field_error("occurred_at", "发生时间格式不正确：ISO 8601（带时区）或Unix时间戳")
    if at > now + FUTURE_SKEW or at < now - OLDEST:
        raise field_error("occurred_at", "发生时间不能晚于当前时间，也不能早于7天前")
    return at


def event_of(data: dict[str, Any], *, now: dt.datetime) -> EventInput:
    """The event of a parsed body, checked; refused kinds and bad fields are 400s (nothing is written)."""
    kind = _text(data, "kind", "事件类型", 40, required=True)
    if kind in REFUSED_KINDS:
        raise ValidationFailed(
            f"不接收“{REFUSED_KINDS[kind]}”事件：人脸、身份等敏感个人信息不上传本平台（个人信息保护法第二十六、二十八条）",
            code="personal_data_refused",
            fields={"kind": "敏感个人信息类事件不接收"},
        )
    if kind not in EventKind.values:
        raise field_error("kind", f"未知的事件类型“{kind[:30]}”")
    state = _text(data, "state", "事件状态", 8) or EventState.START
    if state not in EventState.values:
        raise field_error("state", "事件状态只能是 start 或 end")
    confidence = data.get("confidence")
    if confidence is not None:
        if (
            not isinstance(confidence, int | float)
            or isinstance(confidence, bool)
            or not 0 <= confidence <= 1
        ):
            raise field_error("confidence", "置信度应为0到1之间的数")
        confidence = float(confidence)
    stripped = _personal_names({k: v for k, v in data.items() if k not in KNOWN})
    snapshot = None
    raw = data.get("snapshot")
    if raw not in (None, ""):
        if not isinstance(raw, str):
            raise field_error("snapshot", "抓拍图片应为base64字符串")
        try:
            image_bytes = base64.b64decode(raw.split(",", 1)[-1], validate=True)
        except (binascii.Error, ValueError):
            raise field_error("snapshot", "抓拍图片不是有效的base64") from None
        snapshot = clean_image(image_bytes, field="snapshot")
    return EventInput(
        event_id=_text(data, "event_id", "事件编号", EVENT_ID_MAX, required=True),
        device_code=_text(data, "device", "设备编码", 40, required=True),
        kind=kind,
        state=state,
        occurred_at=occurred(data.get("occurred_at"), now),
        confidence=confidence,
        zone=_text(data, "zone", "区域", 60),
        snapshot=snapshot,
        stripped=stripped,
    )


def heartbeat_codes(data: dict[str, Any]) -> list[str]:
    codes = data.get("devices")
    if not isinstance(codes, list) or not codes:
        raise field_error("devices", "devices 应为设备编码的列表")
    if len(codes) > HEARTBEAT_MAX_DEVICES:
        raise field_error("devices", f"一次最多上报{HEARTBEAT_MAX_DEVICES}台设备的心跳")
    out = []
    for code in codes:
        if not isinstance(code, str) or not 0 < len(code.strip()) <= 40:
            raise field_error("devices", "设备编码应为1到40个字符的字符串")
        out.append(code.strip())
    return sorted(set(out))
