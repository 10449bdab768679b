"""Tickets at scale on PostgreSQL: intake through the HTTP API against a bare INSERT view, the scoped
inbox list, and a district's indicators, with 1,000,000 tickets loaded.

    python -m bench.tickets [--tickets 1000000] [--quick] [--concurrency 16] [--reuse] [--profile]

Needs PostgreSQL (``--pg``, default postgres://postgres@127.0.0.1:5432) and gunicorn (``pip install -e
".[bench]"``). It creates its own database (``--db``, default gongzhi_bench), migrates it, builds the demo
district's places and one account per role through the services, COPYs the tickets (bench/ticket_load.py),
starts gunicorn on 127.0.0.1 (``--port``), drives it with a keep-alive load client, times the list and the
indicators, drops the database (unless ``--reuse``) and prints ONE JSON document on stdout; progress goes
to stderr. ``--quick`` (20,000 tickets, fewer requests) takes about two minutes (2.5 on a loaded 2-core box).

Targets (issue 3): intake ≥ 60% of the bare baseline's requests/s; list p95 ≤ 50 ms; indicators ≤ 200 ms.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import time
from collections.abc import Sequence


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.tickets", description=__doc__.splitlines()[0])
    p.add_argument("--tickets", type=int, default=None, help="tickets to load (default 1000000; quick 20000)")
    p.add_argument("--quick", action="store_true", help="CI-sized: 20000 tickets, fewer requests")
    p.add_argument("--concurrency", type=int, default=16, help="client threads (default 16)")
    p.add_argument(
        "--requests", type=int, default=None, help="requests per round and kind (default 800; quick 150)"
    )
    p.add_argument(
        "--rounds", type=int, default=None, help="alternating bare/intake rounds (default 3; quick 2)"
    )
    p.add_argument(
        "--repeat", type=int, default=None, help="timed calls per list query (default 40; quick 6)"
    )
    p.add_argument(
        "--workers", type=int, default=os.cpu_count() or 2, help="gunicorn workers (default: cpus)"
    )
    p.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="gongzhi_bench", help="the bench's own database (created and dropped)")
    p.add_argument("--reuse", action="store_true", help="keep the database, and reuse it if already loaded")
    p.add_argument("--profile", action="store_true", help="py-spy one worker during an extra intake round")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args(argv)
    a.tickets = a.tickets or (20_000 if a.quick else 1_000_000)
    a.requests = a.requests or (150 if a.quick else 800)
    a.rounds = a.rounds or (2 if a.quick else 3)
    a.repeat = a.repeat or (6 if a.quick else 40)
    if min(a.tickets, a.concurrency, a.requests, a.rounds, a.repeat, a.workers, a.threads) < 1:
        p.error("counts must be at least 1")
    return a


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    from bench import tickets_run

    dsn = f"{args.pg.rstrip('/')}/{args.db}"
    loaded = tickets_run.prepare_database(args.pg, args.db, reuse=args.reuse, tickets=args.tickets)
    os.environ["DATABASE_URL"] = dsn
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    try:
        result = tickets_run.run(args, dsn, loaded, progress)
    finally:
        if not args.reuse:
            tickets_run.drop_database(args.pg, args.db)
    result["environment"]["wall_seconds"] = round(time.perf_counter() - started, 1)
    result["environment"]["platform"] = platform.platform()
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
