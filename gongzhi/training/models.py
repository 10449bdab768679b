"""网格学院 (grid academy): yearly training plans of a subdistrict or community, courses (a lecture, a site
visit, a discussion or a multi-step 训练营), their sessions with QR attendance, the trainees (community
workers, grid workers, volunteers), the qualifications they hold and numbered certificates of completion.

A subdistrict's plan has an empty community code: its rows are seen by the subdistrict and the district.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gongzhi.core.models import PlacedModel
from gongzhi.training.enums import (
    CheckInSource,
    CourseFormat,
    PlanLevel,
    QualificationKind,
    SessionStatus,
    TraineeKind,
    TrainerKind,
)


class TrainingPlan(PlacedModel):
    """年度培训计划 of a subdistrict or a community."""

    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    level = models.CharField(_("层级"), max_length=12, choices=PlanLevel.choices)
    place_name = models.CharField(_("单位"), max_length=100)
    title = models.CharField(_("计划名称"), max_length=100)
    target_sessions = models.PositiveIntegerField(_("计划场次"), default=0)
    target_hours = models.PositiveIntegerField(_("计划学时"), default=0)
    notes = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("制定人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    certificates_issued = models.PositiveIntegerField(_("已发结业证书"), default=0)  # the numbering counter

    class Meta:
        verbose_name = _("培训计划")
        verbose_name_plural = _("培训计划")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "subdistrict_code", "community_code", "title"], name="training_plan_unique"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(year)s年%(title)s") % {"year": self.year, "title": self.title}


class Course(PlacedModel):
    """A course of a plan: its topic, trainer and format; a 训练营 has ``steps`` sessions, one per step."""

    plan = models.ForeignKey(
        TrainingPlan, verbose_name=_("培训计划"), on_delete=models.PROTECT, related_name="courses"
    )
    title = models.CharField(_("课程名称"), max_length=100)
    topic = models.CharField(_("主题"), max_length=200, blank=True)
    trainer_name = models.CharField(_("授课人"), max_length=50)
    trainer_kind = models.CharField(_("授课人类型"), max_length=16, choices=TrainerKind.choices)
    format = models.CharField(_("形式"), max_length=12, choices=CourseFormat.choices)
    steps = models.PositiveSmallIntegerField(_("阶段数"), default=1)

    class Meta:
        verbose_name = _("课程")
        verbose_name_plural = _("课程")

    def __str__(self) -> str:
        return self.title


class TrainingSession(PlacedModel):
    """One sitting of a course (one step of a 训练营), at a venue, with the QR code trainees scan."""

    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="sessions"
    )
    step = models.PositiveSmallIntegerField(_("阶段"), default=1)
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    venue = models.ForeignKey(
        "venues.Venue",
        verbose_name=_("阵地"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place_text = models.CharField(_("地点"), max_length=200, blank=True)
    booking_id = models.BigIntegerField(_("场地预约"), null=True, blank=True)
    qr_token = models.CharField(_("签到码"), max_length=32, unique=True)
    status = models.CharField(
        _("状态"), max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    attended_count = models.PositiveIntegerField(_("签到人数"), default=0)

    class Meta:
        verbose_name = _("培训场次")
        verbose_name_plural = _("培训场次")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")), name="training_session_order"
            )
        ]

    def __str__(self) -> str:
        return gettext("%(course)s 第%(step)s阶段") % {"course": self.course, "step": self.step}

    @property
    def hours(self) -> float:
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class Trainee(PlacedModel):
    """A person the academy trains: a community worker, a grid worker or a volunteer."""

    community = models.ForeignKey(
        "places.Community", verbose_name=_("社区"), on_delete=models.PROTECT, related_name="trainees"
    )
    name = models.CharField(_("姓名"), max_length=50)
    kind = models.CharField(_("类别"), max_length=12, choices=TraineeKind.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("账号"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    volunteer = models.ForeignKey(
        "volunteers.Volunteer",
        verbose_name=_("志愿者"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    active = models.BooleanField(_("在册"), default=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        constraints = [
            models.UniqueConstraint(
                fields=["user"], condition=models.Q(user__isnull=False), name="trainee_one_per_user"
            )
        ]

    def __str__(self) -> str:
        return self.name


class TrainingAttendance(PlacedModel):
    session = models.ForeignKey(
        TrainingSession, verbose_name=_("场次"), on_delete=models.PROTECT, related_name="attendance"
    )
    trainee = models.ForeignKey(
        Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="attendance"
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    source = models.CharField(_("方式"), max_length=12, choices=CheckInSource.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("培训签到")
        verbose_name_plural = _("培训签到")
        constraints = [
            models.UniqueConstraint(fields=["session", "trainee"], name="training_attendance_once")
        ]


class Qualification(PlacedModel):
    """A qualification a trainee holds (持证社工, 和谐使者, 网格员证书) with its number and expiry."""

    trainee = models.ForeignKey(
        Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="qualifications"
    )
    kind = models.CharField(_("资格"), max_length=32, choices=QualificationKind.choices, db_index=True)
    level = models.CharField(_("等级"), max_length=50, blank=True)
    number = models.CharField(_("证书编号"), max_length=50)
    issued_on = models.DateField(_("取得日期"))
    expires_on = models.DateField(_("有效期至"), null=True, blank=True)

    class Meta:
        verbose_name = _("资格证书")
        verbose_name_plural = _("资格证书")
        constraints = [models.UniqueConstraint(fields=["kind", "number"], name="qualification_unique_number")]


class CompletionCertificate(PlacedModel):
    """结业证书: numbered per plan (``PX-<place>-<year>-0001``), for a trainee who attended every step."""

    trainee = models.ForeignKey(
        Trainee, verbose_name=_("学员"), on_delete=models.PROTECT, related_name="certificates"
    )
    course = models.ForeignKey(
        Course, verbose_name=_("课程"), on_delete=models.PROTECT, related_name="certificates"
    )
    number = models.CharField(_("证书编号"), max_length=40, unique=True)
    hours = models.DecimalField(_("学时"), max_digits=6, decimal_places=2)
    issued_on = models.DateField(_("发证日期"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("发证人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("结业证书")
        verbose_name_plural = _("结业证书")
        constraints = [
            models.UniqueConstraint(fields=["trainee", "course"], name="certificate_once_per_course")
        ]
