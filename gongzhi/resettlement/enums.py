"""Resettlement housing (安置房): the project's stages, groups, the inventory's kinds, the draw.

Glossary: 安置项目 → ``ResettlementProject``; 领导小组/工作组 → ``WorkingGroup``; 安置对象（户）→
``EligibleHousehold``; 房源 → inventory (``HousingUnit``: 住房 flat, 储藏室 storage room, 车位 parking
space); 编号搭配 → ``Bundle``; 摇号 → the draw (``Draw``); 选房 → a choice (allocation); 面积差结算 →
``SettlementStatement``; 交钥匙 → ``KeyHandover``; 公示 → the public notice.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ProjectStatus(models.TextChoices):
    PREPARING = "preparing", _("筹备登记")
    COMMITTED = "committed", _("名单已封存")
    DRAWN = "drawn", _("已摇号·选房中")
    CLOSED = "closed", _("已完成")


class GroupKind(models.TextChoices):
    LEADING = "leading", _("领导小组")
    PROCEDURE = "procedure", _("程序操作组")
    NUMBERING = "numbering", _("编号搭配组")
    SETTLEMENT = "settlement", _("房屋结算组")
    OTHER = "other", _("其他工作组")


class UnitKind(models.TextChoices):
    FLAT = "flat", _("住房")
    STORAGE = "storage", _("储藏室")
    PARKING = "parking", _("车位")


# How many of each kind a household is entitled to: the entitlement field of EligibleHousehold.
ENTITLEMENT_FIELD = {
    UnitKind.FLAT: "entitled_flats",
    UnitKind.STORAGE: "entitled_storage",
    UnitKind.PARKING: "entitled_parking",
}

MIN_WITNESSES = 2  # the draw is not run before at least two witnesses are recorded
MAX_HOUSEHOLDS = 20000
