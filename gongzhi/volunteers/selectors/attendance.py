"""Reads of attendance, service hours and edit requests, scope applied; the overlap look-ups the
services refuse a second service at one time with."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed
from gongzhi.volunteers.enums import (
    HoursStatus,
)
from gongzhi.volunteers.models import (
    Attendance,
    HoursEditRequest,
    ServiceHours,
)
from gongzhi.volunteers.selectors.activities import session_get_for_actor
from gongzhi.volunteers.selectors.scope import (
    organizer_team_q,
    own_volunteer_q,
    volunteer_place_q,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

LOOKBACK = dt.timedelta(days=2)


def attendance_overlapping(
    volunteer_id: int, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None
) -> Attendance | None:
    """Another attendance of the volunteer whose time meets (start, end); an open one lasts until its
    session ends."""
    rows = (
        Attendance.objects.filter(
            volunteer_id=volunteer_id, check_in_at__lt=end, check_in_at__gt=start - LOOKBACK
        )
        .exclude(pk=exclude_id or 0)
        .select_related("session__activity")
    )
    for other in rows:
        other_end = other.check_out_at or max(other.session.ends_at, other.check_in_at)
        if other_end > start:
            return other
    return None


def hours_overlapping(
    volunteer_id: int, start: dt.datetime, end: dt.datetime, exclude_id: int | None = None
) -> ServiceHours | None:
    return (
        ServiceHours.objects.filter(volunteer_id=volunteer_id, started_at__lt=end, ended_at__gt=start)
        .exclude(status=HoursStatus.REJECTED)
        .exclude(pk=exclude_id or 0)
        .select_related("session__activity")
        .first()
    )


def hours_list_for_actor(
    *, actor: Actor, status: str = "", session_id: int | None = None, limit: int | None = None
) -> QuerySet[ServiceHours]:
    q = volunteer_place_q(actor) | organizer_team_q(actor) | Q(session__activity__organizer_id=actor.pk)
    q |= own_volunteer_q(actor)
    qs = ServiceHours.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    if session_id:
        qs = qs.filter(session_id=session_id)
    qs = qs.select_related("volunteer", "session__activity", "team").order_by("-started_at", "-id")
    return qs[:limit] if limit else qs


def my_hours(*, actor: Actor, limit: int | None = 100) -> QuerySet[ServiceHours]:
    """The actor's own hours, newest first; ``limit=None`` for all of them (the page pages them)."""
    qs = (
        ServiceHours.objects.filter(own_volunteer_q(actor))
        .select_related("session__activity")
        .order_by("-started_at", "-id")
    )
    return qs[:limit] if limit else qs


def attendance_list_for_session(*, actor: Actor, session_id: int) -> QuerySet[Attendance]:
    session = session_get_for_actor(actor=actor, session_id=session_id)
    if not allowed(actor, "volunteers.view_attendance", session):
        raise NotFound()
    return (
        Attendance.objects.filter(session=session)
        .select_related("volunteer", "hours")
        .order_by("check_in_at", "id")
    )


def edit_request_list_for_actor(
    *, actor: Actor, status: str = "", limit: int = 100
) -> QuerySet[HoursEditRequest]:
    q = (
        volunteer_place_q(actor)
        | organizer_team_q(actor, "service_hours__team_id")
        | Q(service_hours__session__activity__organizer_id=actor.pk)
        | own_volunteer_q(actor, "service_hours__volunteer_id")
    )
    qs = HoursEditRequest.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    return qs.select_related("service_hours__volunteer", "service_hours__session__activity").order_by("-id")[
        :limit
    ]
