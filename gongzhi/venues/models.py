"""服务阵地: the places that serve residents (党群服务中心, 党员驿站, 网格工作站, 调解室 …), their standards
inspections, and the bookings of their rooms.

A booking's activity, meeting or training is named by ``linked_kind`` + ``linked_id``: the apps that hold
those rows sit above this one (volunteers, training …) and point at a venue themselves.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.venues.enums import BookerKind, BookingStatus, LinkKind, VenueKind


def _weekdays() -> list[int]:
    return [0, 1, 2, 3, 4]


class Venue(PlacedModel):
    """服务阵地 (Venue): one place that serves residents, with its point, hours, services and manager."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="venues"
    )
    grid = models.ForeignKey(
        "places.Grid",
        verbose_name=_("网格"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("阵地类型"), max_length=24, choices=VenueKind.choices, db_index=True)
    name = models.CharField(_("名称"), max_length=100)
    address = models.CharField(_("地址"), max_length=200)
    lng = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    # Regular hours: these weekdays (0 = Monday) from opens_at to closes_at.
    open_weekdays = models.JSONField(_("开放日"), default=_weekdays)
    opens_at = models.TimeField(_("开放时间"), default=dt.time(9, 0))
    closes_at = models.TimeField(_("关闭时间"), default=dt.time(17, 0))
    # "678": also open after the 8 working hours — weekday evenings and the weekend (see hours.py).
    after_hours_678 = models.BooleanField(_("“678”错时延时服务"), default=False)
    services = models.JSONField(_("服务项目"), default=list, blank=True)
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("管理人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    manager_name = models.CharField(_("管理人"), max_length=50, blank=True)
    capacity = models.PositiveIntegerField(_("容纳人数"), default=20)
    floor_area = models.PositiveIntegerField(_("面积（平方米）"), null=True, blank=True)
    bookable = models.BooleanField(_("可预约"), default=True)
    active = models.BooleanField(_("在用"), default=True, db_index=True)

    class Meta:
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="venue_unique_name"),
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="venue_hours"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def service_labels(self) -> list[str]:
        """The services in the reader's language (the stored words are the Chinese ones of ``SERVICES``)."""
        return [gettext(s) for s in self.services or []]


class VenueInspection(PlacedModel):
    """A standards inspection (标准化检查): which checklist items the venue meets on a day."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), on_delete=models.PROTECT, related_name="inspections"
    )
    inspected_on = models.DateField(_("检查日期"))
    inspector = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("检查人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    results = models.JSONField(_("检查结果"), default=dict)  # StandardItem value → met
    met = models.PositiveSmallIntegerField(_("达标项"))
    total = models.PositiveSmallIntegerField(_("检查项"))
    note = models.CharField(_("整改意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("阵地检查")
        verbose_name_plural = _("阵地检查")


class Booking(PlacedModel):
    """A booking of a venue's room for a time: by staff, a unit, a team or a resident."""

    venue = models.ForeignKey(
        Venue, verbose_name=_("阵地"), on_delete=models.PROTECT, related_name="bookings"
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    purpose = models.CharField(_("用途"), max_length=100)
    attendees = models.PositiveIntegerField(_("人数"), default=1)
    booker_kind = models.CharField(_("预约方"), max_length=12, choices=BookerKind.choices)
    unit = models.ForeignKey(
        "party.Unit",
        verbose_name=_("驻区单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    organization_name = models.CharField(_("预约单位/队伍"), max_length=100, blank=True)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("预约人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=BookingStatus.choices,
        default=BookingStatus.CONFIRMED,
        db_index=True,
    )
    linked_kind = models.CharField(_("关联事项"), max_length=12, choices=LinkKind.choices, blank=True)
    linked_id = models.BigIntegerField(_("关联编号"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)
    cancel_reason = models.CharField(_("取消原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("场地预约")
        verbose_name_plural = _("场地预约")
        indexes = [models.Index(fields=["venue", "status", "starts_at"], name="booking_venue_time")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="booking_time_order"
            )
        ]

    def __str__(self) -> str:
        return f"{self.venue} {self.starts_at:%Y-%m-%d %H:%M} {self.purpose}"
