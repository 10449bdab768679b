"""Times the device event API: signed events per second through the whole HTTP stack (Django's test
client, in process: middleware, the signature check, the replay record, the device lock, the storm and
the audit row), the latency of one event, and a heartbeat list.

    python -m bench.devices_events [--events 1000] [--devices 10] [--snapshots 20] [--pg postgres://…/db] [--quick]

``--events`` events from ``--devices`` devices in one burst (round robin, so each device's events are
one storm and one ticket); the first ``--snapshots`` carry a 640×480 JPEG scene snapshot (base64),
which is decoded, checked and re-encoded by ``core.images``. SQLite file under var/bench/ unless ``--pg``.
Checks that the burst gave exactly one ticket per device with the right counts. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import statistics
import sys
import time
from typing import Any


def _setup(pg: str) -> str:
    from bench._db import fresh_database

    return fresh_database("devices", pg)


def _world(devices: int) -> tuple[Any, list[str]]:
    from gongzhi.devices.services.platforms import platform_create, platform_key_issue
    from gongzhi.devices.services.registry import DeviceInput, devices_register_bulk
    from gongzhi.places.services import community_create, district_create, grid_create, subdistrict_create
    from gongzhi.tickets.taxonomy import ensure_default_categories

    ensure_default_categories()
    district = district_create(actor=None, code="370115", name="济阳区")
    sub = subdistrict_create(actor=None, district=district, code="370115001000", name="济阳街道")
    community = community_create(actor=None, subdistrict=sub, code="370115001001", name="银山社区")
    grid = grid_create(
        actor=None, community=community, code="370115001001001", name="第1网格", kind="residential"
    )
    platform = platform_create(actor=None, name="银山智慧管理平台", place_code=community.code)
    issued = platform_key_issue(actor=None, platform_id=platform.pk)
    codes = [f"BENCH-FL-{n:04d}" for n in range(devices)]
    devices_register_bulk(
        actor=None,
        rows=[
            DeviceInput(
                code=c,
                name=f"消防通道摄像头{c}",
                kind="fire_lane_camera",
                grid_code=grid.code,
                platform_id=platform.pk,
            )
            for c in codes
        ],
    )
    return issued, codes


def _snapshot() -> str:
    from PIL import Image

    buf = io.BytesIO()
    Image.effect_noise((640, 480), 40).convert("RGB").save(buf, format="JPEG", quality=80)
    return base64.b64encode(buf.getvalue()).decode()


def run(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--devices", type=int, default=10)
    parser.add_argument("--snapshots", type=int, default=20)
    parser.add_argument("--pg", default="")
    parser.add_argument("--quick", action="store_true", help="200 events from 10 devices")
    args = parser.parse_args(argv)
    if args.quick:
        args.events, args.snapshots = 200, 10
    engine = _setup(args.pg)
    from django.test import Client

    from gongzhi.devices import signing
    from gongzhi.devices.models import DeviceEvent, Incident
    from gongzhi.tickets.models import Ticket

    issued, codes = _world(args.devices)
    picture = _snapshot()
    client = Client()
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    def post(path: str, body: dict[str, Any]) -> int:
        raw = json.dumps(body).encode()
        h = signing.headers(issued.key.key_id, issued.secret, int(time.time()), raw)
        t = time.perf_counter()
        r = client.post(
            path,
            data=raw,
            content_type="application/json",
            HTTP_X_GONGZHI_KEY=h[signing.HEADER_KEY],
            HTTP_X_GONGZHI_TIMESTAMP=h[signing.HEADER_TIMESTAMP],
            HTTP_X_GONGZHI_SIGNATURE=h[signing.HEADER_SIGNATURE],
        )
        latencies.append(time.perf_counter() - t)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        return r.status_code

    # warm-up, not timed: the first request loads the URL configuration and every app's routers
    client.post("/api/v1/devices/events", data=b"{}", content_type="application/json")
    started = time.perf_counter()
    for i in range(args.events):
        body: dict[str, Any] = {
            "event_id": f"b-{i}",
            "device": codes[i % len(codes)],
            "kind": "fire_lane_blocked",
        }
        if i < args.snapshots:
            body["snapshot"] = picture
        post("/api/v1/devices/events", body)
    burst_seconds = time.perf_counter() - started
    event_latencies = sorted(latencies)
    latencies.clear()
    t = time.perf_counter()
    post("/api/v1/devices/heartbeats", {"devices": codes})
    heartbeat_ms = (time.perf_counter() - t) * 1000
    counts = sorted(Incident.objects.values_list("count", flat=True))
    expected = [
        args.events // len(codes) + (1 if n < args.events % len(codes) else 0) for n in range(len(codes))
    ]
    out = {
        "bench": "devices_events",
        "engine": engine,
        "events": args.events,
        "devices": len(codes),
        "snapshots": args.snapshots,
        "statuses": statuses,
        "seconds": round(burst_seconds, 2),
        "events_per_second": round(args.events / burst_seconds, 1),
        "latency_ms": {
            "p50": round(statistics.median(event_latencies) * 1000, 2),
            "p95": round(event_latencies[int(len(event_latencies) * 0.95) - 1] * 1000, 2),
            "max": round(event_latencies[-1] * 1000, 2),
        },
        "heartbeat_list_ms": round(heartbeat_ms, 2),
        "tickets": Ticket.objects.count(),
        "events_stored": DeviceEvent.objects.count(),
        "storm_counts_ok": counts == sorted(expected) and Ticket.objects.count() == len(codes),
    }
    return out


def main(argv: list[str] | None = None) -> int:
    result = run(argv)
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0 if result["storm_counts_ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
