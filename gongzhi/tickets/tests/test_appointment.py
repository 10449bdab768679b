"""书记有约 intake: the service (permission, session label, field errors) and the console form."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from gongzhi.core.errors import Forbidden, ValidationFailed
from gongzhi.tickets.enums import Channel, TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.services.appointments import AppointmentInput, appointment_ticket_report

SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 20, 16, 0, tzinfo=SH)


def _input(**kw) -> AppointmentInput:
    base: dict[str, Any] = {
        "session_date": date(2026, 11, 20),
        "secretary": "张书记",
        "resident_name": "王大爷",
        "resident_phone": "13800001111",
        "description": "3号楼楼道堆放杂物，影响消防通道",
        "category_code": "301005",
    }
    base.update(kw)
    return AppointmentInput(**base)


def test_secretary_records_an_appointment_ticket(district):
    g1 = district.grids["g1"]
    ticket = appointment_ticket_report(
        actor=district.user("community_secretary"), data=_input(grid_code=g1.code), now=NOW
    )
    assert ticket.channel == Channel.APPOINTMENT and ticket.status == TicketStatus.REPORTED
    assert ticket.channel_source == "书记有约 2026-11-20 张书记"
    assert ticket.grid_code == g1.code
    assert ticket.reporter_name == "王大爷" and ticket.reporter_phone_masked == "138****1111"
    assert ticket.category is not None and ticket.category.code == "301005"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"session_date": None}, "session_date"),
        ({"session_date": date(2026, 11, 21)}, "session_date"),
        ({"secretary": ""}, "secretary"),
        ({"resident_name": " "}, "resident_name"),
        ({"resident_phone": "123"}, "resident_phone"),
        ({"description": ""}, "description"),
        ({"category_code": "999999"}, "category"),
        ({"grid_code": "370115002001001"}, "grid_code"),  # B1's grid: another community
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(district, changes, field):
    with pytest.raises(ValidationFailed) as exc:
        appointment_ticket_report(actor=district.user("community_worker"), data=_input(**changes), now=NOW)
    assert field in exc.value.fields
    assert Ticket.objects.count() == 0


@pytest.mark.parametrize("user", ["grid_worker", "resident", "subdistrict_staff", "department_handler"])
def test_only_community_staff(district, user):
    with pytest.raises(Forbidden):
        appointment_ticket_report(actor=district.user(user), data=_input(), now=NOW)


def test_console_form(district, client):
    client.force_login(district.user("community_worker"))
    page = client.get("/console/tickets/appointment/")
    assert page.status_code == 200 and "书记有约" in page.content.decode()
    today = datetime.now(SH).date().isoformat()
    form = {
        "session_date": today,
        "secretary": "李书记",
        "resident_name": "赵阿姨",
        "resident_phone": "13900002222",
        "description": "小区健身器材损坏",
        "category_code": "",
        "grid_code": district.grids["g2"].code,
        "address": "",
    }
    resp = client.post("/console/tickets/appointment/", form)
    assert resp.status_code == 302 and "secretary=" in resp["Location"]
    ticket = Ticket.objects.get()
    assert (
        ticket.channel_source == f"书记有约 {today} 李书记" and ticket.grid_code == district.grids["g2"].code
    )
    listing = client.get(resp["Location"]).content.decode()
    assert ticket.number in listing and "已登记为工单" in listing
    resp = client.post("/console/tickets/appointment/", {**form, "resident_phone": "abc"})
    assert resp.status_code == 200 and 'data-testid="error-resident_phone"' in resp.content.decode()
    assert Ticket.objects.count() == 1
    client.force_login(district.user("grid_worker"))
    assert client.get("/console/tickets/appointment/").status_code == 404
