"""The event API's writes: one signed event (replay refused, idempotent by the platform's event id, a
storm of one kind from one device is one ticket), a signed heartbeat list, and the bulk path the demo
uses for a month of history.

Order of ``device_event_receive`` (all in one transaction, so a refusal anywhere writes nothing):
the signature is recorded (seen before = a replay, 409); the platform's event id is looked up (seen
before = the first answer again, nothing new written); the device's row is locked (two requests about
one device wait for each other, so a storm cannot raise two tickets); the event is routed; one audit row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound
from gongzhi.devices import signing
from gongzhi.devices.enums import DeviceKind, DeviceStatus, EventKind, EventOutcome, EventState
from gongzhi.devices.models import Device, DeviceEvent, Platform, PlatformKey, SeenSignature
from gongzhi.devices.payload import EventInput
from gongzhi.devices.selectors import Verified, route_for
from gongzhi.devices.services.heartbeats import device_heard, heard_bulk
from gongzhi.devices.services.incidents import incident_end, occurrence_add

# Devices whose pictures are of people's faces, not of a scene: their snapshots are never kept (PIPL).
NO_SNAPSHOT_KINDS = frozenset({DeviceKind.FACE_RECOGNITION, DeviceKind.ACCESS_CONTROL})


@dataclass
class Received:
    event: DeviceEvent
    duplicate: bool
    incident_count: int
    ticket_id: int | None


def _received(event: DeviceEvent, *, duplicate: bool) -> Received:
    incident = event.incident
    return Received(
        event=event,
        duplicate=duplicate,
        incident_count=incident.count if incident else 0,
        ticket_id=incident.ticket_id if incident else None,
    )


def _signature_record(verified: Verified, at: dt.datetime) -> None:
    try:
        with transaction.atomic():
            SeenSignature.objects.create(key=verified.key, signature=verified.signature, at=at)
    except IntegrityError:
        raise Conflict(
            "该请求已经处理过（重放的请求被拒绝）：重试时请用新的时间戳重新签名", code="replayed"
        ) from None
    # the key's last use, to the minute (the platforms page shows it)
    PlatformKey.objects.filter(pk=verified.key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=at - dt.timedelta(minutes=1))
    ).update(last_used_at=at)
    if verified.signature.startswith("0"):  # about 1 request in 16 clears the expired signatures
        SeenSignature.objects.filter(at__lt=at - dt.timedelta(seconds=2 * signing.WINDOW_SECONDS)).delete()


def _device_for(platform: Platform, code: str, *, lock: bool) -> Device:
    qs = Device.objects.select_for_update() if lock else Device.objects
    device = qs.filter(code=code).first()
    if (
        device is None
        or not platform.covers(device)
        or (device.platform_id is not None and device.platform_id != platform.pk)
    ):
        raise NotFound(f"设备“{code[:40]}”未登记，或不属于该监控平台", code="unknown_device")
    if device.status == DeviceStatus.RETIRED:
        raise Conflict(f"设备“{device.code}”已停用，不再接收其事件", code="device_retired")
    return device


def _existing(platform: Platform, event_id: str) -> DeviceEvent | None:
    return DeviceEvent.objects.select_related("incident").filter(platform=platform, event_id=event_id).first()


@transaction.atomic
def device_event_receive(*, verified: Verified, data: EventInput, now: dt.datetime | None = None) -> Received:
    at = now or timezone.now()
    platform = verified.platform
    _signature_record(verified, at)
    first = _existing(platform, data.event_id)
    if first is not None:
        return _received(first, duplicate=True)
    device = _device_for(platform, data.device_code, lock=True)
    first = _existing(platform, data.event_id)  # a twin request that held the lock before us
    if first is not None:
        return _received(first, duplicate=True)
    occurred_at = data.occurred_at or at
    stripped = list(data.stripped)
    snapshot = data.snapshot
    if snapshot is not None and device.kind in NO_SNAPSHOT_KINDS:
        snapshot = None
        stripped.append("snapshot")
    changed = device_heard(device, at)
    if changed:
        device.save(update_fields=[*changed, "updated_at"])
    route = route_for(data.kind)
    incident = None
    photo = None
    if data.state == EventState.END:
        incident = incident_end(device, data.kind, occurred_at)
        outcome = EventOutcome.ENDED
    elif not route.raise_ticket:
        outcome = EventOutcome.RECORDED
    else:
        occ = occurrence_add(
            device,
            data.kind,
            route,
            at=occurred_at,
            source=platform.name,
            confidence=data.confidence,
            snapshot=snapshot,
        )
        incident, photo = occ.incident, occ.photo
        outcome = EventOutcome.TICKET_RAISED if occ.raised else EventOutcome.APPENDED
    event = DeviceEvent(
        platform=platform,
        device=device,
        event_id=data.event_id,
        kind=data.kind,
        state=data.state,
        occurred_at=occurred_at,
        confidence=data.confidence,
        zone=data.zone,
        outcome=outcome,
        incident=incident,
        snapshot=photo,
        stripped=sorted(set(stripped)),
    )
    event.set_place_codes(grid_code=device.grid_code)
    event.save(force_insert=True)
    audit_record(
        actor=None,
        target=event,
        event="devices.event_received",
        data={
            "platform": platform.name,
            "key_id": verified.key.key_id,
            "device": device.code,
            "kind": data.kind,
            "outcome": outcome,
            "ticket_id": incident.ticket_id if incident else None,
            **({"stripped": event.stripped} if event.stripped else {}),
        },
    )
    return _received(event, duplicate=False)


@dataclass
class Heard:
    heard: int
    unknown: list[str]


@transaction.atomic
def device_heartbeats_receive(
    *, verified: Verified, codes: list[str], now: dt.datetime | None = None
) -> Heard:
    at = now or timezone.now()
    platform = verified.platform
    _signature_record(verified, at)
    found = [
        d
        for d in Device.objects.filter(code__in=codes).exclude(status=DeviceStatus.RETIRED)
        if platform.covers(d) and d.platform_id in (None, platform.pk)
    ]
    heard = heard_bulk([d.pk for d in found], at)
    known = {d.code for d in found}
    unknown = [c for c in codes if c not in known]
    audit_record(
        actor=None,
        target=platform,
        event="devices.heartbeats_received",
        data={"key_id": verified.key.key_id, "devices": len(codes), "heard": heard, "unknown": len(unknown)},
    )
    return Heard(heard=len(found), unknown=unknown[:20])


@dataclass
class HistoryEvent:
    """One event of the bulk path (the demo's month): already normalised, no snapshot."""

    device: Device
    kind: str
    occurred_at: dt.datetime
    event_id: str
    confidence: float | None = None


@transaction.atomic
def device_events_import(
    *, actor: object | None, platform: Platform, events: list[HistoryEvent]
) -> dict[str, int]:
    """Past events of a platform in time order, in one transaction: the storms are worked out in memory,
    a ticket is raised per incident through the ticket services, the events go in one bulk insert, and one
    audit row. The system's path (the demo, a vendor's backfill by a management command); no signature."""
    from gongzhi.devices.models import Incident

    events = sorted(events, key=lambda e: e.occurred_at)
    rows: list[DeviceEvent] = []
    open_by: dict[tuple[int, str], Incident] = {}
    counts = {"events": 0, "tickets": 0, "appended": 0, "recorded": 0}
    routes = {kind: route_for(kind) for kind in EventKind.values}
    for e in events:
        route = routes[e.kind]
        incident = None
        if not route.raise_ticket:
            outcome = EventOutcome.RECORDED
            counts["recorded"] += 1
        else:
            key = (e.device.pk, e.kind)
            incident = open_by.get(key)
            if incident is not None and e.occurred_at - incident.last_at > dt.timedelta(
                minutes=route.storm_minutes
            ):
                incident.ended_at = incident.last_at
                incident.save(update_fields=["count", "last_at", "ended_at", "updated_at"])
                incident = None
            if incident is not None:
                incident.count += 1
                incident.last_at = e.occurred_at
                outcome = EventOutcome.APPENDED
                counts["appended"] += 1
            else:
                occ = occurrence_add(
                    e.device, e.kind, route, at=e.occurred_at, source=platform.name, confidence=e.confidence
                )
                incident = occ.incident
                open_by[key] = incident
                outcome = EventOutcome.TICKET_RAISED if occ.raised else EventOutcome.APPENDED
                counts["tickets"] += int(occ.raised)
        row = DeviceEvent(
            platform=platform,
            device=e.device,
            event_id=e.event_id,
            kind=e.kind,
            occurred_at=e.occurred_at,
            confidence=e.confidence,
            outcome=outcome,
            incident=incident,
        )
        row.set_place_codes(grid_code=e.device.grid_code)
        rows.append(row)
    for incident in open_by.values():
        incident.save(update_fields=["count", "last_at", "updated_at"])
    DeviceEvent.objects.bulk_create(rows, batch_size=1000)
    counts["events"] = len(rows)
    audit_record(actor=actor, target=platform, event="devices.events_imported", data=counts)  # type: ignore[arg-type]
    return counts
