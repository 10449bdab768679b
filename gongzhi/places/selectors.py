"""Every read of places goes through here, with the actor's scope applied."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import require
from gongzhi.core.roles import DISTRICT_ADMINS
from gongzhi.core.scope import scope_of
from gongzhi.places import boundaries, geo
from gongzhi.places.enums import RESIDENTIAL_BAND, GridKind, TeamRole
from gongzhi.places.models import Community, Grid, GridTeamMember, Household, Subdistrict

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


# --- counts the apps above places add ------------------------------------------------------------------
# The place tree and a grid's figures show how many persons live in each grid, but the population register
# sits above places (docs/architecture.md): places never imports it. The app that keeps a count registers
# it here when it starts (people's AppConfig.ready registers "persons": people.selectors.
# person_counts_by_grid); a counter takes ``grid_codes`` and ``actor`` (None: everyone in those grids, an
# actor: only those in the actor's scope) and answers {grid code: count}, leaving out grids with none.
GridCounter = Callable[..., dict[str, int]]
_grid_counters: dict[str, GridCounter] = {}


def grid_counter_register(*, key: str, counter: GridCounter) -> None:
    """Registers ``counter`` as the count ``key`` of the place tree and a grid's figures."""
    _grid_counters[key] = counter


def _grid_counts(key: str, *, grid_codes: list[str], actor: Actor | None) -> dict[str, int]:
    counter = _grid_counters.get(key)
    if counter is None or not grid_codes:
        return {}
    return counter(grid_codes=grid_codes, actor=actor)


def _grid_scope_q(actor: Actor) -> Q:
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
    actor: Actor,
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


def grid_get_for_actor(*, actor: Actor, code: str) -> Grid:
    grid = (
        Grid.objects.filter(_grid_scope_q(actor), code=code).select_related("community__subdistrict").first()
    )
    if grid is None:
        raise NotFound()
    return grid


def grid_team(*, grid: Grid) -> QuerySet[GridTeamMember]:
    return grid.team.select_related("user").order_by("role", "id")


def grid_figures(*, grid: Grid) -> dict[str, int]:
    return {
        "households": Household.objects.filter(grid=grid).count(),
        "persons": _grid_counts("persons", grid_codes=[grid.code], actor=None).get(grid.code, 0),
        "buildings": grid.buildings.count(),
    }


def community_list_for_actor(*, actor: Actor, roles: frozenset[str] | None = None) -> QuerySet[Community]:
    """The communities under the actor's places (held in one of ``roles``, or any role): the choices of a
    console form or filter."""
    scope = scope_of(actor)
    if scope.superuser:
        return Community.objects.all().order_by("code")
    codes = scope.codes(roles)
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


def place_tree_for_actor(*, actor: Actor) -> list[dict[str, Any]]:
    """District → subdistrict → community → grid with household, person and grid counts, within scope.

    Five queries whatever the size of the tree: the scope, the scoped grids, households grouped by grid,
    persons grouped by grid (the registered "persons" counter, with the actor's scope), and the communities
    in scope (so a community with no grid yet still shows).
    """
    scope = scope_of(actor)
    # Plain rows, not model objects: the tree needs codes and names only (no GeoJSON, no 1,000 instances
    # on the demo district's home page).
    up = (
        "community__subdistrict__district__code",
        "community__subdistrict__district__name",
        "community__subdistrict__code",
        "community__subdistrict__name",
        "community__code",
        "community__name",
        "community__kind",
    )
    grids = list(
        Grid.objects.filter(scope.place_q()).order_by("code").values_list("pk", "code", "name", "kind", *up)
    )
    # Households per grid in a query of their own: read from the (grid, address_key) index alone, where a
    # join of every grid with its households took a third of a second on the demo district.
    households_by_grid = dict(
        Household.objects.filter(grid_id__in=[g[0] for g in grids])
        .values_list("grid_id")
        .annotate(n=Count("id"))
        .values_list("grid_id", "n")
    )
    persons_by_grid = _grid_counts("persons", grid_codes=[g[1] for g in grids], actor=actor)
    communities = (
        list(
            community_list_for_actor(actor=actor).values_list(
                "subdistrict__district__code",
                "subdistrict__district__name",
                "subdistrict__code",
                "subdistrict__name",
                "code",
                "name",
                "kind",
            )
        )
        if scope.is_staff_scope
        else []
    )
    tree: dict[str, dict[str, Any]] = {}
    kind_labels = {value: str(label) for value, label in GridKind.choices}

    def node(level: str, code: str, name: str) -> dict[str, Any]:
        return {"code": code, "name": name, "level": level, "households": 0, "persons": 0, "grids": 0}

    def community_node(row: tuple[Any, ...]) -> dict[str, Any]:
        d_code, d_name, s_code, s_name, c_code, c_name, c_kind = row
        dn = tree.setdefault(d_code, {**node("district", d_code, d_name), "children": {}})
        sn = dn["children"].setdefault(s_code, {**node("subdistrict", s_code, s_name), "children": {}})
        return sn["children"].setdefault(
            c_code, {**node("community", c_code, c_name), "kind": c_kind, "children": {}}
        )

    for c in communities:
        community_node(c)
    for pk, code, name, kind, *community in grids:
        community_node(tuple(community))["children"][code] = {
            **node("grid", code, name),
            "kind": kind,
            "kind_label": kind_labels.get(kind, kind),
            "households": households_by_grid.get(pk, 0),
            "persons": persons_by_grid.get(code, 0),
            "grids": 1,
            "children": {},
        }

    def roll(n: dict[str, Any]) -> dict[str, Any]:
        children = [roll(child) for child in n["children"].values()]
        if n["level"] != "grid":
            for key in ("households", "persons", "grids"):
                n[key] = sum(ch[key] for ch in children)
        n["children"] = children
        return n

    return [roll(n) for n in tree.values()]


def subdistrict_list_for_actor(*, actor: Actor) -> QuerySet[Subdistrict]:
    codes = {c[:9] + "000" for c in community_list_for_actor(actor=actor).values_list("code", flat=True)}
    return Subdistrict.objects.filter(code__in=codes).order_by("code")


def households_outside_band(*, actor: Actor) -> list[dict[str, Any]]:
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
            "community_code": g.community_code,
            "households": g.n,
            "problem": gettext("少于%(n)s户") % {"n": low}
            if g.n < low
            else gettext("多于%(n)s户") % {"n": high},
            "low": g.n < low,
        }
        for g in rows
    ]


def household_get_for_actor(*, actor: Actor, household_id: int) -> Household:
    hh = Household.objects.filter(scope_of(actor).population_q(household_field="id"), pk=household_id).first()
    if hh is None:
        raise NotFound()
    return hh


def place_totals() -> dict[str, Any]:
    """Communities, grids by kind and households of the whole database: aggregates only (the public
    overview, the console home)."""
    by_kind = dict(Grid.objects.values_list("kind").annotate(n=Count("id")).values_list("kind", "n"))
    return {
        "communities": Community.objects.count(),
        "grids": {k: by_kind.get(k, 0) for k in GridKind.values},
        "households": Household.objects.count(),
    }


# --- geometry ----------------------------------------------------------------------------------------


def grids_feature_collection(*, actor: Actor, community_code: str = "") -> dict[str, Any]:
    """The grids the actor may see as a GeoJSON FeatureCollection (what the map draws and export gives).

    A grid with no boundary yet is a feature with ``geometry: null``; importing the file back changes
    nothing.
    """
    grids = grid_list_for_actor(actor=actor, community_code=community_code).select_related(None)
    return boundaries.feature_collection(list(grids.order_by("code")))


def grid_for_point(*, lng: float, lat: float, actor: Actor | None = None) -> Grid | None:
    """The grid a WGS-84 point lies in; with an actor, only among the grids that actor may see.

    On an edge shared by two grids the locator's rule decides (interior first, then smallest code);
    with an actor, the first of those the actor may see.
    """
    if not (math.isfinite(lng) and math.isfinite(lat)):
        return None
    candidates = geo.grid_locator().candidates(lng, lat)
    if not candidates:
        return None
    qs = Grid.objects.filter(code__in=candidates)
    if actor is not None:
        qs = qs.filter(_grid_scope_q(actor))
    found = {g.code: g for g in qs.select_related("community")}
    return next((found[c] for c in candidates if c in found), None)


# --- grid import -------------------------------------------------------------------------------------


def import_communities_for_actor(*, actor: Actor) -> QuerySet[Community]:
    """Communities whose grids the actor may import: a district admin's district, or everything."""
    scope = scope_of(actor)
    if scope.superuser:
        return Community.objects.select_related("subdistrict").order_by("code")
    districts = sorted(scope.codes(DISTRICT_ADMINS)["district"])
    return (
        Community.objects.filter(subdistrict__district__code__in=districts)
        .select_related("subdistrict")
        .order_by("code")
    )


def grid_team_groups(*, grid: Grid) -> list[dict[str, Any]]:
    """The team as "1+X+N": the grid head, the grid workers, the volunteers and captains, the instructor.

    The captains (楼长, 楼道长) are counted with the N: they are residents who volunteer for a building.
    """
    groups: list[tuple[str, str, str, tuple[str, ...]]] = [
        ("head", "1", gettext("网格长"), (TeamRole.GRID_HEAD,)),
        ("workers", "X", gettext("网格员"), (TeamRole.GRID_WORKER, TeamRole.PART_TIME_WORKER)),
        (
            "volunteers",
            "N",
            gettext("党员志愿者、楼长、楼道长"),
            (TeamRole.VOLUNTEER, TeamRole.BUILDING_CAPTAIN, TeamRole.STAIRWELL_CAPTAIN),
        ),
        ("instructor", "", gettext("网格指导员"), (TeamRole.INSTRUCTOR,)),
    ]
    members = list(grid_team(grid=grid))
    return [
        {
            "key": key,
            "tag": tag,
            "label": label,
            "members": sorted(
                (m for m in members if m.role in roles), key=lambda m: (roles.index(m.role), m.pk)
            ),
        }
        for key, tag, label, roles in groups
    ]


def grid_team_summary(*, grid: Grid, groups: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per group of ``grid_team_groups`` and what a residential grid lacks.

    Every residential grid needs its "1" (a grid head) and at least one of the "X" (a full-time or
    part-time grid worker); reserved and dedicated grids are staffed as their situation needs.
    """
    residential = grid.kind == GridKind.RESIDENTIAL
    rows = [
        {
            "key": g["key"],
            "tag": g["tag"],
            "label": g["label"],
            "count": len(g["members"]),
            "missing": residential and g["key"] in ("head", "workers") and not g["members"],
        }
        for g in groups
    ]
    missing = {r["key"] for r in rows if r["missing"]}
    return {
        "groups": rows,
        "total": sum(r["count"] for r in rows),
        "missing_head": "head" in missing,
        "missing_worker": "workers" in missing,
    }


def grid_get_for_team_editor(*, actor: Actor, code: str) -> Grid:
    """A grid whose team the actor may change: 404 when the actor cannot see it, 403 when they can
    see it but not change it (an auditor, a subdistrict office, a department)."""
    grid = grid_get_for_actor(actor=actor, code=code)
    require(actor, "places.change_gridteam", grid, error=Forbidden(gettext("没有权限维护该网格的队伍")))
    return grid


def grid_team_member_get(*, grid: Grid, member_id: int) -> GridTeamMember:
    member = grid.team.select_related("user").filter(pk=member_id).first()
    if member is None:
        raise NotFound()
    return member


def place_holding_actor(*, actor: Actor) -> Grid | Community | Subdistrict | Any | None:
    """The smallest place holding every place of the actor's role assignments (a grid, community,
    subdistrict or district), or None (a resident, a liaison): the place an audit row of what the actor
    did over their whole scope (an export) is filed under, so that place's audit readers see it."""
    from gongzhi.core.codes import common_place
    from gongzhi.places.models import District

    codes = common_place({code for _role, _level, code in scope_of(actor).places})
    for level, model in (("grid", Grid), ("community", Community), ("subdistrict", Subdistrict)):
        code = codes.get(f"{level}_code")
        if code:
            return model.objects.filter(code=code).first()
    code = codes.get("district_code")
    return District.objects.filter(code=code).first() if code else None
