"""The figures on the console home, computed from the records through the places selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_noop, pgettext, pgettext_lazy

from gongzhi.console.selectors import overview_counts
from gongzhi.core.replica import replica_reads
from gongzhi.places.enums import RESIDENTIAL_BAND, GridKind
from gongzhi.places.selectors import place_tree_for_actor

if TYPE_CHECKING:
    from gongzhi.accounts.models import User


def grid_kinds() -> list[dict[str, str]]:
    return [{"value": str(value), "label": str(label)} for value, label in GridKind.choices]


@replica_reads
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


@replica_reads
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


# --- the public overview page (/overview/, no login) -------------------------------------------------------
# What the page publishes, by name: an allow-list over the figures of /api/v1/overview (the same function
# computes both). Aggregates only; a figure not named here is not on the page, whatever the API adds.
PUBLIC_FIGURES: list[tuple[str, list[tuple[str, str, str]]]] = [
    (
        gettext_noop("区划与人口"),
        [
            ("communities", gettext_noop("社区（村）"), "个"),
            ("grids.residential", gettext_noop("居民网格"), "个"),
            ("grids.reserved", gettext_noop("预留网格"), "个"),
            ("grids.dedicated", gettext_noop("专属网格"), "个"),
            ("households", gettext_noop("登记住户"), "户"),
            ("persons", gettext_noop("实有人口"), "人"),
        ],
    ),
    (
        gettext_noop("党建引领"),
        [
            ("party.branches_independent", gettext_noop("网格党支部"), "个"),
            ("party.branches_joint", gettext_noop("联合党支部"), "个"),
            ("party.grids_in_joint_branches", gettext_noop("联合党支部覆盖网格"), "个"),
            ("party.residential_grids_covered", gettext_noop("党组织覆盖的居民网格"), "个"),
            ("party.units_registered", gettext_noop("报到驻区单位"), "家"),
            ("party.members_registered", gettext_noop("报到在职党员"), "人"),
            ("party.members_community_managed", gettext_noop("社区管理党员（自管）"), "人"),
            ("party.transfers_in", gettext_noop("组织关系转入（累计）"), "人"),
        ],
    ),
    (
        gettext_noop("网格事件（本年）"),
        [
            ("tickets.this_year_total", gettext_noop("受理事件"), "件"),
            ("tickets.closure_rate", gettext_noop("结案率"), "%"),
            ("tickets.on_time_rate", gettext_noop("按时办结率"), "%"),
            ("tickets.satisfaction_rate", gettext_noop("群众满意率"), "%"),
        ],
    ),
    (
        gettext_noop("共驻共建"),
        [
            ("cobuild.volunteer_teams", gettext_noop("志愿服务队"), "支"),
            ("cobuild.projects_signed", gettext_noop("签约共建项目"), "个"),
            ("cobuild.activities_held", gettext_noop("开展活动"), "场"),
            ("cobuild.needs_fulfilled", gettext_noop("解决群众需求"), "件"),
            ("cobuild.service_hours", gettext_noop("志愿服务时长"), "小时"),
        ],
    ),
    (
        gettext_noop("矛盾调解与协商议事"),
        [
            ("mediation.cases_this_year", gettext_noop("本年调解案件"), "件"),
            ("mediation.success_rate", gettext_noop("调解成功率"), "%"),
            ("councils.councils", gettext_noop("议事会"), "个"),
            ("councils.topics_resolved", gettext_noop("议定事项"), "项"),
        ],
    ),
]
# The units for the catalogue (read with pgettext("unit", …) when shown).
_UNITS = (
    pgettext_lazy("unit", "个"),
    pgettext_lazy("unit", "户"),
    pgettext_lazy("unit", "人"),
    pgettext_lazy("unit", "家"),
    pgettext_lazy("unit", "件"),
    pgettext_lazy("unit", "支"),
    pgettext_lazy("unit", "场"),
    pgettext_lazy("unit", "小时"),
    pgettext_lazy("unit", "项"),
)


def _pick(figures: dict[str, Any], path: str) -> Any:
    value: Any = figures
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value: Any, unit: str) -> str:
    if unit != "%":
        unit = pgettext("unit", unit)
    if unit == "%":
        rate = value.get("value") if isinstance(value, dict) else None
        return "—" if rate is None else f"{rate * 100:.1f}%"
    if isinstance(value, float):
        return f"{value:,.1f}{unit}".strip()
    return f"{int(value or 0):,}{unit}".strip()


def public_overview() -> dict[str, Any]:
    """The public page's sections (label, shown value) and chart data, from the allow-list only."""
    from gongzhi.console.api import overview_figures
    from gongzhi.tickets.enums import TicketStatus

    figures = overview_figures()
    sections = [
        {"title": gettext(title), "items": [{"label": gettext(label), "value": _shown(_pick(figures, path), unit)}
                                   for path, label, unit in items]}
        for title, items in PUBLIC_FIGURES
    ]  # fmt: skip
    by_status = _pick(figures, "tickets.this_year_by_status") or {}
    labels = dict(TicketStatus.choices)
    charts = {
        "grids": [{"name": str(label), "value": int(_pick(figures, f"grids.{kind}") or 0)}
                  for kind, label in GridKind.choices],
        "tickets": [{"name": str(labels[s]), "value": int(by_status.get(s, 0))} for s in TicketStatus.values
                    if by_status.get(s)],
        "branches": [{"name": gettext("网格党支部"), "value": int(_pick(figures, "party.branches_independent") or 0)},
                     {"name": gettext("联合党支部"), "value": int(_pick(figures, "party.branches_joint") or 0)}],
    }  # fmt: skip
    return {"sections": sections, "charts": charts}
