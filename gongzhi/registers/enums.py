from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportKind(models.TextChoices):
    UNITS = "units", _("驻区单位")
    MEMBERS = "members", _("在职党员")


class ImportStatus(models.TextChoices):
    APPLIED = "applied", _("已导入")
    REJECTED = "rejected", _("未通过校验")
    CHECKED = "checked", _("校验通过（未写入）")  # a dry run that found no errors
