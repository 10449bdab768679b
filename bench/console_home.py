"""The console home (工作台) of a role, cold and warm, on an existing database (the demo district).

    GONGZHI_VAR_DIR=var .venv/bin/python -m bench.console_home [--user district_admin] [--runs 5] [--top 8] [--quick]

"Cold" is the first home page of a fresh process (after one sign-in page loaded the URL configuration):
no cache, no compiled home template, no warmed selector; "warm" the median of the following runs.
Prints JSON: the timings, the query count and time per request, and the slowest queries of the cold
request (their SQL cut short), so a slow home can be traced to its selector. Reads only; the demo database must exist (``make run`` or
``manage.py seed_demo``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from typing import Any


def _request(client: Any) -> tuple[float, list[dict[str, Any]], int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        start, cpu = time.perf_counter(), time.process_time()
        response = client.get("/console/")
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    return elapsed, list(ctx.captured_queries), response.status_code, cpu


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", default="district_admin", help="the username on the demo (demo_logins)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--top", type=int, default=8)
    parser.add_argument("--quick", action="store_true", help="two warm runs, the five slowest queries")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.top = 2, 5
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.test import Client

    from gongzhi.accounts.models import User

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    user = User.objects.get(username=args.user)
    client = Client()
    client.force_login(user)
    # The URL configuration and middleware are loaded by any first request: the sign-in page (which sends
    # a signed-in user on) pays for them, so "cold" is the home's own first time, with nothing cached.
    client.get("/console/login/")
    cold, queries, status, cold_cpu = _request(client)
    warm = [_request(client) for _ in range(max(1, args.runs))]
    slow = sorted(queries, key=lambda q: float(q["time"]), reverse=True)[: args.top]
    out = {
        "bench": "console_home",
        "user": args.user,
        "status": status,
        "cold_ms": round(cold * 1000, 1),
        # CPU time of this process (Python and SQLite alike): what the page costs whatever else the machine
        # runs; on a busy shared machine the wall clock above can be several times larger
        "cold_cpu_ms": round(cold_cpu * 1000, 1),
        "cold_queries": len(queries),
        "cold_sql_ms": round(sum(float(q["time"]) for q in queries) * 1000, 1),
        "warm_ms_median": round(statistics.median(w[0] for w in warm) * 1000, 1),
        "warm_cpu_ms_median": round(statistics.median(w[3] for w in warm) * 1000, 1),
        "warm_queries": len(warm[-1][1]),
        "slowest_cold_queries": [
            {"ms": round(float(q["time"]) * 1000, 1), "sql": q["sql"][:240]} for q in slow
        ],
    }
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return out


if __name__ == "__main__":
    main()
