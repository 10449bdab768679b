"""The figures on the console home, computed from the records through the places selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gongzhi.console.selectors import overview_counts
from gongzhi.places.enums import RESIDENTIAL_BAND, GridKind
from gongzhi.places.selectors import place_tree_for_actor

if TYPE_CHECKING:
    from gongzhi.accounts.models import User


def grid_kinds() -> list[dict[str, str]]:
    return [{"value": str(value), "label": str(label)} for value, label in GridKind.choices]


def district_figures() -> dict[str, Any]:
    """Aggregates over the whole district (no personal data, so every staff member may see them)."""
    counts = overview_counts()
    grids = counts["grids"]
    return {
        "communities": counts["communities"],
        "grids": grids,
        "grids_total": sum(grids.values()),
        "households": counts["households"],
        "persons": counts["persons"],
        # Not every version of overview_counts carries it; the scope figures always do.
        "outside_band": counts.get("grids_outside_band"),
    }


def _communities(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for node in nodes:
        if node["level"] == "community":
            out.append(node)
        else:
            out.extend(_communities(node["children"]))
    return out


def _index(nodes: list[dict[str, Any]], out: dict[str, str]) -> dict[str, str]:
    for node in nodes:
        out[node["code"]] = node["name"]
        _index(node["children"], out)
    return out


def _scope_names(actor: User, tree: list[dict[str, Any]]) -> list[str]:
    """The places the actor works in, by name: 济阳街道, 银山社区第1网格 …"""
    from gongzhi.core.scope import scope_of

    scope = scope_of(actor)
    names = _index(tree, {})
    if scope.superuser:
        return [n["name"] for n in tree]
    seen: list[str] = []
    for _role, _level, code in scope.places:
        name = names.get(code)
        if name and name not in seen:
            seen.append(name)
    return seen


def scope_figures(*, actor: User) -> dict[str, Any]:
    """The same figures within the actor's own scope, with grids by kind per community for the chart."""
    tree = place_tree_for_actor(actor=actor)
    by_kind = dict.fromkeys(GridKind.values, 0)
    by_community: list[dict[str, Any]] = []
    by_community_nodes = _communities(tree)
    for community in by_community_nodes:
        row: dict[str, Any] = {
            "code": community["code"],
            "name": community["name"],
            "households": community.get("households", 0),
            "persons": community.get("persons", 0),
            **dict.fromkeys(GridKind.values, 0),
        }
        for grid in community["children"]:
            row[grid["kind"]] = row.get(grid["kind"], 0) + 1
            by_kind[grid["kind"]] = by_kind.get(grid["kind"], 0) + 1
        by_community.append(row)
    # the band check from the tree's own household counts (the same scoped grids): no second pass over
    # the households on the home page
    low, high = RESIDENTIAL_BAND
    outside = [
        g
        for community in by_community_nodes
        for g in community["children"]
        if g["kind"] == GridKind.RESIDENTIAL and not low <= g["households"] <= high
    ]
    return {
        "places": _scope_names(actor, tree),
        "communities": len(by_community),
        "grids": by_kind,
        "grids_total": sum(by_kind.values()),
        "households": sum(n.get("households", 0) for n in tree),
        "persons": sum(n.get("persons", 0) for n in tree),
        "outside_band": len(outside),
        "band": RESIDENTIAL_BAND,
        "by_community": by_community,
        "kinds": grid_kinds(),
    }
