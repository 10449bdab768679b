"""The official working-day calendar and deadline arithmetic (时限计算).

Which days are working days, per year, in order of precedence:

1. the holiday table a district admin entered for that year from the State Council notice
   (``HolidayYear`` + ``CalendarDay``): listed days are holidays (放假) or working weekends (调休上班),
   every other day follows the weekday rule;
2. the ``chinesecalendar`` package, for the years it covers (it raises ``NotImplementedError`` beyond);
3. otherwise plain weekends (Monday to Friday work), with a Chinese warning naming the year.
   A deadline is never refused and nothing breaks at a year boundary.

``deadline_for(start, amount, unit)`` — all in Asia/Shanghai local time, the result timezone-aware:

- ``natural_days`` (自然日): ``start + amount × 24 h``.
- ``hours`` (小时, natural hours for urgent cases): ``start + amount h``.
- ``working_days`` (工作日): the day of ``start`` is not counted; the deadline is the end of working
  hours (the last period of ``settings.WORKDAY_HOURS``, default ``"08:30-12:00,13:30-17:30"``) on the
  amount-th working day after the start day. Dispatched on Wed 30 Sep 2026 with 3 working days, the
  count starts after the National Day holiday: 8 Oct, 9 Oct, Sat 10 Oct (调休) → 10 Oct 17:30.
- ``working_hours`` (工作时): amount hours of working time counted inside the ``WORKDAY_HOURS`` periods
  of working days, from ``start`` (or from the next period start when ``start`` is outside one); the
  deadline is the instant that much working time has elapsed (a deadline that fills a period exactly is
  that period's end, not the next morning).

``amount`` must be an integer from 1 to ``MAX_AMOUNT[unit]`` (365 days, 2000 hours), otherwise
``field_error("time_limit", …)``; an unknown unit is ``field_error("time_limit_unit", …)``.
``Deadline.warnings`` holds one Chinese warning per year the computation crossed on the weekend fallback.

Speed: the per-year day table is cached in-process. The services that write the table clear the cache
(at once and again on commit); other processes notice a change by a version key (count and last
``updated_at`` of the table rows), checked at most once every ``WORKDAY_CACHE_SECONDS`` (default 5).
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import gettext

from gongzhi.core.errors import field_error
from gongzhi.workdays.enums import MAX_AMOUNT, LimitUnit, YearSource

SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_WORKDAY_HOURS = "08:30-12:00,13:30-17:30"

__all__ = [
    "SHANGHAI",
    "Deadline",
    "calendar_warnings",
    "deadline_for",
    "is_workday",
    "year_source",
    "year_warning",
]


@dataclass(frozen=True)
class Deadline:
    at: dt.datetime  # timezone-aware (Asia/Shanghai)
    warnings: tuple[str, ...]  # Chinese, one per year computed with the weekend fallback


def year_warning(year: int) -> str:
    return gettext("%(year)s年法定节假日安排尚未录入，暂按周一至周五为工作日计算") % {"year": year}


# --- working hours ---------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _parse_periods(spec: str) -> tuple[tuple[dt.time, dt.time], ...]:
    periods: list[tuple[dt.time, dt.time]] = []
    for part in spec.split(","):
        begin, _sep, end = part.strip().partition("-")
        try:
            a, b = dt.time.fromisoformat(begin.strip()), dt.time.fromisoformat(end.strip())
        except ValueError as exc:
            raise ValueError(f"WORKDAY_HOURS 格式应为 08:30-12:00,13:30-17:30：{spec!r}") from exc
        if not a < b or (periods and periods[-1][1] > a):
            raise ValueError(f"WORKDAY_HOURS 的时段应递增且不重叠：{spec!r}")
        periods.append((a, b))
    if not periods:
        raise ValueError("WORKDAY_HOURS 至少要有一个时段")
    return tuple(periods)


def working_periods() -> tuple[tuple[dt.time, dt.time], ...]:
    return _parse_periods(getattr(settings, "WORKDAY_HOURS", DEFAULT_WORKDAY_HOURS))


# --- the per-year day table, cached ---------------------------------------------------------------


@dataclass(frozen=True)
class _Year:
    source: str
    flags: bytes  # one byte per day of the year from 1 January: 1 = working day


_lock = threading.Lock()
_version: tuple[Any, ...] | None = None
_checked_at = 0.0
_tables: dict[int, dict[dt.date, bool]] = {}  # year -> {date: is_workday} for years with a table
_years: dict[int, _Year] = {}


def cache_clear() -> None:
    """Forget every cached year; the next call reads the table again. Called by the services."""
    global _version, _checked_at
    with _lock:
        _version = None
        _checked_at = 0.0
        _tables.clear()
        _years.clear()


def _current_version() -> tuple[Any, ...]:
    from django.db.models import Count, Max

    from gongzhi.workdays.models import HolidayYear

    agg = HolidayYear.objects.aggregate(
        n=Count("id", distinct=True),
        last=Max("updated_at"),
        day_n=Count("days"),
        day_last=Max("days__updated_at"),
    )
    return (agg["n"], str(agg["last"]), agg["day_n"], str(agg["day_last"]))


def _refresh() -> None:
    """Reload the tables when they changed; asks the database at most once per WORKDAY_CACHE_SECONDS."""
    global _version, _checked_at
    ttl = float(getattr(settings, "WORKDAY_CACHE_SECONDS", 5))
    now = time.monotonic()
    if _version is not None and now - _checked_at < ttl:
        return
    from gongzhi.workdays.models import CalendarDay

    version = _current_version()
    with _lock:
        _checked_at = now
        if version == _version:
            return
        tables: dict[int, dict[dt.date, bool]] = {}
        from gongzhi.workdays.models import HolidayYear

        for year in HolidayYear.objects.values_list("year", flat=True):
            tables[year] = {}
        for year, day, workday in CalendarDay.objects.values_list("holiday_year__year", "date", "is_workday"):
            tables[year][day] = workday
        _tables.clear()
        _tables.update(tables)
        _years.clear()
        _version = version


def _chinesecalendar_covers(year: int) -> bool:
    import chinese_calendar

    try:
        chinese_calendar.is_workday(dt.date(year, 1, 1))
        chinese_calendar.is_workday(dt.date(year, 12, 31))
    except NotImplementedError:  # the package's own signal for a year it has no data for (e.g. 2027)
        return False
    return True


def _days_of(year: int) -> list[dt.date]:
    first = dt.date(year, 1, 1)
    return [first + dt.timedelta(days=i) for i in range((dt.date(year + 1, 1, 1) - first).days)]


def _build_year(year: int) -> _Year:
    days = _days_of(year)
    table = _tables.get(year)
    if table is not None:
        return _Year(YearSource.TABLE, bytes(int(table.get(d, d.weekday() < 5)) for d in days))
    if _chinesecalendar_covers(year):
        import chinese_calendar

        return _Year(YearSource.CHINESECALENDAR, bytes(int(chinese_calendar.is_workday(d)) for d in days))
    return _Year(YearSource.WEEKENDS, bytes(int(d.weekday() < 5) for d in days))


def _year(year: int) -> _Year:
    _refresh()
    cached = _years.get(year)
    if cached is None:
        cached = _build_year(year)
        _years[year] = cached
    return cached


def year_source(year: int) -> str:
    """``YearSource`` value: table / chinesecalendar / weekends."""
    return _year(year).source


def is_workday(day: dt.date) -> bool:
    return bool(_year(day.year).flags[day.timetuple().tm_yday - 1])


def calendar_warnings(today: dt.date | None = None) -> list[str]:
    """For the console banner: the current year if it falls back to weekends, and from 1 November on
    also next year (so the admin enters the new notice before the year turns)."""
    today = today or dt.datetime.now(SHANGHAI).date()
    years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    return [year_warning(y) for y in years if year_source(y) == YearSource.WEEKENDS]


# --- deadlines ------------------------------------------------------------------------------------


class _Walk:
    """Visits days through the cached year tables and remembers the years on the weekend fallback."""

    def __init__(self) -> None:
        self.fallback_years: list[int] = []
        self._year_no = 0
        self._flags = b""

    def workday(self, day: dt.date) -> bool:
        if day.year != self._year_no:
            entry = _year(day.year)
            self._year_no, self._flags = day.year, entry.flags
            if entry.source == YearSource.WEEKENDS and day.year not in self.fallback_years:
                self.fallback_years.append(day.year)
        return bool(self._flags[day.timetuple().tm_yday - 1])

    def warnings(self) -> tuple[str, ...]:
        return tuple(year_warning(y) for y in self.fallback_years)


def _local(start: dt.datetime) -> dt.datetime:
    if start.tzinfo is None or start.utcoffset() is None:
        return start.replace(tzinfo=SHANGHAI)  # a naive start is read as Shanghai local time
    return start.astimezone(SHANGHAI)


def _check(amount: Any, unit: str) -> int:
    if unit not in LimitUnit.values:
        raise field_error("time_limit_unit", gettext("时限单位应为工作时、工作日、自然日或小时"))
    limit = MAX_AMOUNT[unit]
    label = LimitUnit(unit).label
    if isinstance(amount, bool) or not isinstance(amount, int):
        raise field_error("time_limit", gettext("时限应为整数"))
    if amount < 1:
        raise field_error("time_limit", gettext("时限至少为1"))
    if amount > limit:
        raise field_error(
            "time_limit", gettext("时限不能超过%(limit)s%(label)s") % {"limit": limit, "label": label}
        )
    return amount


def _at(day: dt.date, t: dt.time) -> dt.datetime:
    return dt.datetime.combine(day, t, tzinfo=SHANGHAI)


def deadline_for(start: dt.datetime, amount: int, unit: str) -> Deadline:
    """The deadline of a time limit of ``amount`` ``unit`` (a ``LimitUnit`` value) started at ``start``."""
    amount = _check(amount, unit)
    local = _local(start)
    if unit == LimitUnit.NATURAL_DAYS:
        return Deadline(at=local + dt.timedelta(days=amount), warnings=())
    if unit == LimitUnit.HOURS:
        return Deadline(at=local + dt.timedelta(hours=amount), warnings=())
    periods = working_periods()
    walk = _Walk()
    day = local.date()
    if unit == LimitUnit.WORKING_DAYS:
        left = amount
        while left:
            day += dt.timedelta(days=1)
            if walk.workday(day):
                left -= 1
        return Deadline(at=_at(day, periods[-1][1]), warnings=walk.warnings())
    # working hours
    remaining = dt.timedelta(hours=amount)
    cursor = local
    while True:
        if walk.workday(day):
            for begin, end in periods:
                period_end = _at(day, end)
                if cursor >= period_end:
                    continue
                since = max(cursor, _at(day, begin))
                available = period_end - since
                if remaining <= available:
                    return Deadline(at=since + remaining, warnings=walk.warnings())
                remaining -= available
        day += dt.timedelta(days=1)
