"""Times the 15-minute service circle (15分钟党群服务圈): every household's walking distance to the nearest
venue of each kind (straight line × detour factor, shapely STR-tree) and the share covered per community.

    python -m bench.venues_circle [--households 200000] [--venues 600] [--seed 7]
    DATABASE_URL=sqlite:////tmp/demo.sqlite3 python -m bench.venues_circle --demo

Synthetic: 16 communities on a 4 × 4 block of ~1.5 km, buildings of 24 households scattered round their
community's centre, venues of the eight kinds scattered the same way. ``--demo`` also times it on the seeded demo
district of the configured database: the coverage of the district admin's scope (households read from the
database, the STR-tree built, nearest per kind), and the overview's figure. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from typing import Any

from gongzhi.venues import coverage

KINDS = [
    "service_centre",
    "station_678",
    "grid_station",
    "mediation_room",
    "consultation_room",
    "talk_point",
    "convenience_station",
    "lane_home",
]


def _centre(k: int) -> tuple[str, float, float]:
    return f"370125{1 + k // 4:03d}{1 + k % 4:03d}", 117.10 + 0.015 * (k % 4), 36.97 + 0.015 * (k // 4)


PER_BUILDING = 24  # 6 storeys × 2 entrances × 2 flats: the households of a building share its point


def synthetic(n_households: int, n_venues: int, seed: int) -> tuple[list[Any], list[Any]]:
    rng = random.Random(seed)
    buildings = []
    for _b in range(max(1, n_households // PER_BUILDING)):
        code, lng, lat = _centre(rng.randrange(16))
        buildings.append((code, lng + rng.gauss(0, 0.006), lat + rng.gauss(0, 0.006)))
    homes = []
    for i in range(n_households):
        code, lng, lat = buildings[i % len(buildings)]
        homes.append(coverage.HouseholdPoint(i + 1, code, lng, lat))
    venues = []
    for i in range(n_venues):
        _code, lng, lat = _centre(rng.randrange(16))
        venues.append(
            coverage.VenuePoint(
                i + 1, rng.choice(KINDS), lng + rng.gauss(0, 0.005), lat + rng.gauss(0, 0.005)
            )
        )
    return homes, venues


def _demo() -> dict[str, Any]:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from gongzhi.accounts.models import User
    from gongzhi.places.models import Household
    from gongzhi.venues.models import Venue
    from gongzhi.venues.selectors import coverage_for_actor, venue_counts

    admin = User.objects.filter(username="admin").first()
    if admin is None:
        return {"error": "no demo district in this database (python manage.py seed_demo)"}
    t = time.perf_counter()
    cov = coverage_for_actor(actor=admin)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    figures = venue_counts()
    overview_seconds = time.perf_counter() - t
    return {
        "households": Household.objects.count(),
        "households_placed": cov.households,
        "venues": Venue.objects.filter(active=True).count(),
        "covered": cov.covered,
        "share": cov.share,
        "communities": len(cov.communities),
        "coverage_seconds": round(seconds, 3),
        "overview_figures": figures,
        "overview_seconds": round(overview_seconds, 3),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--households", type=int, default=200_000)
    p.add_argument("--venues", type=int, default=600)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--demo", action="store_true", help="also time it on the seeded demo district")
    args = p.parse_args(argv)
    homes, venues = synthetic(args.households, args.venues, args.seed)
    t = time.perf_counter()
    cov = coverage.walking_coverage(homes, venues, keep_distances=False)
    seconds = time.perf_counter() - t
    t = time.perf_counter()
    with_distances = coverage.walking_coverage(homes, venues, keep_distances=True)
    seconds_distances = time.perf_counter() - t
    out: dict[str, Any] = {
        "bench": "venues_circle",
        "method": "straight line × detour factor, shapely STR-tree nearest per kind",
        "detour_factor": coverage.DETOUR_FACTOR,
        "walk_metres": coverage.WALK_METRES,
        "synthetic": {
            "households": len(homes),
            "buildings": max(1, args.households // PER_BUILDING),
            "venues": len(venues),
            "kinds": len(KINDS),
            "covered": cov.covered,
            "share": cov.share,
            "seconds": round(seconds, 3),
            "seconds_with_distances": round(seconds_distances, 3),
            "households_per_second": round(len(homes) / seconds) if seconds else None,
        },
    }
    assert with_distances.covered == cov.covered
    if args.demo:
        out["demo"] = _demo()
    json.dump(out, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
