"""Viewing an event's snapshot: a scene picture, but people may be in it, so every view leaves an audit
row (who, which event) in the event's place, read by its auditors."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.devices.models import DeviceEvent
from gongzhi.tickets.models import TicketPhoto

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


@transaction.atomic
def device_snapshot_open(*, actor: Actor, event_id: int) -> TicketPhoto:
    event = DeviceEvent.objects.select_related("snapshot", "device").filter(pk=event_id).first()
    if event is None or event.snapshot is None:
        raise NotFound("抓拍图片不存在或无权查看")
    require(actor, "devices.view_snapshot", event, error=NotFound("抓拍图片不存在或无权查看"))
    audit_record(
        actor=actor,
        target=event,
        event="devices.snapshot_viewed",
        data={"device": event.device.code, "kind": event.kind, "photo_id": event.snapshot.pk},
    )
    return event.snapshot
