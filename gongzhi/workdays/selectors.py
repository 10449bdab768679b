"""Reading the working-day calendar: the entered years and a summary of any year, whatever its source.

The calendar is public knowledge within the staff (everyone on staff may read it), so no place scope
applies here; who may write is decided in ``services.py``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from gongzhi.workdays import calendar
from gongzhi.workdays.enums import YearSource
from gongzhi.workdays.models import HolidayYear

# chinesecalendar names its holidays in English; the console shows the Chinese names.
_HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class Day:
    date: dt.date
    is_workday: bool
    name: str


@dataclass(frozen=True)
class YearSummary:
    year: int
    source: str
    source_label: str
    holidays: int  # days off named in the table or by chinesecalendar (weekends inside a holiday included)
    working_weekends: list[dt.date] = field(default_factory=list)
    entry: HolidayYear | None = None
    warning: str = ""

    @property
    def editable_table(self) -> bool:
        return self.entry is not None


def holiday_year_list() -> QuerySet[HolidayYear]:
    return (
        HolidayYear.objects.select_related("entered_by")
        .annotate(
            holiday_days=Count("days", filter=Q(days__is_workday=False)),
            working_weekends=Count("days", filter=Q(days__is_workday=True)),
        )
        .order_by("year")
    )


def year_days(year: int) -> list[Day]:
    """The named days of a year: the table's, or chinesecalendar's; none on the weekend fallback."""
    source = calendar.year_source(year)
    if source == YearSource.TABLE:
        entry = HolidayYear.objects.filter(year=year).first()
        if entry is not None:
            return [Day(d.date, d.is_workday, d.name) for d in entry.days.order_by("date")]
        return []
    if source == YearSource.CHINESECALENDAR:
        import chinese_calendar

        out: list[Day] = []
        for day in calendar._days_of(year):
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
            weekend = day.weekday() >= 5
            if is_holiday and name:
                out.append(Day(day, False, _HOLIDAY_NAMES.get(name, name)))
            elif not is_holiday and weekend:
                label = _HOLIDAY_NAMES.get(name, name) if name else ""
                out.append(Day(day, True, f"{label}调休" if label else "调休上班"))
        return out
    return []


def year_summary(year: int) -> YearSummary:
    source = calendar.year_source(year)
    days = year_days(year)
    return YearSummary(
        year=year,
        source=source,
        source_label=str(YearSource(source).label),
        holidays=sum(1 for d in days if not d.is_workday),
        working_weekends=[d.date for d in days if d.is_workday],
        entry=HolidayYear.objects.filter(year=year).first() if source == YearSource.TABLE else None,
        warning=calendar.year_warning(year) if source == YearSource.WEEKENDS else "",
    )
