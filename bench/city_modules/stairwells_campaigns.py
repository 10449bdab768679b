"""The civility work (文明创建): a stairwell for every entrance of the buildings written in basis.py, a
few of them named, and the subdistricts' campaigns (a joint action with the district's departments,
inspection rounds of the communities).

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
stairwells_stairwell (stairwells)     every entrance, 7 % named                    300,000
campaigns_campaign (+ departments)    4 / 3 = 1.33 a subdistrict                   192 (576 links)
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bench.city_modules.held import Community, grid_codes
from bench.city_modules.writer import BASE, Writer, allot

NAMED_SHARE = 0.07
# Per subdistrict (the demo's 3).
CAMPAIGNS = 4 / 3


def stairwells(w: Writer) -> None:
    """Every entrance of every building on the register, 7 % named after a year of inspections."""
    c, rng, today, now = w.city, random.Random(w.rng.random()), w.today, w.now
    grids = c.grids

    def rows() -> Iterator[tuple[Any, ...]]:
        k = 0
        for bid, gi, number, entrances in w.buildings:
            g = grids[gi]
            for e in range(1, entrances + 1):
                k += 1
                label = f"{w.estate_name[gi]}{number}号楼{e}单元"
                if rng.random() < NAMED_SHARE:
                    inspected = today - dt.timedelta(days=rng.randint(5, 85))
                    yield (
                        k, now, now, *grid_codes(g.code), bid, str(e), label, "five_colour" if k % 3 else "civilised",
                        True, "named", 4, 0, inspected, True, today - dt.timedelta(days=rng.randint(100, 300)), None,
                        inspected + dt.timedelta(days=91),
                    )  # fmt: skip
                else:
                    yield (k, now, now, *grid_codes(g.code), bid, str(e), label, "civilised", False, "none", 0, 0, None, None, None, None, None)  # fmt: skip

    w.copy(
        "stairwells_stairwell",
        [*BASE, "building_id", "entrance", "label", "title", "pact_on_file", "status", "passes_in_row",
         "fails_in_row", "last_inspected_on", "last_passed", "named_on", "revoked_on", "next_due_on"],
        rows(),
    )  # fmt: skip
    w.ids.last["stairwells_stairwell"] = w.rows.get("stairwells_stairwell", 0)


def campaigns(w: Writer) -> None:
    """A joint action of each subdistrict with its district's departments, and inspection rounds of
    its communities (waste sorting, fire lanes, gas pipes)."""
    c, now, today = w.city, w.now, w.today
    rows: list[tuple[Any, ...]] = []
    links: list[tuple[int, int, int]] = []
    by_sub: dict[str, list[Community]] = defaultdict(list)
    for comm in c.communities:
        by_sub[comm.sub].append(comm)
    counts = allot(CAMPAIGNS, [1.0] * len(c.subdistricts), at_least=1)
    rounds = ("waste_sorting", "fire_lane", "gas_pipe")
    for (_i, code, name), n in zip(c.subdistricts, counts, strict=True):
        staff = c.staff.get(("subdistrict_staff", code))
        for k in range(n):
            cid = w.ids("campaigns_campaign")
            if k == 0:
                rows.append((
                    cid, now, now, code[:6], code, "", "", "joint", "", "创建全国文明城市环境秩序联合整治行动", name,
                    "", today - dt.timedelta(days=120), today + dt.timedelta(days=60), 1, "active", "", staff,
                ))  # fmt: skip
                for dep in c.departments.get(code[:6], [])[:4]:
                    links.append((len(links) + 1, cid, dep))
            else:
                comm = by_sub[code][k % len(by_sub[code])]
                kind = rounds[k % len(rounds)]
                rows.append((
                    cid, now, now, *comm.codes, "inspection", kind, f"{comm.name}巡查", comm.name, "",
                    today - dt.timedelta(days=200), today + dt.timedelta(days=160), 1, "active", "", staff,
                ))  # fmt: skip
    w.copy(
        "campaigns_campaign",
        [*BASE, "kind", "round_kind", "title", "place_name", "streets", "starts_on", "ends_on", "every_days",
         "status", "notes", "created_by_id"],
        rows,
    )  # fmt: skip
    w.ids.last["campaigns_campaign_departments"] = len(links)
    w.copy("campaigns_campaign_departments", ["id", "campaign_id", "department_id"], links)
