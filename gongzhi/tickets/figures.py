"""Ticket figures for the console: the home panel (this year, the actor's own place) and the indicators
page's pickers. Reads only the rollup and one grouped count; scope through gongzhi.tickets.indicators."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext, gettext_lazy

from gongzhi.core.errors import NotFound
from gongzhi.core.replica import replica_reads
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Community, Department, District, Grid, Subdistrict
from gongzhi.tickets import indicators as ind
from gongzhi.tickets.enums import Level, TicketStatus

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

LEVEL_LABELS: dict[str, Any] = {str(k): v for k, v in Level.choices}  # lazy: the request language
SORTS = [
    ("on_time_rate", gettext_lazy("按时办结率")),
    ("closure_rate", gettext_lazy("结案率")),
    ("satisfaction_rate", gettext_lazy("满意率")),
    ("rework_rate", gettext_lazy("返工率（低者在前）")),
    ("return_rate", gettext_lazy("退回率（低者在前）")),
    ("avg_handling_hours", gettext_lazy("平均处置时长（短者在前）")),
    ("reported", gettext_lazy("上报数")),
]


@replica_reads
def home_figures(actor: Actor) -> dict[str, Any] | None:
    """This year so far, for the actor's widest place (or department); None without one."""
    try:
        level, code = ind.default_place(actor)
        start, end = ind.this_year()
        total = ind.indicators_for(actor=actor, level=level, code=code, start=start, end=end)
    except NotFound:
        return None
    by_status = ind.status_counts(level, code, start, end)
    statuses = [
        {"value": value, "label": str(label), "count": by_status.get(value, 0)}
        for value, label in TicketStatus.choices
    ]
    return {
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "code": code,
        "name": total.name,
        "year": start.year,
        "total": sum(by_status.values()),
        "statuses": statuses,
        "indicators": total,
        "chart": {
            "months": [
                {
                    "label": formats.date_format(date(start.year, m["month"], 1), gettext("n月")),
                    "reported": m["reported"],
                    "closed": m["closed"],
                }
                for m in ind.reported_by_month(level, code, start.year)
            ],
            "y_label": gettext("件数"),
            "reported_label": gettext("接收") if level == Level.DEPARTMENT else gettext("上报"),
            "closed_label": gettext("其中已结案"),
        },
    }


@dataclass
class Option:
    level: str
    code: str
    label: str


def place_options(actor: Actor) -> list[Option]:
    """The places and departments whose figures the actor may open, widest first."""
    scope = scope_of(actor)
    out: list[Option] = []
    seen: set[tuple[str, str]] = set()

    def add(level: str, code: str, label: str) -> None:
        if (level, code) not in seen:
            seen.add((level, code))
            out.append(Option(level, code, label))

    held = [(lvl, code) for role, lvl, code in scope.places if role in TICKET_READERS]
    if scope.superuser:
        held = [(Level.DISTRICT, c) for c in District.objects.values_list("code", flat=True)]
    districts = {c for lvl, c in held if lvl == Level.DISTRICT}
    for d in District.objects.filter(code__in=districts).order_by("code"):
        add(Level.DISTRICT, d.code, d.name)
    subs = Subdistrict.objects.order_by("code")
    for s in subs:
        if s.code[:6] in districts or (Level.SUBDISTRICT, s.code) in held:
            add(Level.SUBDISTRICT, s.code, f"　{s.name}")
            for c in Community.objects.filter(code__startswith=s.code[:9]).order_by("code"):
                add(Level.COMMUNITY, c.code, f"　　{c.name}")
    for lvl, code in held:
        if lvl == Level.COMMUNITY:
            name = Community.objects.filter(code=code).values_list("name", flat=True).first()
            if name:
                add(Level.COMMUNITY, code, name)
                for g_code, g_name in (
                    Grid.objects.filter(community_code=code).order_by("code").values_list("code", "name")
                ):
                    add(Level.GRID, g_code, f"　{g_name}")
        elif lvl == Level.GRID:
            name = Grid.objects.filter(code=code).values_list("name", flat=True).first()
            if name:
                add(Level.GRID, code, name)
    deps = Department.objects.filter(Q(district__code__in=districts) | Q(pk__in=scope.department_ids))
    for dep in deps.order_by("code"):
        add(Level.DEPARTMENT, str(dep.pk), gettext("%(name)s（部门）") % {"name": dep.name})
    return out


def child_levels(level: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    if level in ind.CHILD_LEVEL:
        by = ind.CHILD_LEVEL[level]
        out.append((str(by), LEVEL_LABELS[by]))
    if level in (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY):
        out.append((str(Level.DEPARTMENT), LEVEL_LABELS[Level.DEPARTMENT]))
    return out


def quick_periods(today: date) -> list[tuple[str, date, date]]:
    q = (today.month - 1) // 3 + 1
    return [
        (gettext("本月"), *ind.month(today.year, today.month)),
        (gettext("本季度"), *ind.quarter(today.year, q)),
        (gettext("本年"), *ind.year(today.year)),
        (gettext("上一年"), *ind.year(today.year - 1)),
    ]
