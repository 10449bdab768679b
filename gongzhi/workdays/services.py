"""Writing the holiday table of a year (from the State Council notice) — the only code that writes it.

Each call replaces the year's whole table in one transaction with one audit row, and clears the
in-process calendar cache (at once, and again on commit for other threads of this process; other
processes see the version change within ``WORKDAY_CACHE_SECONDS``).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.workdays import calendar
from gongzhi.workdays.models import CalendarDay, HolidayYear

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

MIN_YEAR, MAX_YEAR = 2000, 2100
WEEKDAYS = "一二三四五六日"

Holidays = list[tuple[dt.date, dt.date, str]]
Workdays = list[tuple[dt.date, str]]


def _require_editor(actor: Actor | None) -> None:
    """A district admin, a superuser, or the system (``actor=None``): workdays.change_holidayyear."""
    require(
        actor, "workdays.change_holidayyear", error=Forbidden(gettext("只有区级管理员可以维护节假日安排"))
    )


def _check_year(year: int) -> None:
    if isinstance(year, bool) or not isinstance(year, int) or not MIN_YEAR <= year <= MAX_YEAR:
        raise field_error(
            "year",
            gettext("年份应在%(MIN_YEAR)s—%(MAX_YEAR)s之间") % {"MIN_YEAR": MIN_YEAR, "MAX_YEAR": MAX_YEAR},
        )


def _day_label(day: dt.date) -> str:
    return f"{day.isoformat()}（周{WEEKDAYS[day.weekday()]}）"


def _validated_days(year: int, holidays: Holidays, workdays: Workdays) -> list[CalendarDay]:
    days: dict[dt.date, CalendarDay] = {}
    if not holidays:
        raise field_error("holidays", gettext("请至少录入一段放假日期"))
    for n, (begin, end, name) in enumerate(holidays, start=1):
        name = (name or "").strip()
        where = f"放假第{n}项"
        if not name:
            raise field_error("holidays", gettext("%(where)s：请填写节日名称") % {"where": where})
        if len(name) > 50:
            raise field_error("holidays", gettext("%(where)s：名称不能超过50个字") % {"where": where})
        if end < begin:
            raise field_error(
                "holidays", f"{where}：结束日期{end.isoformat()}早于开始日期{begin.isoformat()}"
            )
        if begin.year != year or end.year != year:
            raise field_error(
                "holidays", gettext("%(where)s：日期应在%(year)s年内") % {"where": where, "year": year}
            )
        if (end - begin).days > 31:
            raise field_error(
                "holidays", gettext("%(where)s：一段放假不应超过一个月，请检查日期") % {"where": where}
            )
        day = begin
        while day <= end:
            if day in days:
                raise field_error("holidays", f"{where}：{day.isoformat()}已在前面的放假日期中")
            days[day] = CalendarDay(date=day, is_workday=False, name=name)
            day += dt.timedelta(days=1)
    for n, (day, name) in enumerate(workdays, start=1):
        name = (name or "").strip()
        where = f"调休上班第{n}项"
        if not name:
            raise field_error("workdays", gettext("%(where)s：请填写名称，如“国庆节调休”") % {"where": where})
        if len(name) > 50:
            raise field_error("workdays", gettext("%(where)s：名称不能超过50个字") % {"where": where})
        if day.year != year:
            raise field_error(
                "workdays", gettext("%(where)s：日期应在%(year)s年内") % {"where": where, "year": year}
            )
        if day.weekday() < 5:
            raise field_error(
                "workdays",
                gettext("%(where)s：%(day_label)s不是周末，调休上班日应为周六或周日")
                % {"where": where, "day_label": _day_label(day)},
            )
        existing = days.get(day)
        if existing is not None:
            if existing.is_workday:
                raise field_error("workdays", f"{where}：{day.isoformat()}重复录入")
            raise field_error("workdays", f"{where}：{day.isoformat()}已是放假日期，不能同时为调休上班日")
        days[day] = CalendarDay(date=day, is_workday=True, name=name)
    return [days[d] for d in sorted(days)]


def _invalidate() -> None:
    calendar.cache_clear()
    transaction.on_commit(calendar.cache_clear)


@transaction.atomic
def holiday_year_set(
    *,
    actor: Actor | None,
    year: int,
    notice: str,
    holidays: Holidays,
    workdays: Workdays,
    notice_number: str = "",
    note: str = "",
) -> HolidayYear:
    """Enter or replace the whole holiday table of ``year``; it takes precedence over chinesecalendar."""
    _require_editor(actor)
    _check_year(year)
    notice = (notice or "").strip()
    if not notice:
        raise field_error("notice", gettext("请填写通知标题，如“国务院办公厅关于2027年部分节假日安排的通知”"))
    if len(notice) > 200:
        raise field_error("notice", gettext("通知标题不能超过200个字"))
    notice_number = (notice_number or "").strip()
    if len(notice_number) > 100:
        raise field_error("notice_number", gettext("文号不能超过100个字"))
    days = _validated_days(year, holidays, workdays)
    entry = HolidayYear.objects.select_for_update(of=("self",)).filter(year=year).first()
    old: dict | None = None
    if entry is None:
        entry = HolidayYear.objects.create(
            year=year,
            notice=notice,
            notice_number=notice_number,
            note=note or "",
            entered_by_id=_user_id(actor),
        )
    else:
        old = _snapshot(entry)
        entry.notice, entry.notice_number, entry.note = notice, notice_number, note or ""
        entry.entered_by_id = _user_id(actor)
        entry.save(update_fields=["notice", "notice_number", "note", "entered_by", "updated_at"])
        entry.days.all().delete()
    for day in days:
        day.holiday_year = entry
    CalendarDay.objects.bulk_create(days)
    new = _snapshot(entry)
    audit_record(
        actor=actor,
        target=entry,
        event="workdays.holiday_year_set",
        data={"year": year, "old": old, "new": new},
    )
    _invalidate()
    return entry


@transaction.atomic
def holiday_year_delete(*, actor: Actor | None, year: int) -> None:
    """Remove a year's table: the year falls back to chinesecalendar, or to weekends with a warning."""
    _require_editor(actor)
    entry = HolidayYear.objects.select_for_update(of=("self",)).filter(year=year).first()
    if entry is None:
        raise NotFound(gettext("%(year)s年没有录入的节假日安排") % {"year": year})
    audit_record(
        actor=actor,
        target=entry,
        event="workdays.holiday_year_deleted",
        data={"year": year, "old": _snapshot(entry)},
    )
    entry.delete()
    _invalidate()


def _user_id(actor: Actor | None) -> int | None:
    return getattr(actor, "pk", None) if actor is not None else None


def _snapshot(entry: HolidayYear) -> dict:
    return {
        "notice": entry.notice,
        "notice_number": entry.notice_number,
        "holidays": [
            [d.date.isoformat(), d.name] for d in entry.days.all().order_by("date") if not d.is_workday
        ],
        "workdays": [[d.date.isoformat(), d.name] for d in entry.days.all().order_by("date") if d.is_workday],
    }


# --- the console form: one line per entry ---------------------------------------------------------

_DATE = r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?"
_RANGE = re.compile(rf"^{_DATE}\s*(?:[~～至到—–-]+\s*{_DATE})?\s*(.*)$")
_WORKDAY = re.compile(rf"^(?:调休|上班|补班)[:：]?\s*{_DATE}\s*(.*)$")


def _date(row: int, y: str, m: str, d: str) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError as exc:
        raise _line_error(row, f"{y}-{m}-{d}不是有效日期") from exc


def _line_error(row: int, message: str) -> ValidationFailed:
    return field_error("lines", gettext("第%(row)s行：%(message)s") % {"row": row, "message": message})


def parse_notice_lines(text: str) -> tuple[Holidays, Workdays]:
    """Lines like ``2027-01-01~2027-01-03 元旦`` (a holiday range, or one day) and
    ``调休 2027-02-07 春节调休`` (a working weekend). Blank lines and lines starting with # are skipped.
    A wrong line is a ``field_error("lines", "第N行：…")``."""
    holidays: Holidays = []
    workdays: Workdays = []
    for row, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        m = _WORKDAY.match(line)
        if m:
            if not m.group(4).strip():
                raise _line_error(row, "请在调休日期后写上名称，如“春节调休”")
            workdays.append((_date(row, *m.group(1, 2, 3)), m.group(4).strip()))
            continue
        m = _RANGE.match(line)
        if not m:
            raise _line_error(row, "格式应为“2027-01-01~2027-01-03 元旦”或“调休 2027-02-07 春节调休”")
        begin = _date(row, *m.group(1, 2, 3))
        end = _date(row, *m.group(4, 5, 6)) if m.group(4) else begin
        name = m.group(7).strip()
        if not name:
            raise _line_error(row, "请在日期后写上节日名称")
        if end < begin:
            raise _line_error(row, "结束日期早于开始日期")
        holidays.append((begin, end, name))
    if not holidays and not workdays:
        raise field_error("lines", gettext("请按每行一条录入放假和调休安排"))
    return holidays, workdays


def format_notice_lines(entry: HolidayYear) -> str:
    """The inverse of ``parse_notice_lines`` for a stored table (consecutive days of one name merged)."""
    lines: list[str] = []
    run: list[CalendarDay] = []

    def flush() -> None:
        if run:
            a, b = run[0].date, run[-1].date
            span = a.isoformat() if a == b else f"{a.isoformat()}~{b.isoformat()}"
            lines.append(f"{span} {run[0].name}")
            run.clear()

    for day in entry.days.all().order_by("date"):
        if day.is_workday:
            flush()
            lines.append(f"调休 {day.date.isoformat()} {day.name}")
            continue
        if run and (day.name != run[-1].name or day.date - run[-1].date != dt.timedelta(days=1)):
            flush()
        run.append(day)
    flush()
    return "\n".join(lines)
