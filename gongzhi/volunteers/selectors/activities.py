"""Reads of activities, their sessions and sign-ups, scope applied; the public session a QR code names."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed
from gongzhi.volunteers import clock
from gongzhi.volunteers.enums import (
    ActivityStatus,
    MembershipStatus,
    SessionStatus,
    SignUpStatus,
)
from gongzhi.volunteers.models import (
    Activity,
    ActivitySession,
    SignUp,
    TeamMembership,
)
from gongzhi.volunteers.selectors.scope import (
    organizer_team_q,
    own_volunteer_q,
    volunteer_place_q,
)
from gongzhi.volunteers.selectors.teams import volunteer_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def activity_list_for_actor(
    *, actor: Actor, community_code: str = "", team_id: int | None = None, limit: int | None = None
) -> QuerySet[Activity]:
    q = volunteer_place_q(actor) | organizer_team_q(actor) | Q(organizer_id=actor.pk)
    qs = Activity.objects.filter(q)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if team_id:
        qs = qs.filter(team_id=team_id)
    qs = qs.select_related("team", "community").order_by("-start_date", "-id")
    return qs[:limit] if limit else qs


def activity_get_for_actor(*, actor: Actor, activity_id: int) -> Activity:
    activity = activity_list_for_actor(actor=actor).filter(pk=activity_id).first()
    if activity is None:
        raise NotFound()
    return activity


def resident_community_codes(actor: Actor) -> set[str]:
    """Where a resident looks for activities: their households' communities, their volunteer profile's,
    the communities of the teams they belong to."""
    from gongzhi.core.scope import scope_of
    from gongzhi.places.models import Household

    scope = scope_of(actor)
    codes = set(
        Household.objects.filter(pk__in=sorted(scope.household_ids)).values_list("community_code", flat=True)
    )
    codes |= set(scope.codes()["community"])
    volunteer = volunteer_of(actor)
    if volunteer is not None:
        codes.add(volunteer.community_code)
        codes |= set(
            TeamMembership.objects.filter(volunteer=volunteer, status=MembershipStatus.ACTIVE).values_list(
                "community_code", flat=True
            )
        )
    codes |= {c[:12] for c in scope.codes()["grid"]}
    return {c for c in codes if c}


def open_session_list_for_actor(*, actor: Actor, limit: int = 50) -> QuerySet[ActivitySession]:
    """Sessions a resident may sign up for: published, scheduled, not over, in their communities."""
    codes = sorted(resident_community_codes(actor))
    return (
        ActivitySession.objects.filter(
            community_code__in=codes,
            status=SessionStatus.SCHEDULED,
            activity__status=ActivityStatus.PUBLISHED,
            ends_at__gt=clock.now(),
        )
        .select_related("activity", "activity__team")
        .order_by("starts_at", "id")[:limit]
    )


def session_visible_q(actor: Actor) -> Q:
    return (
        volunteer_place_q(actor)
        | organizer_team_q(actor, "activity__team_id")
        | Q(activity__organizer_id=actor.pk)
        | Q(community_code__in=sorted(resident_community_codes(actor)))
    )


def session_get_for_actor(*, actor: Actor, session_id: int) -> ActivitySession:
    session = (
        ActivitySession.objects.filter(session_visible_q(actor), pk=session_id)
        .select_related("activity", "activity__team", "activity__community")
        .first()
    )
    if session is None:
        raise NotFound(gettext("活动场次不存在或无权查看"))
    return session


def session_list_for_activity(*, actor: Actor, activity_id: int) -> QuerySet[ActivitySession]:
    activity = activity_get_for_actor(actor=actor, activity_id=activity_id)
    return ActivitySession.objects.filter(activity=activity).order_by("starts_at")


def session_by_token(token: str) -> ActivitySession:
    """The session a QR code names. The token is the key: whoever scans it at the venue sees the session."""
    session = (
        ActivitySession.objects.filter(qr_token=(token or "")[:32])
        .select_related("activity", "activity__team", "activity__community")
        .first()
    )
    if session is None:
        raise NotFound(gettext("签到码无效或活动不存在"))
    return session


def my_signups(*, actor: Actor, limit: int = 100) -> QuerySet[SignUp]:
    return (
        SignUp.objects.filter(own_volunteer_q(actor))
        .select_related("session", "session__activity")
        .order_by("-session__starts_at")[:limit]
    )


def signup_list_for_session(*, actor: Actor, session_id: int) -> QuerySet[SignUp]:
    session = session_get_for_actor(actor=actor, session_id=session_id)
    if not allowed(actor, "volunteers.view_attendance", session):
        raise NotFound()
    return (
        SignUp.objects.filter(session=session)
        .exclude(status=SignUpStatus.CANCELLED)
        .select_related("volunteer")
        .order_by("status", "queued_at", "id")
    )
