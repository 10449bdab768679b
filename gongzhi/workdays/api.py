"""Working-day calendar API under /api/v1/workdays: the years and their days, entering a year's table
(district admin), and a deadline calculator. Thin over ``calendar``, ``selectors`` and ``services``."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import require
from gongzhi.workdays import calendar, selectors, services
from gongzhi.workdays.enums import LimitUnit

router = Router(tags=["工作日历"], auth=session_auth)


def _require_staff(request: HttpRequest) -> None:
    """The calendar is for staff; a resident sees the same 404 as for anything not theirs."""
    require(actor_of(request), "workdays.view_holidayyear")


class YearOut(Schema):
    year: int
    source: str
    source_label: str
    holidays: int
    working_weekends: list[dt.date]
    notice: str = ""
    notice_number: str = ""
    warning: str = ""


class DayOut(Schema):
    date: dt.date
    is_workday: bool
    name: str


class YearDaysOut(YearOut):
    days: list[DayOut]


class HolidayIn(Schema):
    start: dt.date
    end: dt.date
    name: str = Field(..., max_length=50)


class WorkdayIn(Schema):
    date: dt.date
    name: str = Field(..., max_length=50)


class YearIn(Schema):
    notice: str = Field(..., max_length=200, description="如：国务院办公厅关于2027年部分节假日安排的通知")
    notice_number: str = Field("", max_length=100)
    note: str = Field("", max_length=2000)
    holidays: list[HolidayIn]
    workdays: list[WorkdayIn] = []


class DeadlineQuery(Schema):
    start: dt.datetime = Field(..., description="开始时间（ISO 8601；不带时区按北京时间）")
    amount: int
    unit: str = Field(
        ..., description="working_hours 工作时 / working_days 工作日 / natural_days 自然日 / hours 小时"
    )


class DeadlineOut(Schema):
    at: dt.datetime
    warnings: list[str]
    amount: int
    unit: str
    unit_label: str


def _year_out(year: int) -> dict:
    summary = selectors.year_summary(year)
    return {
        "year": summary.year,
        "source": summary.source,
        "source_label": summary.source_label,
        "holidays": summary.holidays,
        "working_weekends": summary.working_weekends,
        "notice": summary.entry.notice if summary.entry else "",
        "notice_number": summary.entry.notice_number if summary.entry else "",
        "warning": summary.warning,
    }


def _check_year(year: int) -> None:
    if not services.MIN_YEAR <= year <= services.MAX_YEAR:
        raise NotFound()


@router.get("/years", response={200: list[YearOut], **ERRORS}, summary="各年度工作日历来源")
def year_list(request: HttpRequest):
    _require_staff(request)
    this_year = dt.datetime.now(calendar.SHANGHAI).year
    years = sorted({*range(2024, this_year + 2), *(e.year for e in selectors.holiday_year_list())})
    return [_year_out(y) for y in years]


@router.get("/years/{year}", response={200: YearDaysOut, **ERRORS}, summary="某年的节假日与调休上班日")
def year_detail(request: HttpRequest, year: int):
    _require_staff(request)
    _check_year(year)
    return {**_year_out(year), "days": selectors.year_days(year)}


@router.put(
    "/years/{year}", response={200: YearDaysOut, **ERRORS}, summary="录入或替换某年的节假日安排（区级管理员）"
)
def year_set(request: HttpRequest, year: int, payload: YearIn):
    _require_staff(request)
    services.holiday_year_set(
        actor=actor_of(request),
        year=year,
        notice=payload.notice,
        notice_number=payload.notice_number,
        note=payload.note,
        holidays=[(h.start, h.end, h.name) for h in payload.holidays],
        workdays=[(w.date, w.name) for w in payload.workdays],
    )
    return {**_year_out(year), "days": selectors.year_days(year)}


@router.delete("/years/{year}", response={204: None, **ERRORS}, summary="删除某年的录入表（区级管理员）")
def year_delete(request: HttpRequest, year: int):
    _require_staff(request)
    services.holiday_year_delete(actor=actor_of(request), year=year)
    return Status(204, None)


@router.get("/deadline", response={200: DeadlineOut, **ERRORS}, summary="计算时限截止时间")
def deadline(request: HttpRequest, q: Query[DeadlineQuery]):
    _require_staff(request)
    if not services.MIN_YEAR <= q.start.year <= services.MAX_YEAR:
        raise field_error(
            "start",
            gettext("开始时间应在%(MIN_YEAR)s—%(MAX_YEAR)s年之间")
            % {"MIN_YEAR": services.MIN_YEAR, "MAX_YEAR": services.MAX_YEAR},
        )
    result = calendar.deadline_for(q.start, q.amount, q.unit)
    return {
        "at": result.at,
        "warnings": list(result.warnings),
        "amount": q.amount,
        "unit": q.unit,
        "unit_label": str(LimitUnit(q.unit).label),
    }
