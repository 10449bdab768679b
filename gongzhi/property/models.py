"""红色物业: the register of property companies, owners' committees and the organisations of the sector;
per estate its property service, 同心桥 branch and red captains' posts; the residents' quarterly ratings
and the quarterly assessment; the property matters that go through the deliberation engine (councils).

Every row that belongs to a place is a ``PlacedModel``: a company or an organisation at the subdistrict
(or district) that registered it, an estate's rows at the estate's community.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.property.enums import (
    CURRENT_COMMITTEE,
    BranchSide,
    CaptainKind,
    CommitteePost,
    CommitteeStatus,
    OrganizationKind,
    ProposerKind,
    ServiceKind,
    Subject,
)


class PropertyCompany(PlacedModel):
    """物业公司: registered by a subdistrict's property office (its place); serves estates anywhere."""

    name = models.CharField(_("企业名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    manager_name = models.CharField(_("项目负责人"), max_length=50, blank=True)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    party_org_name = models.CharField(_("企业党组织"), max_length=100, blank=True)
    party_members = models.PositiveIntegerField(_("党员人数"), default=0)
    # 党建负责人 / 红领物业带头人: by name, and the member's record where the party register has it.
    party_lead_name = models.CharField(_("党建负责人"), max_length=50, blank=True)
    party_lead = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党建负责人（党员）"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    red_brand = models.BooleanField(_("红色物业（红领物业）"), default=False)
    active = models.BooleanField(_("在册"), default=True, db_index=True)

    class Meta:
        verbose_name = _("物业公司")
        verbose_name_plural = _("物业公司")

    def __str__(self) -> str:
        return self.name


class PropertyOrganization(PlacedModel):
    """区物业服务行业党委 (district), 街道物业管理办公室 and the “红色物业”党建联盟 (subdistrict)."""

    kind = models.CharField(_("类型"), max_length=20, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The party organisation it is, where the party register has it.
    party_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("对应党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    head_name = models.CharField(_("负责人"), max_length=50, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)
    companies = models.ManyToManyField(
        PropertyCompany, verbose_name=_("成员企业"), blank=True, related_name="organizations"
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("物业党建组织")
        verbose_name_plural = _("物业党建组织")
        constraints = [
            models.UniqueConstraint(
                fields=["district_code", "subdistrict_code", "kind", "name"], name="property_org_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name


class EstateService(PlacedModel):
    """An estate's property service: which company (or self-managed, or hosted) from when."""

    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("服务方式"), max_length=16, choices=ServiceKind.choices)
    company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("物业公司"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="services",
    )
    starts_on = models.DateField(_("服务起始日"))
    ends_on = models.DateField(_("服务终止日"), null=True, blank=True)
    current = models.BooleanField(_("现行"), default=True)

    class Meta:
        verbose_name = _("小区物业服务")
        verbose_name_plural = _("小区物业服务")
        constraints = [
            models.UniqueConstraint(
                fields=["estate"], condition=models.Q(current=True), name="estate_one_current_service"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=ServiceKind.COMPANY) | models.Q(company__isnull=False),
                name="estate_service_company_named",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.estate_id} {self.company or self.get_kind_display()}"


class OwnersCommittee(PlacedModel):
    """业委会: one estate's committee for one term (elected → filed → ended)."""

    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    elected_on = models.DateField(_("选举日期"))
    term_starts_on = models.DateField(_("任期开始"))
    term_ends_on = models.DateField(_("任期届满"))
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CommitteeStatus.choices,
        default=CommitteeStatus.ELECTED,
        db_index=True,
    )
    ended_on = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("业委会")
        verbose_name_plural = _("业委会")
        constraints = [
            models.UniqueConstraint(
                fields=["estate"],
                condition=models.Q(status__in=CURRENT_COMMITTEE),
                name="estate_one_current_committee",
            ),
            models.CheckConstraint(
                condition=models.Q(term_ends_on__gt=models.F("term_starts_on")), name="committee_term_order"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class CommitteeMember(PlacedModel):
    committee = models.ForeignKey(
        OwnersCommittee, verbose_name=_("业委会"), on_delete=models.CASCADE, related_name="members"
    )
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=12, choices=CommitteePost.choices)
    is_party_member = models.BooleanField(_("党员"), default=False)
    party_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # “交叉任职”: a community cadre elected onto the committee.
    cross_appointed = models.BooleanField(_("社区“两委”成员交叉任职"), default=False)

    class Meta:
        verbose_name = _("业委会成员")
        verbose_name_plural = _("业委会成员")
        ordering = ["id"]

    def __str__(self) -> str:
        return self.name


class TongxinqiaoBranch(PlacedModel):
    """同心桥 branch: an estate's party branch of property-company, owners'-committee and grid party
    members (“三方协同”), under the community party committee."""

    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("名称"), max_length=100)
    party_organization = models.ForeignKey(
        "party.PartyOrganization",
        verbose_name=_("对应党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    alliance = models.ForeignKey(
        PropertyOrganization,
        verbose_name=_("所属党建联盟"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="branches",
    )
    secretary_name = models.CharField(_("书记"), max_length=50, blank=True)
    founded_on = models.DateField(_("成立日期"))
    active = models.BooleanField(_("有效"), default=True, db_index=True)

    class Meta:
        verbose_name = _("同心桥党支部")
        verbose_name_plural = _("同心桥党支部")
        constraints = [
            models.UniqueConstraint(
                fields=["estate"], condition=models.Q(active=True), name="estate_one_branch"
            )
        ]

    def __str__(self) -> str:
        return self.name


class BranchRepresentative(PlacedModel):
    branch = models.ForeignKey(
        TongxinqiaoBranch,
        verbose_name=_("同心桥党支部"),
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    side = models.CharField(_("代表方"), max_length=20, choices=BranchSide.choices)
    name = models.CharField(_("姓名"), max_length=50)
    party_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.ForeignKey(
        PropertyCompany, verbose_name=_("物业公司"), null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = _("同心桥党支部代表")
        verbose_name_plural = _("同心桥党支部代表")
        ordering = ["side", "id"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "side", "name"], name="branch_rep_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.get_side_display()} {self.name}"


class CaptainPost(PlacedModel):
    """红楼长 / 红色管家: a party member's post over a building (or the whole estate)."""

    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        "places.Building", verbose_name=_("楼栋"), null=True, blank=True, on_delete=models.PROTECT
    )
    kind = models.CharField(_("岗位"), max_length=16, choices=CaptainKind.choices)
    holder_name = models.CharField(_("姓名"), max_length=50)
    party_member = models.ForeignKey(
        "party.PartyMember",
        verbose_name=_("党员档案"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    since = models.DateField(_("上岗日期"))
    active = models.BooleanField(_("在岗"), default=True, db_index=True)

    class Meta:
        verbose_name = _("红楼长岗位")
        verbose_name_plural = _("红楼长岗位")
        ordering = ["estate_id", "building_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.holder_name}"


class PropertyRating(PlacedModel):
    """A household's rating of its estate's property company, owners' committee and 同心桥 branch for a
    quarter (1–5 each): one per household per quarter."""

    household = models.ForeignKey(
        "places.Household", verbose_name=_("住户"), on_delete=models.PROTECT, related_name="+"
    )
    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    quarter = models.CharField(_("季度"), max_length=7)  # 2026-Q3
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("评价人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    company = models.ForeignKey(
        PropertyCompany, verbose_name=_("物业公司"), null=True, blank=True, on_delete=models.PROTECT
    )
    company_score = models.PositiveSmallIntegerField(_("物业服务评分"), null=True, blank=True)
    committee = models.ForeignKey(
        OwnersCommittee, verbose_name=_("业委会"), null=True, blank=True, on_delete=models.PROTECT
    )
    committee_score = models.PositiveSmallIntegerField(_("业委会评分"), null=True, blank=True)
    branch = models.ForeignKey(
        TongxinqiaoBranch, verbose_name=_("同心桥党支部"), null=True, blank=True, on_delete=models.PROTECT
    )
    branch_score = models.PositiveSmallIntegerField(_("同心桥党支部评分"), null=True, blank=True)
    comment = models.CharField(_("意见建议"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("居民季度评价")
        verbose_name_plural = _("居民季度评价")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "quarter"], name="rating_once_per_household_quarter"
            ),
            models.CheckConstraint(
                condition=(models.Q(company_score__isnull=True) | models.Q(company_score__range=(1, 5)))
                & (models.Q(committee_score__isnull=True) | models.Q(committee_score__range=(1, 5)))
                & (models.Q(branch_score__isnull=True) | models.Q(branch_score__range=(1, 5))),
                name="rating_scores_1_to_5",
            ),
        ]
        indexes = [models.Index(fields=["quarter", "subdistrict_code"], name="rating_quarter_sub_idx")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.household_id}"


class AssessmentScheme(TimeStampedModel):
    """The weights a district assesses with: per subject, indicator → weight (sum 100)."""

    district = models.OneToOneField(
        "places.District", verbose_name=_("区县"), on_delete=models.PROTECT, related_name="+"
    )
    weights = models.JSONField(_("指标权重"), default=dict)

    class Meta:
        verbose_name = _("红色物业考核权重")
        verbose_name_plural = _("红色物业考核权重")

    def __str__(self) -> str:
        return f"{self.district_id}"


class PropertyAssessment(TimeStampedModel):
    """One subject's result for one quarter in one subdistrict, ranked among its kind there."""

    quarter = models.CharField(_("季度"), max_length=7)
    district_code = models.CharField(_("区县代码"), max_length=6, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, db_index=True)
    subject = models.CharField(_("考核对象类型"), max_length=20, choices=Subject.choices)
    company = models.ForeignKey(
        PropertyCompany, verbose_name=_("物业公司"), null=True, blank=True, on_delete=models.CASCADE
    )
    committee = models.ForeignKey(
        OwnersCommittee, verbose_name=_("业委会"), null=True, blank=True, on_delete=models.CASCADE
    )
    branch = models.ForeignKey(
        TongxinqiaoBranch, verbose_name=_("同心桥党支部"), null=True, blank=True, on_delete=models.CASCADE
    )
    subject_id = models.BigIntegerField(_("对象编号"))
    subject_name = models.CharField(_("名称"), max_length=100)
    estates = models.JSONField(_("小区"), default=list)  # estate names, for the printout
    indicators = models.JSONField(_("指标"), default=dict)  # key → {value, numerator, denominator, score}
    weights = models.JSONField(_("所用权重"), default=dict)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))

    class Meta:
        verbose_name = _("红色物业季度考核")
        verbose_name_plural = _("红色物业季度考核")
        ordering = ["quarter", "subdistrict_code", "subject", "rank", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["quarter", "subdistrict_code", "subject", "subject_id"],
                name="assessment_once_per_subject",
            )
        ]
        indexes = [models.Index(fields=["quarter", "subdistrict_code"], name="assess_quarter_sub_idx")]

    def __str__(self) -> str:
        return f"{self.quarter} {self.subject_name} #{self.rank}"


class PropertyMatter(PlacedModel):
    """A property matter (四步议事) proposed by the estate's company or owners' committee; its deliberation
    — 主题党日 + 阳光议事, the joint meeting's resolution, publication and the residents' review — is a
    topic of the deliberation engine (``councils``), named by ``topic_id``."""

    estate = models.ForeignKey(
        "places.Estate", verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("事项"), max_length=100)
    description = models.TextField(_("内容"), max_length=2000)
    proposer_kind = models.CharField(_("提议方"), max_length=20, choices=ProposerKind.choices)
    company = models.ForeignKey(
        PropertyCompany, verbose_name=_("提议企业"), null=True, blank=True, on_delete=models.PROTECT
    )
    committee = models.ForeignKey(
        OwnersCommittee, verbose_name=_("提议业委会"), null=True, blank=True, on_delete=models.PROTECT
    )
    topic_id = models.BigIntegerField(_("议题编号"), null=True, blank=True, db_index=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("物业议事事项")
        verbose_name_plural = _("物业议事事项")
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(proposer_kind=ProposerKind.COMPANY) & models.Q(company__isnull=False))
                | (models.Q(proposer_kind=ProposerKind.OWNERS_COMMITTEE) & models.Q(committee__isnull=False)),
                name="matter_proposer_named",
            )
        ]

    def __str__(self) -> str:
        return self.title
