"""The resettlement draw and settlement arithmetic at scale: no database, the domain modules only.

    python -m bench.resettlement_draw [--households 20000] [--statements 100000]

Builds a canonical list of N households, commits to a seed, orders them (HMAC-SHA256 per key, one sort),
hashes the result, and settles M area differences over three price bands in Decimal. Prints ONE JSON
document with the seconds of each step. Target: a 20,000-household draw well under a second.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from collections.abc import Sequence
from decimal import Decimal


def main(argv: Sequence[str] | None = None) -> None:
    import django

    django.setup()
    from gongzhi.resettlement import draw as drawing
    from gongzhi.resettlement.settlement import Band, settle

    p = argparse.ArgumentParser(prog="python -m bench.resettlement_draw", description=__doc__.splitlines()[0])
    p.add_argument("--households", type=int, default=20000)
    p.add_argument("--statements", type=int, default=100000)
    a = p.parse_args(argv)
    rng = random.Random(1)  # test data only; the draw itself never uses random
    out: dict[str, object] = {"households": a.households, "statements": a.statements}
    t = time.perf_counter()
    rows = [
        (
            f"H-{i:05d}",
            ("东关村", "西关村", "南街村")[i % 3],
            Decimal(rng.randint(9000, 21000)) / 100,
            1 + i % 2,
            1,
            i % 3,
        )
        for i in range(a.households)
    ]
    canonical = drawing.canonical_list(rows)
    out["list_seconds"] = round(time.perf_counter() - t, 4)
    seed = drawing.new_seed()
    t = time.perf_counter()
    drawing.commitment_of(seed, canonical)
    keys = drawing.keys_of(canonical)
    ordered = drawing.order(seed, keys)
    drawing.result_sha256(ordered)
    out["draw_seconds"] = round(time.perf_counter() - t, 4)
    bands = [
        Band(Decimal("-1000"), Decimal("0"), Decimal("2800.00"), "退"),
        Band(Decimal("0"), Decimal("5"), Decimal("3200.00"), "一"),
        Band(Decimal("5"), None, Decimal("5600.00"), "二"),
    ]
    t = time.perf_counter()
    total = Decimal(0)
    for _ in range(a.statements):
        entitled = Decimal(rng.randint(9000, 21000)) / 100
        total += settle(entitled, entitled + Decimal(rng.randint(-800, 1200)) / 100, bands).amount
    settle_seconds = time.perf_counter() - t
    out["settle_seconds"] = round(settle_seconds, 4)
    out["settle_per_second"] = round(a.statements / max(settle_seconds, 1e-9))
    out["total_yuan"] = str(total)
    print(json.dumps(out, ensure_ascii=False))


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    main()
