"""The year-end assessment (考核): who is assessed, which way an indicator is better, how a line scores,
and the states of a run."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubjectKind(models.TextChoices):
    """Who an indicator set assesses (the “five fixes”: 定考核 of communities, grids and grid workers)."""

    COMMUNITY = "community", pgettext_lazy("assessed", "社区")
    GRID = "grid", pgettext_lazy("assessed", "网格")
    WORKER = "worker", pgettext_lazy("assessed", "网格员")


class Direction(models.TextChoices):
    HIGHER = "higher", _("越高越好")
    LOWER = "lower", _("越低越好")


class Rule(models.TextChoices):
    """How a line turns an indicator's value into a 0–100 score."""

    # Linear between the floor (0 points) and the target (full marks), capped at both ends; for a
    # lower-is-better indicator the floor is the larger number.
    LINEAR = "linear", _("线性计分（保底值得0分，目标值得满分）")
    # Full marks when the target is reached, else 0.
    THRESHOLD = "threshold", _("达标计分（达到目标值得满分，否则0分）")


class RunStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")
    SUPERSEDED = "superseded", _("已被新版本取代")


# Audit event types.
SET_CREATED = "assessment.set_created"
SET_UPDATED = "assessment.set_updated"
RUN_COMPUTED = "assessment.run_computed"
RUN_PUBLISHED = "assessment.run_published"
RUN_DOWNLOADED = "assessment.run_downloaded"
