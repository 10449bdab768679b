"""The cockpit's rollup: one row per place, month and figure, rebuilt from the modules' records
(``services.rollup_rebuild``). The cockpit pages and API read these rows only."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FigureRollup(models.Model):
    """The value of one figure (``rollups.FIGURES``) for one place in one month.

    A flow figure (tickets received, visits made, hours served …) counts what happened in the month; a
    stock figure (persons, devices, open warnings …) is the state when the month's rows were last rebuilt
    and is written for the current month only. ``parent_code`` is the place one level up, so the ranking
    of a place's children is one indexed read."""

    place_code = models.CharField(_("区划代码"), max_length=15)
    level = models.CharField(_("层级"), max_length=12)
    parent_code = models.CharField(_("上级代码"), max_length=15, blank=True)
    period = models.DateField(_("月份"))  # the first day of the month
    key = models.CharField(_("指标"), max_length=40)
    value = models.DecimalField(_("数值"), max_digits=20, decimal_places=2, default=0)
    computed_at = models.DateTimeField(_("计算时间"))

    class Meta:
        verbose_name = _("驾驶舱指标月汇总")
        verbose_name_plural = _("驾驶舱指标月汇总")
        constraints = [
            models.UniqueConstraint(fields=["place_code", "period", "key"], name="figure_rollup_unique_key")
        ]
        indexes = [
            models.Index(fields=["parent_code", "period"], name="figure_rollup_parent_idx"),
            models.Index(fields=["period"], name="figure_rollup_period_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.place_code} {self.period:%Y-%m} {self.key}={self.value}"
