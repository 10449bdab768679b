"""Choices of the routing app (智能分拨).

Glossary (terms of this app): 分拨建议 suggestion (top-3 categories with confidence, level, department
type), 最终选择 final choice, 原样采纳 accepted without change, 待复核 uncertain (top two close),
部门类型 department type, 分拨对照表 department mapping, 候选关键词 candidate keyword, 分拨模型 model
version, 留出集 held-back slice."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.routing.taxonomy import DEPARTMENT_TYPES, LEVELS, TOP_CLASSES


class RoutingLevel(models.TextChoices):
    GRID = "grid", _("网格/社区")
    SUBDISTRICT = "subdistrict", _("街道/乡镇")
    DEPARTMENT = "department", _("区级部门/公用企业")


assert set(RoutingLevel.values) == set(LEVELS)

DEPARTMENT_TYPE_CHOICES = [(d, d) for d in DEPARTMENT_TYPES]
TOP_CLASS_CHOICES = [(c, c) for c in TOP_CLASSES]


class KeywordStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    APPROVED = "approved", _("已采纳")
    REJECTED = "rejected", _("已驳回")


# Uncertain: the first two top-level classes closer than this (share of probability).
UNCERTAIN_MARGIN = 0.2
