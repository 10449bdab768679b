"""The weekly warning run (矛盾纠纷排查预警) of one district at city scale: bench/city's generated city
(5,000,000 tickets over two years at ``--scale 1`` on PostgreSQL), the district with the most tickets,
``warnings_run`` for the latest week timed, and the plan of every rule's query checked for index use.

    python -m bench.mediation_warnings [--scale 1.0] [--sqlite] [--keep] [--db gz_city] [--quick]

The city's tickets carry no reporter household (the generator writes patrol, hotline and app reports by
place), so before timing, the district's tickets of the last 45 days are given the households of their
grids the way residents report (a few households several times, so that the rules have something to
find); that update is not timed. ``--quick`` is the small city on SQLite (``make bench-quick``). Prints
ONE JSON document; the target is under 10 s for the district at full size.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from collections.abc import Sequence
from typing import Any

TARGET_SECONDS = 10.0
TICKETS_TABLE = "tickets_ticket"


def _args(argv: Sequence[str] | None) -> Any:
    from bench import city

    argv = list(argv or [])
    quick = "--quick" in argv
    if quick and "--sqlite" not in argv and "--pg" not in " ".join(argv):
        argv = [*argv, "--sqlite"]
    if quick and "--scale" not in argv:
        argv = [*argv, "--scale", "0.001"]
    if "--generate-only" not in argv:
        argv.append("--generate-only")
    return city.parse_args(argv)


def _reporters(district_code: str, since: dt.datetime) -> int:
    """Households for the district's recent tickets (same grid; every 7th ticket of a grid from one
    household, so repeats exist). One UPDATE per grid batch in SQL: not part of the timing."""
    from django.db import connection

    if connection.vendor != "postgresql":  # the small city of --quick: a few thousand rows
        from gongzhi.places.models import Household
        from gongzhi.tickets.models import Ticket

        homes: dict[str, list[int]] = {}
        for pk, grid in (
            Household.objects.filter(district_code=district_code)
            .order_by("id")
            .values_list("id", "grid_code")
        ):
            if len(homes.setdefault(grid, [])) < 5:
                homes[grid].append(pk)
        rows = []
        for pk, grid in Ticket.objects.filter(district_code=district_code, created_at__gte=since).values_list(
            "id", "grid_code"
        ):
            if homes.get(grid):
                rows.append(
                    Ticket(pk=pk, household_id=homes[grid][0 if pk % 7 == 0 else pk % len(homes[grid])])
                )
        Ticket.objects.bulk_update(rows, ["household_id"], batch_size=1000)
        return len(rows)
    with connection.cursor() as cur:
        cur.execute(
            f"""
            WITH recent AS (
                SELECT t.id, t.grid_code, row_number() OVER (PARTITION BY t.grid_code ORDER BY t.id) AS n
                FROM {TICKETS_TABLE} t
                WHERE t.district_code = %s AND t.created_at >= %s
            ), homes AS (
                SELECT grid_code, id, k FROM (
                    SELECT h.grid_code, h.id, row_number() OVER (PARTITION BY h.grid_code ORDER BY h.id) AS k
                    FROM places_household h
                    WHERE h.district_code = %s
                ) ranked WHERE k <= 41
            )
            UPDATE {TICKETS_TABLE} t SET household_id = homes.id
            FROM recent JOIN homes ON homes.grid_code = recent.grid_code
                AND homes.k = CASE WHEN recent.n %% 7 = 0 THEN 1 ELSE 1 + (recent.n %% 40) END
            WHERE t.id = recent.id
            """,
            [district_code, since, district_code],
        )
        return cur.rowcount


def _nodes(node: dict[str, Any]) -> list[dict[str, Any]]:
    out = [node]
    for child in node.get("Plans", []):
        out.extend(_nodes(child))
    return out


def _plans(district_code: str, until: dt.datetime) -> dict[str, Any]:
    """EXPLAIN of each rule's aggregate: the indexes it uses and whether it scans the tickets table."""
    from django.db import connection

    from gongzhi.mediation import early_warning as ew
    from gongzhi.mediation.enums import NEIGHBOUR_CATEGORY
    from gongzhi.tickets.models import Ticket

    if connection.vendor != "postgresql":
        return {}
    from django.db.models import Count, Max, Q

    since = until - dt.timedelta(days=30)
    base = Ticket.objects.filter(district_code=district_code, created_at__gte=since, created_at__lt=until)
    queries = {
        "repeat_building": base.filter(household__isnull=False)
        .values("household__building_id")
        .annotate(n=Count("id"), c=Max("community_code")),
        "repeat_household": base.filter(household__isnull=False, household__building__isnull=True)
        .values("household_id")
        .annotate(n=Count("id")),
        "group": base.filter(household__isnull=False, category__isnull=False)
        .values("community_code", "category_id")
        .annotate(h=Count("household_id", distinct=True)),
        "neighbour_reopened": base.filter(category__code__startswith=NEIGHBOUR_CATEGORY).filter(
            Q(reopen_count__gt=0) | Q(satisfaction="dissatisfied")
        ),
    }
    out: dict[str, Any] = {}
    for name, qs in queries.items():
        plan = qs.explain(format="json")
        text = json.dumps(plan)
        nodes = _nodes(json.loads(plan)[0]["Plan"])
        seq = sorted({n.get("Relation Name", "") for n in nodes if n.get("Node Type") == "Seq Scan"})
        indexes = sorted({n["Index Name"] for n in nodes if "Index Name" in n})
        out[name] = {
            "indexes": indexes,
            "seq_scans": seq,
            "tickets_by_index": TICKETS_TABLE not in seq and any(i.startswith("ticket") for i in indexes),
            "plan_chars": len(text),
        }
    _ = ew  # the rules' module: the queries above are its queries
    return out


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from bench import city

    args = _args(argv)
    started = time.perf_counter()
    reused = city.open_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.db import connections
    from django.db.models import Count, Max
    from django.utils import timezone

    try:
        if reused is not None:
            city.migrate_reused(city.progress)
        reused or city.generate(args, city.progress)
        from gongzhi.mediation.models import DisputeWarning
        from gongzhi.mediation.services.registers import week_of
        from gongzhi.mediation.services.warnings import warnings_run
        from gongzhi.tickets.models import Ticket

        by_district = list(
            Ticket.objects.values("district_code")
            .annotate(n=Count("id"), last=Max("created_at"))
            .order_by("-n")[:1]
        )
        district = by_district[0]
        last: dt.datetime = district["last"]
        monday = week_of(timezone.localtime(last).date()) + dt.timedelta(days=7)
        until = dt.datetime.combine(monday, dt.time(0), tzinfo=timezone.get_current_timezone())
        t = time.perf_counter()
        reporters = _reporters(district["district_code"], until - dt.timedelta(days=45))
        setup_seconds = round(time.perf_counter() - t, 2)
        runs = []
        result: dict[str, int] = {}
        for _ in range(1 if args.quick else 3):
            t = time.perf_counter()
            result = warnings_run(actor=None, district_code=district["district_code"], week_start=monday)
            runs.append(round(time.perf_counter() - t, 3))
        plans = _plans(district["district_code"], until)
        out = {
            "benchmark": "mediation_warnings",
            "engine": connections["default"].vendor,
            "scale": args.scale,
            "tickets_total": Ticket.objects.count(),
            "district": district["district_code"],
            "district_tickets": district["n"],
            "week_start": str(monday),
            "tickets_given_households": reporters,
            "setup_seconds": setup_seconds,
            "run_seconds": runs,
            "first_run_seconds": runs[0],
            "target_seconds": TARGET_SECONDS,
            "within_target": max(runs) < TARGET_SECONDS,
            "warnings": result,
            "warnings_stored": DisputeWarning.objects.filter(district_code=district["district_code"]).count(),
            "plans": plans,
            "plans_use_indexes": all(p["tickets_by_index"] for p in plans.values()) if plans else None,
            "reused_database": reused is not None,
        }
    finally:
        if not args.keep and not args.sqlite:
            connections.close_all()
            from bench import tickets_run

            tickets_run.drop_database(args.pg, args.db)
    out["wall_seconds"] = round(time.perf_counter() - started, 1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    print(json.dumps(run(argv if argv is not None else sys.argv[1:]), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
