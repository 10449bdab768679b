"""The cockpit's reads: a place the actor may see, and its figures from the rollup rows (never the records).

A place is seen by the population roles held at it or above it (``POPULATION_ROLES``); any other place
(a neighbour's, or a code that names nothing) is the same 404. The figures of a place are two indexed
reads of ``FigureRollup``: its own rows of the last twelve months (flow figures summed over this year,
stock figures as last rebuilt, the ticket trend by month) and its children's rows (the ranking).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gongzhi.cockpit import rollups
from gongzhi.cockpit.models import FigureRollup
from gongzhi.core.errors import NotFound
from gongzhi.core.replica import replica_reads
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Community, District, Grid, Subdistrict
from gongzhi.tickets.indicators import Rate

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_DEPTH = {"district": 0, "subdistrict": 1, "community": 2, "grid": 3}
_MODELS: dict[str, Any] = {
    "district": District,
    "subdistrict": Subdistrict,
    "community": Community,
    "grid": Grid,
}
# The children's columns in the ranking table (and the bar chart's choices).
RANK_KEYS = (
    "persons",
    "care_members",
    "care_overdue",
    "tickets.reported",
    "tickets.closed",
    "tickets.declined",
    "tickets.merged",
    "tickets.due",
    "tickets.on_time",
    "tickets.callbacks",
    "tickets.satisfied",
    "tickets_overdue",
    "warnings_open",
    "volunteers",
)
RATE_LABELS = {
    "closure_rate": gettext_lazy("结案率"),
    "on_time_rate": gettext_lazy("按时办结率"),
    "rework_rate": gettext_lazy("返工率"),
    "satisfaction_rate": gettext_lazy("满意率"),
    "mediation_success_rate": gettext_lazy("调解成功率"),
}
UNREACHABLE = "#"


@dataclass
class Place:
    code: str
    level: str
    name: str
    trail: list[dict[str, Any]] = field(default_factory=list)  # the places above, widest first

    @property
    def level_label(self) -> str:
        return str(rollups.LEVEL_LABELS[self.level])

    @property
    def child_level(self) -> str:
        return rollups.CHILD.get(self.level, "")


def _ancestors(code: str) -> list[str]:
    out: list[str] = []
    parent = rollups.parent_of(code)
    while parent:
        out.insert(0, parent)
        parent = rollups.parent_of(parent)
    return out


def _covered_by(scope: Any, code: str) -> bool:
    if scope.superuser:
        return True
    chain = [*_ancestors(code), code]
    return any(role in POPULATION_ROLES and held in chain for role, _level, held in scope.places)


def _name(level: str, code: str) -> str | None:
    return _MODELS[level].objects.filter(code=code).values_list("name", flat=True).first()


def default_place_code(actor: Actor) -> str:
    """The widest place the actor sees the cockpit of."""
    scope = scope_of(actor)
    best: tuple[int, str] | None = None
    for role, level, code in scope.places:
        if role in POPULATION_ROLES and level in _DEPTH:
            best = min(best or (_DEPTH[level], code), (_DEPTH[level], code))
    if best is not None:
        return best[1]
    if scope.superuser:
        first = District.objects.order_by("code").values_list("code", flat=True).first()
        if first:
            return first
    raise NotFound(_("您的账号没有可查看驾驶舱的区划"))


def cockpit_place_for_actor(*, actor: Actor, code: str = "") -> Place:
    """The place (by code, or the actor's widest) with its trail of places above; 404 outside scope."""
    code = (code or "").strip() or default_place_code(actor)
    level = rollups.level_of(code) if code.isdigit() else ""
    scope = scope_of(actor)
    if not level or not _covered_by(scope, code):
        raise NotFound(_("区划不存在或无权查看"))
    name = _name(level, code)
    if name is None:
        raise NotFound(_("区划不存在或无权查看"))
    trail = []
    for up in _ancestors(code):
        if _covered_by(scope, up):
            trail.append({"code": up, "name": _name(rollups.level_of(up), up) or up})
    return Place(code=code, level=level, name=name, trail=trail)


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(round(value, 2))


def _rates(v: dict[str, Decimal]) -> dict[str, Rate]:
    def n(key: str) -> int:
        return int(v.get(key, 0))

    return {
        "closure_rate": Rate(
            n("tickets.closed"), n("tickets.reported") - n("tickets.declined") - n("tickets.merged")
        ),
        "on_time_rate": Rate(n("tickets.on_time"), n("tickets.due")),
        "rework_rate": Rate(n("tickets.reworked"), n("tickets.verifications")),
        "satisfaction_rate": Rate(n("tickets.satisfied"), n("tickets.callbacks")),
        "mediation_success_rate": Rate(n("cases_agreed"), n("cases_concluded")),
    }


def _fold(rows: list[tuple[str, dt.date, str, Decimal]], year: int) -> dict[str, dict[str, Decimal]]:
    """Per place code: flow figures summed over ``year``, stock figures at the latest month they have."""
    flows: dict[str, dict[str, Decimal]] = defaultdict(dict)
    stock_period: dict[str, dt.date] = {}
    for code, period, key, _value in rows:
        if key not in rollups.FLOW_KEYS:
            stock_period[code] = max(stock_period.get(code, period), period)
    for code, period, key, value in rows:
        into = flows[code]
        if key in rollups.FLOW_KEYS:
            if period.year == year:
                into[key] = into.get(key, Decimal(0)) + value
        elif period == stock_period[code]:
            into[key] = value
    return flows


def _link(name: str) -> str:
    if not name:
        return ""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


@replica_reads
def cockpit_figures_for_actor(*, actor: Actor, code: str = "") -> dict[str, Any]:
    """Everything the cockpit page, the big screen and the API show for one place."""
    place = cockpit_place_for_actor(actor=actor, code=code)
    today = timezone.localdate()
    months = rollups.months_back(today, 12)
    own = list(
        FigureRollup.objects.filter(place_code=place.code, period__gte=months[0]).values_list(
            "place_code", "period", "key", "value", "computed_at"
        )
    )
    computed_at = max((r[4] for r in own), default=None)
    values = _fold([r[:4] for r in own], today.year).get(place.code, {})
    figures: dict[str, int | float | None] = {
        f.key: _number(values.get(f.key, Decimal(0))) for f in rollups.FIGURES
    }
    figures.update({k: _number(values.get(k, Decimal(0))) for k in rollups.TICKET_KEYS})
    rates = _rates(values)
    scored = values.get("property_ratings", Decimal(0))
    figures["property_avg_score"] = (
        float(round(values.get("property_score_sum", Decimal(0)) / scored, 1)) if scored else None
    )
    trend_rows: dict[tuple[dt.date, str], Decimal] = {(r[1], r[2]): r[3] for r in own}
    trend = {
        "months": [m.strftime("%Y-%m") for m in months],
        "reported": [_number(trend_rows.get((m, "tickets.reported"), Decimal(0))) for m in months],
        "closed": [_number(trend_rows.get((m, "tickets.closed"), Decimal(0))) for m in months],
    }
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in rollups.FIGURES:
        if f.key == "property_score_sum":
            continue
        groups.setdefault(str(f.group), []).append(
            {"key": f.key, "label": str(f.label), "unit": str(f.unit), "value": figures[f.key], "link": _link(f.link),
             "flow": bool(f.when)}
        )  # fmt: skip
    return {
        "place": {
            "code": place.code,
            "name": place.name,
            "level": place.level,
            "level_label": place.level_label,
        },
        "trail": place.trail,
        "year": today.year,
        "computed_at": computed_at.isoformat() if computed_at else None,
        "computed_label": timezone.localtime(computed_at).strftime("%Y-%m-%d %H:%M") if computed_at else "",
        "figures": figures,
        "tickets": {c: figures[f"tickets.{c}"] for c in rollups.TICKET_COUNTERS},
        "rates": {
            k: {**r.as_dict(), "label": str(RATE_LABELS[k]), "percent": r.percent} for k, r in rates.items()
        },
        "groups": [{"title": t, "items": items} for t, items in groups.items()],
        "attention": [
            {
                "key": k,
                "label": str(rollups.BY_KEY[k].label),
                "value": figures[k],
                "link": _link(rollups.BY_KEY[k].link),
            }
            for k in rollups.ATTENTION
        ],
        "trend": trend,
        "children": _children(place, months[0], today.year),
    }


def _children(place: Place, since: dt.date, year: int) -> dict[str, Any]:
    level = place.child_level
    if not level:
        return {"level": "", "level_label": "", "rows": []}
    model = _MODELS[level]
    if level == "subdistrict":
        qs = model.objects.filter(district__code=place.code)
    elif level == "community":
        qs = model.objects.filter(code__startswith=place.code[:9])
    else:
        qs = model.objects.filter(community_code=place.code)
    names = list(qs.order_by("code").values_list("code", "name"))
    rows = list(
        FigureRollup.objects.filter(parent_code=place.code, period__gte=since, key__in=RANK_KEYS).values_list(
            "place_code", "period", "key", "value"
        )
    )
    folded = _fold(rows, year)
    out = []
    for code, name in names:
        v = folded.get(code, {})
        rates = _rates(v)
        out.append(
            {
                "code": code,
                "name": name,
                **{k.replace(".", "_"): _number(v.get(k, Decimal(0))) for k in RANK_KEYS},
                **{k: rates[k].as_dict() | {"percent": rates[k].percent} for k in ("closure_rate", "on_time_rate", "satisfaction_rate")},
            }
        )  # fmt: skip
    out.sort(key=lambda r: (-r["tickets_reported"], r["code"]))
    return {"level": level, "level_label": str(rollups.LEVEL_LABELS[level]), "rows": out}
