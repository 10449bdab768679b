from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.party.enums import SKILLS

# What a need asks for and what a resource serves: the party skills plus venues, goods and funds.
CATEGORIES = [
    *[(k, v) for k, v in SKILLS if k != "general"],
    ("venue", _("场地设施")),
    ("goods", _("物资捐赠")),
    ("funds", _("资金支持")),
]
CATEGORY_LABELS = dict(CATEGORIES)
CATEGORY_VALUES = frozenset(CATEGORY_LABELS)
# A resource may also be a general service (综合服务) that takes any category at half fit.
RESOURCE_CATEGORIES = [*CATEGORIES, ("general", _("综合服务"))]
RESOURCE_CATEGORY_VALUES = frozenset(k for k, _v in RESOURCE_CATEGORIES)


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    GRID_WORKER = "grid_worker", _("网格员走访")
    COMMUNITY = "community", _("社区梳理")
    TICKET = "ticket", _("工单转入")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待对接")
    MATCHED = "matched", _("已对接")
    IN_PROGRESS = "in_progress", _("实施中")
    FULFILLED = "fulfilled", _("已解决")
    WITHDRAWN = "withdrawn", _("已撤回")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    URGENT = "urgent", _("较急")
    CRITICAL = "critical", _("紧急")


class Frequency(models.TextChoices):
    ONCE = "once", _("一次性")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")
    YEARLY = "yearly", _("全年")


class ResourceKind(models.TextChoices):
    SKILL = "skill", _("技能")
    SERVICE = "service", _("服务")
    VENUE = "venue", _("场地")
    FUNDS = "funds", _("资金")
    GOODS = "goods", _("物资")


class ProviderKind(models.TextChoices):
    UNIT = "unit", _("驻区单位")
    MEMBER = "member", _("在职党员")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    TEAM = "team", _("志愿服务队")


class ProjectStatus(models.TextChoices):
    PROPOSED = "proposed", _("待认领")
    CLAIMED = "claimed", _("已认领")
    SIGNED = "signed", _("已签约")
    COMPLETED = "completed", _("已完成")
    CANCELLED = "cancelled", _("已取消")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("草案")
    APPLIED = "applied", _("已确认实施")
    DISCARDED = "discarded", _("已作废")


# Projects shown on the public list and that have an agreement.
PUBLIC_PROJECT_STATUSES = (ProjectStatus.SIGNED, ProjectStatus.COMPLETED)
