"""The demo's smart-community devices: 银山社区's installation in seed 001's numbers (398 / 30 / 9 / 1 and one
monitoring platform), a month of events whose storms became one ticket each, and the cameras the silence
sweep found offline; the overview's ``devices`` key counts them from the records."""

from gongzhi.audit.models import AuditEvent
from gongzhi.devices.models import Device, DeviceEvent, Incident, Platform
from gongzhi.places.models import Community
from gongzhi.tickets.models import Ticket


def test_demo_devices_are_yinshans_installation_with_a_month_of_events(demo, client):
    yinshan = Community.objects.get(name="银山社区")
    counts = {
        kind: Device.objects.filter(community_code=yinshan.code, kind=kind).count()
        for kind in ("camera", "access_control", "face_recognition", "fire_lane_camera")
    }
    assert counts == {"camera": 398, "access_control": 30, "face_recognition": 9, "fire_lane_camera": 1}
    assert Platform.objects.filter(community_code=yinshan.code).count() == 1
    assert DeviceEvent.objects.count() > 100
    storms = Incident.objects.filter(ticket__isnull=False).exclude(kind="device_offline")
    assert storms.filter(count__gt=1).exists()
    # one ticket per storm, in the device's grid
    assert storms.values("ticket_id").distinct().count() == storms.count()
    for incident in storms.select_related("device", "ticket")[:20]:
        assert incident.ticket is not None and incident.ticket.grid_code == incident.device.grid_code
    assert Device.objects.filter(status="offline").count() == 3
    assert Ticket.objects.filter(title__startswith="【设备维护】").exists()
    assert AuditEvent.objects.filter(event_type="devices.events_imported").exists()
    body = client.get("/api/v1/overview").json()["devices"]
    assert body["devices"] == 438 and body["offline"] == 3
    assert (
        body["tickets_from_devices"]
        == Incident.objects.filter(ticket__isnull=False).values("ticket_id").distinct().count()
    )
    assert 0 < body["events_this_month"] <= DeviceEvent.objects.count()
