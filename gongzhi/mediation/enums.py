"""Statuses, sources, kinds and outcomes of people's mediation (人民调解; glossary: mediation, applicant /
respondent, mediation agreement, the four registers, screening / joint analysis, warning)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeLevel(models.TextChoices):
    COMMUNITY = "community", _("社区（村）人民调解委员会")
    SUBDISTRICT = "subdistrict", _("街道（乡镇）人民调解委员会")
    PROFESSIONAL = "professional", _("专业调解团队")


class MediatorKind(models.TextChoices):
    ELDER = "elder", _("老党员")
    GRID_WORKER = "grid_worker", _("网格员")
    PROPERTY = "property", _("物业人员")
    LAWYER = "lawyer", _("律师")
    LEGAL_STAFF = "legal_staff", _("法律服务工作者")
    CADRE = "cadre", _("社区干部")
    VOLUNTEER = "volunteer", _("和事佬志愿者")


class CaseSource(models.TextChoices):
    VISIT = "visit", _("来访接待")
    SCREENING = "screening", _("每周排查")
    GRID_WORKER = "grid_worker", _("网格员上报")
    TICKET = "ticket", _("工单转入")
    CONSULTATION = "consultation", _("法律咨询")
    PETITION = "petition", _("信访转入")


class DisputeKind(models.TextChoices):
    NEIGHBOURS = "neighbours", _("邻里纠纷")
    FAMILY = "family", _("婚姻家庭纠纷")
    PROPERTY = "property", _("物业纠纷")
    LABOUR = "labour", _("劳动争议")
    LAND = "land", _("土地纠纷")
    CONSUMER = "consumer", _("消费纠纷")
    OTHER = "other", _("其他纠纷")


class CaseStatus(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    ACCEPTED = "accepted", _("已受理")
    MEDIATING = "mediating", _("调解中")
    REPORTED = "reported", _("已上报待批复")
    AGREED = "agreed", _("达成协议待履行")
    KEPT = "kept", _("协议已履行")
    BROKEN = "broken", _("协议未履行")
    FAILED = "failed", _("调解不成")
    TRANSFERRED = "transferred", _("已移交")
    DECLINED = "declined", _("不予受理")
    CLOSED = "closed", _("已结案")


# The case is over: no more sessions, its ticket (if any) may close.
ENDED = frozenset({CaseStatus.CLOSED, CaseStatus.DECLINED, CaseStatus.TRANSFERRED})
# Concluded for the success rate: agreements over every case that came to an outcome of mediation.
CONCLUDED = frozenset(
    {CaseStatus.AGREED, CaseStatus.KEPT, CaseStatus.BROKEN, CaseStatus.FAILED, CaseStatus.CLOSED}
)
OPEN_STATUSES = frozenset(
    {CaseStatus.REGISTERED, CaseStatus.ACCEPTED, CaseStatus.MEDIATING, CaseStatus.REPORTED}
)


class Outcome(models.TextChoices):
    NONE = "", _("未结")
    AGREEMENT = "agreement", _("达成协议")
    NO_AGREEMENT = "no_agreement", _("调解不成")
    TRANSFER = "transfer", _("三调联动移交")
    DECLINED = "declined", _("不予受理")


class TransferKind(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政调解")
    JUDICIAL = "judicial", _("司法调解")
    PETITION = "petition", _("信访部门")


class Side(models.TextChoices):
    APPLICANT = "applicant", _("申请人")
    RESPONDENT = "respondent", _("被申请人")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class MeetingLevel(models.TextChoices):
    COMMUNITY = "community", _("社区")
    SUBDISTRICT = "subdistrict", _("街道")


class WarningKind(models.TextChoices):
    REPEAT = "repeat", _("重复投诉")
    GROUP = "group", _("群体性苗头")
    NEIGHBOUR_REOPENED = "neighbour_reopened", _("邻里纠纷重办或不满意")
    AGREEMENT_BROKEN = "agreement_broken", _("调解协议未履行")


class WarningStatus(models.TextChoices):
    OPEN = "open", _("待处置")
    TAKEN = "taken", _("已指派")
    CLOSED = "closed", _("已化解")


# A room's standards: 四有 (a sign, a room, a stamp, a system) and 四上墙 (on the wall).
ROOM_STANDARDS = [
    ("sign", _("有标牌")),
    ("room", _("有场所")),
    ("stamp", _("有印章")),
    ("rules", _("有制度")),
    ("wall_org", _("组织网络上墙")),
    ("wall_rules", _("工作制度上墙")),
    ("wall_process", _("工作流程上墙")),
    ("wall_members", _("调解员名单上墙")),
]
ROOM_STANDARD_KEYS = frozenset(k for k, _v in ROOM_STANDARDS)

# A case normally ends within this many working days of being accepted (人民调解工作若干规定 Art. 33:
# "one month"; the project counts it on the official calendar). Extended with a reason.
CASE_WORKING_DAYS = 30
# The subdistrict answers a case reported up within this many working days.
REPLY_WORKING_DAYS = 5
# The category code of neighbour disputes in the ticket taxonomy (302 邻里纠纷).
NEIGHBOUR_CATEGORY = "302"
