"""A district's ticket indicators for a year, summed from the rollups, at a given ticket volume.

    python -m bench.ticket_indicators [--tickets 1000000] [--repeat 7]

Fills ``DailyStat`` inside a transaction that is rolled back at the end (the database is left as it was)
with the rollup that N tickets in one year over the district's grids would leave in the worst case: a row
for every day × grid × (no department + each department that had a dispatched ticket there that day),
and the monthly rollup from it (``rollup.rebuild_coarse``), which a whole year reads.
Then times ``indicators_sum`` for the district and the year, and ``indicators_by_child`` by subdistrict,
and prints one JSON document with the timings (ms), the number of rows summed and the query plan
(PostgreSQL: EXPLAIN ANALYZE). Needs the places (``seed_demo``) or it invents 247 grids' codes.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any


def _setup() -> None:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()


class _Rollback(Exception):
    pass


def _grids() -> list[tuple[str, str, str]]:
    from gongzhi.places.models import Grid

    grids = [(g.code, g.community_code, g.subdistrict_code) for g in Grid.objects.all()]
    if grids:
        return grids
    out = []
    for g in range(247):
        sub = f"370115{(g % 16) % 3 + 1:03d}000"
        comm = sub[:9] + f"{g % 16 + 1:03d}"
        out.append((comm + f"{g // 16 + 1:03d}", comm, sub))
    return out


def _places() -> None:
    """An empty database gets a throwaway district with 3 subdistricts (rolled back with the rest)."""
    from gongzhi.places.models import District, Subdistrict

    if District.objects.exists():
        return
    district = District.objects.create(code="370115", name="基准区")
    for i in range(1, 4):
        Subdistrict.objects.create(district=district, code=f"370115{i:03d}000", name=f"街道{i}")


def _fill_pg(tickets: int, year: int, grids: list[tuple[str, str, str]], departments: int, per: float) -> int:
    from django.db import connection

    sql = """
        INSERT INTO tickets_dailystat (day, district_code, subdistrict_code, community_code, grid_code,
          department_id, reported, accepted, declined, merged, dispatched, returned, escalated, handled,
          handling_seconds, due, on_time, verifications, reworked, callbacks, satisfied, closed)
        SELECT d::date, left(g.grid, 6), g.sub, g.comm, g.grid, dep,
          CASE WHEN dep = 0 THEN %(reported)s ELSE 0 END, CASE WHEN dep = 0 THEN %(accepted)s ELSE 0 END,
          0, 0, CASE WHEN dep = 0 THEN %(dispatched)s ELSE 1 END, 0, CASE WHEN dep = 0 THEN %(escalated)s ELSE 0 END,
          1, 108000, 1, 1, 1, 0, CASE WHEN dep = 0 THEN %(callbacks)s ELSE 0 END,
          CASE WHEN dep = 0 THEN %(satisfied)s ELSE 0 END, CASE WHEN dep = 0 THEN %(closed)s ELSE 0 END
        FROM generate_series(%(start)s::date, %(end)s::date, '1 day') d,
             unnest(%(grid)s::text[], %(comm)s::text[], %(sub)s::text[]) AS g(grid, comm, sub),
             generate_series(0, %(deps)s) dep
    """
    params: dict[str, Any] = {
        "reported": round(per),
        "accepted": round(per * 0.95),
        "dispatched": round(per * 0.6),
        "escalated": round(per * 0.4),
        "callbacks": round(per * 0.5),
        "satisfied": round(per * 0.45),
        "closed": round(per * 0.9),
        "start": date(year, 1, 1),
        "end": date(year, 12, 31),
        "grid": [g[0] for g in grids],
        "comm": [g[1] for g in grids],
        "sub": [g[2] for g in grids],
        "deps": departments,
    }
    with connection.cursor() as c:
        c.execute(sql, params)
        return c.rowcount


def _fill(tickets: int, year: int, n_days: int = 366) -> int:
    from django.db import connection

    from gongzhi.tickets.models import DailyStat

    grids = _grids()
    days = [
        date(year, 1, 1) + timedelta(days=i) for i in range((date(year + 1, 1, 1) - date(year, 1, 1)).days)
    ]
    days = days[:n_days]
    per = tickets / len(days) / len(grids)  # tickets per grid and day
    departments = min(6, max(0, round(per * 0.4 + 0.49)))
    if connection.vendor == "postgresql" and n_days >= len(days):
        return _fill_pg(tickets, year, grids, departments, per)
    rows = []
    n = 0
    for d in days:
        for grid, comm, sub in grids:
            base = {"day": d, "district_code": grid[:6], "subdistrict_code": sub, "community_code": comm}
            rows.append(
                DailyStat(
                    **base,
                    grid_code=grid,
                    department_id=0,
                    reported=round(per),
                    accepted=round(per * 0.95),
                    declined=round(per * 0.03),
                    dispatched=round(per * 0.6),
                    escalated=round(per * 0.4),
                    handled=round(per * 0.6),
                    handling_seconds=round(per * 0.6 * 30 * 3600),
                    due=round(per * 0.6),
                    on_time=round(per * 0.5),
                    verifications=round(per * 0.6),
                    callbacks=round(per * 0.5),
                    satisfied=round(per * 0.45),
                    closed=round(per * 0.9),
                )
            )
            for dep in range(1, departments + 1):
                rows.append(
                    DailyStat(
                        **base, grid_code=grid, department_id=dep, dispatched=1, handled=1, due=1, on_time=1
                    )
                )
            if len(rows) >= 20000:
                DailyStat.objects.bulk_create(rows, batch_size=5000)
                n += len(rows)
                rows = []
    DailyStat.objects.bulk_create(rows, batch_size=5000)
    return n + len(rows)


def run(tickets: int, repeat: int, days: int = 366) -> dict:
    from django.db import connection, transaction
    from django.db.models import Sum

    from gongzhi.tickets import indicators as ind
    from gongzhi.tickets.models import STAT_FIELDS, DailyStat

    year = 2026
    start, end = ind.year(year)
    out: dict = {"benchmark": "ticket_indicators", "vendor": connection.vendor, "tickets": tickets}
    try:
        with transaction.atomic():
            DailyStat.objects.filter(day__gte=start, day__lte=end).delete()
            _places()
            t0 = time.perf_counter()
            out["rows"] = _fill(tickets, year, days)
            out["fill_seconds"] = round(time.perf_counter() - t0, 1)
            t0 = time.perf_counter()
            from gongzhi.tickets.rollup import rebuild_coarse

            # The monthly rows those days make (what the services keep beside them): a whole year of a
            # district is read from them.
            out["monthly_rows"], _statuses = rebuild_coarse()
            out["monthly_seconds"] = round(time.perf_counter() - t0, 1)
            with connection.cursor() as c:
                c.execute("ANALYZE tickets_dailystat" if connection.vendor == "postgresql" else "ANALYZE")
            district = _grids()[0][0][:6]
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                total = ind.indicators_sum("district", district, start, end)
                times.append((time.perf_counter() - t0) * 1000)
            out["district_year_ms"] = {
                "median": round(statistics.median(times), 1),
                "min": round(min(times), 1),
            }
            out["reported"] = total.counts["reported"]
            times = []
            for _ in range(repeat):
                t0 = time.perf_counter()
                ind.indicators_by_child(actor=None, level="district", code=district, start=start, end=end)
                times.append((time.perf_counter() - t0) * 1000)
            out["by_subdistrict_ms"] = {
                "median": round(statistics.median(times), 1),
                "min": round(min(times), 1),
            }
            qs = DailyStat.objects.filter(district_code=district, day__gte=start, day__lte=end)
            sql, params = (
                qs.values("district_code")
                .annotate(**{k: Sum(k) for k in STAT_FIELDS})
                .query.sql_with_params()
            )
            if connection.vendor == "postgresql":
                with connection.cursor() as c:
                    c.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    out["plan"] = [r[0] for r in c.fetchall()]
                    # Rows of a single day: where the (district_code, day) index matters most.
                    c.execute(
                        "EXPLAIN SELECT SUM(reported) FROM tickets_dailystat WHERE district_code = %s "
                        "AND day BETWEEN %s AND %s",
                        [district, start, start + timedelta(days=30)],
                    )
                    out["plan_month"] = [r[0] for r in c.fetchall()]
            if hasattr(os, "getloadavg"):
                out["load_average"] = [round(x, 1) for x in os.getloadavg()]
            raise _Rollback
    except _Rollback:
        pass
    out["target_ms"] = 200
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--days", type=int, default=366, help="fill only the first N days (quick runs)")
    args = parser.parse_args(argv)
    _setup()
    print(json.dumps(run(args.tickets, args.repeat, args.days), ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
