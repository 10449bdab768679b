"""Choices of the points app (积分制管理、积分超市).

Glossary (terms of this app): 积分规则 point rule (versioned; an entry cites its version), 积分申报 claim,
民主评议 / 碰头会 review meeting, 分录 posting (one entry of the ledger), 借贷腿 leg (one account's side of
a posting), 积分账户 account, 积分超市 shop, 商品 goods, 兑换 redemption, 入库 restock, 盘点 stock-take,
积分公示榜 public board.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Direction(models.TextChoices):
    AWARD = "award", _("加分")
    DEDUCT = "deduct", _("扣分")


class RuleCategory(models.TextChoices):
    ENVIRONMENT = "environment", _("人居环境")
    THREE_HEAPS = "three_heaps", _("清理三大堆")
    LABOUR = "labour", _("义务出工")
    CUSTOMS = "customs", _("移风易俗")
    VOLUNTEER = "volunteer", _("志愿服务")
    CONDUCT = "conduct", _("文明新风")
    OTHER = "other", _("其他")


class RuleUnit(models.TextChoices):
    PER_TIME = "per_time", _("每次")
    PER_DAY = "per_day", _("每天")
    PER_HOUSEHOLD = "per_household", _("每户")


class Evidence(models.TextChoices):
    NONE = "none", _("无需")
    PHOTO = "photo", _("照片")
    WITNESS = "witness", _("证明人")


class RuleSource(models.TextChoices):
    """Where a rule's claims come from: people (grid workers, residents) or records of other modules that
    this app scans (``services/harvest.py``)."""

    MANUAL = "manual", _("人工申报")
    VOLUNTEER_HOURS = "volunteer_hours", _("志愿服务时长（已确认）")
    SERVICE_RECORD = "service_record", _("在职党员服务记录（已确认）")
    # Read by the apps above points through ``points/sources.py``:
    STAIRWELL_NAMING = "stairwell_naming", _("文明楼道命名")
    RESOLUTION_VOLUNTEERS = "resolution", _("决议落实志愿者")


class ClaimSource(models.TextChoices):
    GRID_WORKER = "grid_worker", _("网格员发现")
    RESIDENT = "resident", _("居民自报")
    VOLUNTEER_HOURS = "volunteer_hours", _("志愿服务时长")
    SERVICE_RECORD = "service_record", _("在职党员服务")
    STAIRWELL_NAMING = "stairwell_naming", _("文明楼道命名")
    RESOLUTION_VOLUNTEERS = "resolution", _("决议落实志愿者")


class ClaimStatus(models.TextChoices):
    PENDING = "pending", _("待评议")
    APPROVED = "approved", _("通过")
    CHANGED = "changed", _("调整后通过")
    REJECTED = "rejected", _("不予通过")


class Outcome(models.TextChoices):
    APPROVE = "approve", _("通过")
    CHANGE = "change", _("调整分值")
    REJECT = "reject", _("不予通过")


class AccountKind(models.TextChoices):
    ISSUER = "issuer", _("积分发放账户")
    HOUSEHOLD = "household", _("家庭积分账户")
    SHOP = "shop", _("积分超市账户")
    EXPIRED = "expired", _("到期清零账户")


class PostingKind(models.TextChoices):
    AWARD = "award", _("加分")
    DEDUCT = "deduct", _("扣分")
    REDEEM = "redeem", _("兑换")
    REVERSAL = "reversal", _("冲正")
    EXPIRY = "expiry", _("年度清零")


class YearEnd(models.TextChoices):
    CARRY_OVER = "carry_over", _("结转下年")
    EXPIRE = "expire", _("年末清零")


class NameStyle(models.TextChoices):
    """How the public board shows a household head's name: 张明华 → “张M” or “张**”."""

    SURNAME_INITIAL = "surname_initial", _("姓＋名的首字母")
    SURNAME_ONLY = "surname_only", _("仅显示姓")


class Channel(models.TextChoices):
    H5 = "h5", _("居民线上兑换")
    COUNTER = "counter", _("柜台扫码兑换")


class StockMoveKind(models.TextChoices):
    RESTOCK = "restock", _("采购入库")
    DONATION = "donation", _("捐赠入库")
    STOCKTAKE = "stocktake", _("盘点调整")
    REDEEM = "redeem", _("兑换出库")
