"""The event API's signature, timestamp window, replay refusal, idempotency and refusals: every bad or
unsigned request is a 4xx in the one error shape with a Chinese message, and writes nothing."""

from __future__ import annotations

import json
import time

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.devices.models import DeviceEvent, Incident, SeenSignature
from gongzhi.devices.services.platforms import platform_key_revoke
from gongzhi.devices.tests.factories import device, event, jpeg_b64, platform_with_key
from gongzhi.tickets.models import Ticket, TicketPhoto

pytestmark = pytest.mark.django_db


def _nothing_written(tickets_before: int) -> None:
    assert DeviceEvent.objects.count() == 0
    assert Incident.objects.count() == 0
    assert SeenSignature.objects.count() == 0
    assert Ticket.objects.count() == tickets_before


@pytest.fixture
def world(district):
    signer = platform_with_key(district)
    device(district, "FL-001", platform_id=signer.platform_id)
    return district, signer


def test_a_signed_event_raises_a_ticket_in_the_devices_grid_with_its_snapshot(world, client):
    d, signer = world
    r = signer.post(client, event("FL-001", "e-1", snapshot=jpeg_b64(), confidence=0.93))
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["outcome"] == "ticket_raised" and body["duplicate"] is False and body["incident_count"] == 1
    ticket = Ticket.objects.get(pk=body["ticket_id"])
    assert ticket.grid_code == d.grids["g1"].code
    assert ticket.category is not None and ticket.category.code == "304005"  # 消防通道堵塞
    assert ticket.channel == "api" and "智慧社区设备" in ticket.channel_source
    assert body["ticket_number"] == ticket.number
    photo = TicketPhoto.objects.get(ticket=ticket)
    assert photo.content_type == "image/jpeg"
    assert DeviceEvent.objects.get(event_id="e-1").snapshot_id == photo.pk
    assert AuditEvent.objects.filter(event_type="devices.event_received").count() == 1


@pytest.mark.parametrize(
    ("mutate", "status", "message"),
    [
        ("unsigned", 401, "缺少签名"),
        ("wrong_secret", 401, "签名不正确"),
        ("body_changed", 401, "签名不正确"),
        ("unknown_key", 401, "密钥不存在"),
        ("stale", 401, "已过期"),
        ("future", 401, "已过期"),
        ("bad_timestamp", 401, "时间戳格式"),
    ],
)
def test_bad_signatures_are_401_and_write_nothing(world, client, mutate, status, message):
    _d, signer = world
    before = Ticket.objects.count()
    raw = json.dumps(event("FL-001", "e-bad")).encode()
    headers = signer.headers(raw)
    if mutate == "unsigned":
        headers = {}
    elif mutate == "wrong_secret":
        headers = type(signer)(signer.key_id, signer.secret + "x", signer.platform_id).headers(raw)
    elif mutate == "body_changed":
        raw = raw.replace(b"e-bad", b"e-bax")
    elif mutate == "unknown_key":
        headers["HTTP_X_GONGZHI_KEY"] = "gzdk_0000000000000000"
    elif mutate == "stale":
        headers = signer.headers(raw, ts=int(time.time()) - 301)
    elif mutate == "future":
        headers = signer.headers(raw, ts=int(time.time()) + 301)
    elif mutate == "bad_timestamp":
        headers["HTTP_X_GONGZHI_TIMESTAMP"] = "yesterday"
    r = client.post("/api/v1/devices/events", data=raw, content_type="application/json", **headers)
    assert r.status_code == status, r.content
    assert message in r.json()["message"] and set(r.json()) >= {"code", "message", "fields"}
    _nothing_written(before)


def test_a_revoked_key_is_refused(world, client):
    d, signer = world
    from gongzhi.devices.models import PlatformKey

    platform_key_revoke(
        actor=d.user("district_admin"), key_id=PlatformKey.objects.get(key_id=signer.key_id).pk
    )
    r = signer.post(client, event("FL-001", "e-1"))
    assert r.status_code == 401 and "已停用" in r.json()["message"]


def test_a_replayed_request_is_409_and_a_resent_event_answers_the_first_result(world, client):
    _d, signer = world
    raw = json.dumps(event("FL-001", "e-1")).encode()
    headers = signer.headers(raw)
    first = client.post("/api/v1/devices/events", data=raw, content_type="application/json", **headers)
    assert first.status_code == 201
    counts = (DeviceEvent.objects.count(), Ticket.objects.count(), AuditEvent.objects.count())
    replay = client.post("/api/v1/devices/events", data=raw, content_type="application/json", **headers)
    assert replay.status_code == 409 and "重放" in replay.json()["message"]
    # the platform retries properly: same event, signed again with a new timestamp
    again = signer.post(client, json.loads(raw), ts=int(time.time()) + 1)
    assert again.status_code == 200, again.content
    assert again.json() | {"duplicate": False} == first.json()
    assert again.json()["duplicate"] is True
    assert (DeviceEvent.objects.count(), Ticket.objects.count()) == counts[:2]
    # nothing new but the accepted signature itself (which makes the next replay a 409)
    assert AuditEvent.objects.count() == counts[2]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"{not json", "不是有效的JSON"),
        (b"[1, 2]", "JSON对象"),
        (json.dumps({"device": "FL-001", "kind": "fire_lane_blocked"}).encode(), "事件编号"),
        (json.dumps(event("FL-001", "e-2", kind="meteor")).encode(), "未知的事件类型"),
        (json.dumps(event("FL-001", "e-2", kind="face_snap")).encode(), "人脸抓拍"),
        (json.dumps(event("FL-001", "e-2", kind="person_control")).encode(), "人员布控"),
        (json.dumps(event("FL-001", "e-2", confidence=3)).encode(), "置信度"),
        (json.dumps(event("FL-001", "e-2", occurred_at="2020-01-01T00:00:00+08:00")).encode(), "7天前"),
        (json.dumps(event("FL-001", "e-2", occurred_at="2026-12-01T08:00:00")).encode(), "时区"),
        (json.dumps(event("FL-001", "e-2", snapshot="not base64!")).encode(), "base64"),
        (json.dumps(event("FL-001", "e-2", snapshot="aGVsbG8=")).encode(), "不是可接受的图片"),
    ],
)
def test_bad_events_are_400_and_write_nothing(world, client, body, message):
    _d, signer = world
    before = Ticket.objects.count()
    r = signer.post(client, body)
    assert r.status_code == 400, r.content
    assert message in r.json()["message"] or any(message in m for m in r.json()["fields"].values())
    _nothing_written(before)


def test_an_unknown_device_or_another_platforms_device_is_404_and_writes_nothing(world, client):
    d, signer = world
    other = platform_with_key(d, place_code=d.communities["B1"].code, name="安大社区平台")
    device(d, "B-001", grid="g4", platform_id=other.platform_id)
    before = Ticket.objects.count()
    for code in ("NOPE-1", "B-001"):
        r = signer.post(client, event(code, f"x-{code}"))
        assert r.status_code == 404 and "未登记" in r.json()["message"]
    _nothing_written(before)


def test_face_and_identity_fields_are_stripped_and_faces_of_access_control_never_kept(world, client):
    d, signer = world
    device(d, "AC-001", kind="access_control", platform_id=signer.platform_id)
    body = event(
        "AC-001",
        "ac-1",
        kind="door_forced",
        snapshot=jpeg_b64(),
        face_image="base64…",
        person={"name": "张三", "id_number": "370101199001011234"},
        extra={"renlian_url": "http://x/face.jpg", "door": "2单元"},
        phone="13912345678",
    )
    r = signer.post(client, body)
    assert r.status_code == 201, r.content
    stripped = r.json()["stripped"]
    assert {"face_image", "person", "extra.renlian_url", "phone", "snapshot"} <= set(stripped)
    row = DeviceEvent.objects.get(event_id="ac-1")
    assert row.snapshot_id is None and row.outcome == "recorded"
    stored = json.dumps([row.stripped, row.zone], ensure_ascii=False)
    assert "张三" not in stored and "13912345678" not in stored and "370101" not in stored
    audit = json.dumps(list(AuditEvent.objects.values_list("data", flat=True)), ensure_ascii=False)
    assert "张三" not in audit and "13912345678" not in audit
    assert TicketPhoto.objects.count() == 0


def test_a_platform_needs_no_session_and_no_csrf_token(world):
    """Signed, not a session: a client that enforces CSRF (as a browser-facing deployment does) is served."""
    from django.test import Client

    _d, signer = world
    strict = Client(enforce_csrf_checks=True)
    r = signer.post(strict, event("FL-001", "csrf-1"))
    assert r.status_code == 201, r.content
    r = signer.post(strict, {"devices": ["FL-001"]}, path="/api/v1/devices/heartbeats")
    assert r.status_code == 200 and r.json()["heard"] == 1
