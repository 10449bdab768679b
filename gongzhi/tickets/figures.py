"""Ticket figures for the console: the home panel (this year, the actor's own place) and the indicators
page's pickers. Reads only the rollup and one grouped count; scope through gongzhi.tickets.indicators."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_lazy

from gongzhi.core.errors import NotFound
from gongzhi.core.replica import replica_reads
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Community, Department, District, Grid, Subdistrict
from gongzhi.tickets import indicators as ind
from gongzhi.tickets import sums
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


# The chart a role's home shows (home_figures()["chart"]["kind"]): the level's work at a glance.
HOME_CHART_KIND: dict[str, str] = {
    Level.DISTRICT: "places",  # received vs closed per month and the level below ranked
    Level.SUBDISTRICT: "places",
    Level.COMMUNITY: "open",  # the open tickets by age, overdue apart
    Level.GRID: "open",
    Level.DEPARTMENT: "department",  # received and closed per month with the on-time rate
}
# Age bands of the open tickets (days since reported): [low, high).
AGE_BANDS: list[tuple[int, int | None, Any]] = [
    (0, 1, gettext_lazy("1天内")),
    (1, 3, gettext_lazy("1–3天")),
    (3, 7, gettext_lazy("3–7天")),
    (7, 30, gettext_lazy("7–30天")),
    (30, None, gettext_lazy("30天以上")),
]


def _month_points(rows: list[ind.Indicators], *, with_year: bool) -> list[dict[str, Any]]:
    """Chart points of ``ind.monthly`` rows: the counts and the on-time rate as the tables give them."""
    return [
        {
            "month": f"{i.start:%Y-%m}",
            "label": formats.date_format(i.start, gettext("Y年n月") if with_year else gettext("n月")),
            "reported": i.counts["reported"],
            "closed": i.counts["closed"],
            "on_time_rate": i.on_time_rate.as_dict(),
            "on_time_percent": i.on_time_rate.percent,
        }
        for i in rows
    ]


def _series_labels(level: str) -> dict[str, str]:
    return {
        "y_label": gettext("件数"),
        "reported_label": gettext("接收") if level == Level.DEPARTMENT else gettext("上报"),
        "closed_label": gettext("其中已结案"),
        "rate_label": gettext("按时办结率"),
    }


def trend_chart(level: str, code: str, last: date, months: int = 12) -> dict[str, Any]:
    """The indicators page's trend: the ``months`` months up to the month of ``last`` (the period's end),
    each month's received (上报/接收), closed and on-time rate; every point equals the indicators of
    that whole month (``ind.indicators_sum``). The caller has resolved the place for the actor."""
    end = last.replace(day=1)
    back = end.year * 12 + end.month - 1 - (months - 1)
    first = date(back // 12, back % 12 + 1, 1)
    return {
        "months": _month_points(ind.monthly(level, code, first, end), with_year=True),
        **_series_labels(level),
    }


def ranking_chart(rows: list[ind.Indicators], sort: str) -> dict[str, Any]:
    """The ranking chart of the rows of ``ind.indicators_by_child``: by ``sort`` when it is a rate, else by
    the on-time rate; the ranks, numerators and denominators are the table's (ranked the same way)."""
    rate = sort if sort in ind.RATES else "on_time_rate"
    ranked = ind.rank([replace(r) for r in rows], rate)
    return {
        "rate": rate,
        "rate_label": gettext(ind.RATE_LABELS[rate]),
        "lower_is_better": rate in ind.LOWER_IS_BETTER,
        "min_sample": ind.MIN_SAMPLE,
        "rows": [{"code": r.code, "name": r.name, "rank": r.rank, **r.rate(rate).as_dict()} for r in ranked],
    }


def department_peers(*, actor: Actor, code: str, start: date, end: date, sort: str) -> list[ind.Indicators]:
    """The departments of the district of a department the actor may see, ranked (the 排名通报 a
    department reads about itself): their names and figures only, as the district's table shows them."""
    ind.resolve(actor, Level.DEPARTMENT, code)
    dep = Department.objects.select_related("district").get(pk=int(code))
    # The actor may see its own department, not the district: the peers are read as the system reads them.
    return ind.indicators_by_child(
        actor=None,
        level=Level.DISTRICT,
        code=dep.district.code,
        start=start,
        end=end,
        by=Level.DEPARTMENT,
        sort=sort,
    )


def open_by_age(level: str, code: str) -> list[dict[str, Any]]:
    """The open tickets of a community or grid by days since reported, the overdue ones apart (handling
    and past the deadline, as the 已超期 tab counts them)."""
    now = timezone.now()
    bands = [
        (label, now - timedelta(days=high) if high is not None else None, now - timedelta(days=low))
        for low, high, label in AGE_BANDS
    ]
    counts = sums.open_by_age(
        {ind.field_of(level): code}, [(since, until) for _l, since, until in bands], now
    )
    return [
        {"label": str(label), "open": n - late, "overdue": late}
        for (label, _s, _u), (n, late) in zip(bands, counts, strict=True)
    ]


@replica_reads
def home_figures(actor: Actor) -> dict[str, Any] | None:
    """This year so far, for the actor's widest place (or department); None without one. The chart is the
    level's own (``HOME_CHART_KIND``)."""
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
    kind = HOME_CHART_KIND[level]
    chart: dict[str, Any] = {
        "kind": kind,
        "months": _month_points(
            ind.monthly(level, code, date(start.year, 1, 1), date(start.year, 12, 1)), with_year=False
        ),
        **_series_labels(level),
    }
    if kind == "places" and level in ind.CHILD_LEVEL:
        by = ind.CHILD_LEVEL[level]
        # resolved for the actor above (indicators_for): the children are read as the system reads them
        rows = ind.indicators_by_child(actor=None, level=level, code=code, start=start, end=end, by=by)
        chart["ranking"] = {**ranking_chart(rows, "on_time_rate"), "by_label": LEVEL_LABELS[by]}
    elif kind == "open":
        chart["ages"] = open_by_age(level, code)
        chart["open_label"], chart["overdue_label"] = gettext("未超期"), gettext("已超期")
    return {
        "level": level,
        "level_label": LEVEL_LABELS[level],
        "code": code,
        "name": total.name,
        "year": start.year,
        "total": sum(by_status.values()),
        "statuses": statuses,
        "indicators": total,
        "chart": chart,
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
