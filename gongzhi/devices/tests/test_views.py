"""The console pages: the registry with its figures and filters (scoped), a device, the offline list, the
events, the snapshot (each view audited), platforms and keys (the secret shown once, never stored), the
event-to-category table; and the staff API reads."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.devices.models import Device, PlatformKey
from gongzhi.devices.tests.factories import device, event, jpeg_b64, platform_with_key

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(district, client):
    signer = platform_with_key(district)
    device(district, "YS-CAM-001", kind="camera", platform_id=signer.platform_id, name="银山甲摄像头")
    device(district, "YS-FL-001", platform_id=signer.platform_id, name="银山消防通道")
    other = platform_with_key(district, place_code=district.communities["B1"].code, name="安大平台")
    device(
        district, "AD-CAM-001", kind="camera", grid="g4", platform_id=other.platform_id, name="安大乙摄像头"
    )
    r = signer.post(client, event("YS-FL-001", "v-1", snapshot=jpeg_b64()))
    assert r.status_code == 201
    return district, signer


def test_the_registry_shows_the_scope_with_figures_and_filters(world, client):
    d, _ = world
    client.force_login(d.user("community_worker"))
    page = client.get("/console/devices/").content.decode()
    assert "银山甲摄像头" in page and "银山消防通道" in page and "安大乙摄像头" not in page
    assert 'data-testid="device-figures"' in page
    filtered = client.get("/console/devices/?kind=camera").content.decode()
    assert "银山甲摄像头" in filtered and "银山消防通道" not in filtered
    client.force_login(d.user("district_admin"))
    assert "安大乙摄像头" in client.get("/console/devices/").content.decode()


def test_people_without_a_place_get_404(world, client):
    d, _ = world
    for user in ("resident", "department_handler", "unit_liaison"):
        client.force_login(d.user(user))
        r = client.get("/console/devices/")
        assert r.status_code in (302, 404) and "银山" not in r.content.decode()


def test_a_community_worker_registers_a_device_and_a_grid_worker_cannot(world, client):
    d, _ = world
    client.force_login(d.user("community_worker"))
    r = client.post(
        "/console/devices/",
        {"code": "YS-SM-009", "name": "3号楼烟感", "kind": "smoke_sensor", "grid_code": d.grids["g2"].code},
    )
    assert r.status_code == 302
    dev = Device.objects.get(code="YS-SM-009")
    assert dev.heartbeat_minutes == 240 and dev.community_code == d.communities["A1"].code
    assert client.get(f"/console/devices/{dev.pk}/").status_code == 200
    client.force_login(d.user("grid_worker"))
    page = client.get("/console/devices/").content.decode()
    assert 'data-testid="device-form"' not in page


def test_the_snapshot_view_is_audited(world, client):
    d, _ = world
    from gongzhi.devices.models import DeviceEvent

    ev = DeviceEvent.objects.get(event_id="v-1")
    client.force_login(d.user("grid_worker"))
    assert "查看抓拍" in client.get(f"/console/devices/events/{ev.pk}/").content.decode()
    r = client.get(f"/console/devices/events/{ev.pk}/snapshot")
    assert r.status_code == 200 and r["Content-Type"] == "image/jpeg"
    b"".join(r.streaming_content)
    row = AuditEvent.objects.get(event_type="devices.snapshot_viewed")
    assert row.actor_id == d.user("grid_worker").pk and row.target_id == str(ev.pk)
    client.force_login(d.user("department_handler"))
    assert client.get(f"/console/devices/events/{ev.pk}/snapshot").status_code == 404
    assert AuditEvent.objects.filter(event_type="devices.snapshot_viewed").count() == 1


def test_the_event_and_offline_pages(world, client):
    d, _ = world
    Device.objects.filter(code="YS-CAM-001").update(status="offline")
    client.force_login(d.user("subdistrict_staff"))
    events = client.get("/console/devices/events/").content.decode()
    assert "银山消防通道" in events and "消防通道占用" in events
    offline = client.get("/console/devices/offline/").content.decode()
    assert "银山甲摄像头" in offline


def test_the_admin_issues_a_key_shown_once_and_revokes_it(world, client):
    d, _ = world
    client.force_login(d.user("district_admin"))
    assert client.get("/console/devices/platforms/").status_code == 200
    r = client.post(
        "/console/devices/platforms/", {"name": "城里社区平台", "place_code": d.communities["A2"].code}
    )
    assert r.status_code == 302
    from gongzhi.devices.models import Platform

    platform = Platform.objects.get(name="城里社区平台")
    answer = client.post(f"/console/devices/platforms/{platform.pk}/keys/")
    assert answer["Cache-Control"] == "no-store"
    page = answer.content.decode()
    key = PlatformKey.objects.get(platform=platform)
    secret = page.split('data-testid="key-secret">')[1].split("<")[0]
    assert secret.startswith("gzds_") and key.key_id in page
    # never stored, never shown again
    stored = " ".join(
        str(v) for v in PlatformKey.objects.filter(pk=key.pk).values_list("key_id", "salt", "key_hash")[0]
    )
    assert secret not in stored
    assert secret not in client.get("/console/devices/platforms/").content.decode()
    assert secret not in str(list(AuditEvent.objects.values_list("data", flat=True)))
    client.post(f"/console/devices/keys/{key.pk}/revoke/")
    key.refresh_from_db()
    assert key.revoked_at is not None
    client.force_login(d.user("community_worker"))
    assert client.get("/console/devices/platforms/").status_code == 404


def test_the_route_table_is_read_by_staff_and_edited_by_the_admin(world, client):
    d, _ = world
    client.force_login(d.user("community_worker"))
    page = client.get("/console/devices/routes/").content.decode()
    assert "消防通道堵塞" in page
    assert (
        client.post("/console/devices/routes/", {"kind": "intrusion", "raise_ticket": "1"}).status_code == 404
    )
    client.force_login(d.user("district_admin"))
    r = client.post(
        "/console/devices/routes/",
        {"kind": "intrusion", "raise_ticket": "1", "category_code": "304010", "storm_minutes": "10"},
    )
    assert r.status_code == 302
    from gongzhi.devices.models import EventRoute

    assert (
        EventRoute.objects.filter(kind="intrusion").values_list("category__code", flat=True).get() == "304010"
    )


def test_the_staff_api_reads_by_scope(world, client):
    d, _ = world
    client.force_login(d.user("community_worker"))
    rows = client.get("/api/v1/devices/").json()
    assert {r["code"] for r in rows} == {"YS-CAM-001", "YS-FL-001"}
    figures = client.get("/api/v1/devices/figures").json()
    assert len(figures) == 1 and figures[0]["devices"] == 2 and figures[0]["tickets_from_devices"] == 1
    assert figures[0]["by_kind"] == {"camera": 1, "fire_lane_camera": 1}
    client.force_login(d.user("resident"))
    assert client.get("/api/v1/devices/").status_code == 404


def test_the_overview_counts_devices(world, client):
    body = client.get("/api/v1/overview").json()["devices"]
    assert body == {"devices": 3, "offline": 0, "events_this_month": 1, "tickets_from_devices": 1}


def test_a_manager_edits_and_retires_a_device_on_its_page(world, client):
    d, signer = world
    dev = Device.objects.get(code="YS-CAM-001")
    client.force_login(d.user("community_worker"))
    page = client.get(f"/console/devices/{dev.pk}/").content.decode()
    assert 'data-testid="device-edit"' in page and "银山甲摄像头" in page
    r = client.post(
        f"/console/devices/{dev.pk}/",
        {"code": "IGNORED", "name": "5号楼电梯摄像头", "kind": "camera", "grid_code": d.grids["g2"].code,
         "platform_id": str(signer.platform_id), "heartbeat_minutes": "20"},
    )  # fmt: skip
    assert r.status_code == 302
    dev.refresh_from_db()
    assert (dev.code, dev.name, dev.grid_code, dev.heartbeat_minutes) == (
        "YS-CAM-001",
        "5号楼电梯摄像头",
        d.grids["g2"].code,
        20,
    )
    bad = client.post(
        f"/console/devices/{dev.pk}/", {"name": "", "kind": "camera", "grid_code": d.grids["g2"].code}
    )
    assert bad.status_code == 400 and "请填写设备名称" in bad.content.decode()
    client.post(f"/console/devices/{dev.pk}/retire/", {"reason": "拆除"})
    dev.refresh_from_db()
    assert dev.status == "retired"
    client.force_login(d.user("grid_worker"))
    assert 'data-testid="device-edit"' not in client.get(f"/console/devices/{dev.pk}/").content.decode()
