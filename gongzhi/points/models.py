"""积分制管理、积分超市: rules, claims, the daily review, a double-entry ledger and the points shop.

The ledger: every ``Posting`` has ``Leg`` rows (one account's side each) whose amounts sum to zero,
which the database enforces (migration 0002: a deferred constraint trigger on PostgreSQL, a trigger on
SQLite that refuses the leg that completes an unbalanced posting); postings and legs are never updated
(a trigger refuses it; on PostgreSQL also a delete) — a correction is a reversing posting. Each
community's postings form a hash chain (``seq``, ``prev_hash``, ``hash``; ``ledger.py``) that
``manage.py points_verify`` checks. ``Account.balance`` is a cache of the sum of its legs, kept in the
posting's transaction and rebuilt and compared by ``ledger_rebuild_balances``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.points.enums import (
    AccountKind,
    Channel,
    ClaimSource,
    ClaimStatus,
    Direction,
    Evidence,
    NameStyle,
    PostingKind,
    RuleCategory,
    RuleSource,
    RuleUnit,
    StockMoveKind,
    YearEnd,
)


class Scheme(PlacedModel):
    """A community's points scheme (积分制管理办法): the points group, the year end, the public names."""

    community = models.OneToOneField(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="points_scheme"
    )
    group_members = models.CharField(_("积分管理小组成员"), max_length=300, blank=True)
    year_end = models.CharField(
        _("年度积分处理"), max_length=12, choices=YearEnd.choices, default=YearEnd.CARRY_OVER
    )
    name_style = models.CharField(
        _("公示姓名方式"), max_length=20, choices=NameStyle.choices, default=NameStyle.SURNAME_INITIAL
    )

    class Meta:
        verbose_name = _("积分制度")
        verbose_name_plural = _("积分制度")


class PointRule(PlacedModel):
    """One version of a rule of the catalogue; a district rule has no community (``community_code`` "")."""

    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("社区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    code = models.CharField(_("规则编号"), max_length=20)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("规则名称"), max_length=100)
    direction = models.CharField(_("加分/扣分"), max_length=8, choices=Direction.choices)
    category = models.CharField(_("类别"), max_length=16, choices=RuleCategory.choices)
    points_min = models.PositiveIntegerField(_("最低分值"))
    points_max = models.PositiveIntegerField(_("最高分值"))
    unit = models.CharField(_("计分单位"), max_length=16, choices=RuleUnit.choices, default=RuleUnit.PER_TIME)
    evidence = models.CharField(_("所需佐证"), max_length=8, choices=Evidence.choices, default=Evidence.NONE)
    yearly_cap = models.PositiveIntegerField(_("年度上限（0为不限）"), default=0)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    source = models.CharField(
        _("积分来源"), max_length=20, choices=RuleSource.choices, default=RuleSource.MANUAL
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "community_code", "code", "version"], name="point_rule_version"
            ),
            models.CheckConstraint(
                condition=Q(points_max__gte=models.F("points_min")), name="point_rule_range"
            ),
        ]

    def __str__(self) -> str:
        return gettext("%(code)s %(name)s（第%(version)s版）") % {
            "code": self.code,
            "name": self.name,
            "version": self.version,
        }


class Account(PlacedModel):
    """积分账户: a household's, or the community's issuer / shop / expiry account."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("账户类型"), max_length=12, choices=AccountKind.choices)
    household = models.OneToOneField(
        "places.Household",
        verbose_name=_("家庭"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    code = models.CharField(_("兑换码"), max_length=16, unique=True)
    balance = models.BigIntegerField(_("余额"), default=0)  # the sum of the legs, kept with each posting

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(
                fields=["community", "kind"],
                condition=Q(household__isnull=True),
                name="points_community_account",
            ),
            # A household never goes below zero (the services refuse first, this is the last guard).
            models.CheckConstraint(
                condition=~Q(kind="household") | Q(balance__gte=0), name="points_household_not_negative"
            ),
        ]


class LedgerHead(models.Model):
    """The end of a community's hash chain: locked by every posting of the community."""

    community_code = models.CharField(max_length=12, unique=True)
    district_code = models.CharField(max_length=6, db_index=True)
    seq = models.BigIntegerField(default=0)
    hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"{self.community_code}#{self.seq}"


class Posting(models.Model):
    """分录: one entry of the ledger; never updated or deleted."""

    district_code = models.CharField(max_length=6, db_index=True)
    community_code = models.CharField(max_length=12)
    seq = models.BigIntegerField(_("序号"))
    kind = models.CharField(_("类型"), max_length=12, choices=PostingKind.choices)
    memo = models.CharField(_("摘要"), max_length=200)
    rule = models.ForeignKey(PointRule, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reverses = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="reversed_by"
    )
    leg_count = models.PositiveSmallIntegerField()
    posted_at = models.DateTimeField(_("记账时间"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        verbose_name = _("积分分录")
        verbose_name_plural = _("积分分录")
        constraints = [models.UniqueConstraint(fields=["community_code", "seq"], name="posting_chain_seq")]

    def __str__(self) -> str:
        return gettext("第%(seq)s号分录") % {"seq": self.seq}


class Leg(models.Model):
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="legs")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="legs")
    district_code = models.CharField(max_length=6, db_index=True)
    amount = models.BigIntegerField()

    class Meta:
        constraints = [models.CheckConstraint(condition=~Q(amount=0), name="leg_not_zero")]

    def __str__(self) -> str:
        return f"{self.account_id}:{self.amount}"


class ReviewMeeting(PlacedModel):
    """民主评议 / 碰头会: the points group's meeting that decides the previous day's claims."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    held_on = models.DateField(_("评议日期"))
    members_present = models.CharField(_("参会人员"), max_length=300)
    note = models.CharField(_("会议记录"), max_length=1000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("评议会")
        verbose_name_plural = _("评议会")
        constraints = [models.UniqueConstraint(fields=["community", "held_on"], name="points_meeting_day")]


class Claim(PlacedModel):
    """积分申报: for a household (and optionally one of its persons), under one rule version."""

    rule = models.ForeignKey(
        PointRule, verbose_name=_("规则"), on_delete=models.PROTECT, related_name="claims"
    )
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(_("来源"), max_length=20, choices=ClaimSource.choices)
    source_key = models.CharField(max_length=40, blank=True)  # "hours:12" for a generated claim
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    points = models.PositiveIntegerField(_("申报分值"))
    final_points = models.PositiveIntegerField(_("评议分值"), null=True, blank=True)
    description = models.CharField(_("事由"), max_length=500)
    occurred_on = models.DateField(_("发生日期"))
    witness = models.CharField(_("证明人"), max_length=50, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.PENDING, db_index=True
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    meeting = models.ForeignKey(
        ReviewMeeting, null=True, blank=True, on_delete=models.PROTECT, related_name="claims"
    )
    decision_reason = models.CharField(_("评议意见"), max_length=300, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    posting = models.OneToOneField(
        Posting, null=True, blank=True, on_delete=models.PROTECT, related_name="claim"
    )

    class Meta:
        verbose_name = _("积分申报")
        verbose_name_plural = _("积分申报")
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "source_key"], condition=~Q(source_key=""), name="points_claim_generated_once"
            )
        ]


class ClaimPhoto(models.Model):
    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="photos")
    file = models.CharField(max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()

    def __str__(self) -> str:
        return self.file


class Goods(PlacedModel):
    """积分超市的商品: price in points, stock, a yearly limit per household."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("商品名称"), max_length=60)
    unit_label = models.CharField(_("单位"), max_length=8, default="件")
    price = models.PositiveIntegerField(_("兑换积分"))
    stock = models.IntegerField(_("库存"), default=0)
    household_limit = models.PositiveIntegerField(_("每户每年限兑（0为不限）"), default=0)
    active = models.BooleanField(_("上架"), default=True)

    class Meta:
        verbose_name = _("商品")
        verbose_name_plural = _("积分超市商品")
        constraints = [
            models.CheckConstraint(condition=Q(stock__gte=0), name="points_goods_stock_not_negative"),
            models.CheckConstraint(condition=Q(price__gt=0), name="points_goods_price_positive"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(PlacedModel):
    """兑换: a household's points for goods, with the receipt number."""

    number = models.CharField(_("兑换单号"), max_length=24, unique=True)
    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="redemptions")
    household = models.ForeignKey("places.Household", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("数量"))
    points = models.PositiveIntegerField(_("积分"))
    channel = models.CharField(_("兑换方式"), max_length=8, choices=Channel.choices)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    posting = models.OneToOneField(Posting, on_delete=models.PROTECT, related_name="redemption")

    class Meta:
        verbose_name = _("兑换记录")
        verbose_name_plural = _("兑换登记簿")


class StockMove(PlacedModel):
    """库存变动: restock, donation, stock-take difference, redemption."""

    goods = models.ForeignKey(Goods, on_delete=models.PROTECT, related_name="moves")
    kind = models.CharField(_("类型"), max_length=12, choices=StockMoveKind.choices)
    quantity = models.IntegerField(_("数量变动"))
    expected = models.IntegerField(_("账面数量"), null=True, blank=True)
    counted = models.IntegerField(_("实盘数量"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    donor = models.CharField(_("捐赠方"), max_length=100, blank=True)
    resource = models.ForeignKey(
        "cobuild.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    redemption = models.OneToOneField(
        Redemption, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class YearClose(PlacedModel):
    """A community's year end done once: carried over or expired (the scheme's rule)."""

    community = models.ForeignKey("places.Community", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    rule = models.CharField(max_length=12, choices=YearEnd.choices)
    households = models.PositiveIntegerField(default=0)
    points = models.BigIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["community", "year"], name="points_year_closed_once")]
