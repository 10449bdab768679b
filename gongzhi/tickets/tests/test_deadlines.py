"""A ticket's deadline on the official calendar: National Day 2026 with its 调休 Saturday, and the turn
from 2026 to 2027 with and without the admin-entered 2027 table."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Level
from gongzhi.tickets.tests.helpers import report
from gongzhi.workdays.services import holiday_year_set

SH = ZoneInfo("Asia/Shanghai")


def _dispatch(district, at: datetime, amount: int, unit: str = "working_days"):
    t = report(district, "resident", "小区路灯不亮", now=at)
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk, now=at)
    return svc.ticket_dispatch(
        actor=district.user("grid_worker"),
        ticket_id=t.pk,
        level=Level.GRID,
        limit_amount=amount,
        limit_unit=unit,
        now=at,
    )


def test_national_day_2026_and_the_working_saturday(district):
    # Wed 30 Sep 2026 + 3 working days: 1–7 Oct are holidays, 8 and 9 Oct work, Sat 10 Oct is a 调休 working day.
    t = _dispatch(district, datetime(2026, 9, 30, 10, 0, tzinfo=SH), 3)
    assert t.deadline is not None
    assert t.deadline.astimezone(SH) == datetime(2026, 10, 10, 17, 30, tzinfo=SH)
    assert t.deadline_warning == ""


def test_turn_of_the_year_without_a_2027_table(district):
    t = _dispatch(district, datetime(2026, 12, 30, 10, 0, tzinfo=SH), 5)
    assert t.deadline is not None
    # 31 Dec, then Mon–Fri of 2027 (weekend fallback): 4, 5, 6 Jan… → 6 Jan, with a visible warning.
    assert t.deadline.astimezone(SH).date() == date(2027, 1, 6)
    assert "2027" in t.deadline_warning


def test_turn_of_the_year_with_the_admin_entered_2027_table(district):
    holiday_year_set(
        actor=district.user("district_admin"),
        year=2027,
        notice="国务院办公厅关于2027年部分节假日安排的通知",
        holidays=[(date(2027, 1, 1), date(2027, 1, 3), "元旦")],
        workdays=[],
    )
    t = _dispatch(district, datetime(2026, 12, 30, 10, 0, tzinfo=SH), 5)
    assert t.deadline is not None
    # 31 Dec, (1 Jan holiday), 4, 5, 6, 7 Jan → 7 Jan, no warning.
    assert t.deadline.astimezone(SH).date() == date(2027, 1, 7)
    assert t.deadline_warning == ""
