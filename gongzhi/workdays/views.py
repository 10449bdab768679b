"""Console page of the working-day calendar: the years and their source, the warning banner, entering or
replacing a year's table from the notice (district admin), and a deadline calculator.

Everyone on staff may view; only those the service lets edit may POST (others get a 404).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.http import int_or_none, year_or_none
from gongzhi.core.permissions import allowed
from gongzhi.workdays import calendar, forms, selectors, services
from gongzhi.workdays.enums import LimitUnit
from gongzhi.workdays.models import HolidayYear

FIRST_YEAR = 2024

EXAMPLE = """2027-01-01~2027-01-03 元旦
2027-02-06~2027-02-12 春节
调休 2027-02-14 春节调休"""


def _years(today: dt.date) -> list[int]:
    entered = set(HolidayYear.objects.values_list("year", flat=True))
    return sorted({*range(FIRST_YEAR, today.year + 2), *entered})


def _calculator(request: HttpRequest) -> dict[str, Any]:
    """The calculator reads the query string; a bad input shows its message instead of a result."""
    form = {
        "start": request.GET.get("start", ""),
        "amount": request.GET.get("amount", ""),
        "unit": request.GET.get("unit", LimitUnit.WORKING_DAYS),
    }
    out: dict[str, Any] = {"form": form, "units": LimitUnit.choices}
    if not form["start"]:
        return out
    try:
        start = dt.datetime.fromisoformat(form["start"])
    except ValueError:
        out["error"] = gettext("开始时间格式应为 2026-09-30T10:00")
        return out
    if not services.MIN_YEAR <= start.year <= services.MAX_YEAR:
        out["error"] = gettext("开始时间应在%(a)s—%(b)s年之间") % {
            "a": services.MIN_YEAR,
            "b": services.MAX_YEAR,
        }
        return out
    amount = form["amount"].strip()
    try:
        number = int_or_none(amount)
        result = calendar.deadline_for(start, -1 if number is None else number, form["unit"])
    except ApplicationError as exc:
        out["error"] = exc.message
        return out
    out["result"] = result
    return out


@console_login_required
@require_http_methods(["GET", "POST"])
def years(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    can_edit = allowed(actor, "workdays.change_holidayyear")
    today = dt.datetime.now(calendar.SHANGHAI).date()
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"year": str(today.year + 1), "notice": "", "notice_number": "", "lines": ""}
    edit = request.GET.get("edit", "")
    edit_year = year_or_none(edit)
    if request.method == "GET" and can_edit and edit_year is not None:
        entry = HolidayYear.objects.filter(year=edit_year).first()
        form["year"] = edit
        if entry is not None:
            form.update(
                notice=entry.notice,
                notice_number=entry.notice_number,
                lines=services.format_notice_lines(entry),
            )
    if request.method == "POST":
        if not can_edit:
            raise Http404
        bound = forms.HolidayYearForm(request.POST)
        form = bound.values()
        try:
            if not bound.is_valid():
                field, messages_ = next(iter(bound.errors.items()))
                message = str(messages_[0])
                raise ApplicationError(message, fields={field: message})
            year = bound.cleaned_data["year"]
            holidays, workdays = services.parse_notice_lines(bound.cleaned_data["lines"])
            services.holiday_year_set(
                actor=actor,
                year=year,
                notice=bound.cleaned_data["notice"],
                notice_number=bound.cleaned_data["notice_number"],
                holidays=holidays,
                workdays=workdays,
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已保存%(year)s年节假日安排") % {"year": year})
            return redirect("workdays:years")
    rows = [selectors.year_summary(y) for y in _years(today)]
    return render(
        request,
        "workdays/console/years.html",
        {
            "rows": rows,
            "can_edit": can_edit,
            "form": form,
            "errors": errors,
            "example": EXAMPLE,
            "calc": _calculator(request),
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def year_delete(request: HttpRequest, year: int) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "workdays.change_holidayyear"):
        raise Http404
    try:
        services.holiday_year_delete(actor=actor, year=year)
    except ApplicationError as exc:
        raise Http404(exc.message) from exc
    messages.success(request, gettext("已删除%(year)s年的录入表") % {"year": year})
    return redirect("workdays:years")
