"""Joint campaigns and recurring inspection rounds: the campaign (departments, place, grids, dates), the
findings recorded on the phone (type, photo, location, fixed on the spot or a ticket), the inspectors'
duties (定职责、定地段、定时段) and the rounds they walk.

A campaign belongs to a subdistrict (empty community code) or a community; a finding belongs to the grid
its location falls in. Tallies per type are counted from the findings, never stored.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.campaigns.enums import CampaignKind, CampaignStatus, FindingOutcome, RoundKind
from gongzhi.core.models import PlacedModel, TimeStampedModel


class FindingType(TimeStampedModel):
    """A kind of finding (占道经营, 僵尸车 …): the shipped ones and those a district admin adds."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=40, unique=True)
    active = models.BooleanField(_("启用"), default=True)
    sort = models.PositiveSmallIntegerField(_("排序"), default=100)

    class Meta:
        verbose_name = _("问题类型")
        verbose_name_plural = _("问题类型")
        ordering = ["sort", "id"]

    def __str__(self) -> str:
        return self.name


class Campaign(PlacedModel):
    """联合行动 or 巡查轮次 of a subdistrict or a community."""

    kind = models.CharField(_("类型"), max_length=12, choices=CampaignKind.choices)
    round_kind = models.CharField(_("巡查类别"), max_length=16, choices=RoundKind.choices, blank=True)
    title = models.CharField(_("名称"), max_length=100)
    place_name = models.CharField(_("单位"), max_length=100)
    departments = models.ManyToManyField(
        "places.Department", verbose_name=_("参与部门"), blank=True, related_name="+"
    )
    grids = models.ManyToManyField("places.Grid", verbose_name=_("覆盖网格"), blank=True, related_name="+")
    streets = models.CharField(_("覆盖街巷"), max_length=300, blank=True)
    starts_on = models.DateField(_("开始日期"), db_index=True)
    ends_on = models.DateField(_("结束日期"))
    every_days = models.PositiveSmallIntegerField(_("巡查周期（天）"), default=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=CampaignStatus.choices, default=CampaignStatus.ACTIVE
    )
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发起人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联合行动/巡查")
        verbose_name_plural = _("联合行动/巡查")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="campaign_dates"
            )
        ]

    def __str__(self) -> str:
        return self.title


class Finding(PlacedModel):
    """One thing found on the spot: its type, how many, where (the grid from the point), the photo, and
    whether it was fixed there or became a ticket."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("行动"), on_delete=models.PROTECT, related_name="findings"
    )
    type = models.ForeignKey(
        FindingType, verbose_name=_("问题类型"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("数量"), default=1)
    description = models.CharField(_("情况"), max_length=500, blank=True)
    address = models.CharField(_("位置"), max_length=200, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    outcome = models.CharField(_("处置"), max_length=12, choices=FindingOutcome.choices)
    ticket = models.ForeignKey(
        "tickets.Ticket",
        verbose_name=_("工单"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("记录时间"), db_index=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    duty = models.ForeignKey(
        "InspectionDuty",
        verbose_name=_("巡查岗位"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="findings",
    )

    class Meta:
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")
        indexes = [models.Index(fields=["campaign", "type"], name="finding_campaign_type")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(outcome="fixed", ticket__isnull=True) | models.Q(outcome="ticket"),
                name="finding_fixed_has_no_ticket",
            )
        ]


class FindingPhoto(models.Model):
    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to="campaigns/", max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("问题照片")
        verbose_name_plural = _("问题照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.finding_id} #{self.pk}"


class InspectionDuty(PlacedModel):
    """An inspector's duty on a round: 定职责 (what), 定地段 (where), 定时段 (when), and the next due day."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("巡查轮次"), on_delete=models.PROTECT, related_name="duties"
    )
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("巡查人"), on_delete=models.PROTECT, related_name="+"
    )
    inspector_name = models.CharField(_("巡查人姓名"), max_length=50)
    responsibility = models.CharField(_("职责"), max_length=200)
    section = models.CharField(_("地段"), max_length=200)
    starts_at = models.TimeField(_("时段开始"))
    ends_at = models.TimeField(_("时段结束"))
    due_on = models.DateField(_("下次应巡日期"), db_index=True)
    last_done_on = models.DateField(_("上次巡查"), null=True, blank=True)
    missed_since = models.DateField(_("漏巡起始"), null=True, blank=True)
    active = models.BooleanField(_("在岗"), default=True)

    class Meta:
        verbose_name = _("巡查岗位")
        verbose_name_plural = _("巡查岗位")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="duty_hours_order"
            )
        ]


class InspectionCheck(PlacedModel):
    """One round walked: by whom, on which day, at what time, with a note."""

    duty = models.ForeignKey(
        InspectionDuty, verbose_name=_("巡查岗位"), on_delete=models.PROTECT, related_name="checks"
    )
    done_on = models.DateField(_("巡查日期"))
    done_at = models.DateTimeField(_("记录时间"))
    in_hours = models.BooleanField(_("在规定时段内"), default=True)
    note = models.CharField(_("巡查情况"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("记录人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("巡查记录")
        verbose_name_plural = _("巡查记录")
        constraints = [
            models.UniqueConstraint(fields=["duty", "done_on"], name="inspection_check_once_a_day")
        ]
