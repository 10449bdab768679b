"""The official holiday table of a year, kept by a district admin from the State Council notice.

A year with a ``HolidayYear`` row follows its table: the listed days are holidays (放假) or working
weekends (调休上班); every other day follows the weekday rule. Only ``services.py`` writes these rows.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import TimeStampedModel


class HolidayYear(TimeStampedModel):
    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    notice = models.CharField(_("通知标题"), max_length=200)
    notice_number = models.CharField(_("文号"), max_length=100, blank=True)
    note = models.TextField(_("备注"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("节假日安排年度")
        verbose_name_plural = _("节假日安排年度")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year}年节假日安排"


class CalendarDay(TimeStampedModel):
    holiday_year = models.ForeignKey(
        HolidayYear, verbose_name=_("年度"), on_delete=models.CASCADE, related_name="days"
    )
    date = models.DateField(_("日期"), unique=True)
    # False: 放假 (a holiday, even on a weekday); True: 调休上班 (a weekend that is a working day).
    is_workday = models.BooleanField(_("是否上班"))
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("节假日/调休日")
        verbose_name_plural = _("节假日/调休日")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.name}（{'上班' if self.is_workday else '放假'}）"
