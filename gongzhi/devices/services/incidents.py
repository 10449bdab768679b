"""From an event to a ticket: the incident (one per storm of one kind from one device) and the ticket it
raises, through the ticket services as the system (``actor`` None, channel API, the device's grid, the
snapshot as the report photo). Called inside the event and sweep services' transactions, with the
device's row locked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from gongzhi.core.images import CleanImage
from gongzhi.devices.enums import DeviceKind, EventKind
from gongzhi.devices.models import Device, Incident
from gongzhi.devices.routing import MAINTENANCE_KINDS
from gongzhi.devices.selectors import ResolvedRoute
from gongzhi.tickets.enums import TERMINAL, Channel
from gongzhi.tickets.models import Ticket, TicketPhoto
from gongzhi.tickets.services import TicketInput, ticket_report_rows

CHANNEL_SOURCE = "智慧社区设备"


@dataclass
class Occurrence:
    incident: Incident
    raised: bool  # True: this occurrence raised the ticket; False: it was added to an open incident
    photo: TicketPhoto | None = None


def _description(device: Device, kind: str, at: dt.datetime, source: str, confidence: float | None) -> str:
    where = "，".join(p for p in (device.building, device.place) if p) or "未登记具体位置"
    label = EventKind(kind).label
    text = (
        f"{label}：{DeviceKind(device.kind).label}“{device.name}”（编码 {device.code}）报告，"
        f"位置：{where}；发生时间 {timezone.localtime(at):%Y-%m-%d %H:%M}；来源：{source}。"
    )
    if confidence is not None:
        text += f"识别置信度 {confidence:.0%}。"
    if kind in MAINTENANCE_KINDS:
        text += "请物业或设备维保单位检查设备供电、网络和安装情况，修复后设备恢复上报即自动在线。"
    else:
        text += "现场抓拍见照片（仅现场画面，不含人脸识别和身份信息）。同一设备同类事件在合并窗口内只生成本工单，次数见设备事件页。"
    return text


def raise_ticket(
    device: Device,
    kind: str,
    route: ResolvedRoute,
    *,
    at: dt.datetime,
    source: str,
    confidence: float | None = None,
    snapshot: CleanImage | None = None,
) -> tuple[Ticket, TicketPhoto | None]:
    prefix = "【设备维护】" if kind in MAINTENANCE_KINDS else "【设备告警】"
    title = f"{prefix}{EventKind(kind).label}：{device.name}"[:100]
    reported = ticket_report_rows(
        actor=None,
        data=TicketInput(
            description=_description(device, kind, at, source, confidence),
            channel=Channel.API,
            channel_source=f"{CHANNEL_SOURCE}·{source}"[:100],
            title=title,
            category_code=route.category.code if route.category else "",
            grid_code=device.grid_code,
            address=f"{device.building} {device.place}".strip()[:200],
            urgent=route.urgent,
        ),
        photos=[snapshot.data] if snapshot is not None else None,
        now=at if at <= timezone.now() else None,
    )
    return reported.ticket, (reported.photos[0] if reported.photos else None)


def occurrence_add(
    device: Device,
    kind: str,
    route: ResolvedRoute,
    *,
    at: dt.datetime,
    source: str,
    confidence: float | None = None,
    snapshot: CleanImage | None = None,
    ticket: Ticket | None = None,
) -> Occurrence:
    """One more occurrence of ``kind`` at ``device`` (its row locked by the caller): added to the open
    incident when it is within the storm window and its ticket is still open; else the stale incident
    is ended and a new one raises a ticket (or takes ``ticket``: one ticket for a platform outage)."""
    window = dt.timedelta(minutes=route.storm_minutes)
    incident = (
        Incident.objects.select_related("ticket")
        .filter(device=device, kind=kind, ended_at__isnull=True)
        .first()
    )
    if incident is not None:
        ticket_closed = incident.ticket is not None and incident.ticket.status in TERMINAL
        if ticket_closed or at - incident.last_at > window:
            incident.ended_at = max(at, incident.last_at)
            incident.save(update_fields=["ended_at", "updated_at"])
            incident = None
    if incident is not None:
        incident.count += 1
        incident.last_at = max(incident.last_at, at)
        incident.save(update_fields=["count", "last_at", "updated_at"])
        return Occurrence(incident=incident, raised=False)
    photo = None
    if ticket is None:
        ticket, photo = raise_ticket(
            device, kind, route, at=at, source=source, confidence=confidence, snapshot=snapshot
        )
    incident = Incident(device=device, kind=kind, ticket=ticket, first_at=at, last_at=at, count=1)
    incident.set_place_codes(grid_code=device.grid_code)
    incident.save(force_insert=True)
    return Occurrence(incident=incident, raised=True, photo=photo)


def incident_end(device: Device, kind: str, at: dt.datetime) -> Incident | None:
    incident = Incident.objects.filter(device=device, kind=kind, ended_at__isnull=True).first()
    if incident is not None:
        incident.ended_at = max(at, incident.last_at)
        incident.save(update_fields=["ended_at", "updated_at"])
    return incident
