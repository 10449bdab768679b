"""Reads of the three lists, with the actor's scope applied. Missing and forbidden rows are the same 404.

Who sees what:
- place-scoped staff (population roles): needs, resources, projects and plans of their places;
- a unit liaison: the resources their unit offers and the projects it claimed;
- a party member: the resources they offer and the projects they claimed;
- a resident: the needs they raised;
- anyone, signed in or not: the public project list of a community (no personal data).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from gongzhi.cobuild.enums import PUBLIC_PROJECT_STATUSES, ProjectStatus
from gongzhi.cobuild.models import MatchingPlan, Need, Project, ProjectNeed, Resource
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES, Role
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

READERS = POPULATION_ROLES
# Who runs the lists and the matching meeting of a place.
MANAGERS = frozenset(
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY}
)
PUBLIC_STATUSES = PUBLIC_PROJECT_STATUSES


def can_manage(actor: Actor, obj: object) -> bool:
    scope = scope_of(actor)
    return scope.superuser or scope.covers(obj, MANAGERS)


def _member_ids(actor: Actor) -> list[int]:
    from gongzhi.party.models import PartyMember

    return list(PartyMember.objects.filter(user_id=actor.pk).values_list("id", flat=True))


def _unit_ids(actor: Actor) -> list[int]:
    from gongzhi.party.models import Unit

    return list(Unit.objects.filter(liaison_id=actor.pk).values_list("id", flat=True))


def need_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    category: str = "",
    community_code: str = "",
    micro_wish: bool | None = None,
    q: str = "",
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Need]:
    scope = scope_of(actor)
    qs = Need.objects.filter(scope.place_q(READERS) | Q(raised_by_id=actor.pk))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if micro_wish is not None:
        qs = qs.filter(micro_wish=micro_wish)
    if q:
        qs = qs.filter(title__contains=q)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    qs = qs.select_related("community").order_by("-id")
    return qs[:limit] if limit else qs


def need_get_for_actor(*, actor: Actor, need_id: int) -> Need:
    need = need_list_for_actor(actor=actor).filter(pk=need_id).first()
    if need is None:
        raise NotFound()
    return need


def _provider_q(actor: Actor, prefix: str = "") -> Q:
    q = Q(pk__in=[])
    units, members = _unit_ids(actor), _member_ids(actor)
    if units:
        q |= Q(**{f"{prefix}unit_id__in": units})
    if members:
        q |= Q(**{f"{prefix}member_id__in": members})
    return q


def resource_list_for_actor(
    *,
    actor: Actor,
    kind: str = "",
    category: str = "",
    community_code: str = "",
    active: bool | None = True,
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Resource]:
    scope = scope_of(actor)
    qs = Resource.objects.filter(scope.place_q(READERS) | _provider_q(actor))
    if kind:
        qs = qs.filter(kind=kind)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if active is not None:
        qs = qs.filter(active=active)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    qs = qs.select_related("community").order_by("-id")
    if category:  # a JSON list: filtered in Python, portable between SQLite and PostgreSQL
        return [r for r in qs if category in r.categories]  # type: ignore[return-value]
    return qs[:limit] if limit else qs


def resource_get_for_actor(*, actor: Actor, resource_id: int) -> Resource:
    res = resource_list_for_actor(actor=actor, active=None).filter(pk=resource_id).first()
    if res is None:
        raise NotFound()
    return res


def used_capacity(resource_ids: list[int]) -> dict[int, int]:
    """Needs each resource has taken on in projects that are not cancelled."""
    rows = (
        ProjectNeed.objects.filter(
            project__resource_links__resource_id__in=resource_ids,
        )
        .exclude(project__status=ProjectStatus.CANCELLED)
        .values("project__resource_links__resource_id")
        .annotate(n=Count("id"))
    )
    return {r["project__resource_links__resource_id"]: r["n"] for r in rows}


def project_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    community_code: str = "",
    year: int | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Project]:
    scope = scope_of(actor)
    q = scope.place_q(READERS)
    # Liaisons and members placed in a community see its projects waiting to be claimed (认领).
    claimers = scope.place_q(frozenset({Role.UNIT_LIAISON, Role.PARTY_MEMBER}))
    if not scope.superuser:
        q |= claimers & Q(status=ProjectStatus.PROPOSED)
    units, members = _unit_ids(actor), _member_ids(actor)
    if units:
        q |= Q(claimant_unit_id__in=units) | Q(resource_links__resource__unit_id__in=units)
    if members:
        q |= Q(claimant_member_id__in=members) | Q(resource_links__resource__member_id__in=members)
    qs = Project.objects.filter(pk__in=Project.objects.filter(q).values("pk"))
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if year:
        qs = qs.filter(year=year)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    qs = qs.select_related("community").order_by("-id")
    return qs[:limit] if limit else qs


def project_get_for_actor(*, actor: Actor, project_id: int) -> Project:
    project = project_list_for_actor(actor=actor).filter(pk=project_id).first()
    if project is None:
        raise NotFound()
    return project


def public_projects(*, community_code: str, limit: int = 200) -> list[Project]:
    """Signed and completed projects of a community, for anyone: titles, claimant bodies, ratings."""
    from django.db.models import Avg

    return list(
        Project.objects.filter(community_code=community_code, status__in=PUBLIC_STATUSES)
        .annotate(avg_rating=Avg("evaluations__rating"), n_ratings=Count("evaluations"))
        .order_by("-signed_at", "-id")[:limit]
    )


def public_claimant(project: Project) -> str:
    """Units, teams and organisations are public bodies; a member is shown by surname only."""
    if project.claimant_member_id:
        return (project.claimant_name[:1] + "同志") if project.claimant_name else "在职党员"
    return project.claimant_name


def plan_list_for_actor(*, actor: Actor, limit: int = 50) -> QuerySet[MatchingPlan]:
    scope = scope_of(actor)
    return MatchingPlan.objects.filter(scope.place_q(READERS)).order_by("-id")[:limit]


def plan_get_for_actor(*, actor: Actor, plan_id: int) -> MatchingPlan:
    plan = MatchingPlan.objects.filter(scope_of(actor).place_q(READERS), pk=plan_id).first()
    if plan is None:
        raise NotFound()
    return plan


def cobuild_counts() -> dict[str, int]:
    from gongzhi.cobuild.enums import NeedStatus

    return {
        "projects_signed": Project.objects.filter(signed_at__isnull=False)
        .exclude(status=ProjectStatus.CANCELLED)
        .count(),
        "needs_fulfilled": Need.objects.filter(status=NeedStatus.FULFILLED).count(),
    }
