"""Every read of places goes through here, with the actor's scope applied."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet

from gongzhi.accounts.scope import scope_of
from gongzhi.core.errors import NotFound
from gongzhi.places.enums import RESIDENTIAL_BAND, GridKind
from gongzhi.places.models import Community, Grid, GridTeamMember, Household, Subdistrict

if TYPE_CHECKING:
    from gongzhi.accounts.models import User


def _grid_scope_q(actor: User) -> Q:
    scope = scope_of(actor)
    q = scope.place_q()
    if scope.household_ids:
        q |= Q(households__id__in=sorted(scope.household_ids))
    if scope.department_ids:
        from gongzhi.places.models import Department

        districts = Department.objects.filter(pk__in=scope.department_ids).values_list(
            "district__code", flat=True
        )
        q |= Q(district_code__in=list(districts))
    return q


def grid_list_for_actor(
    *,
    actor: User,
    community_code: str = "",
    kind: str = "",
    q: str = "",
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[Grid]:
    qs = (
        Grid.objects.filter(_grid_scope_q(actor)).distinct()
        if scope_of(actor).household_ids
        else Grid.objects.filter(_grid_scope_q(actor))
    )
    if community_code:
        qs = qs.filter(community_code=community_code)
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__startswith=q))
    if after_id:
        qs = qs.filter(id__gt=after_id)
    qs = qs.select_related("community").order_by("id")
    return qs[:limit] if limit else qs


def grid_get_for_actor(*, actor: User, code: str) -> Grid:
    grid = (
        Grid.objects.filter(_grid_scope_q(actor), code=code).select_related("community__subdistrict").first()
    )
    if grid is None:
        raise NotFound()
    return grid


def grid_team(*, grid: Grid) -> QuerySet[GridTeamMember]:
    return grid.team.select_related("user").order_by("role", "id")


def grid_figures(*, grid: Grid) -> dict[str, int]:
    from gongzhi.people.models import Person

    return {
        "households": Household.objects.filter(grid=grid).count(),
        "persons": Person.objects.filter(grid_code=grid.code).count(),
        "buildings": grid.buildings.count(),
    }


def community_list_for_actor(*, actor: User) -> QuerySet[Community]:
    scope = scope_of(actor)
    if scope.superuser:
        return Community.objects.all().order_by("code")
    codes = scope.codes()
    q = Q(pk__in=[])
    for district_code in sorted(codes["district"]):
        q |= Q(subdistrict__district__code=district_code)
    if codes["subdistrict"]:
        q |= Q(subdistrict__code__in=sorted(codes["subdistrict"]))
    if codes["community"]:
        q |= Q(code__in=sorted(codes["community"]))
    if codes["grid"]:
        q |= Q(code__in=sorted({c[:12] for c in codes["grid"]}))
    return Community.objects.filter(q).select_related("subdistrict").order_by("code")


def place_tree_for_actor(*, actor: User) -> list[dict[str, Any]]:
    """District → subdistrict → community → grid with household and person counts, within scope.

    Counts come from two grouped queries over the scoped grids, not one query per node.
    """
    from gongzhi.people.models import Person

    scope = scope_of(actor)
    grids = list(
        Grid.objects.filter(scope.place_q())
        .select_related("community__subdistrict__district")
        .annotate(n_households=Count("households", distinct=True))
        .order_by("code")
    )
    persons_by_grid = (
        dict(
            Person.objects.filter(scope.population_q(), grid_code__in=[g.code for g in grids])
            .values_list("grid_code")
            .annotate(n=Count("id"))
            .values_list("grid_code", "n")
        )
        if grids
        else {}
    )
    tree: dict[str, dict[str, Any]] = {}
    for g in grids:
        c = g.community
        s = c.subdistrict
        d = s.district
        dn = tree.setdefault(d.code, {"code": d.code, "name": d.name, "level": "district", "children": {}})
        sn = dn["children"].setdefault(
            s.code, {"code": s.code, "name": s.name, "level": "subdistrict", "children": {}}
        )
        cn = sn["children"].setdefault(
            c.code, {"code": c.code, "name": c.name, "level": "community", "children": {}}
        )
        cn["children"][g.code] = {
            "code": g.code,
            "name": g.name,
            "level": "grid",
            "kind": g.kind,
            "households": g.n_households,  # type: ignore[attr-defined]
            "persons": persons_by_grid.get(g.code, 0),
            "grids": 1,
            "children": {},
        }

    def roll(node: dict[str, Any]) -> dict[str, Any]:
        children = [roll(child) for child in node["children"].values()]
        if children:
            for key in ("households", "persons", "grids"):
                node[key] = sum(ch[key] for ch in children)
        node["children"] = children
        return node

    return [roll(n) for n in tree.values()]


def subdistrict_list_for_actor(*, actor: User) -> QuerySet[Subdistrict]:
    codes = {c[:9] + "000" for c in community_list_for_actor(actor=actor).values_list("code", flat=True)}
    return Subdistrict.objects.filter(code__in=codes).order_by("code")


def households_outside_band(*, actor: User) -> list[dict[str, Any]]:
    """Residential grids whose household count falls outside 300–500 (the report of issue #2)."""
    low, high = RESIDENTIAL_BAND
    rows = (
        Grid.objects.filter(scope_of(actor).place_q(), kind=GridKind.RESIDENTIAL)
        .annotate(n=Count("households"))
        .filter(Q(n__lt=low) | Q(n__gt=high))
        .select_related("community")
        .order_by("code")
    )
    return [
        {
            "code": g.code,
            "name": g.name,
            "community": g.community.name,
            "households": g.n,  # type: ignore[attr-defined]
            "problem": "少于300户" if g.n < low else "多于500户",  # type: ignore[attr-defined]
        }
        for g in rows
    ]


def household_get_for_actor(*, actor: User, household_id: int) -> Household:
    hh = Household.objects.filter(scope_of(actor).population_q(household_field="id"), pk=household_id).first()
    if hh is None:
        raise NotFound()
    return hh


def overview_counts() -> dict[str, Any]:
    """The public overview: aggregates only, computed from the records."""
    from gongzhi.people.models import Person

    by_kind = dict(Grid.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "communities": Community.objects.count(),
        "grids": {k: by_kind.get(k, 0) for k in GridKind.values},
        "households": Household.objects.count(),
        "persons": Person.objects.count(),
    }
