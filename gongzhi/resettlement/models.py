"""A resettlement project (安置项目): its groups and members, meetings with minutes, plan documents,
the eligible households of the former villages with their entitlements, the inventory (flats, storage
rooms, parking spaces) and its bundles (编号搭配), the draw that fixes the order of choosing, the
allocation, the settlement of area differences and the key handover.

A project belongs to a subdistrict (empty community code) or a community; every row of it carries the
project's place codes.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.resettlement.enums import GroupKind, ProjectStatus, UnitKind

_USER = settings.AUTH_USER_MODEL


class ResettlementProject(PlacedModel):
    name = models.CharField(_("项目名称"), max_length=100)
    place_name = models.CharField(_("单位"), max_length=100)
    estate_name = models.CharField(_("安置小区"), max_length=100)
    buildings = models.CharField(_("楼栋"), max_length=300, blank=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PREPARING
    )
    # how far the chosen flats' area may exceed the entitled area (m²); beyond it a choice is refused
    max_over_area = models.DecimalField(_("可超面积上限（㎡）"), max_digits=8, decimal_places=2, default=0)
    created_by = models.ForeignKey(
        _USER, verbose_name=_("建立人"), null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("安置项目")
        verbose_name_plural = _("安置项目")

    def __str__(self) -> str:
        return self.name


class WorkingGroup(PlacedModel):
    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="groups")
    kind = models.CharField(_("类别"), max_length=12, choices=GroupKind.choices)
    name = models.CharField(_("名称"), max_length=50)
    duties = models.CharField(_("职责"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("工作组")
        verbose_name_plural = _("工作组")
        constraints = [models.UniqueConstraint(fields=["project", "name"], name="resettlement_group_unique")]


class GroupMember(PlacedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(_("姓名"), max_length=50)
    post = models.CharField(_("职务"), max_length=50, blank=True)
    unit = models.CharField(_("单位"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("工作组成员")
        verbose_name_plural = _("工作组成员")


class ProjectMeeting(PlacedModel):
    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField(_("日期"))
    title = models.CharField(_("会议"), max_length=100)
    attendees = models.CharField(_("参会人员"), max_length=500, blank=True)
    minutes = models.TextField(_("纪要"))

    class Meta:
        verbose_name = _("推进会议")
        verbose_name_plural = _("推进会议")


class PlanDocument(PlacedModel):
    """实施方案 and the other documents of the plan: number, title, date and summary (no file is stored)."""

    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="documents")
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=50, blank=True)
    issued_on = models.DateField(_("印发日期"))
    summary = models.TextField(_("要点"), blank=True)

    class Meta:
        verbose_name = _("方案文件")
        verbose_name_plural = _("方案文件")


class EligibleHousehold(PlacedModel):
    """An eligible household (安置对象) of a former village, with its entitlement. ``key`` is its number in
    the project (村-序号), the name the draw uses; the head's name is shown masked in anything public."""

    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="households")
    key = models.CharField(_("安置编号"), max_length=20)
    former_village = models.CharField(_("原村（居）"), max_length=50)
    head_name = models.CharField(_("户主"), max_length=50)
    head_name_masked = models.CharField(_("户主（公示）"), max_length=50)
    members = models.PositiveSmallIntegerField(_("安置人口"), default=1)
    household = models.ForeignKey(
        "places.Household",
        verbose_name=_("登记住户"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    entitled_area = models.DecimalField(_("应安置面积（㎡）"), max_digits=8, decimal_places=2)
    entitled_flats = models.PositiveSmallIntegerField(_("可选住房套数"), default=1)
    entitled_storage = models.PositiveSmallIntegerField(_("可选储藏室"), default=0)
    entitled_parking = models.PositiveSmallIntegerField(_("可选车位"), default=0)
    draw_position = models.PositiveIntegerField(_("选房顺序号"), null=True, blank=True)
    choosing_done = models.BooleanField(_("选房完成"), default=False)

    class Meta:
        verbose_name = _("安置对象")
        verbose_name_plural = _("安置对象")
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="resettlement_household_key"),
            models.UniqueConstraint(
                fields=["project", "draw_position"],
                condition=models.Q(draw_position__isnull=False),
                name="resettlement_draw_position_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.head_name_masked}"


class Bundle(PlacedModel):
    """编号搭配: units offered together (a flat with its storage room and parking space)."""

    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="bundles")
    code = models.CharField(_("搭配编号"), max_length=30)

    class Meta:
        verbose_name = _("编号搭配")
        verbose_name_plural = _("编号搭配")
        constraints = [models.UniqueConstraint(fields=["project", "code"], name="resettlement_bundle_code")]


class HousingUnit(PlacedModel):
    """One unit of the inventory: a flat (building, floor, area, type), a storage room or a parking space.
    ``household`` is who chose it: the one slot a concurrent choice competes for."""

    project = models.ForeignKey(ResettlementProject, on_delete=models.PROTECT, related_name="units")
    kind = models.CharField(_("类别"), max_length=10, choices=UnitKind.choices)
    number = models.CharField(_("编号"), max_length=30)
    building = models.CharField(_("楼号"), max_length=20, blank=True)
    floor = models.SmallIntegerField(_("楼层"), null=True, blank=True)
    area = models.DecimalField(_("面积（㎡）"), max_digits=8, decimal_places=2)
    layout = models.CharField(_("户型"), max_length=30, blank=True)
    bundle = models.ForeignKey(Bundle, null=True, blank=True, on_delete=models.SET_NULL, related_name="units")
    household = models.ForeignKey(
        EligibleHousehold,
        verbose_name=_("选定户"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="units",
    )
    chosen_at = models.DateTimeField(_("选定时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("房源")
        verbose_name_plural = _("房源")
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "number"], name="resettlement_unit_number"),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="resettlement_unit_area_positive"),
        ]
        indexes = [models.Index(fields=["project", "kind", "household"], name="resettlement_unit_free")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}{self.number}"


class PriceBand(PlacedModel):
    """A band of the area difference and its price per m²: (lower, upper] of the signed difference
    chosen − entitled; a negative band is what the household is paid back."""

    project = models.ForeignKey(ResettlementProject, on_delete=models.CASCADE, related_name="bands")
    lower = models.DecimalField(_("下限（㎡，不含）"), max_digits=8, decimal_places=2)
    upper = models.DecimalField(_("上限（㎡，含）"), max_digits=8, decimal_places=2, null=True, blank=True)
    price = models.DecimalField(_("单价（元/㎡）"), max_digits=10, decimal_places=2)
    label = models.CharField(_("说明"), max_length=50)

    class Meta:
        verbose_name = _("结算价格档")
        verbose_name_plural = _("结算价格档")
        ordering = ["lower"]


class Draw(PlacedModel):
    """The draw of a project: the commitment (SHA-256 of the seed and the canonical list, published
    before), the witnesses, then the order and the seed revealed (docs/resettlement.md, ``draw.py``)."""

    project = models.OneToOneField(ResettlementProject, on_delete=models.PROTECT, related_name="draw")
    algorithm = models.CharField(_("算法"), max_length=40)
    list_sha256 = models.CharField(_("名单摘要"), max_length=64)
    commitment = models.CharField(_("承诺值（种子+名单）"), max_length=64)
    households = models.PositiveIntegerField(_("户数"))
    seed_encrypted = models.TextField()
    seed = models.CharField(_("种子（摇号后公开）"), max_length=128, blank=True)
    committed_at = models.DateTimeField(_("封存时间"))
    committed_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(_("摇号时间"), null=True, blank=True)
    drawn_by = models.ForeignKey(_USER, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    result_sha256 = models.CharField(_("结果摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("摇号")
        verbose_name_plural = _("摇号")


class DrawWitness(PlacedModel):
    draw = models.ForeignKey(Draw, on_delete=models.CASCADE, related_name="witnesses")
    name = models.CharField(_("姓名"), max_length=50)
    capacity = models.CharField(_("身份"), max_length=50)  # 公证员, 村民代表, 纪检监察 …

    class Meta:
        verbose_name = _("摇号见证人")
        verbose_name_plural = _("摇号见证人")


class SettlementStatement(PlacedModel):
    """面积差结算单 of a household: entitled and chosen area, the difference, each band's line, the amount
    (positive: the household pays; negative: it is paid), in yuan, to the fen."""

    household = models.OneToOneField(EligibleHousehold, on_delete=models.PROTECT, related_name="statement")
    number = models.CharField(_("结算单号"), max_length=40, unique=True)
    entitled_area = models.DecimalField(max_digits=8, decimal_places=2)
    chosen_area = models.DecimalField(max_digits=8, decimal_places=2)
    difference = models.DecimalField(max_digits=8, decimal_places=2)
    amount = models.DecimalField(_("金额（元）"), max_digits=14, decimal_places=2)
    lines = models.JSONField(default=list)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("面积差结算单")
        verbose_name_plural = _("面积差结算单")


class KeyHandover(PlacedModel):
    """交钥匙: the household's representative signs for the keys; a staff member hands them over."""

    household = models.OneToOneField(EligibleHousehold, on_delete=models.PROTECT, related_name="handover")
    signed_by_name = models.CharField(_("签收人"), max_length=50)
    handed_on = models.DateField(_("交付日期"))
    units = models.CharField(_("交付房源"), max_length=300)
    handed_by = models.ForeignKey(_USER, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = _("钥匙交付")
        verbose_name_plural = _("钥匙交付")
