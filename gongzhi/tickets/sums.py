"""Where the indicators' sums come from: the coarsest rollup that answers the question exactly.

A community, subdistrict, district or the whole city reads the months of its period from
``MonthlyStat`` (a row per community and month) and at most half a month of days at each edge from
``DailyStat`` (``split``); a grid or a department reads ``DailyStat`` (the monthly rows have neither). "Tickets by status" reads ``StatusCount`` when the period starts on the first of a month and
ends on a month's last day or today (nothing is reported after today), else groups the tickets table.
Every path returns the same numbers; the tests compare them on the same records.

A department's workload is the tickets it received (``received``): those it leads now (``Ticket.department``,
set by a dispatch to it), reported in the period, and of those the closed ones. The rollups count a report
before any department has it, so they cannot say this; the tickets table, through its department index, can.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from gongzhi.tickets.enums import HANDLING, OPEN
from gongzhi.tickets.models import STAT_FIELDS, DailyStat, MonthlyStat, StatusCount, Ticket

# The place columns MonthlyStat and StatusCount have (filters and groupings on these can use them).
COARSE = frozenset({"district_code", "subdistrict_code", "community_code"})


def _last_day(d: date) -> date:
    return d.replace(day=calendar.monthrange(d.year, d.month)[1])


@dataclass(frozen=True)
class Plan:
    """How to read a period: the whole months from ``MonthlyStat``, plus the ``plus`` day ranges and
    minus the ``minus`` day ranges from ``DailyStat``."""

    months: tuple[date, ...] = ()
    plus: tuple[tuple[date, date], ...] = ()
    minus: tuple[tuple[date, date], ...] = ()


def split(start: date, end: date) -> Plan:
    """Month by month: a month the period covers whole is read as its monthly rows; a month covered in
    part is read as the days covered, or, when those are more than the days left out, as the month minus
    the days left out (the counters add up, so both are exact; the second reads fewer daily rows)."""
    months: list[date] = []
    plus: list[tuple[date, date]] = []
    minus: list[tuple[date, date]] = []
    m = start.replace(day=1)
    while m <= end:
        last = _last_day(m)
        a, b = max(start, m), min(end, last)
        covered, length = (b - a).days + 1, (last - m).days + 1
        if covered == length:
            months.append(m)
        elif length - covered < covered:
            months.append(m)
            if a > m:
                minus.append((m, a - timedelta(days=1)))
            if b < last:
                minus.append((b + timedelta(days=1), last))
        else:
            plus.append((a, b))
        m = last + timedelta(days=1)
    return Plan(tuple(months), tuple(plus), tuple(minus))


def _coarse(filters: dict[str, Any], by: str | None) -> bool:
    return all(k.split("__")[0] in COARSE for k in filters) and (by is None or by in COARSE)


def totals(
    filters: dict[str, Any], start: date, end: date, by: str | None = None
) -> dict[str, dict[str, int]]:
    """The counters over [start, end] of the rows matching ``filters`` (column lookups), summed per value
    of the column ``by`` (or under the key "" without ``by``)."""
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(STAT_FIELDS, 0))
    sums = {f: Sum(f) for f in STAT_FIELDS}
    plan = split(start, end) if _coarse(filters, by) else Plan(plus=((start, end),))

    def add(qs: Any, sign: int) -> None:
        rows = qs.values(by).annotate(**sums).order_by() if by else [qs.aggregate(**sums)]
        for row in rows:
            into = out[str(row[by]) if by else ""]
            for f in STAT_FIELDS:
                into[f] += sign * int(row.get(f) or 0)

    if plan.months:
        add(MonthlyStat.objects.filter(**filters, month__in=plan.months), 1)
    for ranges, sign in ((plan.plus, 1), (plan.minus, -1)):
        if ranges:
            when = Q()
            for s, e in ranges:
                when |= Q(day__gte=s, day__lte=e)
            add(DailyStat.objects.filter(when, **filters), sign)
    if not by:
        return {"": out.get("", dict.fromkeys(STAT_FIELDS, 0))}
    return {k: v for k, v in out.items() if any(v.values())}  # as if summed from the days alone


def by_month(filters: dict[str, Any], year: int) -> dict[int, dict[str, int]]:
    """Reported and closed per month of ``year`` (one grouped query)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    if _coarse(filters, None):
        qs: Any = MonthlyStat.objects.filter(**filters, month__gte=start, month__lte=end).annotate(
            m=ExtractMonth("month")
        )
    else:
        qs = DailyStat.objects.filter(**filters, day__gte=start, day__lte=end).annotate(m=ExtractMonth("day"))
    rows = qs.values("m").annotate(reported=Sum("reported"), closed=Sum("closed")).order_by()
    return {int(r["m"]): {"reported": int(r["reported"] or 0), "closed": int(r["closed"] or 0)} for r in rows}


def _period(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return datetime.combine(start, time.min, tzinfo=tz), datetime.combine(
        end + timedelta(days=1), time.min, tzinfo=tz
    )


def received(filters: dict[str, Any], start: date, end: date) -> dict[str, dict[str, int]]:
    """Per department (its id as text): the tickets it leads that were reported in [start, end]
    (``reported``) and how many of them are closed (``closed``), among the tickets matching ``filters``."""
    since, until = _period(start, end)
    rows = (
        Ticket.objects.filter(
            **filters, department_id__isnull=False, created_at__gte=since, created_at__lt=until
        )
        .values("department_id")
        .annotate(reported=Count("id"), closed=Count("id", filter=Q(status="closed")))
        .order_by()
    )
    return {str(r["department_id"]): {"reported": r["reported"], "closed": r["closed"]} for r in rows}


def received_by_month(department_id: int, year: int) -> dict[int, dict[str, int]]:
    """A department's received tickets per report month of ``year``, and the closed ones among them."""
    since, until = _period(date(year, 1, 1), date(year, 12, 31))
    rows = (
        Ticket.objects.filter(department_id=department_id, created_at__gte=since, created_at__lt=until)
        .annotate(m=ExtractMonth("created_at"))
        .values("m")
        .annotate(reported=Count("id"), closed=Count("id", filter=Q(status="closed")))
        .order_by()
    )
    return {int(r["m"]): {"reported": r["reported"], "closed": r["closed"]} for r in rows}


def status_counts(filters: dict[str, Any], start: date, end: date) -> dict[str, int]:
    """Tickets reported in [start, end] by their status now."""
    whole = start.day == 1 and (end == _last_day(end) or end >= timezone.localdate())
    if whole and _coarse(filters, None):
        rows = (
            StatusCount.objects.filter(**filters, month__gte=start, month__lte=end.replace(day=1))
            .values("status")
            .annotate(n=Sum("tickets"))
            .order_by()
        )
        return {r["status"]: int(r["n"]) for r in rows if r["n"]}
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, time.min, tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz)
    grouped = (
        Ticket.objects.filter(**filters, created_at__gte=since, created_at__lt=until)
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["status"]: r["n"] for r in grouped}


def _month_key(y: Any, m: Any) -> date:
    return date(int(y), int(m), 1)


def per_month(filters: dict[str, Any], first: date, last: date) -> dict[date, dict[str, int]]:
    """Every counter per local month from the month of ``first`` to the month of ``last`` (keys: the
    first day of each month), in one grouped query: ``MonthlyStat`` where the filters allow it, else the
    days of ``DailyStat``. Each month's row equals ``totals`` over that whole month."""
    first, last = first.replace(day=1), _last_day(last)
    sums = {f: Sum(f) for f in STAT_FIELDS}
    qs: Any
    if _coarse(filters, None):
        qs = MonthlyStat.objects.filter(**filters, month__gte=first, month__lte=last).annotate(
            y=ExtractYear("month"), m=ExtractMonth("month")
        )
    else:
        qs = DailyStat.objects.filter(**filters, day__gte=first, day__lte=last).annotate(
            y=ExtractYear("day"), m=ExtractMonth("day")
        )
    rows = qs.values("y", "m").annotate(**sums).order_by()
    return {_month_key(r["y"], r["m"]): {f: int(r[f] or 0) for f in STAT_FIELDS} for r in rows}


def received_per_month(department_id: int, first: date, last: date) -> dict[date, dict[str, int]]:
    """A department's received tickets (and the closed ones among them) per local report month from the
    month of ``first`` to the month of ``last``: ``received`` month by month, in one grouped query."""
    since, until = _period(first.replace(day=1), _last_day(last))
    tz = timezone.get_current_timezone()
    rows = (
        Ticket.objects.filter(department_id=department_id, created_at__gte=since, created_at__lt=until)
        .annotate(y=ExtractYear("created_at", tzinfo=tz), m=ExtractMonth("created_at", tzinfo=tz))
        .values("y", "m")
        .annotate(reported=Count("id"), closed=Count("id", filter=Q(status="closed")))
        .order_by()
    )
    return {_month_key(r["y"], r["m"]): {"reported": r["reported"], "closed": r["closed"]} for r in rows}


def open_by_age(
    filters: dict[str, Any], bands: list[tuple[datetime | None, datetime]], now: datetime
) -> list[tuple[int, int]]:
    """Open tickets matching ``filters`` per band of report time (``since`` inclusive, None: no lower
    end; ``until`` exclusive): how many, and how many of them are overdue (handling, past the deadline).
    One aggregate query."""
    late = Q(status__in=sorted(HANDLING), deadline__lt=now)
    agg: dict[str, Any] = {}
    for i, (since, until) in enumerate(bands):
        when = Q(created_at__lt=until) & (Q(created_at__gte=since) if since is not None else Q())
        agg[f"n{i}"] = Count("id", filter=when)
        agg[f"l{i}"] = Count("id", filter=when & late)
    row = Ticket.objects.filter(**filters, status__in=sorted(OPEN)).aggregate(**agg)
    return [(int(row[f"n{i}"] or 0), int(row[f"l{i}"] or 0)) for i in range(len(bands))]
