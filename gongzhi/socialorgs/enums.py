"""Kinds, statuses and checklists of social organisations (社会组织), their incubation (孵化), funded
projects (公益创投), the yearly contest (项目大赛) and their social workers (持证社工 / 和谐使者)."""

from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OrganizationKind(models.TextChoices):
    HUB = "hub", _("枢纽型")
    SECTOR = "sector", _("行业类")
    COMMUNITY_SERVICE = "community_service", _("社区服务类")


class LegalStatus(models.TextChoices):
    REGISTERED = "registered", _("民政部门登记")
    FILED = "filed", _("街道备案")


class IncubationStatus(models.TextChoices):
    INCUBATING = "incubating", _("孵化中")
    GRADUATED = "graduated", _("已出壳")
    EXITED = "exited", _("已退出")


class FundedProjectStatus(models.TextChoices):
    APPLIED = "applied", _("已申报")
    APPROVED = "approved", _("已立项")
    REJECTED = "rejected", _("未立项")
    CLOSED = "closed", _("已结项")


class ContestStatus(models.TextChoices):
    OPEN = "open", _("报名中")
    SCORING = "scoring", _("评审中")
    FINISHED = "finished", _("已揭晓")


class WorkerKind(models.TextChoices):
    LICENSED_SOCIAL_WORKER = "licensed_social_worker", _("持证社工")
    HARMONY_ENVOY = "harmony_envoy", _("和谐使者")


# The levels of a social-work certificate (社会工作者职业资格).
WORKER_LEVELS = [gettext_noop("助理社会工作师"), gettext_noop("社会工作师"), gettext_noop("高级社会工作师")]
# A harmony envoy is named by a level of government.
ENVOY_LEVELS = [gettext_noop("省级"), gettext_noop("市级"), gettext_noop("区级")]

# The fields a community social organisation serves in (民发〔2017〕191号's priority types and more).
FIELDS = [
    gettext_noop("为老服务"),
    gettext_noop("儿童青少年"),
    gettext_noop("助残服务"),
    gettext_noop("文化体育"),
    gettext_noop("公益慈善"),
    gettext_noop("邻里互助"),
    gettext_noop("矛盾调解"),
    gettext_noop("环境保护"),
    gettext_noop("法律服务"),
    gettext_noop("心理健康"),
]

# The scoring sheet of the contest: criterion → the most points a judge gives for it (100 in all).
DEFAULT_CRITERIA: list[dict[str, Any]] = [
    {"key": "need", "label": gettext_noop("需求契合度"), "max": 30},
    {"key": "innovation", "label": gettext_noop("创新性"), "max": 20},
    {"key": "feasibility", "label": gettext_noop("可行性"), "max": 20},
    {"key": "effect", "label": gettext_noop("服务成效"), "max": 20},
    {"key": "sustainability", "label": gettext_noop("可持续性"), "max": 10},
]

# The final grade of a closed funded project from its closing score (one city's scale: A ≥ 85,
# B 60–84, C < 60; reference/cogovernance.md §9, marked local).
GRADE_A, GRADE_B = 85, 60
