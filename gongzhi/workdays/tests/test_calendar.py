"""Deadline arithmetic on the real official calendar (chinesecalendar's 2026 data, entered tables)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongzhi.core.errors import ValidationFailed
from gongzhi.workdays.calendar import (
    SHANGHAI,
    calendar_warnings,
    deadline_for,
    is_workday,
    year_source,
    year_warning,
)
from gongzhi.workdays.enums import LimitUnit, YearSource
from gongzhi.workdays.services import holiday_year_set

pytestmark = pytest.mark.django_db

D, H, N, NH = LimitUnit.WORKING_DAYS, LimitUnit.WORKING_HOURS, LimitUnit.NATURAL_DAYS, LimitUnit.HOURS
NOTICE_2027 = "国务院办公厅关于2027年部分节假日安排的通知"


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def enter_2027(**kwargs) -> None:
    holiday_year_set(
        actor=None,
        year=2027,
        notice=NOTICE_2027,
        holidays=[(dt.date(2027, 1, 1), dt.date(2027, 1, 3), "元旦")],
        workdays=[(dt.date(2027, 1, 10), "元旦调休")],
        **kwargs,
    )


# --- chinesecalendar's 2026 ------------------------------------------------------------------------


def test_2026_comes_from_chinesecalendar_and_2027_falls_back():
    assert year_source(2026) == YearSource.CHINESECALENDAR
    assert year_source(2027) == YearSource.WEEKENDS


def test_national_day_and_mid_autumn_2026_days():
    # 2026: 中秋 25–27 Sep, 国庆 1–7 Oct; 调休上班 Sun 20 Sep and Sat 10 Oct
    assert is_workday(dt.date(2026, 9, 20)) is True
    assert is_workday(dt.date(2026, 9, 25)) is False  # a Friday, off for 中秋
    for day in range(1, 8):
        assert is_workday(dt.date(2026, 10, day)) is False
    assert is_workday(dt.date(2026, 10, 8)) is True
    assert is_workday(dt.date(2026, 10, 10)) is True  # a Saturday, 调休
    assert is_workday(dt.date(2026, 10, 11)) is False


def test_dispatched_before_national_day_counts_after_the_holiday():
    start = sh(2026, 9, 30, 10, 0)
    assert deadline_for(start, 1, D).at == sh(2026, 10, 8, 17, 30)
    assert deadline_for(start, 2, D).at == sh(2026, 10, 9, 17, 30)
    # the third working day is the 调休 Saturday
    third = deadline_for(start, 3, D)
    assert third.at == sh(2026, 10, 10, 17, 30)
    assert third.warnings == ()
    assert deadline_for(start, 4, D).at == sh(2026, 10, 12, 17, 30)


def test_mid_autumn_friday_and_the_working_sunday_before_it():
    # Sat 19 Sep → Sun 20 Sep is a working day (调休) → the first working day
    assert deadline_for(sh(2026, 9, 19, 9, 0), 1, D).at == sh(2026, 9, 20, 17, 30)
    # Thu 24 Sep: Fri 25 is off (中秋), the weekend too → Mon 28 Sep
    assert deadline_for(sh(2026, 9, 24, 9, 0), 1, D).at == sh(2026, 9, 28, 17, 30)


def test_spring_festival_2026():
    start = sh(2026, 2, 13, 9, 0)  # Friday before the holiday
    assert deadline_for(start, 1, D).at == sh(2026, 2, 14, 17, 30)  # Sat 14 Feb is 调休上班
    assert deadline_for(start, 2, D).at == sh(2026, 2, 24, 17, 30)  # 15–23 Feb off
    assert is_workday(dt.date(2026, 2, 28)) is True  # the second 调休 Saturday


def test_start_day_is_local_shanghai_date():
    # 17:00 UTC on 1 Dec is 01:00 on 2 Dec in Shanghai: the start day is 2 Dec, not counted
    start = dt.datetime(2026, 12, 1, 17, 0, tzinfo=dt.UTC)
    result = deadline_for(start, 1, D)
    assert result.at == sh(2026, 12, 3, 17, 30)
    assert result.at.utcoffset() == dt.timedelta(hours=8)


def test_natural_units():
    start = sh(2026, 9, 30, 10, 0)
    assert deadline_for(start, 3, N).at == sh(2026, 10, 3, 10, 0)
    assert deadline_for(start, 2, NH).at == sh(2026, 9, 30, 12, 0)
    assert deadline_for(start, 2, NH).warnings == ()


# --- the turn of the year --------------------------------------------------------------------------


def test_year_turn_without_a_2027_table_falls_back_to_weekends_with_a_warning():
    result = deadline_for(sh(2026, 12, 30, 10, 0), 5, D)
    # 31 Dec (2026, chinesecalendar), then 2027 Mon–Fri: 1 Jan, 4, 5, 6 Jan
    assert result.at == sh(2027, 1, 6, 17, 30)
    assert result.warnings == ("2027年法定节假日安排尚未录入，暂按周一至周五为工作日计算",)


def test_year_turn_with_an_entered_2027_table_honours_it():
    enter_2027()
    assert year_source(2027) == YearSource.TABLE
    result = deadline_for(sh(2026, 12, 30, 10, 0), 5, D)
    # 31 Dec, then 1–3 Jan off (元旦) → 4, 5, 6, 7 Jan
    assert result.at == sh(2027, 1, 7, 17, 30)
    assert result.warnings == ()
    # the entered working Sunday 10 Jan counts: 8 Jan (6th), Sun 10 Jan (7th), 11 Jan (8th)
    assert deadline_for(sh(2026, 12, 30, 10, 0), 8, D).at == sh(2027, 1, 11, 17, 30)
    assert is_workday(dt.date(2027, 1, 9)) is False  # an unlisted Saturday follows the weekday rule


def test_a_table_overrides_chinesecalendar():
    holiday_year_set(
        actor=None,
        year=2026,
        notice="测试用：与国务院通知不同的2026年安排",
        holidays=[(dt.date(2026, 10, 1), dt.date(2026, 10, 3), "国庆节")],
        workdays=[],
    )
    assert year_source(2026) == YearSource.TABLE
    assert is_workday(dt.date(2026, 9, 20)) is False  # no longer a 调休 Sunday
    assert is_workday(dt.date(2026, 10, 5)) is True
    # Wed 30 Sep + 3: Oct 1–3 off, Sun 4 → Mon 5, Tue 6, Wed 7
    assert deadline_for(sh(2026, 9, 30, 10, 0), 3, D).at == sh(2026, 10, 7, 17, 30)


def test_calendar_warnings_for_the_banner():
    assert calendar_warnings(dt.date(2026, 10, 31)) == []
    assert calendar_warnings(dt.date(2026, 11, 1)) == [year_warning(2027)]
    assert calendar_warnings(dt.date(2027, 3, 1)) == [year_warning(2027)]
    assert calendar_warnings(dt.date(2027, 11, 2)) == [year_warning(2027), year_warning(2028)]
    enter_2027()
    assert calendar_warnings(dt.date(2026, 11, 1)) == []
    assert calendar_warnings(dt.date(2027, 11, 2)) == [year_warning(2028)]


# --- working hours ---------------------------------------------------------------------------------


def test_working_hours_across_lunch():
    assert deadline_for(sh(2026, 12, 1, 11, 0), 2, H).at == sh(2026, 12, 1, 14, 30)


def test_working_hours_across_the_evening():
    assert deadline_for(sh(2026, 12, 1, 17, 0), 1, H).at == sh(2026, 12, 2, 9, 0)


def test_working_hours_filling_a_period_ends_at_its_end():
    assert deadline_for(sh(2026, 12, 1, 13, 30), 4, H).at == sh(2026, 12, 1, 17, 30)


def test_working_hours_start_outside_periods():
    assert deadline_for(sh(2026, 12, 1, 6, 0), 1, H).at == sh(2026, 12, 1, 9, 30)
    assert deadline_for(sh(2026, 12, 1, 12, 30), 1, H).at == sh(2026, 12, 1, 14, 30)


def test_working_hours_starting_on_a_holiday():
    # Sat 3 Oct 2026 (国庆): nothing counts until Thu 8 Oct 08:30
    assert deadline_for(sh(2026, 10, 3, 10, 0), 4, H).at == sh(2026, 10, 8, 14, 0)


def test_working_hours_setting(settings):
    settings.WORKDAY_HOURS = "09:00-17:00"
    assert deadline_for(sh(2026, 12, 1, 16, 0), 2, H).at == sh(2026, 12, 2, 10, 0)
    assert deadline_for(sh(2026, 12, 1, 16, 0), 1, D).at == sh(2026, 12, 2, 17, 0)


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "field"),
    [
        (0, D, "time_limit"),
        (-1, H, "time_limit"),
        (366, D, "time_limit"),
        (2001, H, "time_limit"),
        ("3", D, "time_limit"),
        (True, D, "time_limit"),
        (3, "weeks", "time_limit_unit"),
    ],
)
def test_bad_amounts_are_field_errors(amount, unit, field):
    with pytest.raises(ValidationFailed) as exc:
        deadline_for(sh(2026, 12, 1, 9, 0), amount, unit)
    assert set(exc.value.fields) == {field}
    assert "时限" in exc.value.message


def test_the_largest_amounts_work_across_years():
    assert deadline_for(sh(2026, 12, 1, 9, 0), 365, D).at.year == 2028
    assert deadline_for(sh(2026, 12, 1, 9, 0), 2000, H).at > sh(2027, 12, 1)


# --- speed: no query per call ----------------------------------------------------------------------


def test_deadlines_in_bulk_ask_the_database_once(django_assert_max_num_queries):
    deadline_for(sh(2026, 12, 30, 10, 0), 5, D)  # warms the cache
    with django_assert_max_num_queries(0):
        for i in range(200):
            deadline_for(sh(2026, 12, 1, 9, 0) + dt.timedelta(hours=i), 1 + i % 20, D if i % 2 else H)


def test_a_change_by_another_process_is_seen_after_the_version_check(settings):
    from gongzhi.workdays.models import CalendarDay, HolidayYear

    settings.WORKDAY_CACHE_SECONDS = 0
    assert year_source(2027) == YearSource.WEEKENDS
    # written behind the service's back, as another process's write looks to this one
    entry = HolidayYear.objects.create(year=2027, notice=NOTICE_2027)
    CalendarDay.objects.create(holiday_year=entry, date=dt.date(2027, 1, 1), is_workday=False, name="元旦")
    assert year_source(2027) == YearSource.TABLE
    assert is_workday(dt.date(2027, 1, 1)) is False


# --- properties ------------------------------------------------------------------------------------

starts = st.datetimes(min_value=dt.datetime(2025, 6, 1), max_value=dt.datetime(2027, 6, 1)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)


@settings(max_examples=150, deadline=None)
@given(start=starts, unit=st.sampled_from(LimitUnit.values), a=st.integers(1, 60), b=st.integers(1, 60))
def test_deadline_is_monotonic_in_amount_and_never_before_start(start, unit, a, b):
    low, high = sorted((a, b))
    first, second = deadline_for(start, low, unit), deadline_for(start, high, unit)
    assert start <= first.at <= second.at
    if low < high:
        assert first.at < second.at
    assert first.at.tzinfo is not None
