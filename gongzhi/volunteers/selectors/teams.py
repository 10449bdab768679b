"""Reads of social organisations, teams, volunteers and membership, scope applied."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.volunteers.enums import (
    MembershipStatus,
)
from gongzhi.volunteers.models import (
    SocialOrganization,
    TeamMembership,
    Volunteer,
    VolunteerTeam,
)
from gongzhi.volunteers.selectors.scope import (
    organizer_team_ids,
    own_volunteer_id,
    own_volunteer_q,
    volunteer_place_q,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def social_organization_list_for_actor(*, actor: Actor) -> QuerySet[SocialOrganization]:
    return (
        SocialOrganization.objects.filter(volunteer_place_q(actor))
        .select_related("community")
        .order_by("name")
    )


def team_list_for_actor(
    *, actor: Actor, community_code: str = "", limit: int | None = None
) -> QuerySet[VolunteerTeam]:
    """Staff: the teams of their places; organisers: their teams; a volunteer: the teams they are in."""
    own = TeamMembership.objects.filter(own_volunteer_q(actor), status=MembershipStatus.ACTIVE)
    q = volunteer_place_q(actor) | Q(pk__in=organizer_team_ids(actor)) | Q(pk__in=own.values("team_id"))
    qs = VolunteerTeam.objects.filter(q, active=True)
    if community_code:
        qs = qs.filter(community_code=community_code)
    qs = qs.select_related("community", "unit", "social_organization", "leader").order_by(
        "community_code", "name"
    )
    return qs[:limit] if limit else qs


def team_get_for_actor(*, actor: Actor, team_id: int) -> VolunteerTeam:
    team = team_list_for_actor(actor=actor).filter(pk=team_id).first()
    if team is None:
        raise NotFound()
    return team


def volunteer_of(actor: Actor) -> Volunteer | None:
    own = own_volunteer_id(actor)
    return Volunteer.objects.filter(pk=own).first() if own is not None else None


def volunteer_list_for_actor(
    *, actor: Actor, team_id: int | None = None, q: str = "", limit: int | None = None
) -> QuerySet[Volunteer]:
    members = TeamMembership.objects.filter(
        team_id__in=organizer_team_ids(actor), status=MembershipStatus.ACTIVE
    )
    qs = Volunteer.objects.filter(
        volunteer_place_q(actor) | own_volunteer_q(actor, "pk") | Q(pk__in=members.values("volunteer_id"))
    )
    if team_id:
        qs = qs.filter(memberships__team_id=team_id, memberships__status=MembershipStatus.ACTIVE)
    if q:
        qs = qs.filter(name__contains=q.strip()[:50])
    qs = qs.order_by("-total_hours", "id")
    return qs[:limit] if limit else qs


def volunteer_get_for_actor(*, actor: Actor, volunteer_id: int) -> Volunteer:
    volunteer = volunteer_list_for_actor(actor=actor).filter(pk=volunteer_id).first()
    if volunteer is None:
        raise NotFound()
    return volunteer
