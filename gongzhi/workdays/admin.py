"""The holiday tables in the Django admin: read-only. They are entered and replaced at
/console/workdays/ (or ``PUT /api/v1/workdays/years/{year}``) through ``workdays.services``, which
validate, audit and clear the calendar cache."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from gongzhi.core.admin import ReadOnlyAdmin
from gongzhi.workdays.models import CalendarDay, HolidayYear


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    fields = ("date", "is_workday", "name")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(HolidayYear)
class HolidayYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "notice", "notice_number", "entered_by", "updated_at")
    fields = ("year", "notice", "notice_number", "note", "entered_by", "created_at", "updated_at")
    readonly_fields = fields
    inlines = [CalendarDayInline]


@admin.register(CalendarDay)
class CalendarDayAdmin(ReadOnlyAdmin):
    list_display = ("date", "is_workday", "name", "holiday_year")
    list_filter = ("is_workday", "holiday_year")
    list_select_related = ("holiday_year",)
