"""``{% load workdays_tags %}{% calendar_warning_list as warnings %}``: the calendar banner's lines."""

from __future__ import annotations

from django import template

from gongzhi.workdays.calendar import calendar_warnings

register = template.Library()


@register.simple_tag
def calendar_warning_list() -> list[str]:
    return calendar_warnings()
