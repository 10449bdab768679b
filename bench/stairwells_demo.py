"""Times the demo's stairwells part (``gongzhi.demo.stairwells.seed_stairwells``) on a district of
``--grids`` residential grids of ``--households`` households each (the demo at scale 1.0: 147 grids of
300–500 households, about 5,000 stairwells): the register of every building entrance, a year of quarterly
inspections through the naming rule, captains and red captains, two elections.

    python -m bench.stairwells_demo [--grids 147] [--households 400] [--pg postgres://…/db]

The population is written first through the population register's bulk path (not timed). SQLite file under
var/bench/ unless ``--pg``. Target: the stairwells part < 3 s at scale 1.0 on SQLite. Prints one JSON
document.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

TARGET_SECONDS = 3.0


def _setup(pg: str) -> str:
    from bench._db import fresh_database

    return fresh_database("stairwells", pg)


class _Seeder:
    def __init__(self, seed: int) -> None:
        from gongzhi.demo.population import PopulationGenerator

        self.gen = PopulationGenerator(seed)


def _world(grids: int, households: int, seeder: _Seeder) -> dict[str, Any]:
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.people.services import grid_population_register
    from gongzhi.places.services import community_create, district_create, grid_create, subdistrict_create

    district = district_create(actor=None, code="370115", name="济阳区")
    sub = subdistrict_create(actor=None, district=district, code="370115001000", name="济阳街道")
    admin = user_create(
        actor=None,
        username="admin",
        password="bench-Passw0rd-1",  # noqa: S106 (a bench account in a throwaway database)
        validate_password=False,
    )
    role_assign(actor=None, user=admin, role=Role.DISTRICT_ADMIN, place_code=district.code)
    made = 0
    per_community = 10
    for c in range((grids + per_community - 1) // per_community):
        community = community_create(
            actor=None, subdistrict=sub, code=f"370115001{c + 1:03d}", name=f"测试{c + 1}社区"
        )
        for g in range(min(per_community, grids - made)):
            grid = grid_create(
                actor=None,
                community=community,
                code=f"{community.code}{g + 1:03d}",
                name=f"{community.name}第{g + 1}网格",
                kind="residential",
            )
            rows = seeder.gen.grid_households(grid.name, households, made + 1)
            grid_population_register(actor=None, grid_id=grid.pk, households=rows)
            made += 1
    return {"grids": made}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--grids", type=int, default=147)
    p.add_argument("--households", type=int, default=400)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--pg", default="")
    args = p.parse_args(argv)
    engine = _setup(args.pg)
    seeder = _Seeder(args.seed)
    t = time.monotonic()
    world = _world(args.grids, args.households, seeder)
    setup_seconds = round(time.monotonic() - t, 2)
    from gongzhi.demo.stairwells import seed_stairwells

    t = time.monotonic()
    out = seed_stairwells(seeder)
    seconds = round(time.monotonic() - t, 2)
    doc = {
        "bench": "stairwells_demo",
        "engine": engine,
        "grids": world["grids"],
        "households_per_grid": args.households,
        "setup_seconds": setup_seconds,
        "stairwells": out["stairwells"],
        "named": out["named"],
        "inspections": out["inspections"],
        "posts": out["posts"],
        "seconds": seconds,
        "target_seconds_at_scale_1": TARGET_SECONDS,
    }
    print(json.dumps(doc, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
