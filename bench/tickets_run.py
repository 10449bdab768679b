"""The steps of ``python -m bench.tickets``: the database, the load, intake over HTTP, reads, the report."""

from __future__ import annotations

import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from bench.ticket_http import Client, Server, drive
from bench.ticket_text import ASKS, details_for

BARE_PATH = "/bench/bare-ticket"
FLOOR_PATH = "/bench/floor-ticket"
INTAKE_PATH = "/api/v1/tickets"
LOG_DIR = Path(__file__).resolve().parent.parent / "var" / "bench"
FULL_TIMELINES_UP_TO = 50_000
TARGET_RATIO = 0.60  # intake requests/s ≥ 60% of the bare view's
TARGET_LIST_P95_MS = 50.0
TARGET_INDICATORS_MS = 200.0


# --- the database -------------------------------------------------------------------------------


def _admin(pg: str) -> psycopg.Connection:
    return psycopg.connect(f"{pg.rstrip('/')}/postgres", autocommit=True)


def prepare_database(pg: str, name: str, *, reuse: bool, tickets: int) -> dict[str, Any] | None:
    """A fresh database, or with ``reuse`` the one left by an earlier run with as many tickets (its
    stored metadata is returned then)."""
    if not name.replace("_", "").isalnum():
        raise SystemExit("--db: letters, digits and _ only")
    with _admin(pg) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if exists and reuse:
            with psycopg.connect(f"{pg.rstrip('/')}/{name}") as db:
                try:
                    row = db.execute("SELECT value FROM bench_meta WHERE key = 'load'").fetchone()
                except psycopg.Error:
                    row = None
            if row and row[0].get("tickets") == tickets:
                return row[0]
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return None


def drop_database(pg: str, name: str) -> None:
    with _admin(pg) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(dsn: str) -> dict[str, Any]:
    import django
    import gunicorn

    with psycopg.connect(dsn) as conn:
        server = conn.execute("SHOW server_version").fetchone()
    return {
        "cpu_count": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "django": django.get_version(),
        "psycopg": psycopg.__version__,
        "gunicorn": gunicorn.__version__,
        "postgres": server[0] if server else "",
    }


# --- the load -----------------------------------------------------------------------------------


def load(args: Any, dsn: str, log: Callable[[str], None]) -> dict[str, Any]:
    from django.core.management import call_command

    from bench.ticket_load import build_district, load_tickets

    t0 = time.perf_counter()
    call_command("migrate", verbosity=0)
    migrate = time.perf_counter() - t0
    log("building the district through the services …")
    t1 = time.perf_counter()
    built = build_district(progress=log)
    built.world.now = int(time.time())
    district = time.perf_counter() - t1
    log(f"loading {args.tickets:,} tickets with COPY …")
    # Every timeline for a CI-sized run (so the rollup can be checked against it), a sample at scale.
    every = 1 if args.tickets <= FULL_TIMELINES_UP_TO else 50
    loaded = load_tickets(dsn, built.world, args.tickets, seed=args.seed, event_every=every, progress=log)
    loaded["timelines"] = "all" if every == 1 else f"every {every}th ticket and the last 30 days"
    if every == 1:
        from gongzhi.tickets.rollup import differences

        diffs = differences()
        loaded["rollup_check"] = {
            "what": "gongzhi.tickets.rollup.differences(): DailyStat as loaded vs replayed from the timelines",
            "differences": len(diffs),
            "first": [str(d) for d in diffs[:3]],
        }
    loaded["seconds"] = {"migrate": round(migrate, 1), "district": round(district, 1), **loaded["seconds"]}
    loaded["seconds"]["total"] = round(migrate + district + loaded["seconds"]["total"], 1)
    meta = {
        "tickets": args.tickets,
        "logins": built.logins,
        "grids": {g.code: list(g.bbox) for g in built.world.grids},
        "categories": [c.code for c in built.world.categories],
        "places": built.counts,
        "load": loaded,
    }
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)")
        conn.execute(
            "INSERT INTO bench_meta VALUES ('load', %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [json.dumps(meta, ensure_ascii=False)],
        )
    return meta


def make_bare_table(dsn: str) -> None:
    from bench.urls_bare import BARE_TABLE

    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(f"DROP TABLE IF EXISTS {BARE_TABLE}")
        conn.execute(f"CREATE TABLE {BARE_TABLE} (LIKE tickets_ticket INCLUDING ALL)")


# --- intake -------------------------------------------------------------------------------------


def intake_bodies(meta: dict[str, Any], username: str, n: int, seed: int) -> list[dict[str, Any]]:
    """What a grid worker on patrol sends: a point in their grid, a category, a description."""
    from bench.ticket_text import ESTATES

    rng = random.Random(seed)
    grid = "370115" + username.removeprefix("wg-")
    x0, y0, x1, y1 = meta["grids"][grid]
    out = []
    for _ in range(n):
        code = rng.choice(meta["categories"])
        place = f"{rng.choice(ESTATES)}{rng.randint(1, 30)}号楼"
        out.append(
            {
                "description": f"{place}{rng.choice(details_for(code))}，{rng.choice(ASKS)}".rstrip("，"),
                "channel": "patrol",
                "category_code": code,
                "lng": round(rng.uniform(x0, x1), 6),
                "lat": round(rng.uniform(y0, y1), 6),
                "coord_system": "wgs84",
                "address": place,
                "grid_code": grid,  # the bare view cuts the place codes from it; intake locates the point
            }
        )
    return out


def queries_per_request(meta: dict[str, Any]) -> dict[str, Any]:
    """Database queries one intake request makes, in-process (Django's test client), and which."""
    from django.db import connection
    from django.test import Client as DjangoClient
    from django.test.utils import CaptureQueriesContext, override_settings

    from gongzhi.accounts.models import User

    username = meta["logins"]["grid_worker"][0]
    body = intake_bodies(meta, username, 2, seed=99)
    client = DjangoClient()
    client.force_login(User.objects.get(username=username))
    out: dict[str, Any] = {}
    with override_settings(ROOT_URLCONF="bench.urls_bare"):
        for key, path in (("intake", INTAKE_PATH), ("bare", BARE_PATH), ("floor", FLOOR_PATH)):
            client.post(path, json.dumps(body[0]), content_type="application/json")  # warm caches
            with CaptureQueriesContext(connection) as ctx:
                resp = client.post(path, json.dumps(body[1]), content_type="application/json")
            out[key] = {
                "status": resp.status_code,
                "queries": len(ctx.captured_queries),
                "statements": [q["sql"][:90] for q in ctx.captured_queries],
            }
    return out


def intake(args: Any, meta: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    from bench.ticket_load import PASSWORD

    server = Server(
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        env={"DATABASE_URL": os.environ["DATABASE_URL"]},
        log=LOG_DIR / "gunicorn.log",
    )
    log(f"starting {server.description} on port {args.port} …")
    server.start()
    try:
        workers = meta["logins"]["grid_worker"]
        intake_clients = []
        for k in range(args.concurrency):
            c = Client(args.port)
            c.login(workers[k % len(workers)], PASSWORD)
            intake_clients.append(c)
        bare_clients = [Client(args.port) for _ in range(args.concurrency)]
        per_thread = args.requests * (args.rounds + 2) // args.concurrency + 2
        bodies = [
            [
                json.dumps(b, ensure_ascii=False).encode()
                for b in intake_bodies(meta, workers[k % len(workers)], per_thread, args.seed + k)
            ]
            for k in range(args.concurrency)
        ]
        cursor = [0] * args.concurrency

        def make(path: str) -> Callable[[int, int], tuple[str, str, Any]]:
            def one(k: int, _i: int) -> tuple[str, str, Any]:
                cursor[k] = (cursor[k] + 1) % len(bodies[k])
                return "POST", path, bodies[k][cursor[k]]

            return one

        kinds = {
            "bare": (bare_clients, make(BARE_PATH)),
            "intake": (intake_clients, make(INTAKE_PATH)),
            # the least any signed-in report can cost here (bench/urls_bare.py), as a third reference
            "floor": (intake_clients, make(FLOOR_PATH)),
        }
        for clients, fn in kinds.values():  # warm-up: imports, the grid locator, connections
            drive(clients, fn, total=args.concurrency * 4, expect=201, time_limit=60)
        rounds: list[dict[str, Any]] = []
        for r in range(args.rounds):
            for name, (clients, fn) in kinds.items():
                res = drive(clients, fn, total=args.requests, expect=201, time_limit=90)
                res["kind"], res["round"] = name, r + 1
                rounds.append(res)
                log(f"  round {r + 1} {name}: {res['requests_per_second']} req/s")
        rss = server.worker_rss_mb()  # after the intake load, before any profiling
        profile = None
        if args.profile:
            profile = profile_worker(server, kinds["intake"], args)
    finally:
        server.stop()
        log("server stopped")
    return {**intake_summary(rounds, server.description, args.concurrency, profile), "worker_rss_mb": rss}


def intake_summary(
    rounds: list[dict[str, Any]], server: str, concurrency: int, profile: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Requests/s of each kind over all its rounds, and intake's share of bare (and the floor's, when
    the run had floor rounds)."""

    def rate(kind: str) -> float:
        mine = [r for r in rounds if r["kind"] == kind]
        seconds = sum(r["seconds"] for r in mine)
        return round(sum(r["requests"] for r in mine) / seconds, 1) if seconds else 0.0

    bare, full = rate("bare"), rate("intake")
    ratio = round(full / bare, 3) if bare else 0.0
    out: dict[str, Any] = {
        "server": server,
        "concurrency": concurrency,
        "bare_rps": bare,
        "intake_rps": full,
        "ratio": ratio,
        "target": TARGET_RATIO,
        "met": ratio >= TARGET_RATIO,
        "errors": sum(r["errors"] for r in rounds),
        "rounds": rounds,
    }
    if any(r["kind"] == "floor" for r in rounds):
        floor = rate("floor")
        out["floor"] = {
            "what": "bench/urls_bare.py floor_ticket: one query for who is asking, one statement for the "
            "ticket, its timeline row, its audit row and its rollup upserts; no validation, no ORM",
            "rps": floor,
            "ratio_to_bare": round(floor / bare, 3) if bare else 0.0,
            "intake_share_of_floor": round(full / floor, 3) if floor else 0.0,
        }
    if profile is not None:
        out["profile"] = profile
    return out


def profile_worker(server: Server, kind: tuple[list[Client], Any], args: Any) -> dict[str, Any]:
    """py-spy on one worker during an extra intake round: where the time goes, by our functions."""
    pids = server.worker_pids()
    if not pids:
        return {"error": "no worker found"}
    out_file = LOG_DIR / "intake-profile.txt"
    spy = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "py-spy"),
            "record", "--pid", str(pids[0]), "--format", "raw", "--rate", "250", "--duration", "600",
            "--output", str(out_file), "--nonblocking", "--gil",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    time.sleep(1.0)
    clients, fn = kind
    drive(clients, fn, total=min(args.requests, 400), expect=201, time_limit=60)
    spy.send_signal(2)  # SIGINT: py-spy writes what it has
    try:
        spy.wait(timeout=30)
    except subprocess.TimeoutExpired:
        spy.kill()
        return {"error": "py-spy did not stop"}
    if not out_file.exists():
        return {"error": "py-spy wrote nothing (ptrace not permitted?)"}
    from bench.ticket_profile import summarise

    return {"file": str(out_file), **summarise(out_file.read_text())}


# --- reads and the report -----------------------------------------------------------------------


def reads(args: Any, meta: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    from bench import ticket_reads
    from bench.ticket_load import PASSWORD
    from gongzhi.accounts.models import User

    roles = {r for _n, r, _q in ticket_reads.LIST_QUERIES}
    usernames = {role: meta["logins"][role][0] for role in roles}
    server = Server(
        port=args.port,
        workers=args.workers,
        threads=args.threads,
        env={"DATABASE_URL": os.environ["DATABASE_URL"]},
        log=LOG_DIR / "gunicorn.log",
    )
    server.start()
    try:
        clients = {}
        for role, username in usernames.items():
            clients[role] = Client(args.port)
            clients[role].login(username, PASSWORD)
        log("timing the inbox list over HTTP …")
        http = ticket_reads.list_over_http(clients, args.repeat)
    finally:
        server.stop()
    log("timing the inbox list through the selector …")
    users = {role: User.objects.get(username=u) for role, u in usernames.items()}
    selector = ticket_reads.list_through_selector(users, args.repeat)
    log("timing the indicators …")
    ind = ticket_reads.indicators(users["district_admin"], "370115", args.repeat)
    return {"list": list_summary(http, selector), "indicators": indicators_summary(ind)}


def _worst(results: dict[str, Any]) -> float:
    return max((r["p95_ms"] for r in results.values() if "p95_ms" in r), default=float("nan"))


def list_summary(http: dict[str, Any], selector: dict[str, Any]) -> dict[str, Any]:
    worst_http, worst_selector = _worst(http), _worst(selector)
    return {
        "page_size": 50,
        "http": http,
        "selector": selector,
        "worst_p95_ms_http": worst_http,
        "worst_p95_ms_selector": worst_selector,
        "target_p95_ms": TARGET_LIST_P95_MS,
        "met_http": worst_http <= TARGET_LIST_P95_MS,
        "met_selector": worst_selector <= TARGET_LIST_P95_MS,
    }


def indicators_summary(ind: dict[str, Any]) -> dict[str, Any]:
    return {**ind, "target_ms": TARGET_INDICATORS_MS, "met": ind["p95_ms"] <= TARGET_INDICATORS_MS}


def report(
    env: dict[str, Any], meta: dict[str, Any], reused: bool, intake_result: dict[str, Any], read: dict[str, Any],
    queries: dict[str, Any], mode: str,
) -> dict[str, Any]:  # fmt: skip
    """The one JSON document the bench prints."""
    load = meta["load"]
    return {
        "benchmark": "tickets",
        "mode": mode,
        "environment": env,
        "data": {
            "tickets": meta["tickets"],
            "places": meta["places"],
            "rows": load["rows"],
            "statuses": load["statuses"],
            "reused_database": reused,
            "load_seconds": load["seconds"],
            "indexes_rebuilt": load.get("indexes_rebuilt"),
            "timelines": load.get("timelines", ""),
            **({"rollup_check": load["rollup_check"]} if "rollup_check" in load else {}),
        },
        "intake": {**intake_result, "queries_per_request": queries},
        "list": read["list"],
        "indicators": read["indicators"],
        "targets": {
            "intake_ratio": {
                "target": f">= {TARGET_RATIO}",
                "measured": intake_result["ratio"],
                "met": intake_result["met"],
            },
            "list_p95_ms": {
                "target": f"<= {TARGET_LIST_P95_MS}",
                "measured_http": read["list"]["worst_p95_ms_http"],
                "measured_selector": read["list"]["worst_p95_ms_selector"],
                "met": read["list"]["met_http"],
            },
            "indicators_ms": {
                "target": f"<= {TARGET_INDICATORS_MS}",
                "measured_p95": read["indicators"]["p95_ms"],
                "source": read["indicators"]["indicators_source"],
                "met": read["indicators"]["met"],
            },
        },
    }


def run(
    args: Any, dsn: str, reused_meta: dict[str, Any] | None, log: Callable[[str], None]
) -> dict[str, Any]:
    env = environment(dsn)
    meta = reused_meta or load(args, dsn, log)
    make_bare_table(dsn)
    queries = queries_per_request(meta)
    intake_result = intake(args, meta, log)
    read = reads(args, meta, log)
    env["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    return report(
        env, meta, reused_meta is not None, intake_result, read, queries, "quick" if args.quick else "full"
    )
