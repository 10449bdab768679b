"""Volunteer service (志愿服务): social organisations, teams, volunteers, activities with their sessions,
sign-ups, attendance, service hours, edit requests and certificates.

Every row carries the place codes of the community it belongs to (a team's community, a volunteer's home
community), so selectors filter by scope with plain equality.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.volunteers.enums import (
    ActivityCategory,
    ActivityStatus,
    AttendanceSource,
    EditRequestStatus,
    HoursStatus,
    MembershipRole,
    MembershipStatus,
    OwnerKind,
    Recurrence,
    SessionStatus,
    SignUpStatus,
    star_level_for,
)


class SocialOrganization(PlacedModel):
    """社会组织 active in a community (registered or filed 备案); USCC when it has one."""

    name = models.CharField(_("名称"), max_length=100)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("所在社区"),
        on_delete=models.PROTECT,
        related_name="social_organizations",
    )
    field_of_service = models.CharField(_("服务领域"), max_length=100, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    description = models.TextField(_("简介"), blank=True)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("社会组织")
        verbose_name_plural = _("社会组织")
        constraints = [
            models.UniqueConstraint(
                fields=["uscc"], condition=~models.Q(uscc=""), name="social_org_unique_uscc"
            )
        ]

    def __str__(self) -> str:
        return self.name


class VolunteerTeam(PlacedModel):
    """志愿服务队, owned by a community, a unit (驻区单位) or a social organisation; it serves in the
    community it belongs to (place codes), over ``service_area``."""

    name = models.CharField(_("队伍名称"), max_length=100)
    owner_kind = models.CharField(_("组建主体"), max_length=24, choices=OwnerKind.choices)
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("所属社区"),
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    unit = models.ForeignKey(
        "party.Unit",
        verbose_name=_("组建单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer_teams",
    )
    social_organization = models.ForeignKey(
        SocialOrganization,
        verbose_name=_("组建社会组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="teams",
    )
    service_area = models.CharField(_("服务范围"), max_length=200, blank=True)
    skills = models.JSONField(_("服务特长"), default=list, blank=True)
    description = models.TextField(_("简介"), blank=True)
    leader = models.ForeignKey(
        "Volunteer",
        verbose_name=_("队长"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_teams",
    )
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("志愿服务队")
        verbose_name_plural = _("志愿服务队")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        owner_kind=OwnerKind.COMMUNITY, unit__isnull=True, social_organization__isnull=True
                    )
                    | models.Q(
                        owner_kind=OwnerKind.UNIT, unit__isnull=False, social_organization__isnull=True
                    )
                    | models.Q(
                        owner_kind=OwnerKind.SOCIAL_ORGANIZATION,
                        unit__isnull=True,
                        social_organization__isnull=False,
                    )
                ),
                name="team_owner_matches_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Volunteer(PlacedModel):
    """A volunteer's profile: a resident (Person), a party member, a user account — any of them, at least
    one. ``availability`` is a list of weekly windows ``{"weekday": 0–6, "start": "HH:MM", "end": "HH:MM"}``
    (0 = Monday); the "678" pattern (weekends and after 8 working hours) is one preset of it.
    ``total_hours`` and ``star_level`` cache the confirmed hours; ``volunteer_rebuild_totals`` rebuilds them."""

    name = models.CharField(_("姓名"), max_length=50)
    person = models.OneToOneField(
        "people.Person",
        verbose_name=_("居民"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer",
    )
    party_member = models.OneToOneField(
        "party.PartyMember",
        verbose_name=_("党员"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="volunteer",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="volunteer",
    )
    skills = models.JSONField(_("特长"), default=list, blank=True)
    availability = models.JSONField(_("可服务时间"), default=list, blank=True)
    availability_pattern = models.CharField(_("服务时间模式"), max_length=16, blank=True)
    total_hours = models.DecimalField(
        _("累计服务时长（小时）"), max_digits=8, decimal_places=1, default=Decimal("0")
    )
    star_level = models.PositiveSmallIntegerField(_("星级"), default=0)
    active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("志愿者")
        verbose_name_plural = _("志愿者")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False)
                | models.Q(party_member__isnull=False)
                | models.Q(user__isnull=False),
                name="volunteer_has_identity",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def computed_star_level(self) -> int:
        return star_level_for(self.total_hours)


class TeamMembership(PlacedModel):
    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("队伍"), on_delete=models.PROTECT, related_name="memberships"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(
        _("队内角色"), max_length=16, choices=MembershipRole.choices, default=MembershipRole.MEMBER
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=MembershipStatus.choices, default=MembershipStatus.ACTIVE
    )
    joined_at = models.DateTimeField(_("加入时间"))
    left_at = models.DateTimeField(_("退出时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("队员")
        verbose_name_plural = _("队员")
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=models.Q(status=MembershipStatus.ACTIVE),
                name="membership_once_active",
            )
        ]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.team}"


class Activity(PlacedModel):
    """共驻共建活动 / 志愿服务活动: one-off, or a weekly series (free clinic on Wednesdays …) whose
    sessions are generated from ``start_date`` to ``end_date`` on ``weekday``."""

    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("志愿服务队"), on_delete=models.PROTECT, related_name="activities"
    )
    community = models.ForeignKey(
        "places.Community",
        verbose_name=_("社区"),
        on_delete=models.PROTECT,
        related_name="volunteer_activities",
    )
    category = models.CharField(
        _("活动类别"),
        max_length=24,
        choices=ActivityCategory.choices,
        default=ActivityCategory.VOLUNTEER_SERVICE,
    )
    title = models.CharField(_("活动名称"), max_length=100)
    description = models.TextField(_("活动内容"), blank=True)
    venue = models.CharField(_("活动地点"), max_length=200)
    # The registered venue (服务阵地) it is held at, when it is one; ``venue`` stays the place as written.
    venue_site = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("服务阵地"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
    )
    skills = models.JSONField(_("所需特长"), default=list, blank=True)
    capacity = models.PositiveIntegerField(_("每场名额"))
    recurrence = models.CharField(
        _("频次"), max_length=8, choices=Recurrence.choices, default=Recurrence.ONE_OFF
    )
    weekday = models.PositiveSmallIntegerField(_("每周几"), null=True, blank=True)  # 0 = Monday
    start_date = models.DateField(_("开始日期"))
    end_date = models.DateField(_("结束日期"))
    start_time = models.TimeField(_("开始时间"))
    end_time = models.TimeField(_("结束时间"))
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=ActivityStatus.choices,
        default=ActivityStatus.PUBLISHED,
        db_index=True,
    )
    organizer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("组织者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organized_activities",
    )

    class Meta:
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__gt=models.F("start_time")), name="activity_time_order"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")), name="activity_date_order"
            ),
            models.CheckConstraint(condition=models.Q(capacity__gte=1), name="activity_capacity_positive"),
        ]

    def __str__(self) -> str:
        return self.title


class ActivitySession(PlacedModel):
    """场次: one occurrence of an activity, with its own capacity, waiting list and QR token."""

    activity = models.ForeignKey(
        Activity, verbose_name=_("活动"), on_delete=models.PROTECT, related_name="sessions"
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("名额"))
    status = models.CharField(
        _("状态"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    qr_token = models.CharField(_("签到码"), max_length=32, unique=True)
    signed_up_count = models.PositiveIntegerField(_("已报名人数"), default=0)
    waiting_count = models.PositiveIntegerField(_("候补人数"), default=0)
    attended_count = models.PositiveIntegerField(_("签到人数"), default=0)

    class Meta:
        verbose_name = _("活动场次")
        verbose_name_plural = _("活动场次")
        constraints = [
            models.UniqueConstraint(fields=["activity", "starts_at"], name="session_once_per_start"),
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="session_time_order"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.activity} {self.starts_at:%Y-%m-%d %H:%M}"


class SignUp(PlacedModel):
    session = models.ForeignKey(
        ActivitySession, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="signups"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="signups"
    )
    status = models.CharField(_("状态"), max_length=12, choices=SignUpStatus.choices, db_index=True)
    # Waiting-list order: the earliest ``queued_at`` is promoted first.
    queued_at = models.DateTimeField(_("报名时间"))
    promoted_at = models.DateTimeField(_("候补转正时间"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "volunteer"],
                condition=~models.Q(status=SignUpStatus.CANCELLED),
                name="signup_once_per_session",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "queued_at"], name="signup_queue_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.session}"


class Attendance(PlacedModel):
    """Check-in and check-out of one volunteer at one session, by QR scan or entered by the organiser."""

    session = models.ForeignKey(
        ActivitySession, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="attendances"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="attendances"
    )
    signup = models.OneToOneField(
        SignUp,
        verbose_name=_("报名"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="attendance",
    )
    check_in_at = models.DateTimeField(_("签到时间"))
    check_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    check_in_source = models.CharField(_("签到方式"), max_length=12, choices=AttendanceSource.choices)
    check_out_source = models.CharField(
        _("签退方式"), max_length=12, choices=AttendanceSource.choices, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("签到记录")
        verbose_name_plural = _("签到记录")
        constraints = [
            models.UniqueConstraint(fields=["session", "volunteer"], name="attendance_once_per_session"),
            models.CheckConstraint(
                condition=models.Q(check_out_at__isnull=True)
                | models.Q(check_out_at__gt=models.F("check_in_at")),
                name="attendance_out_after_in",
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "check_in_at"], name="attendance_volunteer_in_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} · {self.session}"


class ServiceHours(PlacedModel):
    """服务时长 of one attendance: from check-in to check-out, travel excluded, rounded down to 0.5 h
    (see ``gongzhi.volunteers.services.hours``), confirmed by the organiser (谁组织谁记录)."""

    attendance = models.OneToOneField(
        Attendance, verbose_name=_("签到记录"), on_delete=models.PROTECT, related_name="hours"
    )
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="hours"
    )
    team = models.ForeignKey(
        VolunteerTeam, verbose_name=_("志愿服务队"), on_delete=models.PROTECT, related_name="hours"
    )
    session = models.ForeignKey(
        ActivitySession, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="hours"
    )
    served_on = models.DateField(_("服务日期"), db_index=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"))
    hours = models.DecimalField(_("服务时长（小时）"), max_digits=5, decimal_places=1)
    status = models.CharField(
        _("状态"), max_length=12, choices=HoursStatus.choices, default=HoursStatus.PENDING, db_index=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("确认人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("服务时长")
        verbose_name_plural = _("服务时长")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(hours__gte=0) & models.Q(hours__lte=24), name="service_hours_range"
            ),
            models.CheckConstraint(
                condition=models.Q(ended_at__gt=models.F("started_at")), name="service_hours_order"
            ),
        ]
        indexes = [models.Index(fields=["volunteer", "started_at"], name="hours_volunteer_start_idx")]

    def __str__(self) -> str:
        return f"{self.volunteer} {self.served_on} {self.hours}h"


class HoursEditRequest(PlacedModel):
    """A correction of confirmed hours: asked for by the volunteer or a team organiser, approved or
    rejected by the activity's organiser; only an approved request changes the hours (audited)."""

    service_hours = models.ForeignKey(
        ServiceHours, verbose_name=_("服务时长"), on_delete=models.PROTECT, related_name="edit_requests"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("申请人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reason = models.CharField(_("更正原因"), max_length=500)
    old_started_at = models.DateTimeField(_("原开始时间"))
    old_ended_at = models.DateTimeField(_("原结束时间"))
    old_hours = models.DecimalField(_("原时长"), max_digits=5, decimal_places=1)
    new_started_at = models.DateTimeField(_("更正后开始时间"))
    new_ended_at = models.DateTimeField(_("更正后结束时间"))
    new_hours = models.DecimalField(_("更正后时长"), max_digits=5, decimal_places=1)
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=EditRequestStatus.choices,
        default=EditRequestStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    decision_note = models.CharField(_("审核意见"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("时长更正申请")
        verbose_name_plural = _("时长更正申请")
        constraints = [
            models.UniqueConstraint(
                fields=["service_hours"],
                condition=models.Q(status=EditRequestStatus.PENDING),
                name="edit_request_one_pending",
            )
        ]

    def __str__(self) -> str:
        return f"{self.service_hours} → {self.new_hours}h"


class Certificate(PlacedModel):
    """志愿服务证明: numbered, listed in the certificate register; the PDF is rendered from this row."""

    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    volunteer = models.ForeignKey(
        Volunteer, verbose_name=_("志愿者"), on_delete=models.PROTECT, related_name="certificates"
    )
    period_start = models.DateField(_("服务起始日期"), null=True, blank=True)
    period_end = models.DateField(_("服务截止日期"))
    hours = models.DecimalField(_("证明时长（小时）"), max_digits=8, decimal_places=1)
    star_level = models.PositiveSmallIntegerField(_("星级"), default=0)
    activity_count = models.PositiveIntegerField(_("服务次数"), default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("出具人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issuer_name = models.CharField(_("出具单位"), max_length=100)
    issued_at = models.DateTimeField(_("出具时间"))

    class Meta:
        verbose_name = _("志愿服务证明")
        verbose_name_plural = _("志愿服务证明")

    def __str__(self) -> str:
        return self.number
