"""Care groups (重点人群), visit frequencies, visit modes, follow-ups and care-visit occasions.

Glossary: 重点人群 / 关爱对象 → ``CareGroup``; 走访 → ``Visit``; 慰问 → care visit (``CareVisit``);
包联 → assigned carer (``CareMembership.carer``); 应访未访 → overdue visit.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _


class CareGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("独居老人")
    EMPTY_NEST = "empty_nest", _("空巢老人")
    DISABLED = "disabled", _("残疾人")
    LOW_INCOME = "low_income", _("低保户")
    SPECIAL_HARDSHIP = "special_hardship", _("特困人员")
    LEFT_BEHIND_CHILD = "left_behind_child", _("留守儿童")
    VETERAN = "veteran", _("退役军人")
    OLD_PARTY_MEMBER = "old_party_member", _("老党员")
    COMMUNITY_CORRECTION = "community_correction", _("社区矫正对象")
    SEVERE_MENTAL_ILLNESS = "severe_mental_illness", _("严重精神障碍患者")


# Need-to-know groups: seen only by accounts a district admin has granted (CareGrant), each reveal audited.
SENSITIVE_GROUPS = frozenset({CareGroup.COMMUNITY_CORRECTION.value, CareGroup.SEVERE_MENTAL_ILLNESS.value})
OPEN_GROUPS = tuple(g for g in CareGroup.values if g not in SENSITIVE_GROUPS)


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("每周")
    BIWEEKLY = "biweekly", _("每两周")
    MONTHLY = "monthly", _("每月")
    QUARTERLY = "quarterly", _("每季度")


# The usual frequency of a group, proposed when a person enters it (the form may change it per person).
# Local practice, not law (reference §6: the 2022 guidance asks for a 100 % monthly visit rate by 2025).
DEFAULT_FREQUENCY: dict[str, str] = {
    CareGroup.ELDERLY_ALONE: Frequency.WEEKLY,
    CareGroup.SEVERE_MENTAL_ILLNESS: Frequency.BIWEEKLY,
    CareGroup.COMMUNITY_CORRECTION: Frequency.BIWEEKLY,
}


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = [31, 29 if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0) else 28, 31, 30, 31, 30, 31, 31, 30,
            31, 30, 31][month - 1]  # fmt: skip
    return dt.date(year, month, min(day.day, last))


def due_after(day: dt.date, frequency: str) -> dt.date:
    """The last day a visit is due by, counting from ``day`` (entry into the group or the last visit):
    weekly 7 days, every two weeks 14, monthly the same day of the next month (the month's last day when
    it has none), quarterly three months on. A person not visited by then is overdue the day after."""
    if frequency == Frequency.WEEKLY:
        return day + dt.timedelta(days=7)
    if frequency == Frequency.BIWEEKLY:
        return day + dt.timedelta(days=14)
    return _add_months(day, 3 if frequency == Frequency.QUARTERLY else 1)


class MembershipStatus(models.TextChoices):
    ACTIVE = "active", _("在册")
    EXITED = "exited", _("已退出")


class VisitMode(models.TextChoices):
    HOME = "home", _("入户走访")
    PHONE = "phone", _("电话")
    VIDEO = "video", _("视频")


class FollowUp(models.TextChoices):
    NONE = "none", _("无需跟进")
    NEED = "need", _("转入居民需求清单")
    TICKET = "ticket", _("转为网格事件")
    REFERRAL = "referral", _("转介")


class Occasion(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", _("春节")
    JULY_FIRST = "july_first", _("七一")
    DOUBLE_NINTH = "double_ninth", _("重阳")
    SERVICE_WEEK = "service_week", _("服务周")
    MID_AUTUMN = "mid_autumn", _("中秋")
    OTHER = "other", _("其他")
