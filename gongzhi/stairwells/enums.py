"""Statuses, kinds and the checklist of civilised stairwells (文明楼道)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class NamingStatus(models.TextChoices):
    NONE = "none", _("未命名")
    NAMED = "named", _("已命名")
    REVOKED = "revoked", _("已摘牌")


class Title(models.TextChoices):
    CIVILISED = "civilised", _("文明楼道")
    FIVE_COLOUR = "five_colour", _("五彩楼道")


class CaptainKind(models.TextChoices):
    CAPTAIN = "captain", _("楼道长")
    RED_CAPTAIN = "red_captain", _("红色楼长")


class ElectionStatus(models.TextChoices):
    OPEN = "open", _("投票中")
    CLOSED = "closed", _("已产生")
    VOID = "void", _("未产生")


class InspectorRole(models.TextChoices):
    CAPTAIN = "captain", _("楼道长")
    STAFF = "staff", _("社区/网格工作人员")


# The checklist of an inspection: every item must pass for the inspection to pass. Fire safety: escape
# routes not occupied, blocked or locked, no e-bikes parked or charged in the stairwell (消防法 Art. 28).
CHECKLIST = [
    ("hygiene", _("环境卫生整洁")),
    ("clutter", _("无杂物堆放、无小广告")),
    ("lighting", _("照明完好")),
    ("fire_safety", _("消防通道畅通、无电动车停放充电")),
    ("notice_board", _("公示栏（楼道公约、楼道长）规范")),
]
CHECKLIST_KEYS = [k for k, _label in CHECKLIST]
CHECKLIST_LABELS = dict(CHECKLIST)
