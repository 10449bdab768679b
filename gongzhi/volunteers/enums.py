"""Statuses and kinds of the volunteer service app (志愿服务)."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop


class OwnerKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("驻区单位")
    SOCIAL_ORGANIZATION = "social_organization", _("社会组织")


class MembershipRole(models.TextChoices):
    LEADER = "leader", _("队长")
    ORGANIZER = "organizer", _("组织者")
    MEMBER = "member", _("队员")


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("在队")
    LEFT = "left", _("已退出")


class ActivityCategory(models.TextChoices):
    VOLUNTEER_SERVICE = "volunteer_service", _("志愿服务活动")
    CO_BUILDING = "co_building", _("共驻共建活动")


class Recurrence(models.TextChoices):
    ONE_OFF = "one_off", _("单次")
    WEEKLY = "weekly", _("每周")


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    CANCELLED = "cancelled", _("已取消")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已排期")
    CANCELLED = "cancelled", _("已取消")


class SignUpStatus(models.TextChoices):
    SIGNED_UP = "signed_up", _("已报名")
    WAITING = "waiting", _("候补")
    CANCELLED = "cancelled", _("已取消")
    ATTENDED = "attended", _("已参加")


class AttendanceSource(models.TextChoices):
    QR = "qr", _("扫码")
    ORGANIZER = "organizer", _("组织者代登记")


class HoursStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("未通过")


class EditRequestStatus(models.TextChoices):
    PENDING = "pending", _("待审核")
    APPROVED = "approved", _("已批准")
    REJECTED = "rejected", _("已驳回")


WEEKDAYS = [
    (0, _("周一")),
    (1, _("周二")),
    (2, _("周三")),
    (3, _("周四")),
    (4, _("周五")),
    (5, _("周六")),
    (6, _("周日")),
]

# 一星…五星 at these confirmed hours (the national volunteer star rating).
STAR_THRESHOLDS: tuple[Decimal, ...] = (
    Decimal("100"),
    Decimal("300"),
    Decimal("600"),
    Decimal("1000"),
    Decimal("1500"),
)
STAR_LABELS = (
    gettext_noop("未评星"),
    gettext_noop("一星"),
    gettext_noop("二星"),
    gettext_noop("三星"),
    gettext_noop("四星"),
    gettext_noop("五星"),
)


def star_level_for(hours: Decimal | float | int) -> int:
    value = Decimal(str(hours))
    return sum(1 for t in STAR_THRESHOLDS if value >= t)
