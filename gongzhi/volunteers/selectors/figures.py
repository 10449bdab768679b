"""The overview figures other apps read (``volunteer_counts``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Sum

from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import HoursStatus, SessionStatus
from gongzhi.volunteers.models import ActivitySession, Attendance, ServiceHours, VolunteerTeam

if TYPE_CHECKING:
    from gongzhi.core.scope import Scope


def volunteer_counts(scope: Scope | None = None) -> dict[str, int | float]:
    """Figures from the records, for the overview.

    - ``volunteer_teams``: active teams;
    - ``activities_held``: sessions (occurrences) that have begun and have at least one attendance —
      a weekly series counts once per week it took place;
    - ``service_hours``: confirmed service hours.

    ``scope`` narrows to the actor's places (None: the whole database).
    """
    place = scope.place_q() if scope is not None else None
    teams = VolunteerTeam.objects.filter(active=True)
    sessions = ActivitySession.objects.filter(
        starts_at__lte=clock.now(),
        status=SessionStatus.SCHEDULED,
    ).filter(Exists(Attendance.objects.filter(session_id=OuterRef("pk"))))
    hours = ServiceHours.objects.filter(status=HoursStatus.CONFIRMED)
    if place is not None:
        teams, sessions, hours = teams.filter(place), sessions.filter(place), hours.filter(place)
    total = hours.aggregate(total=Sum("hours"))["total"]
    return {
        "volunteer_teams": teams.count(),
        "activities_held": sessions.count(),
        "service_hours": float(total or 0),
    }
