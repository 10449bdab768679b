"""Shared set-up for the ticket tests: reports made through the service, inside the small district."""

from __future__ import annotations

from datetime import datetime

from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel
from gongzhi.tickets.models import Ticket

# Inside the small district's grid g1 (a 0.01° square from 117.10, 36.98).
G1_POINT = (117.105, 36.985)
G2_POINT = (117.115, 36.985)


def report(
    district, user_key: str | None, description: str, *, now: datetime | None = None, **fields
) -> Ticket:
    fields.setdefault("lng", G1_POINT[0])
    fields.setdefault("lat", G1_POINT[1])
    actor = district.user(user_key) if user_key else None
    return svc.ticket_report(actor=actor, data=svc.TicketInput(description=description, **fields), now=now)


def report_from_system(district, external_id: str) -> Ticket:
    """A connected system's report (channel API, its own number): the one that can meet a unique row."""
    return svc.ticket_report(
        actor=None,
        data=svc.TicketInput(
            description="井盖缺失",
            channel=Channel.API,
            channel_source="城市运行平台",
            external_id=external_id,
            grid_code=district.grids["g1"].code,
        ),
    )
