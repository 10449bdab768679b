"""Choices of the routing app (智能分拨).

Glossary (terms of this app): 分拨建议 suggestion (top-3 categories with confidence, level, department
type), 最终选择 final choice, 原样采纳 accepted without change, 待复核 uncertain (top two close),
部门类型 department type, 分拨对照表 department mapping, 候选关键词 candidate keyword, 分拨模型 model
version, 留出集 held-back slice."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from gongzhi.routing.taxonomy import DEPARTMENT_TYPES, LEVELS, TOP_CLASSES


class RoutingLevel(models.TextChoices):
    GRID = "grid", _("网格/社区")
    SUBDISTRICT = "subdistrict", _("街道/乡镇")
    DEPARTMENT = "department", _("区级部门/公用企业")


assert set(RoutingLevel.values) == set(LEVELS)

# The department types and top-level classes are Chinese words kept as the values themselves; marked here for
# the catalogue, they read in the page's language as labels and through {% translate value %}.
_CATALOGUE = (
    gettext_noop("城管"),
    gettext_noop("住建"),
    gettext_noop("交通"),
    gettext_noop("公安"),
    gettext_noop("生态环境"),
    gettext_noop("市场监管"),
    gettext_noop("人社"),
    gettext_noop("民政"),
    gettext_noop("卫健"),
    gettext_noop("教育"),
    gettext_noop("水务"),
    gettext_noop("供电/供气/供暖"),
    gettext_noop("自然资源/规划"),
    gettext_noop("街道办"),
    gettext_noop("社区"),
    gettext_noop("其他"),
    gettext_noop("市容环境"),
    gettext_noop("宣传广告"),
    gettext_noop("施工管理"),
    gettext_noop("突发事件"),
    gettext_noop("街面秩序"),
    gettext_noop("公用设施"),
    gettext_noop("道路交通"),
    gettext_noop("园林绿化"),
    gettext_noop("房屋土地"),
    gettext_noop("物业管理"),
    gettext_noop("邻里纠纷"),
    gettext_noop("安全隐患"),
    gettext_noop("养老助残"),
    gettext_noop("民生服务"),
)
DEPARTMENT_TYPE_CHOICES = [(d, _(d)) for d in DEPARTMENT_TYPES]
TOP_CLASS_CHOICES = [(c, _(c)) for c in TOP_CLASSES]


class KeywordStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审核")
    APPROVED = "approved", _("已采纳")
    REJECTED = "rejected", _("已驳回")


# Uncertain: the first two top-level classes closer than this (share of probability).
UNCERTAIN_MARGIN = 0.2
