"""What every module builds on, written first: the residents the modules name, drawn from the register
(the care groups' members, the resident party members, the volunteers), and an estate per grid with its
buildings (the names the city's addresses give the households).

The draw: the care groups take 7.77 % of the persons (独居 1.33 %, 残疾 1.92 %, 低保 1.49 %, 退役 1.81 %,
老党员 1.22 %), the resident party members 0.81 % (adults), the volunteers 1.17 % (16 to 75), without
overlap. The elderly care groups (独居老人, 老党员) are drawn from persons aged 60 or more, at most half of
them: the city's register is young (about 5 % are 60 or more, against a fifth in the demo), so what they
cannot take goes to the other groups and the 7.77 % stays. Households keep ``building_id`` NULL
(city_load writes them so; the buildings carry the estates and stairwells).

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
places_estate / places_building       an estate per grid (the name the city's       20,000 / 100,000
                                      addresses give); a building per 36
                                      households (3 entrances × 12 doors)
====================================  ===========================================  ===================
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from bench.city_modules.held import Resident, fetch_ids, grid_codes, stream
from bench.city_modules.writer import BASE, DEMO_PERSONS, Writer

# Per person of the city (the demo's district totals over its 161,700 persons).
CARE_ELDERLY = 0.0255  # 独居老人 1.33 % + 老党员 1.22 % (persons born before 1956)
CARE_OTHER = 0.0522  # 残疾 1.92 % + 低保 1.49 % + 退役军人 1.81 %
PARTY_RESIDENTS = 1_313 / DEMO_PERSONS
VOLUNTEERS = 1_893 / DEMO_PERSONS
HOUSEHOLDS_PER_BUILDING = 36  # the city's addresses: 3 entrances × 12 doors


def draw_persons(w: Writer) -> None:
    """The residents the modules name: the elderly groups' among the persons aged 60 or more (one
    scan of the register: the city's register is young, about 5 % are), the other care groups', the
    resident party members' (adults) and the volunteers' (16 to 75) drawn at random without overlap;
    their household, grid, birth year, name and phone read back by id."""
    count, lo, hi = w.city.persons
    for k in ("care_elderly", "care_other", "party", "volunteers"):
        w.sample[k] = []
    if count == 0:
        return
    y = w.today.year
    cutoff = dt.date(y - 60, 1, 1).isoformat()
    old = [
        int(r[0])
        for r in stream(w.sink, f"SELECT id FROM people_person WHERE birth_date < '{cutoff}'", ["int8"])
    ]
    elderly = w.rng.sample(old, min(len(old) // 2, round(CARE_ELDERLY * count)))
    taken = set(elderly)
    targets = {  # (how many, how many to draw: the ones of the wrong age are left out)
        "care_other": (round((CARE_ELDERLY + CARE_OTHER) * count) - len(elderly),) * 2,
        "party": (round(PARTY_RESIDENTS * count), round(PARTY_RESIDENTS * count / 0.5)),
        "volunteers": (round(VOLUNTEERS * count), round(VOLUNTEERS * count / 0.5)),
    }
    want = min(hi - lo + 1 - len(taken), sum(d for _n, d in targets.values()))
    drawn: list[int] = []
    while len(drawn) < want:  # ids not taken by the elderly draw
        more = w.rng.sample(range(lo, hi + 1), min(hi - lo + 1, want - len(drawn) + len(taken)))
        drawn += [i for i in more if i not in taken][: want - len(drawn)]
        taken.update(drawn)
    parts: dict[str, list[int]] = {"care_elderly": sorted(elderly)}
    start = 0
    for k, (_n, d) in targets.items():
        parts[k] = sorted(drawn[start : start + d])
        start += d
    named = "name, phone_encrypted, phone_hash, phone_masked"
    by = w.city.by_code
    for k, ids in parts.items():
        care = k.startswith("care")
        sql = (
            f"SELECT id, household_id, grid_code, birth_date{'' if care else ', ' + named} "
            "FROM people_person WHERE id = {ids}"
        )
        out = []
        for row in fetch_ids(w.sink, sql, ids):
            g = by.get(row[2])
            if g is None or row[1] is None:
                continue
            year = int(str(row[3])[:4]) if row[3] else 1980
            r = Resident(int(row[0]), int(row[1]), g, year)
            if not care:
                r.name, r.phone = row[4], (row[5], row[6], row[7])
            out.append(r)
        out.sort(key=lambda r: r.id)
        w.sample[k] = out
    party = [r for r in w.sample["party"] if y - r.birth_year >= 18]
    volunteers = [r for r in w.sample["volunteers"] if 16 <= y - r.birth_year <= 75]
    for k, eligible in (("party", party), ("volunteers", volunteers)):
        chosen = w.rng.sample(eligible, min(len(eligible), targets[k][0]))
        w.sample[k] = sorted(chosen, key=lambda r: r.id)


def estates_and_buildings(w: Writer) -> None:
    """An estate per grid (the name the city's addresses give its households) and a building per 36
    households of the grid (3 entrances of 12 doors), as the household register would make them."""
    from bench.city_rows import ESTATE_WORDS, _word

    c, now = w.city, w.now
    used: dict[int, set[str]] = defaultdict(set)
    estates = []
    for g in c.grids:
        name = base = f"{_word(g.index)}{ESTATE_WORDS[g.index % len(ESTATE_WORDS)]}"
        k = 2
        while name in used[g.community]:
            name, k = f"{base}{k}期", k + 1
        used[g.community].add(name)
        eid = w.ids("places_estate")
        w.estate_of[g.index], w.estate_name[g.index] = eid, name
        estates.append((eid, now, now, *grid_codes(g.code), c.communities[g.community].id, name, ""))
    w.copy("places_estate", [*BASE, "community_id", "name", "address"], estates)

    def rows() -> Iterator[tuple[Any, ...]]:
        for g in c.grids:
            for b in range(math.ceil(g.households / HOUSEHOLDS_PER_BUILDING)):
                inside = min(HOUSEHOLDS_PER_BUILDING, g.households - HOUSEHOLDS_PER_BUILDING * b)
                entrances = math.ceil(inside / 12)
                bid = w.ids("places_building")
                w.buildings.append((bid, g.index, b + 1, entrances))
                yield (
                    bid, now, now, *grid_codes(g.code), w.estate_of[g.index], g.id, str(b + 1), entrances,
                    6, None, None,
                )  # fmt: skip

    columns = [*BASE, "estate_id", "grid_id", "number", "entrances", "floors", "lng", "lat"]
    w.copy("places_building", columns, rows())
