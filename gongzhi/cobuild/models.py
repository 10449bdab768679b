"""The three lists (三张清单): needs, resources, and the projects that match them; the yearly plan."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.cobuild.enums import (
    CATEGORIES,
    Frequency,
    NeedSource,
    NeedStatus,
    PlanStatus,
    ProjectStatus,
    ProviderKind,
    ResourceKind,
    Urgency,
)
from gongzhi.core.models import PlacedModel, TimeStampedModel


class Need(PlacedModel):
    """居民需求清单: one need (or a 微心愿, a small wish of a person in difficulty) of a community."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="needs"
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    title = models.CharField(_("需求名称"), max_length=100)
    description = models.TextField(_("需求描述"), blank=True)
    category = models.CharField(_("类别"), max_length=24, choices=CATEGORIES, db_index=True)
    micro_wish = models.BooleanField(_("微心愿"), default=False, db_index=True)
    source = models.CharField(_("来源"), max_length=16, choices=NeedSource.choices)
    source_ticket_id = models.BigIntegerField(_("来源工单"), null=True, blank=True, db_index=True)
    beneficiaries = models.CharField(_("受益对象"), max_length=200, blank=True)
    beneficiary_count = models.PositiveIntegerField(_("受益人数"), default=1)
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    quantity_unit = models.CharField(_("数量单位"), max_length=16, default="次")
    frequency = models.CharField(_("频次"), max_length=12, choices=Frequency.choices, default=Frequency.ONCE)
    schedule = models.PositiveIntegerField(_("希望的服务时段"), default=0)  # matching.mask_of
    urgency = models.CharField(_("紧急程度"), max_length=12, choices=Urgency.choices, default=Urgency.NORMAL)
    wanted_by = models.DateField(_("期望完成日期"), null=True, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN, db_index=True
    )
    # What the projects promised and what they delivered, in ``quantity_unit``.
    committed = models.PositiveIntegerField(_("已承诺"), default=0)
    delivered = models.PositiveIntegerField(_("已交付"), default=0)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    fulfilled_at = models.DateTimeField(_("解决时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("居民需求")
        verbose_name_plural = _("居民需求清单")
        indexes = [models.Index(fields=["community_code", "status"], name="need_community_status")]

    def __str__(self) -> str:
        return self.title


class Resource(PlacedModel):
    """资源清单: what a unit, an in-service member, a social organisation or a volunteer team offers."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("所在社区"), on_delete=models.PROTECT, related_name="resources"
    )
    title = models.CharField(_("资源名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    kind = models.CharField(_("资源类型"), max_length=12, choices=ResourceKind.choices)
    categories = models.JSONField(_("可服务类别"), default=list)
    provider_kind = models.CharField(_("提供方类型"), max_length=24, choices=ProviderKind.choices)
    unit = models.ForeignKey(
        "party.Unit",
        verbose_name=_("驻区单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("在职党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    social_organization = models.ForeignKey(
        "volunteers.SocialOrganization",
        verbose_name=_("社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    team = models.ForeignKey(
        "volunteers.VolunteerTeam",
        verbose_name=_("志愿服务队"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    provider_name = models.CharField(_("提供方"), max_length=100)
    capacity = models.PositiveIntegerField(_("可承接需求数"), default=1)
    schedule = models.PositiveIntegerField(_("可服务时段"), default=0)
    schedule_note = models.CharField(_("服务时间说明"), max_length=100, blank=True)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    radius_km = models.FloatField(_("服务半径（公里）"), default=3.0)
    area_codes = models.JSONField(_("服务社区"), default=list, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone_encrypted = models.TextField(blank=True)
    contact_phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    contact_phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    active = models.BooleanField(_("有效"), default=True, db_index=True)

    class Meta:
        verbose_name = _("资源")
        verbose_name_plural = _("资源清单")

    def __str__(self) -> str:
        return self.title


class Project(PlacedModel):
    """项目清单: needs with the resources that meet them, claimed and signed as a co-building agreement."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="cobuild_projects"
    )
    title = models.CharField(_("项目名称"), max_length=100)
    description = models.TextField(_("项目内容"), blank=True)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PROPOSED, db_index=True
    )
    needs: models.ManyToManyField = models.ManyToManyField(
        Need, through="ProjectNeed", related_name="projects"
    )
    resources: models.ManyToManyField = models.ManyToManyField(
        Resource, through="ProjectResource", related_name="projects"
    )
    # 认领: exactly one claimant once claimed.
    claimant_kind = models.CharField(_("认领方类型"), max_length=24, choices=ProviderKind.choices, blank=True)
    claimant_unit = models.ForeignKey(
        "party.Unit",
        verbose_name=_("认领单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimant_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("认领党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimant_team = models.ForeignKey(
        "volunteers.VolunteerTeam",
        verbose_name=_("认领队伍"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    claimant_name = models.CharField(_("认领方"), max_length=100, blank=True)
    claimed_at = models.DateTimeField(_("认领时间"), null=True, blank=True)
    # 共建协议书
    agreement_number = models.CharField(_("协议编号"), max_length=40, blank=True, db_index=True)
    terms = models.TextField(_("协议条款"), blank=True)
    community_signatory = models.CharField(_("社区签约人"), max_length=50, blank=True)
    claimant_signatory = models.CharField(_("认领方签约人"), max_length=50, blank=True)
    starts_on = models.DateField(_("开始日期"), null=True, blank=True)
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    signed_at = models.DateTimeField(_("签约时间"), null=True, blank=True)
    outcome = models.TextField(_("项目成效"), blank=True)
    completed_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    plan_row = models.ForeignKey(
        "MatchingPlanRow", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("共建项目")
        verbose_name_plural = _("项目清单")
        constraints = [
            models.UniqueConstraint(
                fields=["agreement_number"],
                condition=~models.Q(agreement_number=""),
                name="agreement_number_unique",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ProjectNeed(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="need_links")
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="project_links")
    committed = models.PositiveIntegerField(_("承诺数量"), default=1)
    delivered = models.PositiveIntegerField(_("交付数量"), default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "need"], name="project_need_once")]


class ProjectResource(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="resource_links")
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="project_links")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "resource"], name="project_resource_once")]


class Milestone(TimeStampedModel):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("节点"), max_length=100)
    due_on = models.DateField(_("计划日期"), null=True, blank=True)
    done_on = models.DateField(_("完成日期"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("项目节点")
        ordering = ("due_on", "id")

    def __str__(self) -> str:
        return self.title


class ProjectActivity(TimeStampedModel):
    """A volunteers activity held for a project (the volunteers app does not know about projects)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="activity_links")
    activity = models.ForeignKey("volunteers.Activity", on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "activity"], name="project_activity_once")]


class Evaluation(TimeStampedModel):
    """居民评价: one rating per resident account per project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="evaluations")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(_("评分（1–5）"))
    comment = models.CharField(_("评价"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("居民评价")
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="evaluation_once_per_user"),
            models.CheckConstraint(
                condition=models.Q(rating__gte=1) & models.Q(rating__lte=5), name="evaluation_rating_range"
            ),
        ]


class MatchingPlan(PlacedModel):
    """碰头配对: a draft plan of the yearly matching meeting; applied only by a person's confirmation.
    Place codes: the community or subdistrict (or district) it was made for."""

    title = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"))
    level = models.CharField(_("范围"), max_length=12)  # district / subdistrict / community
    place_code = models.CharField(_("区划代码"), max_length=12)
    status = models.CharField(
        _("状态"), max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT, db_index=True
    )
    needs_considered = models.PositiveIntegerField(_("参与匹配需求数"), default=0)
    resources_considered = models.PositiveIntegerField(_("参与匹配资源数"), default=0)
    total_fit = models.FloatField(_("总匹配度"), default=0)
    greedy_total_fit = models.FloatField(_("逐个挑选的总匹配度"), default=0)
    seconds = models.FloatField(_("计算用时（秒）"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(_("确认时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("配对方案")
        verbose_name_plural = _("配对方案")

    def __str__(self) -> str:
        return self.title


class MatchingPlanRow(TimeStampedModel):
    plan = models.ForeignKey(MatchingPlan, on_delete=models.CASCADE, related_name="rows")
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="+")
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="+")
    fit = models.FloatField(_("匹配度"))
    reasons = models.JSONField(_("理由"), default=list)
    included = models.BooleanField(_("纳入"), default=True)
    adjusted = models.BooleanField(_("人工调整"), default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["plan", "need"], name="plan_row_once_per_need")]
        ordering = ("id",)
