"""The one-map (一张图) over HTTP: p95 of the page and of each layer endpoint, at the district level (its
admin) and at a community (one of its workers), on the database it runs on (the demo, or a city).

    GONGZHI_VAR_DIR=var .venv/bin/python -m bench.cockpit_map [--quick] [--runs 30] [--port 18830]

A gunicorn server (bench/ticket_http.py: gthread, keep-alive, DEBUG off) on the same database; the two
accounts are the first active district admin and community worker found, signed in by a session written
here (no password needed). The tickets layer is asked twice: clustered (zoom 12) and as points (zoom 17,
no box: the newest ``MAX_POINTS``). Reads only. Prints one JSON document; the target is p95 ≤ 300 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

TARGET_MS = 300.0


def city_args(rest: list[str], quick: bool) -> Any:
    """bench.city's arguments, as bench/mediation_warnings.py builds them: kept, generated only."""
    from bench import city

    argv = [*rest, "--keep", "--generate-only"]
    if quick:
        argv.append("--quick")
        if "--sqlite" not in argv and "--pg" not in argv:
            argv.append("--sqlite")
        if "--scale" not in argv:
            argv += ["--scale", "0.001"]
    return city.parse_args(argv)


def _open_city(rest: list[str], *, quick: bool) -> dict[str, Any] | None:
    from bench import city

    return city.open_database(city_args(rest, quick))


def _accounts() -> dict[str, tuple[Any, str]]:
    """level → (user, place code): the first active district admin and community worker."""
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.core.roles import Role

    out = {}
    for level, role in (("district", Role.DISTRICT_ADMIN), ("community", Role.COMMUNITY_WORKER)):
        ra = (
            RoleAssignment.objects.filter(role=role, level=level, active=True, user__is_active=True)
            .select_related("user")
            .order_by("id")
            .first()
        )
        if ra is None:
            raise SystemExit(f"no active {role} on this database: seed it first (manage.py seed_demo)")
        out[level] = (ra.user, ra.place_code)
    return out


def _session_cookie(user: Any) -> str:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client.cookies["sessionid"].value


def _paths(place: str) -> dict[str, str]:
    from gongzhi.cockpit.selectors.map_layers import LAYERS

    out = {"page": f"/console/cockpit/map/?place={place}"}
    for layer in LAYERS:
        base = f"/console/cockpit/map/layers/{layer}/?place={place}"
        if layer == "tickets":
            out["tickets_clusters"] = base + "&zoom=12"
            out["tickets_points"] = base + "&zoom=17"
        else:
            out[layer] = base
    return out


def _measure(port: int, cookie: str, path: str, runs: int) -> dict[str, Any]:
    import http.client

    from bench.ticket_http import HOST, percentile

    conn = http.client.HTTPConnection(HOST, port, timeout=60)
    headers = {"Cookie": f"sessionid={cookie}", "Accept": "application/json"}
    times, sizes, statuses = [], [], set()
    for i in range(runs + 1):
        start = time.perf_counter()
        conn.request("GET", path, headers=headers)
        resp = conn.getresponse()
        body = resp.read()
        elapsed = (time.perf_counter() - start) * 1000
        statuses.add(resp.status)
        if i:  # the first request warms the worker (URLconf, templates): not counted
            times.append(elapsed)
            sizes.append(len(body))
    conn.close()
    features = None
    if path.startswith("/console/cockpit/map/layers/") and statuses == {200}:
        features = len(json.loads(body)["features"])
    return {
        "status": sorted(statuses),
        "p50_ms": round(percentile(times, 50), 1),
        "p95_ms": round(percentile(times, 95), 1),
        "bytes": max(sizes),
        **({"features": features} if features is not None else {}),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.cockpit_map", description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="10 requests per endpoint (CI, on the demo)")
    p.add_argument("--runs", type=int, default=0, help="requests per endpoint (default 30; 10 quick)")
    p.add_argument("--port", type=int, default=18830)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument(
        "--city",
        action="store_true",
        help="on bench/city's database, kept or generated (the rest of the arguments go to bench.city: "
        "--scale, --pg, --sqlite; --quick alone is the small SQLite city)",
    )
    args, rest = p.parse_known_args(argv)
    runs = args.runs or (10 if args.quick else 30)
    reused = _open_city(rest, quick=args.quick) if args.city else None
    os.environ["DJANGO_SETTINGS_MODULE"] = os.environ.get("DJANGO_SETTINGS_MODULE") or "config.settings"
    import django

    django.setup()
    if args.city:
        from bench import city

        if reused is not None:
            city.migrate_reused(city.progress)
        else:
            city.generate(city_args(rest, args.quick), city.progress)
    from django.db import connection

    from bench.ticket_http import Server

    accounts = _accounts()
    cookies = {level: _session_cookie(user) for level, (user, _place) in accounts.items()}
    env = {k: os.environ[k] for k in ("DATABASE_URL", "GONGZHI_VAR_DIR", "SQLITE_PATH") if k in os.environ}
    log_dir = Path(__file__).resolve().parent.parent / "var" / "bench"
    server = Server(port=args.port, workers=args.workers, threads=2, env=env, log=log_dir / "cockpit-map.log")
    print(f"starting {server.description} on port {args.port} …", file=sys.stderr, flush=True)
    server.start(timeout=240)  # a loaded machine: Django and the URLconf take a while to import
    levels: dict[str, Any] = {}
    try:
        for level, (user, place) in accounts.items():
            print(f"{level} {place} …", file=sys.stderr, flush=True)
            levels[level] = {
                "user": user.username,
                "place": place,
                "endpoints": {
                    name: _measure(args.port, cookies[level], path, runs)
                    for name, path in _paths(place).items()
                },
            }
    finally:
        server.stop()
    worst = max(e["p95_ms"] for lv in levels.values() for e in lv["endpoints"].values())
    ok = all(e["status"] == [200] for lv in levels.values() for e in lv["endpoints"].values())
    out = {
        "bench": "cockpit_map",
        "database": connection.vendor,
        "on": "city" if args.city else "the configured database (the demo)",
        "server": server.description,
        "runs_per_endpoint": runs,
        "levels": levels,
        "worst_p95_ms": worst,
        "target_p95_ms": TARGET_MS,
        "within_target": ok and worst <= TARGET_MS,
        "all_200": ok,
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
