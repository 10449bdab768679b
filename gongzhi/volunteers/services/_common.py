"""What the attendance and hours services share: the volunteer's row lock (two writes for one volunteer
run one after the other), the refusal of an overlapping service time, the cached total, and the accounts
a volunteer is (for the refusal of confirming one's own hours)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

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
        gettext("服务时间与“%(title)s”（%(span)s）重叠，同一志愿者同一时间只能记录一次服务")
        % {"title": title, "span": span},
        code="hours_overlap",
        fields={"check_in_at": gettext("与已有服务时间重叠")},
    )


def volunteer_users(*volunteer_ids: int) -> set[int]:
    """The accounts that are these volunteers: their own, their resident record's and their party
    member record's (and that member's resident record's) — whoever would benefit from their hours."""
    out: set[int] = set()
    for row in Volunteer.objects.filter(pk__in=volunteer_ids).values_list(
        "user_id", "person__user_id", "party_member__user_id", "party_member__person__user_id"
    ):
        out.update(pk for pk in row if pk is not None)
    return out


def volunteers_of_user(user_id: int, volunteer_ids: set[int]) -> set[int]:
    """Which of ``volunteer_ids`` the account ``user_id`` is (by the same links as ``volunteer_users``)."""
    mine = (
        Q(user_id=user_id)
        | Q(person__user_id=user_id)
        | Q(party_member__user_id=user_id)
        | Q(party_member__person__user_id=user_id)
    )
    return set(Volunteer.objects.filter(mine, pk__in=volunteer_ids).values_list("pk", flat=True))


def _add_to_total(volunteer_id: int, delta: Decimal) -> None:
    volunteer = _locked_volunteer(volunteer_id)
    volunteer.total_hours = max(Decimal("0"), volunteer.total_hours + delta)
    volunteer.star_level = star_level_for(volunteer.total_hours)
    volunteer.save(update_fields=["total_hours", "star_level", "updated_at"])
