"""Entering a year's holiday table: validation, permission, audit, replacement, the notice-line parser."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.audit.models import AuditEvent
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed
from gongzhi.workdays.calendar import is_workday, year_source
from gongzhi.workdays.enums import YearSource
from gongzhi.workdays.models import CalendarDay, HolidayYear
from gongzhi.workdays.selectors import holiday_year_list, year_days, year_summary
from gongzhi.workdays.services import (
    format_notice_lines,
    holiday_year_delete,
    holiday_year_set,
    parse_notice_lines,
)

NOTICE = "国务院办公厅关于2027年部分节假日安排的通知"
NEW_YEAR = [(dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦")]


def enter(actor=None, **kwargs: Any) -> HolidayYear:
    args: dict[str, Any] = {"year": 2027, "notice": NOTICE, "holidays": NEW_YEAR, "workdays": []}
    args.update(kwargs)
    return holiday_year_set(actor=actor, **args)


def test_district_admin_enters_a_year_audited(district):
    admin = district.user("district_admin")
    entry = enter(admin, workdays=[(dt.date(2027, 1, 10), "元旦调休")], notice_number="国办发明电〔2026〕7号")
    assert entry.entered_by == admin
    assert list(entry.days.values_list("date", "is_workday", "name")) == [
        (dt.date(2027, 1, 1), False, "元旦"),
        (dt.date(2027, 1, 2), False, "元旦"),
        (dt.date(2027, 1, 3), False, "元旦"),
        (dt.date(2027, 1, 10), True, "元旦调休"),
    ]
    event = AuditEvent.objects.get(event_type="workdays.holiday_year_set")
    assert event.actor_id == admin.pk
    assert event.target_id == str(entry.pk)
    assert event.data["old"] is None
    assert event.data["new"]["workdays"] == [["2027-01-10", "元旦调休"]]
    assert "workdays.holiday_year_set" in EVENT_LABELS
    assert "workdays.holiday_year_deleted" in EVENT_LABELS


def test_setting_again_replaces_the_whole_table(db):
    enter(workdays=[(dt.date(2027, 1, 10), "元旦调休")])
    enter(holidays=[(dt.date(2027, 2, 6), dt.date(2027, 2, 12), "春节")], notice="第二次录入")
    entry = HolidayYear.objects.get(year=2027)
    assert entry.notice == "第二次录入"
    assert sorted({d.name for d in entry.days.all()}) == ["春节"]
    assert is_workday(dt.date(2027, 1, 1)) is True  # the old table is gone, a Friday again
    assert is_workday(dt.date(2027, 2, 8)) is False
    second = AuditEvent.objects.filter(event_type="workdays.holiday_year_set").order_by("id").last()
    assert second is not None
    assert second.data["old"]["holidays"][0] == ["2027-01-01", "元旦"]


def test_delete_falls_back_and_is_audited(db):
    enter()
    assert year_source(2027) == YearSource.TABLE
    holiday_year_delete(actor=None, year=2027)
    assert year_source(2027) == YearSource.WEEKENDS
    assert not CalendarDay.objects.exists()
    assert AuditEvent.objects.filter(event_type="workdays.holiday_year_deleted").count() == 1
    with pytest.raises(NotFound):
        holiday_year_delete(actor=None, year=2027)


@pytest.mark.parametrize("key", ["community_worker", "subdistrict_staff", "auditor", "resident"])
def test_others_are_refused_and_nothing_is_written(district, key):
    with pytest.raises(Forbidden):
        enter(district.user(key))
    assert not HolidayYear.objects.exists()
    assert not AuditEvent.objects.filter(event_type__startswith="workdays.").exists()
    enter()
    with pytest.raises(Forbidden):
        holiday_year_delete(actor=district.user(key), year=2027)
    assert HolidayYear.objects.filter(year=2027).exists()


def test_superuser_may_enter(db):
    from gongzhi.accounts.models import User

    root = User.objects.create_superuser(username="root", password="x-Passw0rd-长")
    assert enter(root).entered_by == root


@pytest.mark.parametrize(
    ("kwargs", "field", "text"),
    [
        ({"year": 1999}, "year", "年份"),
        ({"notice": " "}, "notice", "通知标题"),
        ({"holidays": []}, "holidays", "至少"),
        ({"holidays": [(dt.date(2027, 1, 3), dt.date(2027, 1, 1), "元旦")]}, "holidays", "早于开始日期"),
        ({"holidays": [(dt.date(2026, 12, 31), dt.date(2027, 1, 1), "元旦")]}, "holidays", "2027年内"),
        ({"holidays": [(dt.date(2027, 1, 1), dt.date(2027, 1, 1), "")]}, "holidays", "名称"),
        (
            {"holidays": [*NEW_YEAR, (dt.date(2027, 1, 3), dt.date(2027, 1, 4), "元旦")]},
            "holidays",
            "已在前面",
        ),
        ({"workdays": [(dt.date(2027, 1, 6), "调休")]}, "workdays", "周六或周日"),
        ({"workdays": [(dt.date(2027, 1, 2), "元旦调休")]}, "workdays", "已是放假日期"),
        ({"workdays": [(dt.date(2028, 1, 1), "调休")]}, "workdays", "2027年内"),
        ({"workdays": [(dt.date(2027, 1, 10), "a"), (dt.date(2027, 1, 10), "b")]}, "workdays", "重复"),
    ],
)
def test_validation_errors_are_chinese_field_messages_and_write_nothing(db, kwargs, field, text):
    with pytest.raises(ValidationFailed) as exc:
        enter(**kwargs)
    assert set(exc.value.fields) == {field}
    assert text in exc.value.fields[field]
    assert not HolidayYear.objects.exists()
    assert not AuditEvent.objects.exists()


def test_a_refused_replacement_keeps_the_old_table(db):
    enter()
    with pytest.raises(ValidationFailed):
        enter(workdays=[(dt.date(2027, 1, 6), "调休")])
    assert HolidayYear.objects.get(year=2027).days.count() == 3
    assert is_workday(dt.date(2027, 1, 1)) is False


# --- the notice lines ------------------------------------------------------------------------------


def test_parse_notice_lines():
    holidays, workdays = parse_notice_lines(
        "# 国办发明电\n2027-01-01~2027-01-03 元旦\n\n2027年4月5日 清明节\n"
        "2027/10/01 至 2027/10/07 国庆节\n调休 2027-02-07 春节调休\n补班：2027-10-09 国庆节调休\n"
    )
    assert holidays == [
        (dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦"),
        (dt.date(2027, 4, 5), dt.date(2027, 4, 5), "清明节"),
        (dt.date(2027, 10, 1), dt.date(2027, 10, 7), "国庆节"),
    ]
    assert workdays == [(dt.date(2027, 2, 7), "春节调休"), (dt.date(2027, 10, 9), "国庆节调休")]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2027-01-01~2027-01-03 元旦\n元旦放三天", "第2行：格式应为"),
        ("2027-02-30 春节", "第1行：2027-02-30不是有效日期"),
        ("2027-01-01~2027-01-03", "第1行：请在日期后写上节日名称"),
        ("\n\n2027-01-03~2027-01-01 元旦", "第3行：结束日期早于开始日期"),
        ("2027-01-01 元旦\n调休 2027-01-10", "第2行：请在调休日期后写上名称"),
        ("  \n# 只有注释", "请按每行一条"),
    ],
)
def test_parse_notice_lines_errors_name_the_row(text, message):
    with pytest.raises(ValidationFailed) as exc:
        parse_notice_lines(text)
    assert message in exc.value.fields["lines"]


def test_format_notice_lines_round_trips(db):
    text = (
        "2027-01-01~2027-01-03 元旦\n调休 2027-02-07 春节调休\n2027-02-10~2027-02-16 春节\n2027-04-05 清明节"
    )
    holidays, workdays = parse_notice_lines(text)
    entry = enter(holidays=holidays, workdays=workdays)
    assert format_notice_lines(entry) == text


# --- selectors -------------------------------------------------------------------------------------


def test_year_summary_per_source(db):
    s2026 = year_summary(2026)
    assert s2026.source == YearSource.CHINESECALENDAR
    assert dt.date(2026, 10, 10) in s2026.working_weekends
    assert dt.date(2026, 9, 20) in s2026.working_weekends
    assert s2026.holidays > 20
    assert s2026.warning == ""
    assert {d.name for d in year_days(2026) if not d.is_workday} >= {"国庆节", "中秋节", "春节", "元旦"}
    s2027 = year_summary(2027)
    assert (s2027.source, s2027.holidays, s2027.working_weekends) == (YearSource.WEEKENDS, 0, [])
    assert "2027年" in s2027.warning
    enter(workdays=[(dt.date(2027, 1, 10), "元旦调休")])
    s2027 = year_summary(2027)
    assert (s2027.source, s2027.holidays, s2027.working_weekends) == (
        YearSource.TABLE,
        3,
        [dt.date(2027, 1, 10)],
    )
    assert s2027.entry is not None and s2027.entry.notice == NOTICE
    [row] = holiday_year_list()
    assert (row.year, row.holiday_days, row.working_weekends) == (2027, 3, 1)  # type: ignore[attr-defined]
