"""The words of co-governance: councils and their members, topics and the steps of deliberation,
meetings and votes, resolutions, 党群提案 and 书记有约."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CouncilKind(models.TextChoices):
    COMMUNITY = "community", _("社区议事会")
    ESTATE = "estate", _("小区议事会")
    VILLAGE = "village", _("村民议事会")
    JOINT_MEETING = "joint_meeting", _("联席会议")


class CouncilPattern(models.TextChoices):
    SIX_PLUS_X = "6+x", _("6+X")
    ONE_X_ONE = "1+x+1", _("1+X+1")
    CUSTOM = "custom", _("自定义")


class MemberCategory(models.TextChoices):
    PARTY_COMMITTEE = "party_committee", _("社区党委")
    RESIDENT_REP = "resident_rep", _("居民代表")
    OWNERS_COMMITTEE = "owners_committee", _("业委会")
    PROPERTY = "property", _("物业")
    UNIT = "unit", _("驻区单位")
    NEW_ORG = "new_org", _("两新组织")
    SOCIAL_ORG = "social_org", _("社会组织")
    DEPARTMENT = "department", _("职能部门")
    THIRD_PARTY = "third_party", _("第三方")


class TopicSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    PROPOSAL = "proposal", _("党群提案")
    APPOINTMENT = "appointment", _("书记有约")
    TICKET = "ticket", _("工单转入")
    NEED = "need", _("需求清单")
    MEMBER = "member", _("议事会成员")
    STAFF = "staff", _("社区提出")
    PROPERTY = "property", _("物业事项")


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", _("待审议")
    ACCEPTED = "accepted", _("已列入议程")
    DECLINED = "declined", _("不予受理")
    CONSULTING = "consulting", _("调研协商中")
    SCHEDULED = "scheduled", _("待会议表决")
    RESOLVED = "resolved", _("已形成决议")
    VOTED_DOWN = "voted_down", _("表决未通过")
    IMPLEMENTING = "implementing", _("实施中")
    COMPLETED = "completed", _("已办结")
    PUBLISHED = "published", _("结果已公开")


# What a resident sees of a topic: a consultation open to opinions and what was decided.
PUBLIC_TOPIC_STATUSES = (
    TopicStatus.CONSULTING,
    TopicStatus.RESOLVED,
    TopicStatus.VOTED_DOWN,
    TopicStatus.IMPLEMENTING,
    TopicStatus.COMPLETED,
    TopicStatus.PUBLISHED,
)
# Topics that have come to an end (nothing further happens).
CLOSED_TOPIC_STATUSES = (TopicStatus.DECLINED, TopicStatus.VOTED_DOWN, TopicStatus.PUBLISHED)


class TopicStep(models.TextChoices):
    """The timeline of a topic: every step has who, when and what."""

    PROPOSED = "proposed", _("提出议题")
    ACCEPTED = "accepted", _("列入议程")
    DECLINED = "declined", _("不予受理")
    CONSULTATION_OPENED = "consultation_opened", _("开始征求意见")
    FIELD_VISIT = "field_visit", _("实地调研")
    REVIEW = "review", _("第三方评估")
    SCHEDULED = "scheduled", _("提交会议")
    RESOLVED = "resolved", _("会议通过")
    VOTED_DOWN = "voted_down", _("会议未通过")
    DEFERRED = "deferred", _("暂缓表决")
    NOTICE = "notice", _("决议公示")
    IMPLEMENTING = "implementing", _("开始实施")
    PROGRESS = "progress", _("实施进展")
    COMPLETED = "completed", _("实施办结")
    PUBLISHED = "published", _("结果公开")


class Stance(models.TextChoices):
    SUPPORT = "support", _("赞成")
    OPPOSE = "oppose", _("反对")
    NEUTRAL = "neutral", _("其他意见")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("已安排")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫码签到")
    HAND = "hand", _("现场登记")


class VoteChoice(models.TextChoices):
    FOR = "for", _("赞成")
    AGAINST = "against", _("反对")
    ABSTAIN = "abstain", _("弃权")


class Decision(models.TextChoices):
    PENDING = "pending", _("待表决")
    ADOPTED = "adopted", _("通过")
    REJECTED = "rejected", _("未通过")
    DEFERRED = "deferred", _("暂缓")


class ProposalStatus(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已转为议题")
    ANSWERED = "answered", _("已答复")


class SecretaryKind(models.TextChoices):
    PEOPLE = "people", _("民情书记")
    COMMUNITY = "community", _("社区党委书记")
    ESTATE = "estate", _("小区支部书记")


class AppointmentStatus(models.TextChoices):
    PLANNED = "planned", _("已排班")
    HELD = "held", _("已接待")
    CANCELLED = "cancelled", _("已取消")


class DemandType(models.TextChoices):
    HEATING = "heating", _("供暖")
    PROPERTY = "property", _("物业纠纷")
    LEAK = "leak", _("漏水")
    PARKING = "parking", _("停车")
    ENVIRONMENT = "environment", _("环境卫生")
    FACILITY = "facility", _("设施维修")
    NEIGHBOUR = "neighbour", _("邻里纠纷")
    POLICY = "policy", _("政策咨询")
    OTHER = "other", _("其他")


class DemandStatus(models.TextChoices):
    OPEN = "open", _("已登记")
    TICKETED = "ticketed", _("已转工单")
    TOPIC = "topic", _("已转议题")
    ANSWERED = "answered", _("当场答复")
    SOLVED = "solved", _("已解决")


class CallbackResult(models.TextChoices):
    REACHED = "reached", _("已联系")
    UNREACHED = "unreached", _("未联系上")


class ResidentOpinion(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    BASIC = "basic", _("基本满意")
    UNSATISFIED = "unsatisfied", _("不满意")
