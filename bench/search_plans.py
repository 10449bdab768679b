"""EXPLAIN (ANALYZE, BUFFERS) of the person search's first page, through the selector, on a city database.

Read-only: ``DATABASE_URL=postgres://…/DB python -m bench.search_plans 朱海,zhq district_admin,city_admin``
prints, per role and query, the median execution time of N runs (``N=7``), the buffers of the last and
the scans used; ``SHOW=1`` prints the whole plan too. The logins are the city's (bench_meta, bench/city.py).
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from typing import Any


def _walk(node: dict[str, Any], out: list[dict[str, Any]]) -> None:
    out.append(node)
    for child in node.get("Plans", []):
        _walk(child, out)


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.city import META
    from gongzhi.accounts.models import User
    from gongzhi.core.scope import forget_scope
    from gongzhi.people.selectors import person_list_for_actor

    queries, roles = argv[0].split(","), argv[1].split(",")
    n, show = int(os.environ.get("N", "7")), os.environ.get("SHOW") == "1"
    with connection.cursor() as cur:
        cur.execute("SELECT value FROM bench_meta WHERE key = %s", [META])
        row = cur.fetchone()
    meta = row[0] if isinstance(row[0], dict) else json.loads(row[0])
    for role in roles:
        user = User.objects.get(username=meta["logins"][role])
        for q in queries:
            forget_scope(user)
            sql, params = person_list_for_actor(actor=user, q=q, limit=51).query.sql_with_params()
            times, plan = [], {}
            with connection.cursor() as cur:
                for _ in range(n):
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, params)
                    doc = cur.fetchone()[0]
                    plan = (json.loads(doc) if isinstance(doc, str) else doc)[0]
                    times.append(plan["Execution Time"])
                if show:
                    cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                    print("\n".join(r[0] for r in cur.fetchall()))
            top = plan["Plan"]
            nodes: list[dict[str, Any]] = []
            _walk(top, nodes)
            scans = sorted(
                {
                    f"{x['Node Type']}:{x.get('Index Name', x.get('Relation Name', ''))}"
                    for x in nodes
                    if "Scan" in x["Node Type"]
                }
            )
            buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
            print(
                f"{role} {q}: execution median {statistics.median(times):.2f} ms (min {min(times):.2f}), "
                f"buffers {buffers}, {' '.join(scans)}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
