"""Care groups (重点人群花名册), visits (走访) with their photos and follow-ups, care visits (慰问), and the
grants that open the need-to-know groups to an account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gongzhi.care.enums import CareGroup, FollowUp, Frequency, MembershipStatus, Occasion, VisitMode
from gongzhi.core.models import PlacedModel


class CareMembership(PlacedModel):
    """A person of the register in one care group: from ``entered_on`` (with the reason) until
    ``exited_on`` (with the reason); a person who comes back gets a new row. ``last_visited_on`` and
    ``due_on`` are kept by the visit service, so the overdue list is an index range
    (active rows of a place with ``due_on`` before today), not a scan of visits."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="care_memberships"
    )
    group = models.CharField(_("人群类别"), max_length=24, choices=CareGroup.choices)
    sensitive = models.BooleanField(_("需知悉授权"), default=False)
    entered_on = models.DateField(_("纳入日期"))
    entry_reason = models.CharField(_("纳入原因"), max_length=200)
    exited_on = models.DateField(_("退出日期"), null=True, blank=True)
    exit_reason = models.CharField(_("退出原因"), max_length=200, blank=True)
    carer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("包联人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="care_memberships",
    )
    frequency = models.CharField(_("走访频次"), max_length=12, choices=Frequency.choices)
    risk_level = models.PositiveSmallIntegerField(_("风险等级"), default=1)  # 1 low · 2 medium · 3 high
    last_visited_on = models.DateField(_("最近走访"), null=True, blank=True)
    due_on = models.DateField(_("应访日期"))
    # set by the supervision sweep on the day it first finds the person overdue; cleared once visited
    overdue_since = models.DateField(_("超期发现日期"), null=True, blank=True)
    status = models.CharField(
        _("状态"), max_length=8, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )

    class Meta:
        verbose_name = _("重点人群成员")
        verbose_name_plural = _("重点人群成员")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "group"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="care_one_active_membership",
            )
        ]
        indexes = [
            # The overdue list of a district / community / grid / carer: active rows by due date.
            models.Index(
                fields=["district_code", "due_on"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="care_due_district_idx",
            ),
            models.Index(
                fields=["community_code", "due_on"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="care_due_community_idx",
            ),
            models.Index(
                fields=["grid_code", "due_on"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="care_due_grid_idx",
            ),
            models.Index(
                fields=["carer", "due_on"],
                condition=Q(status=MembershipStatus.ACTIVE),
                name="care_due_carer_idx",
            ),
            # The one-map's care layer: persons of the open groups per grid of a district, read from the
            # index alone (at city scale 22 ms instead of 67 for a district's 65,000 memberships).
            models.Index(
                fields=["district_code", "grid_code", "person_id"],
                condition=Q(status=MembershipStatus.ACTIVE, sensitive=False),
                name="care_open_grid_person_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.group}"

    @property
    def carer_label(self) -> str:
        return (self.carer.display_name or self.carer.username) if self.carer else "—"


class Visit(PlacedModel):
    """One visit (走访) to a household about one person of a care group (or the household as a whole)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("走访对象"), on_delete=models.PROTECT, related_name="care_visits"
    )
    household = models.ForeignKey(
        "places.Household", verbose_name=_("住户"), null=True, blank=True, on_delete=models.PROTECT
    )
    visited_on = models.DateField(_("走访日期"), db_index=True)
    mode = models.CharField(_("方式"), max_length=8, choices=VisitMode.choices, default=VisitMode.HOME)
    visitors = models.CharField(_("走访人"), max_length=200)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    living_conditions = models.CharField(_("居住情况"), max_length=500, blank=True)
    income = models.CharField(_("收入情况"), max_length=500, blank=True)
    difficulties = models.CharField(_("困难诉求"), max_length=1000, blank=True)
    health = models.CharField(_("健康状况"), max_length=500, blank=True)
    lng = models.FloatField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    follow_up = models.CharField(
        _("跟进方式"), max_length=12, choices=FollowUp.choices, default=FollowUp.NONE
    )
    need = models.ForeignKey(
        "cobuild.Need", verbose_name=_("转入需求"), null=True, blank=True, on_delete=models.SET_NULL
    )
    ticket = models.ForeignKey(
        "tickets.Ticket", verbose_name=_("转办工单"), null=True, blank=True, on_delete=models.SET_NULL
    )
    referral = models.CharField(_("转介去向"), max_length=200, blank=True)
    outcome = models.CharField(_("跟进结果"), max_length=500, blank=True)
    sensitive = models.BooleanField(default=False)  # the person is (only) in a need-to-know group

    class Meta:
        verbose_name = _("走访记录")
        verbose_name_plural = _("走访记录")
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["grid_code", "visited_on"], name="care_visit_grid_day_idx")]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.person_id}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    file = models.FileField(_("文件"), upload_to="care/", max_length=200)
    content_type = models.CharField(max_length=32)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("走访照片")
        verbose_name_plural = _("走访照片")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.visit_id} #{self.pk}"


class CareVisit(PlacedModel):
    """慰问: on an occasion, who went and what was given (goods or services; no money is handled)."""

    person = models.ForeignKey(
        "people.Person", verbose_name=_("慰问对象"), on_delete=models.PROTECT, related_name="care_gifts"
    )
    occasion = models.CharField(_("慰问时机"), max_length=16, choices=Occasion.choices)
    visited_on = models.DateField(_("慰问日期"))
    visitors = models.CharField(_("慰问人"), max_length=200)
    given = models.CharField(_("慰问品"), max_length=200)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("慰问记录")
        verbose_name_plural = _("慰问记录")
        ordering = ["-visited_on", "-id"]
        constraints = [
            # one gift per person per occasion and day: the register against handing out twice
            models.UniqueConstraint(fields=["person", "occasion", "visited_on"], name="care_visit_once")
        ]


class CareGrant(models.Model):
    """A district admin opens the need-to-know groups of a district to one account (until revoked)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_grants")
    district_code = models.CharField(_("区县代码"), max_length=6)
    reason = models.CharField(_("授权理由"), max_length=200)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("重点人群知悉授权")
        verbose_name_plural = _("重点人群知悉授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "district_code"], condition=Q(revoked_at__isnull=True), name="care_one_grant"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.district_code}"
