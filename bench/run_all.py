"""Every benchmark, one JSON document: ``make bench`` (full) and ``make bench-quick`` (CI, ~4 minutes).

    python -m bench.run_all [--quick] [--pg postgres://postgres@127.0.0.1:5432] [--city-scale 1.0]
                            [--keep-city] [--only point_to_grid,deadlines,tickets,cobuild_plan,venues_circle,
                                           points_ledger,devices_events,city,care_overdue,
                                           mediation_warnings,routing_city,cockpit,cockpit_map]

Each benchmark is called as a function (its ``main(argv)``, or ``bench.city.run``) in a fresh process of
its own (spawned: each sets Django up with its own database), its JSON collected, and a ``summary`` made
of the figures that have a target or a baseline measured in the same run: intake vs the bare INSERT view,
inbox and person search p95, the city's indicators, import vs raw COPY, point-to-grid vs brute force,
server memory per worker. Progress goes to stderr.

Full: point-to-grid at 20,000 grids, the tickets bench at 1,000,000 tickets, the city on PostgreSQL at
``--city-scale`` (default 1: 10M persons, 5M tickets; generation alone takes most of an hour on 2 cores,
``--keep-city`` reuses it). Quick: the same code at CI sizes, the city on SQLite at 1/1000.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import multiprocessing
import os
import platform
import sys
import time
from collections.abc import Callable, Sequence
from typing import Any


def _captured(module: str, argv: list[str]) -> dict[str, Any]:
    """``module.main(argv)`` with its stdout captured and parsed (the benches print one JSON document)."""
    import importlib

    main: Callable[[list[str]], int] = importlib.import_module(module).main
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf):
        code = main(argv)
    out = json.loads(buf.getvalue())
    if code:
        out["exit_code"] = code
    return out


def _deadlines(argv: list[str]) -> dict[str, Any]:
    """The calendar reads the holiday tables: a migrated SQLite file of the bench's own."""
    from pathlib import Path

    path = Path(__file__).resolve().parent.parent / "var" / "bench" / "deadlines.sqlite3"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.environ.pop("DATABASE_URL", None)
    os.environ["SQLITE_PATH"] = str(path)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return _captured("bench.deadlines", argv)


def _city(argv: list[str]) -> dict[str, Any]:
    from bench import city

    return city.run(city.parse_args(argv))


def _in_child(fn: Callable[[list[str]], dict[str, Any]], argv: list[str]) -> dict[str, Any]:
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        return pool.apply(fn, (argv,))


def plan(args: argparse.Namespace) -> list[tuple[str, Callable[[list[str]], dict[str, Any]], list[str]]]:
    q = args.quick
    city_argv = (
        ["--sqlite", "--scale", str(args.city_scale or 0.001), "--quick", "--port", str(args.port)]
        if q
        else ["--scale", str(args.city_scale or 1.0), "--pg", args.pg, "--port", str(args.port)]
    )
    if args.keep_city:
        city_argv.append("--keep")
    tickets_argv = ["--pg", args.pg, "--db", args.tickets_db, "--port", str(args.port + 1)] + (
        ["--quick"] if q else []
    )
    return [
        ("point_to_grid", _in_child_target("bench.point_to_grid"),
         ["--grids", "20000", "--points", "20000" if q else "100000", "--sample", "200" if q else "500"]),
        ("deadlines", _deadlines, ["--n", "5000" if q else "20000"]),
        ("cobuild_plan", _in_child_target("bench.cobuild_plan"), ["--needs", "2000", "--resources", "1000"] if q else []),
        ("venues_circle", _in_child_target("bench.venues_circle"), ["--households", "20000", "--venues", "200"] if q else []),
        ("points_ledger", _in_child_target("bench.points_ledger"), ["--quick"] if q else []),
        ("devices_events", _in_child_target("bench.devices_events"), ["--quick"] if q else []),
        ("tickets", _in_child_target("bench.tickets"), tickets_argv),
        ("city", _city, city_argv),
        ("care_overdue", _in_child_target("bench.care_overdue"),
         ["--sqlite", "--scale", "0.001", "--quick"] if q
         else ["--pg", args.pg, "--db", "gz_city_care"] + (["--keep"] if args.keep_city else [])),
        # after the city: --keep reuses its database (the small SQLite city in quick mode)
        ("mediation_warnings", _in_child_target("bench.mediation_warnings"),
         ["--quick", "--keep"] if q else ["--scale", str(args.city_scale or 1.0), "--pg", args.pg, "--keep"]),
        ("routing_city", _in_child_target("bench.routing_city"),
         ["--quick", "--keep"] if q else ["--scale", str(args.city_scale or 1.0), "--pg", args.pg, "--keep"]),
        # the cockpit's page, API and big-screen data per level over HTTP, on a fresh SQLite demo district
        ("cockpit", _in_child_target("bench.cockpit"), ["--quick"] + ([] if q else ["--scale", "0.1"])),
        # the one-map's layers over HTTP on the same kept city (the small SQLite one in quick mode)
        ("cockpit_map", _in_child_target("bench.cockpit_map"),
         ["--quick", "--city", "--port", str(args.port + 20)] if q
         else ["--city", "--scale", str(args.city_scale or 1.0), "--pg", args.pg, "--port", str(args.port + 20)]),
    ]  # fmt: skip


def _in_child_target(module: str) -> Callable[[list[str]], dict[str, Any]]:
    return _Captured(module)


class _Captured:
    """Picklable ``_captured(module, argv)`` for the spawned child."""

    def __init__(self, module: str) -> None:
        self.module = module

    def __call__(self, argv: list[str]) -> dict[str, Any]:
        return _captured(self.module, argv)


def summary(results: dict[str, Any]) -> dict[str, Any]:
    """The figures with a target or a same-run baseline, each with its ratio and whether it is met."""
    out: dict[str, Any] = {}
    p2g = results.get("point_to_grid", {})
    if "locate_many" in json.dumps(p2g):
        out["point_to_grid"] = {k: p2g[k] for k in p2g if k not in ("sample_answers",)}
    t = results.get("tickets", {})
    if "intake" in t:
        i = t["intake"]
        out["intake_vs_bare_insert"] = {
            "concurrency": i["concurrency"], "bare_rps": i["bare_rps"], "intake_rps": i["intake_rps"],
            "ratio": i["ratio"], "target": ">= 0.6", "met": i["met"],
            **({"floor_rps": i["floor"]["rps"], "floor_ratio": i["floor"]["ratio_to_bare"]} if "floor" in i else {}),
        }  # fmt: skip
        out["tickets_bench_inbox_p95_ms"] = t["targets"]["list_p95_ms"]
        out["server_memory_after_intake_mb"] = i.get("worker_rss_mb")
    c = results.get("city", {})
    if "targets" in c:
        out["city"] = {
            "database": c["generation"]["database"],
            "persons": c["generation"]["rows"]["persons"],
            "tickets": c["generation"]["rows"]["tickets"],
            "generation_seconds": c["generation"]["seconds"]["total"],
            **c["targets"],
            "indicators_p95_ms": {k: v["p95_ms"] for k, v in c["indicators"]["levels"].items()},
            "import_rows_per_second": {
                "xlsx": c["population_import"]["xlsx"]["rows_per_second"],
                "raw_copy": c["population_import"].get("raw_copy", {}).get("rows_per_second"),
                "csv": c["population_import"]["csv"],
            },
            "server_memory_after_list_and_search_mb": c["server_memory"]["worker_rss_mb"],
        }
    d = results.get("deadlines", {})
    if "working_days" in d:
        out["deadlines"] = {"working_days_per_second": d["working_days"]["per_second"],
                            "ratio_vs_find_workday": d["working_days"]["ratio_vs_baseline"], "agree": d["agree"]}  # fmt: skip
    cp = results.get("cobuild_plan", {})
    if "plan" in cp:
        out["cobuild_plan"] = {"seconds": cp["plan"]["seconds"], "target_seconds": cp["target_seconds"],
                               "plan_ge_greedy": cp["plan_ge_greedy"]}  # fmt: skip
    mw = results.get("mediation_warnings", {})
    if "run_seconds" in mw:
        out["mediation_warnings"] = {"engine": mw["engine"], "district_tickets": mw["district_tickets"],
                                     "seconds": max(mw["run_seconds"]), "target_seconds": mw["target_seconds"],
                                     "met": mw["within_target"], "plans_use_indexes": mw["plans_use_indexes"]}  # fmt: skip
    cm = results.get("cockpit_map", {})
    if "worst_p95_ms" in cm:
        out["cockpit_map"] = {"database": cm["database"], "worst_p95_ms": cm["worst_p95_ms"],
                              "target_ms": cm["target_p95_ms"], "met": cm["within_target"]}  # fmt: skip
    rc = results.get("routing_city", {})
    if "ms_p95" in rc:
        out["duplicate_lookup"] = {"engine": rc["engine"], "tickets": rc["tickets_total"], "ms_p95": rc["ms_p95"],
                                   "target_ms": rc["target_ms"], "met": rc["within_target"]}  # fmt: skip
    ck = results.get("cockpit", {})
    if "levels" in ck:
        out["cockpit"] = {"engine": ck["engine"], "worst_p95_ms": ck["worst_p95_ms"],
                          "target_ms": ck["target_p95_ms"], "met": ck["within_target"]}  # fmt: skip
    return out


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="CI sizes (about 4 minutes)")
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--city-scale", type=float, default=None)
    p.add_argument("--keep-city", action="store_true", help="keep (and reuse) the city database")
    p.add_argument("--port", type=int, default=18810, help="the city server's port; tickets' is +1")
    p.add_argument("--tickets-db", default="gz_city_tickets", help="the tickets bench's database (dropped)")
    p.add_argument("--only", default="", help="comma-separated benchmark names")
    return p.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    only = {s for s in args.only.split(",") if s}
    started = time.perf_counter()
    results: dict[str, Any] = {}
    seconds: dict[str, float] = {}
    for name, fn, bench_argv in plan(args):
        if only and name not in only:
            continue
        print(f"== {name} {' '.join(bench_argv)}", file=sys.stderr, flush=True)
        t = time.perf_counter()
        try:
            results[name] = _in_child(fn, bench_argv)
        except Exception as exc:  # one failing bench is reported, the others still run
            results[name] = {"error": f"{type(exc).__name__}: {exc}"}
        seconds[name] = round(time.perf_counter() - t, 1)
    doc = {
        "benchmark": "all",
        "mode": "quick" if args.quick else "full",
        "environment": {
            "cpu_count": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "seconds": {**seconds, "total": round(time.perf_counter() - started, 1)},
        "summary": summary(results),
        "results": results,
    }
    print(json.dumps(doc, ensure_ascii=False, indent=2))
    return 1 if any("error" in r for r in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
