"""Routing records: every suggestion made at intake with the final choice, the district's table from
department type to its own departments, candidate keywords, and the model versions (the shipped model
is the file in ``data/``; a retrained one that passed the gate is a row here).

A suggestion is keyed by the ticket's id without a foreign key: routing sits below tickets and does not
import it (tickets writes the row in its intake batch and settles it on accept and dispatch)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.routing.enums import DEPARTMENT_TYPE_CHOICES, KeywordStatus, RoutingLevel


class Suggestion(PlacedModel):
    ticket_id = models.BigIntegerField(_("工单ID"), unique=True)
    channel = models.CharField(_("来源渠道"), max_length=20, blank=True)
    text = models.TextField(
        _("归一化文本"), blank=True, help_text=_("去除电话、身份证号后的文本，用于再训练")
    )
    model_version = models.CharField(_("模型版本"), max_length=40)
    code = models.CharField(_("建议小类"), max_length=10)
    category = models.CharField(_("建议大类"), max_length=10)
    top3 = models.JSONField(_("前三建议"), default=list)
    level = models.CharField(_("建议层级"), max_length=12, choices=RoutingLevel.choices)
    department_type = models.CharField(_("建议部门类型"), max_length=12, choices=DEPARTMENT_TYPE_CHOICES)
    confidence = models.FloatField(_("置信度"))
    margin = models.FloatField(_("前两类差距"))
    uncertain = models.BooleanField(_("待复核"), default=False)
    reviewed_at = models.DateTimeField(_("复核时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The final choice, settled by the ticket's accept (category) and dispatch (level, department).
    final_code = models.CharField(_("最终小类"), max_length=10, blank=True)
    final_category = models.CharField(_("最终大类"), max_length=10, blank=True)
    final_level = models.CharField(_("最终层级"), max_length=12, blank=True)
    final_department_type = models.CharField(_("最终部门类型"), max_length=12, blank=True)
    decided_at = models.DateTimeField(_("确定时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    accepted_without_change = models.BooleanField(_("原样采纳"), null=True, blank=True)

    class Meta:
        verbose_name = _("分拨建议")
        verbose_name_plural = _("分拨建议")
        indexes = [
            models.Index(fields=["district_code", "created_at"], name="routing_sugg_district_at"),
            models.Index(fields=["district_code", "uncertain", "reviewed_at"], name="routing_sugg_uncertain"),
            models.Index(fields=["decided_at"], name="routing_sugg_decided_at"),
        ]

    def __str__(self) -> str:
        return f"工单{self.ticket_id}的分拨建议"


class DepartmentMapping(models.Model):
    """A district's own department for a department type (the district admin edits it)."""

    district_code = models.CharField(_("区县代码"), max_length=6)
    department_type = models.CharField(_("部门类型"), max_length=12, choices=DEPARTMENT_TYPE_CHOICES)
    department = models.ForeignKey(
        "places.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("本区部门")
    )
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("分拨对照")
        verbose_name_plural = _("分拨对照表")
        constraints = [
            models.UniqueConstraint(fields=["district_code", "department_type"], name="routing_mapping_one")
        ]

    def __str__(self) -> str:
        return f"{self.department_type} → {self.department_id}"


class KeywordCandidate(models.Model):
    """A word that corrections keep pointing at for a small class, for the admin to approve."""

    district_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    code = models.CharField(_("小类"), max_length=10)
    word = models.CharField(_("关键词"), max_length=20)
    support = models.PositiveIntegerField(_("支持工单数"), default=0)
    status = models.CharField(
        _("状态"), max_length=10, choices=KeywordStatus.choices, default=KeywordStatus.PROPOSED
    )
    created_at = models.DateTimeField(_("发现时间"), auto_now_add=True)
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("候选关键词")
        verbose_name_plural = _("候选关键词")
        constraints = [
            models.UniqueConstraint(fields=["district_code", "code", "word"], name="routing_keyword_one")
        ]

    def __str__(self) -> str:
        return f"{self.word}（{self.code}）"


class ModelVersion(models.Model):
    """A retrained model: kept whether or not it passed the gate; ``active`` is the one in use."""

    created_at = models.DateTimeField(_("训练时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    blob = models.BinaryField(_("模型"), editable=False)
    active = models.BooleanField(_("在用"), default=False)
    deployed = models.BooleanField(_("通过验收"), default=False)
    examples = models.PositiveIntegerField(_("训练样本数"), default=0)
    corrections = models.PositiveIntegerField(_("本区纠正样本数"), default=0)
    held_back = models.PositiveIntegerField(_("留出集样本数"), default=0)
    candidate_accuracy = models.JSONField(_("新模型留出集准确率"), default=dict)
    current_accuracy = models.JSONField(_("在用模型留出集准确率"), default=dict)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("分拨模型")
        verbose_name_plural = _("分拨模型")
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="routing_model_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"分拨模型 v{self.pk}"

    @property
    def label(self) -> str:
        return f"v{self.pk}"
