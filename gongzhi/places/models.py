from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel, TimeStampedModel
from gongzhi.places.enums import CommunityKind, DedicatedCover, GridKind, SubdistrictKind, TeamRole


class District(TimeStampedModel):
    code = models.CharField(_("区县代码"), max_length=6, unique=True)
    name = models.CharField(_("名称"), max_length=50)

    class Meta:
        verbose_name = _("区县")
        verbose_name_plural = _("区县")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return self.code


class Subdistrict(TimeStampedModel):
    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="subdistricts"
    )
    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=SubdistrictKind.choices)

    class Meta:
        verbose_name = _("街道（乡镇）")
        verbose_name_plural = _("街道（乡镇）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return self.code[:6]

    @property
    def subdistrict_code(self) -> str:
        return self.code


class Community(TimeStampedModel):
    subdistrict = models.ForeignKey(
        Subdistrict, verbose_name=_("街道（乡镇）"), on_delete=models.PROTECT, related_name="communities"
    )
    code = models.CharField(_("统计用区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=16, choices=CommunityKind.choices)
    boundary = models.JSONField(_("边界（GeoJSON）"), null=True, blank=True)

    class Meta:
        verbose_name = _("社区（村）")
        verbose_name_plural = _("社区（村）")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return self.code[:6]

    @property
    def subdistrict_code(self) -> str:
        return self.code[:9] + "000"

    @property
    def community_code(self) -> str:
        return self.code


class Grid(PlacedModel):
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("网格编码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=50)
    kind = models.CharField(_("网格类型"), max_length=16, choices=GridKind.choices, db_index=True)
    covers = models.CharField(_("专属对象类型"), max_length=20, choices=DedicatedCover.choices, blank=True)
    covers_name = models.CharField(_("专属对象名称"), max_length=100, blank=True)
    boundary = models.JSONField(_("边界（GeoJSON，WGS-84）"), null=True, blank=True)
    # Bounding box and centre, kept with the boundary, for the map and a cheap first filter.
    min_lng = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lng = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    center_lng = models.FloatField(null=True, blank=True)
    center_lat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("网格")
        verbose_name_plural = _("网格")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Estate(PlacedModel):
    community = models.ForeignKey(
        Community, verbose_name=_("社区"), on_delete=models.PROTECT, related_name="estates"
    )
    name = models.CharField(_("小区名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("小区")
        verbose_name_plural = _("小区")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="estate_unique_name")]

    def __str__(self) -> str:
        return self.name


class Building(PlacedModel):
    estate = models.ForeignKey(
        Estate,
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="buildings",
    )
    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="buildings")
    number = models.CharField(_("楼号"), max_length=30)
    entrances = models.PositiveSmallIntegerField(_("单元数"), default=1)
    floors = models.PositiveSmallIntegerField(_("层数"), null=True, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)

    class Meta:
        verbose_name = _("楼栋")
        verbose_name_plural = _("楼栋")
        constraints = [
            # A building outside any estate has no estate (NULL), and NULLs never clash in a unique index:
            # compare it as 0 so two such buildings with the same number in one grid are refused too.
            models.UniqueConstraint(
                "grid", Coalesce("estate", Value(0)), "number", name="building_unique_number"
            )
        ]

    def __str__(self) -> str:
        estate = self.estate.name if self.estate_id and self.estate else ""
        return f"{estate}{self.number}号楼"


class Household(PlacedModel):
    grid = models.ForeignKey(
        Grid, verbose_name=_("网格"), on_delete=models.PROTECT, related_name="households"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("楼栋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="households",
    )
    entrance = models.CharField(_("单元"), max_length=10, blank=True)
    door = models.CharField(_("门牌号"), max_length=30, blank=True)
    address = models.CharField(_("地址"), max_length=200)
    # Normalised key of the address within the grid: re-importing the same register finds the same household.
    address_key = models.CharField(max_length=200)

    class Meta:
        verbose_name = _("住户")
        verbose_name_plural = _("住户")
        constraints = [
            models.UniqueConstraint(fields=["grid", "address_key"], name="household_unique_address")
        ]

    def __str__(self) -> str:
        return self.address


class Department(TimeStampedModel):
    district = models.ForeignKey(
        District, verbose_name=_("区县"), on_delete=models.PROTECT, related_name="departments"
    )
    code = models.CharField(_("部门代码"), max_length=30)
    name = models.CharField(_("部门名称"), max_length=100)

    class Meta:
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="department_unique_code")]

    def __str__(self) -> str:
        return self.name

    @property
    def district_code(self) -> str:
        return self.district.code


class GridTeamMember(PlacedModel):
    grid = models.ForeignKey(Grid, verbose_name=_("网格"), on_delete=models.CASCADE, related_name="team")
    role = models.CharField(_("队伍角色"), max_length=20, choices=TeamRole.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="grid_teams",
    )
    name = models.CharField(_("姓名"), max_length=50)
    phone_encrypted = models.TextField(blank=True)
    phone_hash = models.CharField(max_length=64, blank=True, db_index=True)
    phone_masked = models.CharField(_("电话"), max_length=20, blank=True)
    note = models.CharField(_("说明"), max_length=100, blank=True)  # e.g. which building a captain covers

    class Meta:
        verbose_name = _("网格队伍成员")
        verbose_name_plural = _("网格队伍成员")
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "role"],
                condition=models.Q(role="grid_head"),
                name="team_one_grid_head",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()} {self.name}"
