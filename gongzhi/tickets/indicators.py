"""Ticket indicators per place, department and period, summed from the daily rollup (``DailyStat``).

The formulas and the reasons for them are in docs/tickets-indicators.md. Every rate carries its numerator
and denominator; a rate with nothing to divide by is ``None`` (shown "—"), never 0 or 100 %.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from gongzhi.core import bounds
from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.replica import replica_reads
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import Scope, scope_of
from gongzhi.places.models import Community, Department, District, Grid, Subdistrict
from gongzhi.tickets import sums
from gongzhi.tickets.enums import Level
from gongzhi.tickets.models import STAT_FIELDS

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

# A rate over fewer cases than this is shown but not ranked (a grid with 1 of 1 on time is not "the best").
MIN_SAMPLE = 10
RATES = ["closure_rate", "on_time_rate", "rework_rate", "return_rate", "satisfaction_rate"]
RATE_LABELS: dict[str, Any] = {
    "closure_rate": gettext_lazy("结案率"),
    "on_time_rate": gettext_lazy("按时办结率"),
    "rework_rate": gettext_lazy("返工率"),
    "return_rate": gettext_lazy("退回率"),
    "satisfaction_rate": gettext_lazy("满意率"),
}
# Lower is better for these (ranking order).
LOWER_IS_BETTER = frozenset({"rework_rate", "return_rate"})
LEVELS = [Level.GRID, Level.COMMUNITY, Level.SUBDISTRICT, Level.DISTRICT, Level.DEPARTMENT]
CHILD_LEVEL: dict[str, str] = {
    Level.DISTRICT: Level.SUBDISTRICT,
    Level.SUBDISTRICT: Level.COMMUNITY,
    Level.COMMUNITY: Level.GRID,
}
_FIELD: dict[str, str] = {
    Level.GRID: "grid_code",
    Level.COMMUNITY: "community_code",
    Level.SUBDISTRICT: "subdistrict_code",
    Level.DISTRICT: "district_code",
    Level.DEPARTMENT: "department_id",
}
_DEPTH: dict[str, int] = {Level.DISTRICT: 0, Level.SUBDISTRICT: 1, Level.COMMUNITY: 2, Level.GRID: 3}


# --- periods ----------------------------------------------------------------------------------------


def month(year: int, m: int) -> tuple[date, date]:
    return date(year, m, 1), date(year, m, calendar.monthrange(year, m)[1])


def quarter(year: int, q: int) -> tuple[date, date]:
    first = 3 * (q - 1) + 1
    return date(year, first, 1), month(year, first + 2)[1]


def year(y: int) -> tuple[date, date]:
    return date(y, 1, 1), date(y, 12, 31)


def this_year() -> tuple[date, date]:
    today = timezone.localdate()
    return date(today.year, 1, 1), today


def _parse_day(value: str, field_name: str) -> date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError as exc:
        raise field_error(field_name, gettext("日期格式应为YYYY-MM-DD")) from exc
    if not bounds.date_in_range(day):
        raise field_error(field_name, bounds.DATE_MESSAGE)
    return day


def clean_period(start: str = "", end: str = "") -> tuple[date, date]:
    """From the query string: both empty → this year so far; one empty → its year's other end."""
    s, e = _parse_day(start, "start"), _parse_day(end, "end")
    if s is None and e is None:
        return this_year()
    if s is None:
        s = date(e.year, 1, 1)  # type: ignore[union-attr]
    if e is None:
        e = min(date(s.year, 12, 31), max(s, timezone.localdate()))
    _check_period(s, e)
    return s, e


# --- figures ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rate:
    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        if self.denominator <= 0:
            return None
        return self.numerator / self.denominator

    @property
    def percent(self) -> str:
        v = self.value
        return "—" if v is None else f"{v * 100:.1f}%"

    def as_dict(self) -> dict[str, Any]:
        v = self.value
        return {
            "value": None if v is None else round(v, 4),
            "numerator": self.numerator,
            "denominator": self.denominator,
        }


@dataclass
class Indicators:
    level: str
    code: str
    name: str
    start: date
    end: date
    counts: dict[str, int] = field(default_factory=dict)
    rank: int | None = None

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    @property
    def closure_rate(self) -> Rate:
        c = self.counts
        if self.level == Level.DEPARTMENT:
            # A department's ``reported`` is what it received (sums.received): never declined nor merged.
            return Rate(c["closed"], c["reported"])
        return Rate(c["closed"], c["reported"] - c["declined"] - c["merged"])

    @property
    def on_time_rate(self) -> Rate:
        return Rate(self.counts["on_time"], self.counts["due"])

    @property
    def rework_rate(self) -> Rate:
        return Rate(self.counts["reworked"], self.counts["verifications"])

    @property
    def return_rate(self) -> Rate:
        if self.level == Level.DEPARTMENT:
            # Returns count against the dispatching place (DailyStat.returned), not the department.
            return Rate(0, 0)
        return Rate(self.counts["returned"], self.counts["dispatched"])

    @property
    def satisfaction_rate(self) -> Rate:
        return Rate(self.counts["satisfied"], self.counts["callbacks"])

    @property
    def avg_handling_hours(self) -> float | None:
        handled = self.counts["handled"]
        if handled <= 0:
            return None
        return self.counts["handling_seconds"] / handled / 3600

    def rate(self, name: str) -> Rate:
        return getattr(self, name)

    def as_dict(self) -> dict[str, Any]:
        hours = self.avg_handling_hours
        out: dict[str, Any] = {
            "level": self.level,
            "code": self.code,
            "name": self.name,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            **{k: self.counts[k] for k in STAT_FIELDS},
            **{name: self.rate(name).as_dict() for name in RATES},
            "avg_handling_hours": None if hours is None else round(hours, 2),
        }
        if self.rank is not None or "rank" in self.__dict__:
            out["rank"] = self.rank
        return out


def _zero() -> dict[str, int]:
    return dict.fromkeys(STAT_FIELDS, 0)


def _sums(row: dict[str, Any]) -> dict[str, int]:
    return {k: int(row.get(k) or 0) for k in STAT_FIELDS}


# --- scope ------------------------------------------------------------------------------------------


def clean_level(level: str, field_name: str = "level") -> str:
    if level not in LEVELS:
        raise field_error(field_name, gettext("层级应为网格、社区、街道、区级或职能部门"))
    return level


def _ancestor(code: str, level: str) -> str:
    """The code of the place at ``level`` that contains the place ``code`` ('' if it is above it)."""
    lengths: dict[str, int] = {Level.DISTRICT: 6, Level.COMMUNITY: 12, Level.GRID: 15}
    if level == Level.SUBDISTRICT:
        return code[:9] + "000" if len(code) >= 12 else ""
    n = lengths[level]
    return code[:n] if len(code) >= n else ""


def _covers_place(scope: Scope, level: str, code: str) -> bool:
    if scope.superuser:
        return True
    for role, held_level, held_code in scope.places:
        if role not in TICKET_READERS or held_level not in _DEPTH:
            continue
        if _DEPTH[held_level] <= _DEPTH[level] and _ancestor(code, held_level) == held_code:
            return True
    return False


def _department(code: str) -> Department | None:
    try:
        pk = int(code)
    except (TypeError, ValueError):
        return None
    return Department.objects.select_related("district").filter(pk=pk).first()


def _place_name(level: str, code: str) -> str | None:
    models: dict[str, Any] = {
        Level.DISTRICT: District,
        Level.SUBDISTRICT: Subdistrict,
        Level.COMMUNITY: Community,
        Level.GRID: Grid,
    }
    model = models[level]
    return model.objects.filter(code=code).values_list("name", flat=True).first()


def resolve(actor: Actor | None, level: str, code: str) -> str:
    """The name of the place or department, if it exists and the actor may see its figures; else 404.
    ``actor`` None is the system (commands, benchmarks), as in the services; views always pass the user."""
    level = clean_level(level)
    code = (code or "").strip()
    scope = scope_of(actor)
    if level == Level.DEPARTMENT:
        dep = _department(code)
        if dep is None:
            raise NotFound(gettext("部门不存在或无权查看"))
        if actor is not None and not (
            dep.pk in scope.department_ids or _covers_place(scope, Level.DISTRICT, dep.district.code)
        ):
            raise NotFound(gettext("部门不存在或无权查看"))
        return dep.name
    name = _place_name(level, code)
    if name is None or (actor is not None and not _covers_place(scope, level, code)):
        raise NotFound(gettext("区划不存在或无权查看"))
    return name


def default_place(actor: Actor | None) -> tuple[str, str]:
    """The widest place (or department) the actor may see, for the console's first view."""
    scope = scope_of(actor)
    best: tuple[int, str, str] | None = None
    for role, level, code in scope.places:
        if role in TICKET_READERS and level in _DEPTH:
            cand = (_DEPTH[level], level, code)
            best = cand if best is None or cand < best else best
    if best is not None:
        return best[1], best[2]
    if scope.superuser:
        first = District.objects.order_by("code").values_list("code", flat=True).first()
        if first:
            return Level.DISTRICT, first
    if scope.department_ids:
        return Level.DEPARTMENT, str(min(scope.department_ids))
    raise NotFound(gettext("您的账号没有可统计的区划或部门"))


def _filter(level: str, code: str) -> dict[str, Any]:
    if level == Level.DEPARTMENT:
        return {"department_id": int(code)}
    return {_FIELD[level]: code}


def field_of(level: str) -> str:
    """The column of the tickets and the daily rollup that holds a place of ``level`` (or the department)."""
    return _FIELD[level]


def _check_period(start: date, end: date) -> None:
    if start > end:
        raise field_error("end", gettext("结束日期不能早于开始日期"))
    if (end - start).days > 366 * 5:
        raise field_error("end", gettext("统计区间不能超过5年"))


# --- reads ------------------------------------------------------------------------------------------


def indicators_sum(level: str, code: str, start: date, end: date, name: str = "") -> Indicators:
    """Unscoped: the figures of one place or department (for the public overview and the scoped reads)."""
    _check_period(start, end)
    row = sums.totals(_filter(level, code), start, end)[""]
    counts = _sums(row)
    if level == Level.DEPARTMENT:
        counts.update(_received(sums.received(_filter(level, code), start, end).get(str(int(code)))))
    return Indicators(level=level, code=code, name=name, start=start, end=end, counts=counts)


def _received(row: dict[str, int] | None) -> dict[str, int]:
    """A department's workload in place of the rollup's report and close counters: the tickets it
    received in the period and the closed ones among them (sums.received)."""
    row = row or {}
    return {"reported": row.get("reported", 0), "closed": row.get("closed", 0), "declined": 0, "merged": 0}


@replica_reads
def indicators_for(*, actor: Actor | None, level: str, code: str, start: date, end: date) -> Indicators:
    name = resolve(actor, level, code)
    return indicators_sum(level, code, start, end, name)


def _children(level: str, code: str, by: str) -> list[tuple[str, str]]:
    """(code, name) of every child place (or department) of the parent, so silent ones show as zeros."""
    if by == Level.DEPARTMENT:
        district = code[:6] if level != Level.DEPARTMENT else ""
        return [
            (str(pk), name)
            for pk, name in Department.objects.filter(district__code=district)
            .order_by("code")
            .values_list("pk", "name")
        ]
    models: dict[str, Any] = {Level.SUBDISTRICT: Subdistrict, Level.COMMUNITY: Community, Level.GRID: Grid}
    model = models[by]
    parent_field = _FIELD[level]
    qs: Any
    if model is Subdistrict:
        qs = Subdistrict.objects.filter(district__code=code)
    elif model is Community:
        qs = Community.objects.filter(code__startswith=code[:6] if level == Level.DISTRICT else code[:9])
    else:
        qs = Grid.objects.filter(**{parent_field: code})
    return list(qs.order_by("code").values_list("code", "name"))


def clean_by(level: str, by: str) -> str:
    by = by or CHILD_LEVEL.get(level, "")
    if not by:
        raise field_error("by", gettext("该层级没有下级可供分组"))
    clean_level(by, "by")
    if level == Level.DEPARTMENT:
        raise field_error("by", gettext("部门不再按下级分组"))
    if by != Level.DEPARTMENT and _DEPTH[by] <= _DEPTH[level]:
        raise field_error("by", gettext("分组层级应低于所选层级"))
    return by


@replica_reads
def indicators_by_child(
    *,
    actor: Actor | None,
    level: str,
    code: str,
    start: date,
    end: date,
    by: str = "",
    sort: str = "on_time_rate",
) -> list[Indicators]:
    """The children of a place (its subdistricts, communities or grids, or the departments working in it),
    summed in one grouped query and ranked by ``sort``: rows with fewer than MIN_SAMPLE cases in the
    rate's denominator are listed after the ranked ones, unranked."""
    resolve(actor, level, code)
    by = clean_by(level, by)
    if sort not in RATES and sort not in STAT_FIELDS and sort != "avg_handling_hours":
        raise field_error("sort", gettext("排序指标不正确"))
    _check_period(start, end)
    per = sums.totals(_filter(level, code), start, end, by=_FIELD[by])
    got = sums.received(_filter(level, code), start, end) if by == Level.DEPARTMENT else {}
    out = []
    for c, n in _children(level, code, by):
        counts = _sums(per.get(c, _zero()))
        if by == Level.DEPARTMENT:
            counts.update(_received(got.get(c)))
        out.append(Indicators(level=by, code=c, name=n, start=start, end=end, counts=counts))
    return rank(out, sort)


def rank(rows: list[Indicators], sort: str) -> list[Indicators]:
    def measure(ind: Indicators) -> tuple[float | None, int]:
        if sort in RATES:
            r = ind.rate(sort)
            return (r.value if r.denominator >= MIN_SAMPLE else None), r.denominator
        if sort == "avg_handling_hours":
            handled = ind.counts["handled"]
            return (ind.avg_handling_hours if handled >= MIN_SAMPLE else None), handled
        return float(ind.counts[sort]), ind.counts[sort]

    lower = sort in LOWER_IS_BETTER or sort == "avg_handling_hours"
    measured = [(measure(i), i) for i in rows]
    ranked = [(m, i) for m, i in measured if m[0] is not None]
    rest = [(m, i) for m, i in measured if m[0] is None]
    ranked.sort(key=lambda mi: ((mi[0][0] if lower else -mi[0][0]), -mi[0][1], mi[1].code))  # type: ignore[operator]
    rest.sort(key=lambda mi: (-mi[0][1], mi[1].code))
    out: list[Indicators] = []
    for n, (_m, ind) in enumerate(ranked, start=1):
        ind.rank = n
        out.append(ind)
    for _m, ind in rest:
        ind.rank = None
        out.append(ind)
    return out


@replica_reads
def status_counts(level: str, code: str, start: date, end: date) -> dict[str, int]:
    """Tickets of a place or department reported in [start, end], by their status now."""
    return sums.status_counts(_filter(level, code), start, end)


@replica_reads
def overview_tickets() -> dict[str, Any]:
    """For /api/v1/overview (no login, aggregates only): this year's tickets by status and the rates."""
    start, end = this_year()
    codes = list(District.objects.values_list("code", flat=True))
    row = sums.totals({"district_code__in": codes}, start, end)[""]
    total = Indicators(
        level=Level.DISTRICT, code=",".join(codes), name="", start=start, end=end, counts=_sums(row)
    )
    by_status = sums.status_counts({"district_code__in": codes}, start, end)
    return {
        "this_year_by_status": by_status,
        "this_year_total": sum(by_status.values()),
        "on_time_rate": total.on_time_rate.as_dict(),
        "satisfaction_rate": total.satisfaction_rate.as_dict(),
        "closure_rate": total.closure_rate.as_dict(),
    }


@replica_reads
def reported_by_month(level: str, code: str, y: int) -> list[dict[str, Any]]:
    """Reported and closed per month of ``y`` (12 rows, one grouped query), for the console chart."""
    if level == Level.DEPARTMENT:
        per = sums.received_by_month(int(code), y)
    else:
        per = sums.by_month(_filter(level, code), y)
    return [{"month": m, **per.get(m, {"reported": 0, "closed": 0})} for m in range(1, 13)]


@replica_reads
def monthly(level: str, code: str, first: date, last: date, name: str = "") -> list[Indicators]:
    """Unscoped: one ``Indicators`` per month from the month of ``first`` to the month of ``last``, each the
    same as ``indicators_sum`` over that whole month, read in one grouped query (two for a department:
    its received tickets come from the tickets table, as in ``indicators_sum``)."""
    first, last = first.replace(day=1), last.replace(day=1)
    if first > last or (last.year - first.year) * 12 + last.month - first.month >= 60:
        raise field_error("end", "统计区间不能超过5年")
    per = sums.per_month(_filter(level, code), first, last)
    got = sums.received_per_month(int(code), first, last) if level == Level.DEPARTMENT else {}
    out: list[Indicators] = []
    m = first
    while m <= last:
        counts = _sums(per.get(m, {}))
        if level == Level.DEPARTMENT:
            counts.update(_received(got.get(m)))
        out.append(
            Indicators(
                level=level, code=code, name=name, start=m, end=month(m.year, m.month)[1], counts=counts
            )
        )
        m = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
    return out


__all__ = [
    "MIN_SAMPLE",
    "RATES",
    "Indicators",
    "Rate",
    "clean_period",
    "default_place",
    "indicators_by_child",
    "indicators_for",
    "indicators_sum",
    "month",
    "monthly",
    "quarter",
    "reported_by_month",
    "year",
]
