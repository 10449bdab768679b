"""Reads of the three lists, with the actor's scope applied. Missing and forbidden rows are the same 404.

Who sees what:
- place-scoped staff (population roles): needs, resources, projects and plans of their places;
- a unit liaison: the resources their unit offers and the projects it claimed;
- a party member: the resources they offer and the projects they claimed;
- a resident: the needs they raised;
- anyone, signed in or not: the public project list of a community (no personal data).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from gongzhi.cobuild import matching
from gongzhi.cobuild.enums import CATEGORY_LABELS, PUBLIC_PROJECT_STATUSES, ProjectStatus, ProviderKind
from gongzhi.cobuild.models import MatchingPlan, Need, Project, ProjectNeed, Resource
from gongzhi.core.errors import NotFound
from gongzhi.core.masking import mask_public_text
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_ROLES, PROJECT_CLAIMANTS
from gongzhi.core.scope import scope_of
from gongzhi.places.selectors import community_list_for_actor

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

READERS = POPULATION_ROLES
PUBLIC_STATUSES = PUBLIC_PROJECT_STATUSES


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
    claimers = scope.place_q(PROJECT_CLAIMANTS)
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


# What anyone reads of a project (the API's PublicProjectOut and the H5 page): exactly these keys.
PUBLIC_PROJECT_FIELDS = (
    "id",
    "title",
    "status",
    "status_label",
    "claimant",
    "year",
    "avg_rating",
    "n_ratings",
)
PUBLIC_COMMUNITY_FIELDS = ("code", "name")


def public_projects(*, community_code: str, limit: int = 200) -> list[dict[str, Any]]:
    """Signed and completed projects of a community, for anyone: titles (masked: phone, ID and door
    numbers, the claiming member's name), claimant bodies, ratings — built from the allow-list."""
    from django.db.models import Avg

    rows = (
        Project.objects.filter(community_code=community_code, status__in=PUBLIC_STATUSES)
        .annotate(avg_rating=Avg("evaluations__rating"), n_ratings=Count("evaluations"))
        .order_by("-signed_at", "-id")[:limit]
    )
    return [public_project(p) for p in rows]


def public_project(project: Project) -> dict[str, Any]:
    hidden = [project.claimant_name] if project.claimant_member_id else []
    values = {
        "id": project.pk,
        "title": mask_public_text(project.title, hidden),
        "status": project.status,
        "status_label": str(project.get_status_display()),
        "claimant": public_claimant(project),
        "year": project.year,
        "avg_rating": getattr(project, "avg_rating", None),
        "n_ratings": getattr(project, "n_ratings", 0),
    }
    return {name: values[name] for name in PUBLIC_PROJECT_FIELDS}


def public_claimant(project: Project) -> str:
    """Units, teams and organisations are public bodies; a member is shown by surname only."""
    if project.claimant_member_id:
        return (project.claimant_name[:1] + gettext("同志")) if project.claimant_name else gettext("在职党员")
    return project.claimant_name


def public_communities(limit: int = 300) -> list[dict[str, str]]:
    """The communities whose project lists anyone may open: code and name only."""
    from gongzhi.places.models import Community

    rows = Community.objects.order_by("code").values(*PUBLIC_COMMUNITY_FIELDS)[:limit]
    return [{name: row[name] for name in PUBLIC_COMMUNITY_FIELDS} for row in rows]


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


def resource_point(res: Resource, remaining: int) -> matching.ResourcePoint:
    return matching.ResourcePoint(
        id=res.pk,
        categories=frozenset(res.categories),
        community_code=res.community_code,
        lng=res.lng,
        lat=res.lat,
        radius_km=res.radius_km,
        schedule=res.schedule,
        capacity=remaining,
        area_communities=frozenset(res.area_codes),
    )


def need_point(need: Need) -> matching.NeedPoint:
    return matching.NeedPoint(
        id=need.pk,
        category=need.category,
        community_code=need.community_code,
        lng=need.lng,
        lat=need.lat,
        schedule=need.schedule,
    )


@dataclass
class ResourceSuggestion:
    resource: Resource
    score: float
    reasons: list[str]
    remaining: int


def district_resources_with_use(district_code: str) -> tuple[list[Resource], dict[int, int]]:
    resources = list(Resource.objects.filter(district_code=district_code, active=True).order_by("pk"))
    held = used_capacity([r.pk for r in resources])
    return resources, held


def need_suggestions(need: Need, limit: int = 10) -> list[ResourceSuggestion]:
    """Ranked resources for one need with the reasons in Chinese (category fit, distance, schedule,
    remaining capacity); resources with no capacity left are not suggested."""
    return suggestions_for_needs([need], limit)[need.pk]


def suggestions_for_needs(needs: list[Need], limit: int = 10) -> dict[int, list[ResourceSuggestion]]:
    """The suggestions of several needs of one district, reading the resources once."""
    if not needs:
        return {}
    resources, held = district_resources_with_use(needs[0].district_code)
    by_id = {r.pk: r for r in resources}
    remaining = {r.pk: max(0, r.capacity - held.get(r.pk, 0)) for r in resources}
    points = [resource_point(r, remaining[r.pk]) for r in resources]
    out: dict[int, list[ResourceSuggestion]] = {}
    for need in needs:
        ranked = matching.suggestions(
            need_point(need), points, limit=limit, category_label=str(CATEGORY_LABELS[need.category])
        )
        out[need.pk] = [
            ResourceSuggestion(by_id[s.resource_id], s.score, s.reasons, remaining[s.resource_id])
            for s in ranked
        ]
    return out


def need_suggestions_for_actor(*, actor: Actor, need_id: int, limit: int = 10) -> list[ResourceSuggestion]:
    need = need_get_for_actor(actor=actor, need_id=need_id)
    return need_suggestions(need, limit)


class PlaceStub:
    """A district, subdistrict or community as the place codes a permission rule compares."""

    def __init__(self, level: str, code: str) -> None:
        self.district_code = code[:6]
        self.subdistrict_code = (
            code if level == "subdistrict" else (code[:9] + "000" if level == "community" else "")
        )
        self.community_code = code if level == "community" else ""
        self.grid_code = ""


def plan_place_list_for_actor(*, actor: Actor) -> list[tuple[str, str]]:
    """(code, name) of the districts, subdistricts and communities the actor may make a plan for."""
    from gongzhi.places.models import Community, District, Subdistrict

    out: list[tuple[str, str]] = []
    for model, level in ((District, "district"), (Subdistrict, "subdistrict"), (Community, "community")):
        for p in model.objects.order_by("code")[:300]:
            if allowed(actor, "cobuild.manage_plan", PlaceStub(level, p.code)):
                out.append((p.code, p.name))
    return out


def provider_option_list(
    communities: list[Any], kinds: tuple[str, ...] = tuple(ProviderKind.values)
) -> list[tuple[str, str]]:
    """(``kind:id``, label) options for a provider or claimant select: the units, in-service members,
    social organisations and teams of ``communities``."""
    from gongzhi.party.models import PartyMember, Unit
    from gongzhi.volunteers.models import SocialOrganization, VolunteerTeam

    ids = [c.pk for c in communities]
    rows: dict[str, list[Any]] = {
        ProviderKind.UNIT: list(Unit.objects.filter(community_id__in=ids).order_by("name")[:300]),
        ProviderKind.MEMBER: list(
            PartyMember.objects.filter(kind="in_service", registrations__community_id__in=ids)
            .distinct()
            .order_by("name")[:300]
        ),
        ProviderKind.SOCIAL_ORGANIZATION: list(
            SocialOrganization.objects.filter(community_id__in=ids).order_by("name")[:300]
        ),
        ProviderKind.TEAM: list(VolunteerTeam.objects.filter(community_id__in=ids).order_by("name")[:300]),
    }
    labels = dict(ProviderKind.choices)
    return [(f"{k}:{p.pk}", f"{labels[k]} · {p}") for k in kinds for p in rows[k]]


def community_choice_list_for_actor(*, actor: Actor) -> list[Any]:
    """Communities in the actor's place scope: the choices of the lists' forms and filters."""
    return list(community_list_for_actor(actor=actor, roles=POPULATION_ROLES)[:300])


# --- what the in-service member's and the unit liaison's pages (party, below) show of 共建 ---------------


def open_projects_of_community(*, actor: Actor, community_code: str, limit: int = 20) -> list[Any]:
    """The community's projects waiting to be claimed (项目清单), as the actor may read them."""
    return list(
        project_list_for_actor(
            actor=actor, status=ProjectStatus.PROPOSED, community_code=community_code
        ).prefetch_related("need_links__need")[:limit]
    )


def resources_of_unit(*, actor: Actor, unit: Any, limit: int = 50) -> list[Any]:
    return list(resource_list_for_actor(actor=actor, active=None).filter(unit=unit)[:limit])


def projects_of_unit(*, actor: Actor, unit: Any, limit: int = 50) -> list[Any]:
    """Projects the unit claimed or supplies a resource to."""
    return list(
        project_list_for_actor(actor=actor)
        .filter(Q(claimant_unit=unit) | Q(resource_links__resource__unit=unit))
        .distinct()
        .prefetch_related("need_links__need")[:limit]
    )
