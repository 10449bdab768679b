from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("街道党工委")
    COMMUNITY_COMMITTEE = "community_committee", _("社区党委")
    GRID_BRANCH = "grid_branch", _("网格党支部")
    JOINT_BRANCH = "joint_branch", _("联合党支部")
    BUILDING_GROUP = "building_group", _("楼院党小组")
    ESTATE_BRANCH = "estate_branch", _("小区党支部")


# The organisations a grid-branch layout sets up: a grid's own branch, or a branch of several grids.
BRANCH_KINDS = (OrgKind.GRID_BRANCH, OrgKind.JOINT_BRANCH)


class MemberKind(models.TextChoices):
    COMMUNITY_MANAGED = "community_managed", _("自管党员")
    IN_SERVICE = "in_service", _("在职党员")


class MemberStatus(models.TextChoices):
    """A member's standing in the register: 在册, or gone (transferred out, or membership ended)."""

    ACTIVE = "active", _("在册")
    TRANSFERRED_OUT = "transferred_out", _("已转出")
    ENDED = "ended", _("已终止")


class TransferDirection(models.TextChoices):
    IN = "in", _("转入")
    OUT = "out", _("转出")


class TransferStatus(models.TextChoices):
    PENDING = "pending", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")


class UnitKind(models.TextChoices):
    AGENCY = "agency", _("机关")
    PUBLIC_INSTITUTION = "public_institution", _("事业单位")
    STATE_ENTERPRISE = "state_enterprise", _("国有企业")
    SCHOOL = "school", _("学校")
    HOSPITAL = "hospital", _("医院")
    COMPANY = "company", _("非公企业")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")
    OTHER = "other", _("其他")


class RegistrationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    RETURNED = "returned", _("已退回")


class ServiceItemKind(models.TextChoices):
    POST = "post", _("服务岗位")
    ITEM = "item", _("服务项目")


class ServiceItemStatus(models.TextChoices):
    OPEN = "open", _("认领中")
    CLOSED = "closed", _("已关闭")


class ClaimStatus(models.TextChoices):
    ACTIVE = "active", _("已认领")
    WITHDRAWN = "withdrawn", _("已撤回")
    COMPLETED = "completed", _("已完成")


class RecordStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")


SKILLS = [
    ("medical", _("医疗健康")),
    ("legal", _("法律咨询")),
    ("education", _("教育辅导")),
    ("culture", _("文化文艺")),
    ("repair", _("维修技术")),
    ("it", _("信息技术")),
    ("finance", _("财会金融")),
    ("psychology", _("心理疏导")),
    ("elderly_care", _("养老助残")),
    ("environment", _("环境保护")),
    ("publicity", _("宣传宣讲")),
    ("general", _("综合服务")),
]
SKILL_VALUES = frozenset(k for k, _label in SKILLS)


def skill_labels(values: list[str]) -> list[str]:
    """The Chinese names of skill values (an unknown value shows as itself)."""
    labels = dict(SKILLS)
    return [str(labels.get(v, v)) for v in values]
