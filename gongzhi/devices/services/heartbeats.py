"""Being heard and falling silent. Every accepted event or heartbeat moves the device's ``last_heard_at``
and brings an offline device back online (its offline incident ends; the maintenance ticket stays for the
staff to close). The silence sweep (``core.sweeps``, run by ``tickets_supervise``) finds the devices not
heard for longer than their heartbeat interval, marks them offline and raises a maintenance ticket for
each — or one ticket for a platform when many of its devices fall silent in the same sweep (the platform
or its network is down, not 398 cameras)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.audit.services import audit_record_about
from gongzhi.devices.enums import DeviceStatus, EventKind
from gongzhi.devices.models import Device, Incident
from gongzhi.devices.selectors import route_for
from gongzhi.devices.services.incidents import incident_end, occurrence_add, raise_ticket
from gongzhi.devices.transitions import DEVICE

# This many devices of one platform silent in one sweep: one ticket for the platform.
PLATFORM_OUTAGE = 10
NEWLY_OFFLINE = "智慧社区设备新离线（台）"
STILL_OFFLINE = "智慧社区设备离线（台）"
MAINTENANCE_TICKETS = "设备维护工单（件）"


def device_heard(device: Device, at: dt.datetime) -> list[str]:
    """The device (locked by the caller) was heard at ``at``; returns the fields changed."""
    changed = []
    if device.last_heard_at is None or at > device.last_heard_at:
        device.last_heard_at = at
        changed.append("last_heard_at")
    if device.status == DeviceStatus.OFFLINE:
        device.status = DEVICE.target(DeviceStatus.ONLINE, device.status) or device.status
        device.offline_since = None
        changed += ["status", "offline_since"]
        incident_end(device, EventKind.DEVICE_OFFLINE, at)
    return changed


def heard_bulk(device_ids: list[int], at: dt.datetime) -> int:
    """Many devices heard at once (a heartbeat list): one UPDATE for the online ones; the offline ones
    come back one by one (their incidents end)."""
    online = Device.objects.filter(pk__in=device_ids, status=DeviceStatus.ONLINE).filter(
        Q(last_heard_at__isnull=True) | Q(last_heard_at__lt=at)
    )
    n = online.update(last_heard_at=at)
    for device in Device.objects.select_for_update().filter(pk__in=device_ids, status=DeviceStatus.OFFLINE):
        device_heard(device, at)
        device.save(update_fields=["last_heard_at", "status", "offline_since", "updated_at"])
        n += 1
    return n


def _silent(now: dt.datetime) -> list[Device]:
    """Online devices not heard for longer than their interval (never heard: since registered)."""
    q = Q(pk__in=[])
    for minutes in (
        Device.objects.filter(status=DeviceStatus.ONLINE)
        .values_list("heartbeat_minutes", flat=True)
        .distinct()
    ):
        cutoff = now - dt.timedelta(minutes=minutes)
        q |= Q(heartbeat_minutes=minutes) & (
            Q(last_heard_at__lt=cutoff) | Q(last_heard_at__isnull=True, created_at__lt=cutoff)
        )
    return list(
        Device.objects.select_for_update(of=("self",))
        .select_related("platform")
        .filter(q, status=DeviceStatus.ONLINE)
        .order_by("platform_id", "code")
    )


@transaction.atomic
def device_silence_sweep(today: dt.date, *, now: dt.datetime | None = None) -> dict[str, int]:
    at = now or timezone.now()
    silent = _silent(at)
    route = route_for(EventKind.DEVICE_OFFLINE)
    by_platform: dict[int | None, list[Device]] = defaultdict(list)
    for device in silent:
        by_platform[device.platform_id].append(device)
    tickets = 0
    for platform_id, devices in by_platform.items():
        shared = None
        if platform_id is not None and len(devices) >= PLATFORM_OUTAGE and route.raise_ticket:
            platform = devices[0].platform
            assert platform is not None
            lead = devices[0]
            shared, _photo = raise_ticket(
                lead,
                EventKind.DEVICE_OFFLINE,
                route,
                at=at,
                source=f"离线巡检：平台“{platform.name}”下{len(devices)}台设备同时离线",
            )
            tickets += 1
        for device in devices:
            device.status = DEVICE.target(DeviceStatus.OFFLINE, device.status) or device.status
            device.offline_since = at
            device.save(update_fields=["status", "offline_since", "updated_at"])
            if route.raise_ticket:
                occ = occurrence_add(
                    device, EventKind.DEVICE_OFFLINE, route, at=at, source="离线巡检", ticket=shared
                )
                tickets += 1 if occ.raised and shared is None else 0
    still = Device.objects.filter(status=DeviceStatus.OFFLINE).count()
    if silent:
        audit_record_about(
            actor=None,
            event="devices.silence_swept",
            target_type="devices.device",
            target_label="智慧社区设备离线巡检",
            data={
                "newly_offline": len(silent),
                "tickets": tickets,
                "offline": still,
                "day": today.isoformat(),
            },
        )
    return {NEWLY_OFFLINE: len(silent), STILL_OFFLINE: still, MAINTENANCE_TICKETS: tickets}


def open_offline_incidents() -> int:
    return Incident.objects.filter(kind=EventKind.DEVICE_OFFLINE, ended_at__isnull=True).count()
