"""Times the red-property quarterly assessment (红色物业季度考核).

    python -m bench.property_assessment [--subjects 20000] [--seed 7]
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.property_assessment --demo

Synthetic: the arithmetic alone (``gongzhi.property.scoring``) — ``--subjects`` companies, committees and
branches with random figures scored, weighted and ranked. ``--demo`` also times, on the seeded demo
district of the configured database, the property-ticket figures of every estate for a year (read from the
ticket records) and a whole quarter's assessment of each subdistrict (figures, ratings, scores, ranks —
inside a transaction that is rolled back, so the demo's results stay). Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from typing import Any


def synthetic(n: int, seed: int) -> dict[str, Any]:
    from gongzhi.property import scoring
    from gongzhi.property.enums import DEFAULT_WEIGHTS

    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        due = rng.randint(0, 40)
        reported = rng.randint(0, 60)
        callbacks = rng.randint(0, 30)
        res_due = rng.randint(0, 4)
        ratings = rng.randint(0, 80)
        rows.append(
            scoring.Figures(
                rating_sum=sum(rng.randint(1, 5) for _ in range(ratings)),
                ratings=ratings,
                due=due,
                on_time=rng.randint(0, due),
                callbacks=callbacks,
                satisfied=rng.randint(0, callbacks),
                reported=reported,
                repeats=rng.randint(0, reported),
                resolutions_due=res_due,
                resolutions_done=rng.randint(0, res_due),
            )
        )
    weights = DEFAULT_WEIGHTS["company"]
    t = time.perf_counter()
    scores = [scoring.weighted_score(scoring.indicators(f), weights) for f in rows]
    ranks = scoring.ranks(scores)
    seconds = time.perf_counter() - t
    return {
        "subjects": n,
        "seconds": round(seconds, 3),
        "per_subject_us": round(seconds / max(n, 1) * 1e6, 1),
        "best": float(max(scores)) if scores else None,
        "ranked": len(ranks),
    }


def _demo() -> dict[str, Any]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from gongzhi.places.models import Estate, Subdistrict
    from gongzhi.property.services._validation import quarter_containing
    from gongzhi.property.services.assessment import property_assessment_run
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.selectors.estates import EstateKey, estate_ticket_figures

    if not Estate.objects.exists():
        return {"error": "no demo district in this database (python manage.py seed_demo)"}
    keys = [EstateKey(pk, c, n) for pk, c, n in Estate.objects.values_list("pk", "community_code", "name")]
    today = timezone.localdate()
    t = time.perf_counter()
    figures = estate_ticket_figures(
        estates=keys, start=today.replace(year=today.year - 1), end=today, category_prefix="301"
    )
    ticket_seconds = time.perf_counter() - t
    q = quarter_containing(today)
    runs = []
    with transaction.atomic():
        for sub in Subdistrict.objects.order_by("code"):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                rows = property_assessment_run(actor=None, subdistrict_id=sub.pk, quarter=q.key)
                runs.append(
                    {
                        "subdistrict": sub.code,
                        "subjects": len(rows),
                        "seconds": round(time.perf_counter() - t, 3),
                        "queries": len(ctx.captured_queries),
                    }
                )
        transaction.set_rollback(True)
    return {
        "vendor": connection.vendor,
        "estates": len(keys),
        "tickets": Ticket.objects.count(),
        "property_tickets_a_year": sum(f.reported for f in figures.values()),
        "estate_ticket_figures_seconds": round(ticket_seconds, 3),
        "quarter": q.key,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--subjects", type=int, default=20000)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--demo", action="store_true")
    args = p.parse_args(argv)
    doc: dict[str, Any] = {"bench": "property_assessment", "synthetic": synthetic(args.subjects, args.seed)}
    if args.demo:
        doc["demo"] = _demo()
    print(json.dumps(doc, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
