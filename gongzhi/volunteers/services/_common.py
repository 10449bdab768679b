"""What the attendance and hours services share: the volunteer's row lock (two writes for one volunteer
run one after the other), the refusal of an overlapping service time, the cached total."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from gongzhi.core.errors import Conflict
from gongzhi.volunteers.enums import star_level_for
from gongzhi.volunteers.models import Attendance, ServiceHours, Volunteer


def _fmt(value: dt.datetime) -> str:
    return f"{timezone.localtime(value):%m-%d %H:%M}"


def _locked_volunteer(volunteer_id: int) -> Volunteer:
    return Volunteer.objects.select_for_update(of=("self",)).get(pk=volunteer_id)


def _refuse_overlap(other: Attendance | ServiceHours) -> None:
    title = other.session.activity.title
    if isinstance(other, Attendance):
        span = f"{_fmt(other.check_in_at)}–{_fmt(other.check_out_at) if other.check_out_at else '未签退'}"
    else:
        span = f"{_fmt(other.started_at)}–{_fmt(other.ended_at)}"
    raise Conflict(
        f"服务时间与“{title}”（{span}）重叠，同一志愿者同一时间只能记录一次服务",
        code="hours_overlap",
        fields={"check_in_at": "与已有服务时间重叠"},
    )


def _add_to_total(volunteer_id: int, delta: Decimal) -> None:
    volunteer = _locked_volunteer(volunteer_id)
    volunteer.total_hours = max(Decimal("0"), volunteer.total_hours + delta)
    volunteer.star_level = star_level_for(volunteer.total_hours)
    volunteer.save(update_fields=["total_hours", "star_level", "updated_at"])
