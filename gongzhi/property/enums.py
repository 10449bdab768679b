"""红色物业 (party-led property management): the kinds of organisation, property service, owners'
committee states, the three sides of a 同心桥 branch, red captains' posts, the subjects of the quarterly
assessment and its indicators."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OrganizationKind(models.TextChoices):
    SECTOR_COMMITTEE = "sector_committee", _("区物业服务行业党委")
    PROPERTY_OFFICE = "property_office", _("街道物业管理办公室")
    ALLIANCE = "alliance", _("“红色物业”党建联盟")


class ServiceKind(models.TextChoices):
    COMPANY = "company", _("专业物业服务企业")
    SELF_MANAGED = "self_managed", _("业主自管")
    HOSTED = "hosted", _("社区托管（兜底）")


class CommitteeStatus(models.TextChoices):
    ELECTED = "elected", _("已选举待备案")
    FILED = "filed", _("已备案")
    ENDED = "ended", _("已届满/解散")


# Committee states that are the estate's current owners' committee (one at a time).
CURRENT_COMMITTEE = (CommitteeStatus.ELECTED, CommitteeStatus.FILED)


class CommitteePost(models.TextChoices):
    CHAIR = "chair", _("主任")
    VICE_CHAIR = "vice_chair", _("副主任")
    MEMBER = "member", _("委员")


class BranchSide(models.TextChoices):
    """The three parties of a 同心桥 branch (“三方协同”)."""

    COMPANY = "company", _("物业企业党员代表")
    OWNERS_COMMITTEE = "owners_committee", _("业委会党员代表")
    GRID = "grid", _("网格党员代表")


class CaptainKind(models.TextChoices):
    RED_CAPTAIN = "red_captain", _("红楼长")
    RED_STEWARD = "red_steward", _("红色管家")


class Subject(models.TextChoices):
    """Who is assessed each quarter."""

    COMPANY = "company", _("物业公司")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    BRANCH = "branch", _("同心桥党支部")


class ProposerKind(models.TextChoices):
    """Who proposes a property matter (四步议事 step 1: 业委会和物业企业提议)."""

    COMPANY = "company", _("物业企业")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")


# The indicators of the quarterly assessment, in the order they are shown. Each is scored 0–100:
# the residents' average rating (1–5) × 20; the on-time and satisfaction rates of the property-category
# tickets of the subject's estates × 100; 100 − the repeat-complaint rate × 100; the share of the joint
# meetings' resolutions carried out × 100. An indicator without figures is left out and the weights of
# the others are scaled up to 100 (see gongzhi/property/services/assessment.py).
INDICATORS: dict[str, str] = {
    "resident_rating": gettext_noop("居民评价"),
    "on_time_rate": gettext_noop("物业类工单按时办结率"),
    "satisfaction_rate": gettext_noop("物业类工单满意率"),
    "repeat_complaints": gettext_noop("重复投诉（越少越好）"),
    "resolutions_done": gettext_noop("联席会议决议落实率"),
}

# The weights until a district sets its own (each subject's weights sum to 100).
DEFAULT_WEIGHTS: dict[str, dict[str, int]] = {
    Subject.COMPANY: {
        "resident_rating": 40,
        "on_time_rate": 20,
        "satisfaction_rate": 15,
        "repeat_complaints": 10,
        "resolutions_done": 15,
    },
    Subject.OWNERS_COMMITTEE: {
        "resident_rating": 50,
        "on_time_rate": 0,
        "satisfaction_rate": 10,
        "repeat_complaints": 10,
        "resolutions_done": 30,
    },
    Subject.BRANCH: {
        "resident_rating": 40,
        "on_time_rate": 10,
        "satisfaction_rate": 10,
        "repeat_complaints": 10,
        "resolutions_done": 30,
    },
}

# The ticket categories of property matters: the major class 物业管理 of the shipped taxonomy.
PROPERTY_CATEGORY_PREFIX = "301"
# A property ticket from the same household (or the same address) in the same small class within this many
# days of an earlier one is a repeat complaint.
REPEAT_WINDOW_DAYS = 90
