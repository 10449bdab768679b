"""Statuses, channels, levels and outcomes of the ticket loop (glossary: Tickets)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    REPORTED = "reported", _("待受理")
    ACCEPTED = "accepted", _("已受理待派遣")
    ESCALATED = "escalated", _("已吹哨待派遣")
    RETURNED = "returned", _("已退回待重派")
    DISPATCHED = "dispatched", _("已派遣待报到")
    IN_PROGRESS = "in_progress", _("处置中")
    HANDLED = "handled", _("已处置待核查")
    VERIFIED = "verified", _("已核查待回访")
    CALLED_BACK = "called_back", _("已回访待结案")
    CLOSED = "closed", _("已结案")
    DECLINED = "declined", _("不予受理")
    MERGED = "merged", _("已合并")


# Statuses grouped the way inboxes, indicators and Open311 need them.
TERMINAL = frozenset({TicketStatus.CLOSED, TicketStatus.DECLINED, TicketStatus.MERGED})
OPEN = frozenset(set(TicketStatus.values) - TERMINAL)
# Waiting for someone to decide who handles it.
TO_DISPATCH = frozenset({TicketStatus.ACCEPTED, TicketStatus.ESCALATED, TicketStatus.RETURNED})
# The handling clock runs (a deadline is set and not yet met).
HANDLING = frozenset({TicketStatus.DISPATCHED, TicketStatus.IN_PROGRESS})


class Channel(models.TextChoices):
    PATROL = "patrol", _("网格员巡查")
    RESIDENT = "resident", _("居民随手拍")
    HOTLINE = "hotline", _("12345热线")
    APPOINTMENT = "appointment", _("书记有约")
    ASSIGNED = "assigned", _("上级交办")
    API = "api", _("API接入")


class Level(models.TextChoices):
    """Where a ticket is handled. Escalation (吹哨) climbs the place levels; departments respond (报到)."""

    GRID = "grid", _("网格")
    COMMUNITY = "community", _("社区")
    SUBDISTRICT = "subdistrict", _("街道")
    DISTRICT = "district", _("区级")
    DEPARTMENT = "department", _("职能部门")


PLACE_LEVELS = [Level.GRID, Level.COMMUNITY, Level.SUBDISTRICT, Level.DISTRICT]


class CategoryKind(models.TextChoices):
    EVENT = "event", _("事件类")
    COMPONENT = "component", _("部件类")
    COMMUNITY = "community", _("社区事务类")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("满意")
    FAIRLY = "fairly", _("基本满意")
    DISSATISFIED = "dissatisfied", _("不满意")


class AssignmentRole(models.TextChoices):
    LEAD = "lead", _("主办")
    CO = "co", _("协办")


class SupervisionKind(models.TextChoices):
    YELLOW = "yellow", _("黄牌督办")
    RED = "red", _("红牌督办")
    RESPONSE = "response", _("报到超时督办")
    DISSATISFIED = "dissatisfied", _("不满意督办")


class SupervisionLevel(models.TextChoices):
    NONE = "", _("无")
    YELLOW = "yellow", _("黄牌")
    RED = "red", _("红牌")


class ExtensionStatus(models.TextChoices):
    PENDING = "pending", _("待审批")
    APPROVED = "approved", _("已同意")
    REFUSED = "refused", _("已驳回")


class PhotoStage(models.TextChoices):
    REPORT = "report", _("上报照片")
    RESULT = "result", _("处置照片")
    VERIFY = "verify", _("核查照片")


class PatrolStatus(models.TextChoices):
    ACTIVE = "active", _("巡查中")
    ENDED = "ended", _("已结束")


class Move(models.TextChoices):
    """The moves of the loop; the API's action names are the values (verify and callback carry an outcome)."""

    REPORT = "report", _("上报")
    ACCEPT = "accept", _("受理")
    DECLINE = "decline", _("不予受理")
    MERGE = "merge", _("合并")
    DISPATCH = "dispatch", _("派遣")
    ESCALATE = "escalate", _("吹哨上报")
    RESPOND = "respond", _("报到")
    RETURN = "return", _("退回")
    HANDLE = "handle", _("处置")
    VERIFY = "verify", _("核查")
    CALLBACK = "callback", _("回访")
    CLOSE = "close", _("结案")
    EXTEND = "extend", _("延期")
    SUPERVISE = "supervise", _("督办")
    NOTE = "note", _("补充说明")
