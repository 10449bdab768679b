from django.db import models
from django.utils.translation import gettext_lazy as _


class LimitUnit(models.TextChoices):
    """The unit of a time limit (时限)."""

    WORKING_HOURS = "working_hours", _("工作时")
    WORKING_DAYS = "working_days", _("工作日")
    NATURAL_DAYS = "natural_days", _("自然日")
    HOURS = "hours", _("小时")  # natural hours, for urgent tickets


class YearSource(models.TextChoices):
    """Where a year's working days come from, in order of precedence."""

    TABLE = "table", _("录入表")
    CHINESECALENDAR = "chinesecalendar", _("chinesecalendar")
    WEEKENDS = "weekends", _("仅周末·警告")


# The largest time limit accepted per unit: a sane bound, so a typo cannot make a loop run for years.
MAX_AMOUNT: dict[str, int] = {
    LimitUnit.WORKING_HOURS: 2000,
    LimitUnit.WORKING_DAYS: 365,
    LimitUnit.NATURAL_DAYS: 365,
    LimitUnit.HOURS: 2000,
}
