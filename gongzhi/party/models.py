"""Party organisations, members, units, dual registration (双报到), serving and evaluation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.party.enums import (
    ClaimStatus,
    MemberKind,
    MemberStatus,
    OrgKind,
    RecordStatus,
    RegistrationStatus,
    ServiceItemKind,
    ServiceItemStatus,
    TransferDirection,
    TransferStatus,
    UnitKind,
)


class PartyOrganization(PlacedModel):
    """街道党工委 → 社区党委 → 网格党支部 / 联合党支部 → 楼院党小组. Place codes: the level it sits at
    (a joint branch carries its community's code and no grid code; its grids are in ``grids``)."""

    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级党组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    kind = models.CharField(_("类型"), max_length=24, choices=OrgKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    secretary_name = models.CharField(_("书记"), max_length=50, blank=True)
    secretary = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("书记账号"), null=True, blank=True, on_delete=models.SET_NULL
    )
    grids = models.ManyToManyField(
        "places.Grid", verbose_name=_("覆盖网格"), blank=True, related_name="party_orgs"
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = _("党组织")

    def __str__(self) -> str:
        return self.name


class Unit(PlacedModel):
    """A 驻区单位 registered with the community where it is located, paired with a grid it serves."""

    name = models.CharField(_("单位名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("单位类型"), max_length=24, choices=UnitKind.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    party_org_name = models.CharField(_("单位党组织"), max_length=100, blank=True)
    community = models.ForeignKey(
        "places.Community", verbose_name=_("报到社区"), on_delete=models.PROTECT, related_name="units"
    )
    paired_grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("联系网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("联络人账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="liaison_units",
    )
    registered_at = models.DateTimeField(_("报到时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("驻区单位")
        verbose_name_plural = _("驻区单位")

    def __str__(self) -> str:
        return self.name


class PartyMember(PlacedModel):
    """A party member. Community-managed: membership kept by the community (place = where they live).
    In-service: membership kept at their workplace (``unit`` / ``workplace_org``)."""

    kind = models.CharField(_("党员类别"), max_length=24, choices=MemberKind.choices, db_index=True)
    person = models.ForeignKey(
        "people.Person",
        verbose_name=_("人员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party",
    )
    name = models.CharField(_("姓名"), max_length=50)
    organization = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("所在党组织"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("工作单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    workplace_org = models.CharField(_("组织关系所在党组织"), max_length=100, blank=True)
    hub_household = models.BooleanField(_("党员中心户"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("党员账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_memberships",
    )
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("联系电话"), max_length=20, blank=True)
    # The register's standing: only members 在册 count in the branch layout and the figures.
    status = models.CharField(
        _("状态"), max_length=16, choices=MemberStatus.choices, default=MemberStatus.ACTIVE, db_index=True
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)
    ended_on = models.DateField(_("离册日期"), null=True, blank=True)
    end_reason = models.CharField(_("离册原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind"],
                condition=models.Q(person__isnull=False),
                name="party_member_unique_person",
            )
        ]

    def __str__(self) -> str:
        return self.name


class MemberRegistration(PlacedModel):
    """报到: an in-service member registers with the community where they live; the community receives it
    (accepts, or returns it with a reason), classifies the member by skills and assigns a grid."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="registrations"
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("报到社区"),
        on_delete=models.PROTECT,
        related_name="member_registrations",
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("工作单位"), null=True, blank=True, on_delete=models.PROTECT
    )
    address = models.CharField(_("居住地址"), max_length=200)
    skills = models.JSONField(_("特长"), default=list, blank=True)
    services_offered = models.CharField(_("可提供的服务"), max_length=500, blank=True)
    available_times = models.CharField(_("服务时间"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"),
        max_length=16,
        choices=RegistrationStatus.choices,
        default=RegistrationStatus.SUBMITTED,
        db_index=True,
    )
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)
    classification = models.CharField(_("分类"), max_length=32, blank=True)
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("分配网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    card_number = models.CharField(_("报到证编号"), max_length=32, blank=True, db_index=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("党员报到")
        verbose_name_plural = _("党员报到")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"],
                condition=~models.Q(status=RegistrationStatus.RETURNED),
                name="registration_once_per_community",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member} → {self.community}"


class ServiceItem(PlacedModel):
    """A post or service item a community publishes for members and units to claim."""

    community = models.ForeignKey("places.Community", verbose_name=_("社区"), on_delete=models.PROTECT)
    kind = models.CharField(_("类型"), max_length=8, choices=ServiceItemKind.choices)
    title = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("内容"), blank=True)
    skills = models.JSONField(_("所需特长"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("计划人数"), default=1)
    status = models.CharField(
        _("状态"),
        max_length=8,
        choices=ServiceItemStatus.choices,
        default=ServiceItemStatus.OPEN,
        db_index=True,
    )

    class Meta:
        verbose_name = _("服务岗位/项目")
        verbose_name_plural = _("服务岗位/项目")

    def __str__(self) -> str:
        return self.title


class Claim(PlacedModel):
    """认领 with a pledge (承诺) by a member or a unit."""

    item = models.ForeignKey(
        ServiceItem, verbose_name=_("岗位/项目"), on_delete=models.PROTECT, related_name="claims"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    pledge = models.CharField(_("承诺事项"), max_length=500)
    status = models.CharField(
        _("状态"), max_length=12, choices=ClaimStatus.choices, default=ClaimStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("认领")
        verbose_name_plural = _("认领")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | models.Q(unit__isnull=False),
                name="claim_has_claimant",
            )
        ]

    def __str__(self) -> str:
        return f"{self.member or self.unit} · {self.item}"


class ServiceRecord(PlacedModel):
    """践诺: what a member or unit did, confirmed by the community."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), null=True, blank=True, on_delete=models.PROTECT
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    claim = models.ForeignKey(Claim, verbose_name=_("认领"), null=True, blank=True, on_delete=models.PROTECT)
    served_on = models.DateField(_("服务日期"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    content = models.CharField(_("服务内容"), max_length=500)
    beneficiaries = models.CharField(_("服务对象"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=RecordStatus.choices, default=RecordStatus.PENDING
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    rating = models.PositiveSmallIntegerField(_("群众评价（1–5）"), null=True, blank=True)

    class Meta:
        verbose_name = _("服务记录")
        verbose_name_plural = _("服务记录")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member__isnull=False) | models.Q(unit__isnull=False),
                name="record_has_server",
            ),
            models.CheckConstraint(
                condition=models.Q(hours__gt=0) & models.Q(hours__lte=24), name="record_hours_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member or self.unit} {self.served_on} {self.hours}h"


class AssessmentScheme(TimeStampedModel):
    """The weighted indicators a district uses to assess units for one year."""

    district = models.ForeignKey("places.District", verbose_name=_("区县"), on_delete=models.PROTECT)
    year = models.PositiveSmallIntegerField(_("年度"))
    weights = models.JSONField(_("指标权重"), default=dict)

    class Meta:
        verbose_name = _("单位考核方案")
        verbose_name_plural = _("单位考核方案")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="scheme_one_per_year")]

    def __str__(self) -> str:
        return f"{self.year}"


class UnitAssessment(TimeStampedModel):
    scheme = models.ForeignKey(
        AssessmentScheme, verbose_name=_("方案"), on_delete=models.CASCADE, related_name="results"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), on_delete=models.PROTECT)
    indicators = models.JSONField(_("指标值"), default=dict)
    score = models.DecimalField(_("得分"), max_digits=6, decimal_places=2)
    rank = models.PositiveIntegerField(_("排名"))

    class Meta:
        verbose_name = _("单位考核结果")
        verbose_name_plural = _("单位考核结果")
        constraints = [models.UniqueConstraint(fields=["scheme", "unit"], name="assessment_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit} #{self.rank}"


class FeedbackLetter(TimeStampedModel):
    """A period's service record of an in-service member, sent back to their workplace (unit liaison)."""

    member = models.ForeignKey(
        PartyMember, verbose_name=_("党员"), on_delete=models.PROTECT, related_name="letters"
    )
    unit = models.ForeignKey(Unit, verbose_name=_("单位"), null=True, blank=True, on_delete=models.PROTECT)
    period = models.CharField(_("期间"), max_length=16)  # e.g. 2026-Q3, 2026
    summary = models.JSONField(_("内容"), default=dict)

    class Meta:
        verbose_name = _("表现反馈函")
        verbose_name_plural = _("表现反馈函")
        constraints = [models.UniqueConstraint(fields=["member", "period"], name="letter_once_per_period")]

    def __str__(self) -> str:
        return f"{self.member} {self.period}"


class MemberTransfer(PlacedModel):
    """组织关系转接: a community-managed member's membership moved in from, or out to, another party
    organisation (inside the district: ``other_org``; outside: its name only). Recorded when the letter
    (介绍信) arrives or is issued, then accepted or returned by someone else (``core.duties``). Accepting a
    transfer in puts the resident on the register; accepting a transfer out takes the member off it.
    Placed where the resident lives. ``batch`` groups the transfers of one bulk transfer-in (the members of
    a dissolved organisation)."""

    direction = models.CharField(_("方向"), max_length=4, choices=TransferDirection.choices, db_index=True)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=TransferStatus.choices,
        default=TransferStatus.PENDING,
        db_index=True,
    )
    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="party_transfers"
    )
    member = models.ForeignKey(
        PartyMember,
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    name = models.CharField(_("姓名"), max_length=50)
    other_org = models.ForeignKey(
        PartyOrganization,
        verbose_name=_("对方党组织（区内）"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    other_org_name = models.CharField(_("对方党组织"), max_length=100)
    inside_district = models.BooleanField(_("区内转接"), default=False)
    other_org_dissolved = models.BooleanField(_("对方党组织已撤销"), default=False)
    transferred_on = models.DateField(_("转接日期"))
    letter_number = models.CharField(_("介绍信编号"), max_length=50)
    batch = models.CharField(_("批次"), max_length=32, blank=True, db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("处理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("处理时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("组织关系转接")
        verbose_name_plural = _("组织关系转接")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "direction"],
                condition=models.Q(status="pending"),
                name="transfer_one_pending_per_person",
            ),
            models.CheckConstraint(
                condition=models.Q(direction="in") | models.Q(member__isnull=False),
                name="transfer_out_has_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.get_direction_display()} {self.other_org_name}"


class MemberImport(models.Model):
    """One upload of community-managed members (自管党员) from an xlsx or csv file: applied whole, or
    rejected with every row's errors (nothing written), or checked (a dry run). Kept for the error report;
    ID and phone numbers in ``error_rows`` are masked like the population import's."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("导入人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="party_member_imports",
    )
    created_at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    status = models.CharField(_("状态"), max_length=16)  # people.enums.ImportStatus
    dry_run = models.BooleanField(_("仅校验"), default=False)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增党员"), default=0)
    updated = models.PositiveIntegerField(_("更新党员"), default=0)
    unchanged = models.PositiveIntegerField(_("未变党员"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    error_rows = models.JSONField(_("出错行原始内容"), default=dict, blank=True)
    scope_codes = models.JSONField(_("导入人管辖范围"), default=list, blank=True)
    district_code = models.CharField(_("区县代码"), max_length=6, blank=True, db_index=True)
    subdistrict_code = models.CharField(_("街道代码"), max_length=12, blank=True)
    community_code = models.CharField(_("社区代码"), max_length=12, blank=True)
    grid_code = models.CharField(_("网格编码"), max_length=15, blank=True)

    class Meta:
        verbose_name = _("党员导入记录")
        verbose_name_plural = _("党员导入记录")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.file_name
