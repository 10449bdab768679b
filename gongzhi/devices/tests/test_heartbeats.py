"""Heartbeats and silence: a device not heard past its interval goes offline with a maintenance ticket
(the sweep registered in core.sweeps); many devices of one platform silent at once are one ticket; a
device heard again is online; the signed heartbeat list."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from gongzhi.core import sweeps
from gongzhi.devices.enums import DeviceStatus
from gongzhi.devices.models import Device, Incident
from gongzhi.devices.services.heartbeats import NEWLY_OFFLINE, device_silence_sweep
from gongzhi.devices.tests.factories import device, platform_with_key
from gongzhi.tickets.models import Ticket

pytestmark = pytest.mark.django_db


def test_the_sweep_is_registered_with_the_supervision_sweep():
    assert sweeps.registered()["devices_silent"] is device_silence_sweep


def test_a_silent_device_goes_offline_with_one_maintenance_ticket_and_comes_back(district, client):
    signer = platform_with_key(district)
    now = timezone.now()
    quiet = device(
        district, "SM-1", kind="smoke_sensor", platform_id=signer.platform_id, heartbeat_minutes=60
    )
    fresh = device(
        district, "SM-2", kind="smoke_sensor", platform_id=signer.platform_id, heartbeat_minutes=60
    )
    Device.objects.filter(pk=quiet.pk).update(last_heard_at=now - dt.timedelta(minutes=61))
    Device.objects.filter(pk=fresh.pk).update(last_heard_at=now - dt.timedelta(minutes=59))
    before = Ticket.objects.count()
    out = device_silence_sweep(now.date(), now=now)
    assert out[NEWLY_OFFLINE] == 1
    quiet.refresh_from_db()
    assert quiet.status == DeviceStatus.OFFLINE and quiet.offline_since == now
    ticket = Ticket.objects.order_by("-id").first()
    assert ticket is not None
    assert Ticket.objects.count() == before + 1 and ticket.title.startswith("【设备维护】")
    assert ticket.grid_code == quiet.grid_code
    # a second sweep: still offline, no second ticket
    out = device_silence_sweep(now.date(), now=now + dt.timedelta(seconds=30))
    assert out[NEWLY_OFFLINE] == 0 and Ticket.objects.count() == before + 1
    # heard again through the signed heartbeat list: online, the offline incident ends
    r = signer.post(client, {"devices": ["SM-1", "SM-2", "NOPE"]}, path="/api/v1/devices/heartbeats")
    assert r.status_code == 200, r.content
    assert r.json() == {"heard": 2, "unknown": ["NOPE"]}
    quiet.refresh_from_db()
    assert quiet.status == DeviceStatus.ONLINE and quiet.offline_since is None
    assert Incident.objects.get(device=quiet, kind="device_offline").ended_at is not None


def test_many_devices_of_one_platform_silent_at_once_are_one_ticket(district):
    signer = platform_with_key(district)
    now = timezone.now()
    for n in range(12):
        device(district, f"CAM-{n:02d}", kind="camera", platform_id=signer.platform_id)
    Device.objects.update(last_heard_at=now - dt.timedelta(hours=2))
    before = Ticket.objects.count()
    out = device_silence_sweep(now.date(), now=now)
    assert out[NEWLY_OFFLINE] == 12
    assert Ticket.objects.count() == before + 1
    assert Incident.objects.filter(kind="device_offline").values("ticket_id").distinct().count() == 1
    assert Device.objects.filter(status=DeviceStatus.OFFLINE).count() == 12


def test_an_unsigned_heartbeat_is_refused(district, client):
    r = client.post("/api/v1/devices/heartbeats", data=b'{"devices": ["X"]}', content_type="application/json")
    assert r.status_code == 401 and "缺少签名" in r.json()["message"]
