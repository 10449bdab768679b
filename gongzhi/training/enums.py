"""The grid academy's words: plan levels, trainer kinds, course formats, trainee kinds, qualifications."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")


class TrainerKind(models.TextChoices):
    EXPERT = "expert", _("专家学者")
    SOCIAL_WORKER = "social_worker", _("社会工作者")
    STAFF = "staff", _("工作人员")


class CourseFormat(models.TextChoices):
    LECTURE = "lecture", _("专题讲座")
    SITE_VISIT = "site_visit", _("现场观摩")
    DISCUSSION = "discussion", _("研讨交流")
    CAMP = "camp", _("训练营（多阶段）")


class TraineeKind(models.TextChoices):
    STAFF = "staff", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    VOLUNTEER = "volunteer", _("志愿者")


class QualificationKind(models.TextChoices):
    LICENSED_SOCIAL_WORKER = "licensed_social_worker", _("持证社工")
    HARMONY_ENVOY = "harmony_envoy", _("和谐使者")
    GRID_WORKER_CERTIFICATE = "grid_worker_certificate", _("网格员证书")


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("已安排")
    CANCELLED = "cancelled", _("已取消")


class CheckInSource(models.TextChoices):
    QR = "qr", _("扫码签到")
    ORGANIZER = "organizer", _("组织者登记")


# Days before a qualification's expiry when it is shown as due (持证登记 renewal: reference §8, 90 days).
EXPIRY_WARNING_DAYS = 90
