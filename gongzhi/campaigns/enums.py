"""Campaigns (联合行动, 专项检查), the kinds of finding, outcomes and the recurring inspection rounds.

Glossary: 联合行动/创城行动 → joint campaign (``CampaignKind.JOINT``); 巡查/专项检查 → inspection round
(``CampaignKind.INSPECTION``); 问题/发现 → ``Finding``; 当场整改 → fixed on the spot; 转工单 → turned into a
ticket; 定职责、定地段、定时段 → an inspector's duty (``InspectionDuty``: duty, section, hours);
漏巡 → a missed round.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class CampaignKind(models.TextChoices):
    JOINT = "joint", _("联合行动")
    INSPECTION = "inspection", _("巡查轮次")


class RoundKind(models.TextChoices):
    WASTE_SORTING = "waste_sorting", _("垃圾分类点位巡查")
    FIRE_LANE = "fire_lane", _("消防通道巡查")
    GAS_PIPE = "gas_pipe", _("燃气管道巡查")
    SANITATION = "sanitation", _("环卫保洁监督")
    OTHER = "other", _("其他巡查")


class CampaignStatus(models.TextChoices):
    ACTIVE = "active", _("进行中")
    CLOSED = "closed", _("已结束")


class FindingOutcome(models.TextChoices):
    FIXED = "fixed", _("当场整改")
    TICKET = "ticket", _("转为工单")


# The seed's five kinds of finding (seed 000, the joint 创城 action), shipped; a district admin adds others.
DEFAULT_FINDING_TYPES: tuple[tuple[str, str], ...] = (
    ("street_business", "占道/出店经营"),
    ("public_drying", "公共用地晾晒"),
    ("bike_parking", "非机动车乱停放"),
    ("small_ads", "小广告/牛皮癣"),
    ("abandoned_car", "僵尸车"),
    ("waste_sorting", "垃圾分类不到位"),
    ("fire_lane_blocked", "消防通道堵塞"),
    ("gas_pipe_hazard", "燃气管道隐患"),
)

MAX_QUANTITY = 10000  # one finding counts at most this many things (a row of bikes, a wall of ads)
MAX_EVERY_DAYS = 92  # a round repeats at least once a quarter
