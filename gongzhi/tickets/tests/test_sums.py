"""The coarse rollups (``MonthlyStat``, ``StatusCount``) answer exactly what the daily rows and the tickets
table answer, for every period shape; they are kept by the moves and rebuilt from the records."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Sum
from django.utils import timezone

from gongzhi.tickets import indicators as ind
from gongzhi.tickets import rollup, sums
from gongzhi.tickets.enums import Level
from gongzhi.tickets.models import STAT_FIELDS, DailyStat, MonthlyStat, StatusCount, Ticket
from gongzhi.tickets.tests.test_indicators import build_varied, check_november

D = date


def test_split_into_months_and_days():
    P = sums.Plan
    assert sums.split(D(2026, 11, 1), D(2026, 11, 30)) == P(months=(D(2026, 11, 1),))
    assert sums.split(D(2026, 1, 1), D(2026, 12, 31)).months == tuple(D(2026, m, 1) for m in range(1, 13))
    # Half a month or less at an edge: its days. More: the month minus the days left out.
    assert sums.split(D(2026, 10, 15), D(2026, 12, 2)) == P(
        months=(D(2026, 10, 1), D(2026, 11, 1)),
        plus=((D(2026, 12, 1), D(2026, 12, 2)),),
        minus=((D(2026, 10, 1), D(2026, 10, 14)),),
    )
    assert sums.split(D(2025, 12, 2), D(2026, 12, 2)) == P(
        months=(D(2025, 12, 1), *(D(2026, m, 1) for m in range(1, 12))),
        plus=((D(2026, 12, 1), D(2026, 12, 2)),),
        minus=((D(2025, 12, 1), D(2025, 12, 1)),),
    )
    assert sums.split(D(2026, 11, 2), D(2026, 11, 4)) == P(plus=((D(2026, 11, 2), D(2026, 11, 4)),))
    assert sums.split(D(2026, 11, 2), D(2026, 11, 29)) == P(
        months=(D(2026, 11, 1),),
        minus=((D(2026, 11, 1), D(2026, 11, 1)), (D(2026, 11, 30), D(2026, 11, 30))),
    )
    # February of a leap year ends on the 29th.
    assert sums.split(D(2028, 2, 1), D(2028, 2, 29)) == P(months=(D(2028, 2, 1),))
    assert sums.split(D(2028, 2, 1), D(2028, 2, 28)) == P(
        months=(D(2028, 2, 1),), minus=((D(2028, 2, 29), D(2028, 2, 29)),)
    )


def _daily(filters: dict, start: date, end: date, by: str | None = None) -> dict[str, dict[str, int]]:
    """The reference: the daily rows alone."""
    qs = DailyStat.objects.filter(**filters, day__gte=start, day__lte=end)
    agg = {f: Sum(f) for f in STAT_FIELDS}
    if by is None:
        row = qs.aggregate(**agg)
        return {"": {f: int(row[f] or 0) for f in STAT_FIELDS}}
    return {
        str(r[by]): {f: int(r[f] or 0) for f in STAT_FIELDS} for r in qs.values(by).annotate(**agg).order_by()
    }


def _by_status(filters: dict, start: date, end: date) -> dict[str, int]:
    """The reference: the tickets table grouped."""
    tz = timezone.get_current_timezone()
    rows = (
        Ticket.objects.filter(
            **filters,
            created_at__gte=datetime.combine(start, time.min, tzinfo=tz),
            created_at__lt=datetime.combine(end + timedelta(days=1), time.min, tzinfo=tz),
        )
        .values("status")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {r["status"]: r["n"] for r in rows}


PERIODS = [
    (D(2026, 11, 1), D(2026, 11, 30)),
    (D(2026, 10, 1), D(2026, 12, 31)),
    (D(2026, 10, 15), D(2026, 11, 20)),
    (D(2026, 11, 2), D(2026, 11, 4)),
    (D(2026, 9, 30), D(2026, 12, 1)),
    (D(2026, 11, 3), D(2026, 11, 3)),
    (D(2026, 11, 3), D(2026, 11, 30)),
    (D(2026, 10, 2), D(2026, 11, 9)),
    (D(2025, 12, 2), D(2026, 12, 2)),
]


def test_every_path_gives_the_daily_figures(district):
    build_varied(district)
    assert MonthlyStat.objects.exists() and StatusCount.objects.exists()
    t = Ticket.objects.exclude(grid_code="").order_by("id").first()
    assert t is not None and district.department is not None
    places: list[dict[str, Any]] = [
        {"district_code": "370115"},
        {"district_code__in": ["370115", "370112"]},
        {"subdistrict_code": t.subdistrict_code},
        {"community_code": t.community_code},
        {"grid_code": t.grid_code},  # daily only
        {"department_id": district.department.pk},  # daily only
    ]
    for filters in places:
        for start, end in PERIODS:
            got = sums.totals(filters, start, end)
            assert got == _daily(filters, start, end), (filters, start, end)
        assert any(sums.totals(filters, *PERIODS[0])[""].values()), filters
    groupings: list[tuple[dict[str, Any], str]] = [
        ({"district_code": "370115"}, "subdistrict_code"),
        ({"district_code": "370115"}, "community_code"),
        ({"subdistrict_code": t.subdistrict_code}, "community_code"),
        ({"community_code": t.community_code}, "grid_code"),
        ({"district_code": "370115"}, "department_id"),
    ]
    for filters, by in groupings:
        for start, end in PERIODS:
            assert sums.totals(filters, start, end, by=by) == _daily(filters, start, end, by), (by, start)
    # Status counts: from StatusCount when the period is whole months, else grouped; the same either way.
    for filters in places[:4]:
        for start, end in [(D(2026, 11, 1), D(2026, 11, 30)), (D(2026, 10, 1), D(2026, 12, 31))]:
            assert sums.status_counts(filters, start, end) == _by_status(filters, start, end)
    assert sum(sums.status_counts(places[0], D(2026, 10, 1), D(2026, 12, 31)).values()) == 8
    # The month chart: monthly rows for places, daily for a grid.
    months = ind.reported_by_month(Level.DISTRICT, "370115", 2026)
    assert [m["reported"] for m in months][9:11] == [1, 7]
    grid_months = ind.reported_by_month(Level.GRID, t.grid_code, 2026)
    year = _daily({"grid_code": t.grid_code}, D(2026, 1, 1), D(2026, 12, 31))[""]
    assert sum(m["reported"] for m in grid_months) == year["reported"] > 0
    check_november(district)


def test_status_counts_follow_every_move_and_the_check_catches_drift(district):
    build_varied(district)
    assert rollup.coarse_differences() == []
    out = StringIO()
    call_command("tickets_rollup", "--check", stdout=out)
    assert "一致" in out.getvalue()

    row = MonthlyStat.objects.filter(reported__gt=0).first()
    assert row is not None
    MonthlyStat.objects.filter(pk=row.pk).update(reported=row.reported + 2)
    sc = StatusCount.objects.filter(tickets__gt=0).first()
    assert sc is not None
    StatusCount.objects.filter(pk=sc.pk).update(tickets=sc.tickets - 1)
    diffs = rollup.coarse_differences()
    assert {d[0] for d in diffs} == {"monthly", "status"}
    with pytest.raises(CommandError, match="月统计和状态计数 2 行"):
        call_command("tickets_rollup", "--check", stdout=StringIO())

    call_command("tickets_rollup", "--rebuild", stdout=StringIO())
    assert rollup.coarse_differences() == []
    check_november(district)

    # Wiped and rebuilt from the records alone: the same rows.
    before_m, before_s = rollup.stored_monthly(), rollup.stored_status()
    MonthlyStat.objects.all().delete()
    StatusCount.objects.all().delete()
    rollup.rebuild_coarse()
    assert rollup.stored_monthly() == before_m and rollup.stored_status() == before_s


def test_overview_reads_the_coarse_rows(district):
    build_varied(district)
    today = timezone.localdate()
    out = ind.overview_tickets()
    start = date(today.year, 1, 1)
    assert out["this_year_by_status"] == _by_status({}, start, today)
    assert out["this_year_total"] == sum(_by_status({}, start, today).values())
