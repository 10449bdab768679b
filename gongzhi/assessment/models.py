"""The year-end assessment (考核): indicator sets (考核方案) with their weighted lines, runs (考核结果) computed
for a period, and one result per assessed subject.

A set belongs to the place that wrote it: the district (subdistrict and community codes blank) or one
subdistrict (community code blank). A run carries its set's place; a result carries its subject's place
(a community's codes, a grid's, or the grid of a grid worker), so a scope filter is a column comparison.
A run copies its set's lines when computed (``lines``) and its results hold the values and scores as
computed: once published nothing here is rewritten, whatever happens to the records later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.assessment.enums import Rule, RunStatus, SubjectKind
from gongzhi.core.models import PlacedModel


class IndicatorSet(PlacedModel):
    """考核方案: the indicators, weights and scoring rules for one year and one kind of subject."""

    name = models.CharField(_("方案名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    subject_kind = models.CharField(_("考核对象"), max_length=12, choices=SubjectKind.choices)
    note = models.CharField(_("说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        ordering = ["-year", "district_code", "subdistrict_code", "subject_kind", "pk"]
        indexes = [models.Index(fields=["district_code", "year"], name="assess_set_district_year")]

    def __str__(self) -> str:
        return f"{self.year}年{self.name}"


class IndicatorLine(models.Model):
    """One line of a set: an indicator of the catalogue (``indicators.CATALOGUE``), its weight (the
    lines of a set sum to 100) and how its value scores."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.CASCADE, related_name="lines")
    indicator = models.CharField(_("指标"), max_length=40)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=2)
    rule = models.CharField(_("计分方法"), max_length=12, choices=Rule.choices, default=Rule.LINEAR)
    floor = models.DecimalField(_("保底值"), max_digits=12, decimal_places=2, default=0)
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        ordering = ["order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "indicator"], name="assess_line_once_per_set")
        ]

    def __str__(self) -> str:
        return f"{self.indicator}（权重{self.weight}）"


class Run(PlacedModel):
    """考核结果: one computation of a set over a period, numbered per set (version 1, 2 …)."""

    indicator_set = models.ForeignKey(IndicatorSet, on_delete=models.PROTECT, related_name="runs")
    version = models.PositiveIntegerField(_("版本"))
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.DRAFT)
    period_start = models.DateField(_("考核期开始"))
    period_end = models.DateField(_("考核期结束"))
    # The set's lines as they were when computed, with each indicator's label, unit and direction.
    lines = models.JSONField(default=list)
    subjects = models.PositiveIntegerField(_("考核对象数"), default=0)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField(_("计算时间"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(fields=["indicator_set", "version"], name="assess_run_version_once")
        ]

    def __str__(self) -> str:
        return f"{self.indicator_set} 第{self.version}版"


class Result(PlacedModel):
    """One subject's sheet in a run: every line's value, score and weighted points, the total, the rank."""

    run = models.ForeignKey(Run, on_delete=models.CASCADE, related_name="results")
    subject_kind = models.CharField(_("考核对象"), max_length=12, choices=SubjectKind.choices)
    # The community's or grid's code, or "u<user id>" for a grid worker.
    subject_key = models.CharField(max_length=20)
    subject_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    subject_name = models.CharField(_("名称"), max_length=100)
    place_name = models.CharField(_("所在"), max_length=200, blank=True)
    # indicator key → {"value", "numerator", "denominator", "score", "points"}
    values = models.JSONField(default=dict)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))

    class Meta:
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        ordering = ["rank", "subject_key"]
        constraints = [
            models.UniqueConstraint(fields=["run", "subject_key"], name="assess_result_once_per_run")
        ]
        indexes = [models.Index(fields=["subject_user", "run"], name="assess_result_user_run")]

    def __str__(self) -> str:
        return f"{self.subject_name}：{self.total}"
