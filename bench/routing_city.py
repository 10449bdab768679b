"""The duplicate lookup at intake at city scale: bench/city's generated city (5,000,000 tickets over two
years at ``--scale 1`` on PostgreSQL), ``ticket_duplicate_list_for_actor`` — the query of the ticket's
community's open tickets of 30 days and the exact score of each candidate — timed for open tickets of the
latest month, drawn across the city, plus the community with the most open tickets (the worst window).

    python -m bench.routing_city [--scale 1.0] [--sqlite] [--keep] [--db gz_city] [--quick] [--lookups 300]

The lookup is what the intake panel runs for a new ticket (console ticket page, API). The plan of the
candidate query is checked for index use (no sequential scan of the tickets table). ``--quick`` is the
small city on SQLite. Prints ONE JSON document; the target is under 20 ms a lookup (p95) at full size.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import sys
import time
from collections.abc import Sequence
from typing import Any

TARGET_MS = 20.0
TICKETS_TABLE = "tickets_ticket"


def _args(argv: Sequence[str] | None) -> Any:
    from bench import city

    argv = list(argv or [])
    lookups = 300
    if "--lookups" in argv:
        i = argv.index("--lookups")
        lookups = int(argv[i + 1])
        del argv[i : i + 2]
    quick = "--quick" in argv
    if quick and "--sqlite" not in argv and "--pg" not in " ".join(argv):
        argv = [*argv, "--sqlite"]
    if quick and "--scale" not in argv:
        argv = [*argv, "--scale", "0.001"]
    if "--generate-only" not in argv:
        argv.append("--generate-only")
    args = city.parse_args(argv)
    args.lookups = min(lookups, 60) if quick else lookups
    return args


def _plan(ticket: Any, actor: Any) -> dict[str, Any]:
    """EXPLAIN of the candidate query the selector runs for one ticket."""
    from datetime import timedelta

    from django.db import connection
    from django.db.models import Q

    from gongzhi.tickets.enums import OPEN
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.selectors import duplicates
    from gongzhi.tickets.selectors.tickets import scope_q

    if connection.vendor != "postgresql":
        return {}
    since = ticket.created_at - timedelta(days=duplicates.WINDOW_DAYS)
    qs = (
        Ticket.objects.filter(
            scope_q(actor),
            Q(community_code=ticket.community_code),
            status__in=sorted(OPEN),
            created_at__gte=since,
        )
        .filter(created_at__lte=ticket.created_at + timedelta(days=1))
        .exclude(pk=ticket.pk)
        .order_by("-created_at")[: duplicates.MAX_CANDIDATES]
    )
    plan = json.loads(qs.explain(format="json"))[0]["Plan"]
    nodes = [plan]
    i = 0
    while i < len(nodes):
        nodes.extend(nodes[i].get("Plans", []))
        i += 1
    seq = sorted({n.get("Relation Name", "") for n in nodes if n.get("Node Type") == "Seq Scan"})
    return {
        "indexes": sorted({n["Index Name"] for n in nodes if "Index Name" in n}),
        "seq_scans": seq,
        "tickets_by_index": TICKETS_TABLE not in seq,
    }


def _pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return round(s[min(len(s) - 1, int(q * len(s)))], 3)


def run(argv: Sequence[str] | None = None) -> dict[str, Any]:
    from bench import city

    args = _args(argv)
    started = time.perf_counter()
    reused = city.open_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    from datetime import timedelta

    from django.db import connections
    from django.db.models import Count, Max

    from gongzhi.accounts.models import User
    from gongzhi.tickets.enums import OPEN
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.selectors.duplicates import ticket_duplicate_list_for_actor

    try:
        if reused is not None:
            city.migrate_reused(city.progress)
        meta = reused or city.generate(args, city.progress)
        actor = User.objects.get(username=meta["logins"]["city_admin"])
        last = Ticket.objects.aggregate(m=Max("created_at"))["m"]
        month = last - timedelta(days=30)
        open_recent = Ticket.objects.filter(status__in=sorted(OPEN), created_at__gte=month)
        ids = list(open_recent.values_list("id", flat=True))
        rng = random.Random(args.seed)
        picked = rng.sample(ids, min(args.lookups, len(ids)))
        busiest = (
            open_recent.exclude(community_code="")
            .values("community_code")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        worst_ids = list(
            open_recent.filter(community_code=busiest["community_code"])
            .order_by("-created_at")
            .values_list("id", flat=True)[:20]
            if busiest
            else []
        )

        def timed(pks: list[int]) -> tuple[list[float], list[int]]:
            ms, shown = [], []
            for pk in pks:
                t0 = time.perf_counter()
                ticket = Ticket.objects.select_related("category").get(pk=pk)
                found = ticket_duplicate_list_for_actor(actor=actor, ticket=ticket)
                ms.append((time.perf_counter() - t0) * 1000)
                shown.append(len(found))
            return ms, shown

        timed(picked[:10])  # warm the connection and the caches the selector reads
        ms, shown = timed(picked)
        worst_ms, _ = timed(worst_ids)
        plan = _plan(Ticket.objects.get(pk=picked[0]), actor) if picked else {}
        p95 = _pct(ms, 0.95) if ms else float("nan")
        out = {
            "benchmark": "routing_city",
            "engine": connections["default"].vendor,
            "scale": args.scale,
            "tickets_total": Ticket.objects.count(),
            "open_tickets_last_30_days": len(ids),
            "lookups": len(ms),
            "ms_mean": round(statistics.fmean(ms), 3) if ms else None,
            "ms_p50": _pct(ms, 0.5) if ms else None,
            "ms_p95": p95,
            "ms_max": round(max(ms), 3) if ms else None,
            "duplicates_shown_mean": round(statistics.fmean(shown), 2) if shown else None,
            "busiest_community": busiest,
            "busiest_community_ms_p95": _pct(worst_ms, 0.95) if worst_ms else None,
            "target_ms": TARGET_MS,
            "within_target": bool(ms)
            and p95 < TARGET_MS
            and (not worst_ms or _pct(worst_ms, 0.95) < TARGET_MS),
            "plan": plan,
            "note": "each lookup: the ticket read, the candidate query (community, open, 30 days, at most "
            "300 rows) and the exact score of every candidate, one process, one core",
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
    print(
        json.dumps(run(argv if argv is not None else sys.argv[1:]), ensure_ascii=False, indent=2, default=str)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
