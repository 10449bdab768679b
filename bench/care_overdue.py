"""The overdue-visit list of a district at city scale: 10 M persons, 300 k of them in care groups.

    python -m bench.care_overdue [--scale 1.0] [--sqlite] [--keep] [--db gz_city] [--quick]

Reuses the city of ``bench/city.py`` (generated with one ticket only when it is not kept already: the
tickets are not what this measures), then writes the care memberships with COPY (``--members``, default
300,000 × scale): persons picked evenly across the city, each in an open group (and 2 % in a need-to-know
one), entered up to 400 days ago, last visited or not, the due day computed by ``care.enums.due_after``.
Then, as a district admin of the district with the most members, it times
``care.selectors.overdue_list_for_actor`` (the 200 longest-overdue, with person and carer) and
``overdue_counts_for_actor`` (the district's overdue per grid), and prints the plan of the list query:
it must be an index range on ``care_due_district_idx``, not a scan. Target: under 2 s on PostgreSQL.
Prints ONE JSON document.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

TARGET_SECONDS = 2.0


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    from bench.city import SQLITE_PATH

    p = argparse.ArgumentParser(prog="python -m bench.care_overdue", description=__doc__.splitlines()[0])
    p.add_argument(
        "--scale", type=float, default=None, help="fraction of the full city (default 1; sqlite 0.01)"
    )
    p.add_argument("--sqlite", action="store_true")
    p.add_argument("--sqlite-path", default=str(SQLITE_PATH.with_name("care_city.sqlite3")))
    p.add_argument("--keep", action="store_true", help="keep (and reuse) the city")
    p.add_argument("--quick", action="store_true", help="fewer timed calls")
    p.add_argument("--members", type=int, default=None, help="care memberships (default 300,000 × scale)")
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="gz_city", help="PostgreSQL database (a gz_city* name)")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    a.scale = a.scale or (0.01 if a.sqlite else 1.0)
    a.members = a.members or max(100, round(300_000 * a.scale))
    # what bench.city's generator reads
    a.tickets, a.resume_tickets, a.generate_only, a.only, a.port, a.seconds = 1, False, True, None, 0, ""
    return a


def _mix(n: int) -> int:
    """A fixed pseudo-random number from ``n`` (the same city every run)."""
    n = (n ^ 0x9E3779B9) * 0x85EBCA6B & 0xFFFFFFFF
    return (n ^ (n >> 13)) * 0xC2B2AE35 & 0xFFFFFFFF


def load_members(members: int, today: dt.date, log: Any) -> dict[str, Any]:
    """COPY the memberships (skipped when the table already holds them)."""
    from django.db import connection

    from bench import city_load as cl
    from gongzhi.care.enums import DEFAULT_FREQUENCY, OPEN_GROUPS, SENSITIVE_GROUPS, Frequency, due_after

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM care_caremembership")
        have = cur.fetchone()[0]
        if have >= members:
            return {"care_members": have, "loaded": False}
        cur.execute("DELETE FROM care_caremembership")
        cur.execute("SELECT count(*), max(id) FROM people_person")
        persons, max_id = cur.fetchone()
    step = max(1, persons // members)
    t = time.perf_counter()
    sensitive = sorted(SENSITIVE_GROUPS)
    now = dt.datetime.now(dt.UTC)

    def rows() -> Any:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT id, district_code, subdistrict_code, community_code, grid_code FROM people_person "
                "WHERE id %% %s = 0 ORDER BY id LIMIT %s",
                [step, members],
            )
            for pid, dcode, scode, ccode, gcode in cur.fetchall():
                h = _mix(pid)
                group = sensitive[h % 2] if h % 50 == 0 else OPEN_GROUPS[h % len(OPEN_GROUPS)]
                frequency = DEFAULT_FREQUENCY.get(group, Frequency.MONTHLY)
                entered = today - dt.timedelta(days=30 + h % 400)
                # most are visited lately; some never, some long ago
                last = None if h % 7 == 0 else today - dt.timedelta(days=(h >> 8) % (45 if h % 5 else 120))
                last = last if last is None or last >= entered else entered
                due = due_after(last or entered, frequency)
                yield (
                    now, now, dcode, scode, ccode, gcode, pid, group, group in SENSITIVE_GROUPS, entered,
                    "城市规模基准", None, "", None, frequency, 1, last, due, "active",
                )  # fmt: skip

    columns = [
        "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code",
        "person_id", "group", "sensitive", "entered_on", "entry_reason", "exited_on", "exit_reason", "carer_id",
        "frequency", "risk_level", "last_visited_on", "due_on", "status",
    ]  # fmt: skip
    if connection.vendor == "postgresql":
        sink: Any = cl.PgSink(os.environ["DATABASE_URL"])
        columns = [f'"{c}"' if c == "group" else c for c in columns]
        n = sink.copy("care_caremembership", columns, rows())
        sink.conn.commit()
        sink.execute("ANALYZE care_caremembership")
        sink.conn.commit()
        sink.close()
    else:
        sink = cl.DjangoSink()
        columns = [f'"{c}"' if c == "group" else c for c in columns]
        n = sink.copy("care_caremembership", columns, rows())
        sink.execute("ANALYZE")
    log(f"care memberships: {n} in {time.perf_counter() - t:.1f} s (max person id {max_id})")
    return {"care_members": n, "loaded": True, "load_seconds": round(time.perf_counter() - t, 1)}


def _timed(fn: Any, repeat: int) -> dict[str, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return {
        "first_ms": round(runs[0] * 1000, 1),
        "median_ms": round(statistics.median(runs) * 1000, 1),
        "max_ms": round(max(runs) * 1000, 1),
    }


def measure(args: argparse.Namespace, today: dt.date) -> dict[str, Any]:
    from django.db import connection

    from gongzhi.accounts.models import User
    from gongzhi.care import selectors
    from gongzhi.care.models import CareMembership

    with connection.cursor() as cur:
        cur.execute(
            "SELECT district_code, count(*) FROM care_caremembership GROUP BY district_code ORDER BY 2 DESC LIMIT 1"
        )
        district, in_district = cur.fetchone()
        cur.execute("SELECT count(*) FROM people_person")
        persons = cur.fetchone()[0]
    actor = User.objects.get(username=f"qu-{district}")
    repeat = 3 if args.quick else 10
    listed: list[Any] = []
    counts: list[Any] = []
    list_t = _timed(
        lambda: listed.__setitem__(slice(None), selectors.overdue_list_for_actor(actor=actor, today=today)),
        repeat,
    )
    count_t = _timed(
        lambda: counts.__setitem__(
            slice(None), [selectors.overdue_counts_for_actor(actor=actor, today=today)]
        ),
        repeat,
    )
    qs = (
        CareMembership.objects.filter(
            district_code__in=[district], status="active", sensitive=False, due_on__lt=today
        )
        .select_related("person", "carer")
        .order_by("due_on", "id")[:200]
    )
    plan = qs.explain(analyze=True) if connection.vendor == "postgresql" else qs.explain()
    index_used = "care_due_district_idx" in plan
    worst = max(list_t["max_ms"], count_t["max_ms"]) / 1000
    return {
        "database": connection.vendor,
        "persons": persons,
        "district": district,
        "members_in_district": in_district,
        "overdue_in_district": counts[0].total if counts else 0,
        "listed": len(listed),
        "overdue_list": list_t,
        "overdue_counts_per_grid": count_t,
        "index_used": index_used,
        "plan": plan.splitlines()[:12],
        "target_seconds": TARGET_SECONDS,
        "within_target": worst < TARGET_SECONDS and index_used,
    }


def run(args: argparse.Namespace) -> dict[str, Any]:
    from bench import city

    started = time.perf_counter()
    reused = city.open_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from django.utils import timezone

    if reused is not None:
        city.migrate_reused(city.progress)
    meta = reused or city.generate(args, city.progress)
    today = timezone.localdate()
    out: dict[str, Any] = {
        "benchmark": "care_overdue",
        "scale": args.scale,
        "city_reused": reused is not None,
        "city_seconds": meta.get("seconds", {}),
    }
    out.update(load_members(args.members, today, city.progress))
    out.update(measure(args, today))
    if not args.keep and not args.sqlite:
        from django.db import connections

        connections.close_all()
        from bench import tickets_run

        tickets_run.drop_database(args.pg, args.db)
    out["wall_seconds"] = round(time.perf_counter() - started, 1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    out = run(args)
    print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
    return 0 if out["within_target"] else 1


if __name__ == "__main__":
    sys.exit(main())
