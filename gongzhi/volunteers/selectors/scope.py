"""Who the actor is in volunteer service, as ids and query filters the other selectors and the permission
rules share.

- A team's leader and organisers (team membership with that role, through their volunteer profile) and
  the liaison of the unit that owns the team organise its activities (``organizer_team_ids``).
- The actor's own volunteer profile (``own_volunteer_id``), and the rows that are theirs.
- Place-scoped staff roles read the rows of their places (``volunteer_place_q``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q

from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.volunteers.enums import MembershipRole, MembershipStatus

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

ORGANIZING_ROLES = (MembershipRole.LEADER, MembershipRole.ORGANIZER)


def organizer_team_ids(actor: Actor) -> list[int]:
    """Teams the actor organises: as leader/organiser member, or as liaison of the owning unit."""
    from gongzhi.volunteers.models import TeamMembership, VolunteerTeam

    cache = getattr(actor, "_volunteer_org_teams", None)
    if cache is not None:
        return cache
    own = own_volunteer_id(actor)
    ids = (
        set(
            TeamMembership.objects.filter(
                volunteer_id=own, status=MembershipStatus.ACTIVE, role__in=ORGANIZING_ROLES
            ).values_list("team_id", flat=True)
        )
        if own is not None
        else set()
    )
    ids |= set(VolunteerTeam.objects.filter(unit__liaison_id=actor.pk).values_list("id", flat=True))
    out = sorted(ids)
    actor._volunteer_org_teams = out  # type: ignore[attr-defined]
    return out


def own_volunteer_id(actor: Actor) -> int | None:
    """The actor's volunteer profile: linked to the account, or to the resident or party member the
    account belongs to (a profile registered before the resident first signed in)."""
    from gongzhi.volunteers.models import Volunteer

    if actor is None or not getattr(actor, "pk", None):
        return None
    row = (
        Volunteer.objects.filter(
            Q(user_id=actor.pk) | Q(person__user_id=actor.pk) | Q(party_member__user_id=actor.pk)
        )
        .order_by(F("user_id").asc(nulls_last=True), "id")
        .values_list("id", flat=True)
        .first()
    )
    return row


def own_volunteer_q(actor: Actor, field: str = "volunteer_id") -> Q:
    own = own_volunteer_id(actor)
    return Q(**{field: own}) if own is not None else Q(pk__in=[])


def volunteer_place_q(actor: Actor, prefix: str = "") -> Q:
    """Rows of the actor's places (for the reading roles). Teams and activities belong to a community,
    so grid workers read those of the community their grid lies in."""
    scope = scope_of(actor)
    q = scope.place_q(POPULATION_ROLES, prefix)
    grid_communities = sorted({code[:12] for code in scope.codes(POPULATION_ROLES)["grid"]})
    if grid_communities:
        q |= Q(**{f"{prefix}community_code__in": grid_communities})
    return q


def organizer_team_q(actor: Actor, team_field: str = "team_id") -> Q:
    teams = organizer_team_ids(actor)
    return Q(**{f"{team_field}__in": teams}) if teams else Q(pk__in=[])
