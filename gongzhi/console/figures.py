"""The figures on the console home, computed from the records through the places selectors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

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
PUBLIC_FIGURES: list[tuple[Any, list[tuple[str, Any, Any]]]] = [
    (
        _("区划与人口"),
        [
            ("communities", _("社区（村）"), pgettext_lazy("unit", "个")),
            ("grids.residential", _("居民网格"), pgettext_lazy("unit", "个")),
            ("grids.reserved", _("预留网格"), pgettext_lazy("unit", "个")),
            ("grids.dedicated", _("专属网格"), pgettext_lazy("unit", "个")),
            ("households", _("登记住户"), pgettext_lazy("unit", "户")),
            ("persons", _("实有人口"), pgettext_lazy("unit", "人")),
        ],
    ),
    (
        _("党建引领"),
        [
            ("party.branches_independent", _("网格党支部"), pgettext_lazy("unit", "个")),
            ("party.branches_joint", _("联合党支部"), pgettext_lazy("unit", "个")),
            ("party.grids_in_joint_branches", _("联合党支部覆盖网格"), pgettext_lazy("unit", "个")),
            ("party.residential_grids_covered", _("党组织覆盖的居民网格"), pgettext_lazy("unit", "个")),
            ("party.units_registered", _("报到驻区单位"), pgettext_lazy("unit", "家")),
            ("party.members_registered", _("报到在职党员"), pgettext_lazy("unit", "人")),
        ],
    ),
    (
        _("网格事件（本年）"),
        [
            ("tickets.this_year_total", _("受理事件"), pgettext_lazy("unit", "件")),
            ("tickets.closure_rate", _("结案率"), "%"),
            ("tickets.on_time_rate", _("按时办结率"), "%"),
            ("tickets.satisfaction_rate", _("群众满意率"), "%"),
        ],
    ),
    (
        _("共驻共建"),
        [
            ("cobuild.volunteer_teams", _("志愿服务队"), pgettext_lazy("unit", "支")),
            ("cobuild.projects_signed", _("签约共建项目"), pgettext_lazy("unit", "个")),
            ("cobuild.activities_held", _("开展活动"), pgettext_lazy("unit", "场")),
            ("cobuild.needs_fulfilled", _("解决群众需求"), pgettext_lazy("unit", "件")),
            ("cobuild.service_hours", _("志愿服务时长"), pgettext_lazy("unit", "小时")),
        ],
    ),
    (
        _("矛盾调解与协商议事"),
        [
            ("mediation.cases_this_year", _("本年调解案件"), pgettext_lazy("unit", "件")),
            ("mediation.success_rate", _("调解成功率"), "%"),
            ("councils.councils", _("议事会"), pgettext_lazy("unit", "个")),
            ("councils.topics_resolved", _("议定事项"), pgettext_lazy("unit", "项")),
        ],
    ),
]


def _pick(figures: dict[str, Any], path: str) -> Any:
    value: Any = figures
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    return value


def _shown(value: Any, unit: Any) -> str:
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
        {"title": title, "items": [{"label": label, "value": _shown(_pick(figures, path), unit)}
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
