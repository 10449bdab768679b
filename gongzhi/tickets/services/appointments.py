"""书记有约 (meet-the-secretary session) intake: a resident's issue raised at a session becomes a ticket
with channel "appointment" and the session ("书记有约 2026-11-20 张书记") as its channel source."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.core.errors import ApplicationError, Forbidden, field_error
from gongzhi.core.permissions import require
from gongzhi.core.roles import COMMUNITY_STAFF
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Grid
from gongzhi.tickets.enums import Channel
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.services.common import text
from gongzhi.tickets.services.intake import TicketInput, ticket_report

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# A session entered a few weeks late is normal (the register is typed up afterwards); a year is not.
OLDEST_SESSION = timedelta(days=366)


@dataclass
class AppointmentInput:
    session_date: date | None
    secretary: str
    resident_name: str
    resident_phone: str
    description: str
    category_code: str = ""
    address: str = ""
    grid_code: str = ""


def session_label(session_date: date, secretary: str) -> str:
    return f"书记有约 {session_date:%Y-%m-%d} {secretary}"


@transaction.atomic
def appointment_ticket_report(*, actor: Actor, data: AppointmentInput, now: datetime | None = None) -> Ticket:
    """Community workers and secretaries record an issue raised at a 书记有约 session."""
    require(
        actor,
        "tickets.take_appointment",
        error=Forbidden(gettext("只有社区工作者和社区党组织书记可以登记书记有约")),
    )
    scope = scope_of(actor)
    at = now or timezone.now()
    today = timezone.localtime(at).date()
    if data.session_date is None:
        raise field_error("session_date", gettext("请填写接待日期"), code="required")
    if data.session_date > today:
        raise field_error("session_date", gettext("接待日期不能晚于今天"))
    if data.session_date < today - OLDEST_SESSION:
        raise field_error("session_date", gettext("接待日期早于一年前，请核对"))
    secretary = text(data.secretary, "secretary", "当值书记", required=True, max_length=20)
    name = text(data.resident_name, "resident_name", "居民姓名", required=True, max_length=50)
    phone = text(data.resident_phone, "resident_phone", "联系电话", required=True, max_length=30)
    grid_code = (data.grid_code or "").strip()
    if grid_code:
        grid = Grid.objects.filter(code=grid_code).first()
        if grid is None or not (scope.superuser or scope.covers(grid, COMMUNITY_STAFF)):
            raise field_error("grid_code", gettext("网格不存在或不在您的管辖范围内"))
    try:
        return ticket_report(
            actor=actor,
            data=TicketInput(
                description=data.description,
                channel=Channel.APPOINTMENT,
                channel_source=session_label(data.session_date, secretary),
                category_code=data.category_code,
                address=data.address,
                grid_code=grid_code,
                reporter_name=name,
                reporter_phone=phone,
            ),
            now=at,
        )
    except ApplicationError as exc:
        # The form's names for the reporter fields.
        for core, ours in (("reporter_phone", "resident_phone"), ("reporter_name", "resident_name")):
            if core in exc.fields:
                raise field_error(ours, exc.fields[core]) from exc
        raise
