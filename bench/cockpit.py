"""The cockpit's speed: the p95 of the cockpit page, its figures API and the big screen's data at each
level (district, subdistrict, community, grid) over HTTP (a gunicorn server, bench/ticket_http.py: gthread,
keep-alive, DEBUG off; the queries of each URL counted once through Django's test client), on the
database it is given.

    GONGZHI_VAR_DIR=var .venv/bin/python -m bench.cockpit [--runs 20] [--places 5] [--no-rebuild]
    .venv/bin/python -m bench.cockpit --quick          # a fresh SQLite demo (seed_demo --scale 0.01)
    .venv/bin/python -m bench.cockpit --pg postgres://…/db

First the rollup is rebuilt from the records (``cockpit.services.rollup_rebuild``, timed: the nightly job),
then for up to ``--places`` places of each level every URL is asked ``--runs`` times by a district admin
(an account holding the district_admin role, or a superuser made for the run). Target: p95 ≤ 300 ms per
request (issue 26). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

TARGET_MS = 300.0
URLS = {
    "page": "/console/cockpit/",
    "api": "/api/v1/cockpit/figures",
    "screen_data": "/console/cockpit/screen/data/",
}


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def _setup(args: argparse.Namespace) -> str:
    if args.quick or args.pg:
        from bench._db import fresh_database

        engine = fresh_database("cockpit", args.pg)
        from django.core.management import call_command

        t = time.perf_counter()
        with open(os.devnull, "w") as quiet:
            call_command("seed_demo", "--scale", str(args.scale), "--seed", "7", stdout=quiet)
        args.seed_seconds = round(time.perf_counter() - t, 1)
        return engine
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    return connection.vendor


def _admin() -> tuple[Any, str]:
    """The first active district admin and their district's code (or a superuser made for the run, and
    no code: every place)."""
    from gongzhi.accounts.models import RoleAssignment, User
    from gongzhi.core.roles import Role

    ra = (
        RoleAssignment.objects.filter(role=Role.DISTRICT_ADMIN, active=True, user__is_active=True)
        .select_related("user")
        .order_by("id")
        .first()
    )
    if ra is not None:
        return ra.user, ra.place_code
    user, _ = User.objects.get_or_create(username="bench-cockpit", defaults={"is_superuser": True})
    return user, ""


def _places(n: int, within: str = "") -> dict[str, list[str]]:
    """Up to ``n`` places of each level inside ``within`` (a district's code; "" for all)."""
    from gongzhi.places.models import Community, District, Grid, Subdistrict

    out = {}
    for level, model in (
        ("district", District),
        ("subdistrict", Subdistrict),
        ("community", Community),
        ("grid", Grid),
    ):
        qs = model.objects.filter(code__startswith=within) if within else model.objects.all()
        out[level] = list(qs.order_by("code").values_list("code", flat=True)[:n])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="requests per place and URL")
    parser.add_argument("--places", type=int, default=5, help="places per level")
    parser.add_argument("--no-rebuild", action="store_true", help="read the rollup as it is")
    parser.add_argument("--quick", action="store_true", help="a fresh SQLite demo district (scale 0.01)")
    parser.add_argument("--scale", type=float, default=0.01, help="the demo's scale with --quick or --pg")
    parser.add_argument("--pg", default="", help="a PostgreSQL database to flush and seed the demo into")
    parser.add_argument("--port", type=int, default=18840)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    args.seed_seconds = None
    engine = _setup(args)
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from bench.cockpit_map import _measure, _session_cookie
    from bench.ticket_http import Server
    from gongzhi.cockpit.models import FigureRollup
    from gongzhi.cockpit.services import rollup_rebuild

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    rebuild: dict[str, Any] = {}
    if not args.no_rebuild:
        t = time.perf_counter()
        out = rollup_rebuild(actor=None)
        rebuild = {"seconds": round(time.perf_counter() - t, 2), **out}
    admin, district = _admin()
    places = _places(args.places, district)
    # the queries of each URL, counted once per place through the test client (same views, no socket)
    client = Client()
    client.force_login(admin)
    queries: dict[tuple[str, str], int] = {}
    for level, codes in places.items():
        for name, url in URLS.items():
            for code in codes:
                connection.queries_log.clear()  # a full log (9,000 after the rebuild) counts nothing
                with CaptureQueriesContext(connection) as ctx:
                    response = client.get(url, {"place": code})
                assert response.status_code == 200, (url, code, response.status_code)
                queries[(level, name)] = max(queries.get((level, name), 0), len(ctx.captured_queries))
    cookie = _session_cookie(admin)
    env = {k: os.environ[k] for k in ("DATABASE_URL", "GONGZHI_VAR_DIR", "SQLITE_PATH") if k in os.environ}
    log_dir = Path(__file__).resolve().parent.parent / "var" / "bench"
    server = Server(port=args.port, workers=args.workers, threads=2, env=env, log=log_dir / "cockpit.log")
    print(f"starting {server.description} on port {args.port} …", file=sys.stderr, flush=True)
    server.start(timeout=240)
    levels: dict[str, Any] = {}
    worst = 0.0
    all_200 = True
    try:
        for level, codes in places.items():
            if not codes:
                continue
            per_url: dict[str, Any] = {}
            for name, url in URLS.items():
                runs = [
                    _measure(args.port, cookie, f"{url}?place={code}", max(1, args.runs)) for code in codes
                ]
                all_200 = all_200 and all(r["status"] == [200] for r in runs)
                p95 = max(r["p95_ms"] for r in runs)
                worst = max(worst, p95)
                per_url[name] = {
                    "p50_ms_median_place": round(statistics.median(r["p50_ms"] for r in runs), 1),
                    "p95_ms_worst_place": p95,
                    "max_queries": queries.get((level, name), 0),
                    "requests": len(runs) * max(1, args.runs),
                }
            levels[level] = {"places": len(codes), **per_url}
    finally:
        server.stop()
    result = {
        "bench": "cockpit",
        "engine": engine,
        "server": server.description,
        "demo_seed_seconds": args.seed_seconds,
        "rollup_rows": FigureRollup.objects.count(),
        "rebuild": rebuild,
        "levels": levels,
        "target_p95_ms": TARGET_MS,
        "worst_p95_ms": round(worst, 1),
        "all_200": all_200,
        "within_target": all_200 and worst <= TARGET_MS,
    }
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0 if all_200 else 1


if __name__ == "__main__":
    sys.exit(main())
