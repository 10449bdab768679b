"""Who may do what with volunteer data, and the scope filters the selectors use.

- Community staff (community worker, community secretary) and the district admin manage the teams and
  activities of their places and confirm hours there.
- A team's leader and organisers (team membership with that role, through their volunteer profile), the
  liaison of the unit that owns the team and the activity's named organiser organise its activities:
  they record attendance and confirm hours (谁组织谁记录).
- Place-scoped staff roles read the rows of their places; a volunteer reads their own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import F, Q

from gongzhi.core.errors import Forbidden
from gongzhi.core.roles import POPULATION_ROLES, Role
from gongzhi.core.scope import scope_of
from gongzhi.volunteers.enums import MembershipRole, MembershipStatus

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.volunteers.models import Activity, VolunteerTeam

MANAGERS = frozenset({Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY, Role.DISTRICT_ADMIN})
READERS = POPULATION_ROLES
ORGANIZING_ROLES = (MembershipRole.LEADER, MembershipRole.ORGANIZER)


def can_manage(actor: Actor, obj: object) -> bool:
    scope = scope_of(actor)
    return scope.superuser or scope.covers(obj, MANAGERS)


def require_manager(actor: Actor, obj: object, message: str = "只有本社区工作人员可以执行此操作") -> None:
    if not can_manage(actor, obj):
        raise Forbidden(message)


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


def forget(actor: Actor) -> None:
    if hasattr(actor, "_volunteer_org_teams"):
        del actor._volunteer_org_teams


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


def own_q(actor: Actor, field: str = "volunteer_id") -> Q:
    own = own_volunteer_id(actor)
    return Q(**{field: own}) if own is not None else Q(pk__in=[])


def can_organize(actor: Actor, activity: Activity) -> bool:
    return (
        can_manage(actor, activity)
        or activity.organizer_id == actor.pk
        or activity.team_id in organizer_team_ids(actor)
    )


def can_organize_team(actor: Actor, team: VolunteerTeam) -> bool:
    return can_manage(actor, team) or team.pk in organizer_team_ids(actor)


def require_organizer(actor: Actor, activity: Activity) -> None:
    if not can_organize(actor, activity):
        raise Forbidden("只有活动组织者或本社区工作人员可以执行此操作（谁组织谁记录）")


def can_read(actor: Actor, obj: object) -> bool:
    scope = scope_of(actor)
    return scope.superuser or scope.covers(obj, READERS)


def staff_q(actor: Actor, prefix: str = "") -> Q:
    """Rows of the actor's places (for the reading roles). Teams and activities belong to a community,
    so grid workers read those of the community their grid lies in."""
    scope = scope_of(actor)
    q = scope.place_q(READERS, prefix)
    grid_communities = sorted({code[:12] for code in scope.codes(READERS)["grid"]})
    if grid_communities:
        q |= Q(**{f"{prefix}community_code__in": grid_communities})
    return q


def team_q(actor: Actor, team_field: str = "team_id") -> Q:
    teams = organizer_team_ids(actor)
    return Q(**{f"{team_field}__in": teams}) if teams else Q(pk__in=[])
