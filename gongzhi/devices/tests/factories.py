"""Test helpers: a platform with a key, devices in the small district's grids, signed requests."""

from __future__ import annotations

import io
import json
import time
from dataclasses import dataclass
from typing import Any

from PIL import Image

from gongzhi.devices import signing
from gongzhi.devices.services.platforms import platform_create, platform_key_issue
from gongzhi.devices.services.registry import DeviceInput, device_register


@dataclass
class Signer:
    key_id: str
    secret: str
    platform_id: int

    def headers(self, body: bytes, ts: int | None = None) -> dict[str, str]:
        h = signing.headers(self.key_id, self.secret, int(time.time()) if ts is None else ts, body)
        return {
            "HTTP_X_GONGZHI_KEY": h[signing.HEADER_KEY],
            "HTTP_X_GONGZHI_TIMESTAMP": h[signing.HEADER_TIMESTAMP],
            "HTTP_X_GONGZHI_SIGNATURE": h[signing.HEADER_SIGNATURE],
        }

    def post(
        self, client: Any, body: dict | bytes, *, path: str = "/api/v1/devices/events", ts: int | None = None
    ):
        raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
        return client.post(path, data=raw, content_type="application/json", **self.headers(raw, ts))


def platform_with_key(d: Any, *, place_code: str | None = None, name: str = "银山社区智慧管理平台") -> Signer:
    admin = d.user("district_admin")
    platform = platform_create(actor=admin, name=name, place_code=place_code or d.communities["A1"].code)
    issued = platform_key_issue(actor=admin, platform_id=platform.pk)
    return Signer(key_id=issued.key.key_id, secret=issued.secret, platform_id=platform.pk)


def device(
    d: Any,
    code: str,
    *,
    kind: str = "fire_lane_camera",
    grid: str = "g1",
    platform_id: int | None = None,
    **kw: Any,
):
    return device_register(
        actor=None,
        data=DeviceInput(
            code=code,
            name=kw.pop("name", f"设备{code}"),
            kind=kind,
            grid_code=d.grids[grid].code,
            platform_id=platform_id,
            building=kw.pop("building", "3号楼"),
            place=kw.pop("place", "东侧消防通道"),
            **kw,
        ),
    )


def jpeg_b64(color: tuple[int, int, int] = (120, 80, 40)) -> str:
    import base64

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(buf, format="JPEG")
    return base64.b64encode(buf.getvalue()).decode()


def event(code: str, event_id: str, kind: str = "fire_lane_blocked", **kw: Any) -> dict[str, Any]:
    return {"event_id": event_id, "device": code, "kind": kind, **kw}
