"""What the city holds, read back from its database: its districts, subdistricts, communities and grids
(codes, ids, names, centres), the households with their grid, the persons' id range, the staff accounts
by role and place and the departments of each district. The modules are written from this, so the same
code adds them to a city generated in the same run or kept from before.
"""

from __future__ import annotations

import datetime as dt
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench.city_load import DjangoSink, PgSink, Sink


@dataclass
class Grid:
    id: int
    code: str
    name: str
    index: int  # in id order
    community: int  # index of its community
    lng: float
    lat: float
    households: int = 0


@dataclass
class Community:
    id: int
    code: str
    name: str
    index: int
    grids: list[Grid] = field(default_factory=list)
    households: int = 0

    @property
    def sub(self) -> str:
        return self.code[:9] + "000"

    @property
    def district(self) -> str:
        return self.code[:6]

    @property
    def codes(self) -> tuple[str, str, str, str]:
        return (self.code[:6], self.sub, self.code, "")

    @property
    def centre(self) -> tuple[float, float]:
        return (
            sum(g.lng for g in self.grids) / len(self.grids),
            sum(g.lat for g in self.grids) / len(self.grids),
        )


@dataclass(slots=True)
class Resident:
    id: int
    household: int
    grid: Grid
    birth_year: int
    name: str = ""
    phone: tuple[str, str, str] = ("", "", "")


def grid_codes(code: str) -> tuple[str, str, str, str]:
    return (code[:6], code[:9] + "000", code[:12], code)


@dataclass
class City:
    now: dt.datetime
    today: dt.date
    districts: list[str]
    subdistricts: list[tuple[int, str, str]]  # (id, code, name)
    communities: list[Community]
    grids: list[Grid]
    hh_grid: array  # household id → grid index (-1: none)
    households: int
    persons: tuple[int, int, int]  # (count, min id, max id)
    staff: dict[tuple[str, str], int]  # (role, place code) → user id
    departments: dict[str, list[int]]  # district code → department ids
    by_code: dict[str, Grid] = field(default_factory=dict)
    first_households: dict[int, list[int]] = field(default_factory=dict)  # grid index → a few households

    def household_in(self, grid: Grid, k: int = 0) -> int:
        mine = self.first_households.get(grid.index) or [0]
        return mine[k % len(mine)]

    def worker(self, grid: Grid) -> int | None:
        return self.staff.get(("grid_worker", grid.code)) or self.staff.get(
            ("community_worker", grid.code[:12])
        )

    def community_staff(self, c: Community) -> int | None:
        return self.staff.get(("community_worker", c.code)) or self.staff.get(("district_admin", c.district))

    def local(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        from django.utils import timezone

        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=timezone.get_current_timezone())


def fetch(sink: Sink, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    if isinstance(sink, PgSink):
        return [tuple(r) for r in sink.conn.execute(sql, list(params) or None).fetchall()]
    assert isinstance(sink, DjangoSink)
    with sink.connection.cursor() as cur:
        cur.execute(sql, list(params))
        return [tuple(r) for r in cur.fetchall()]


def stream(sink: Sink, sql: str, types: Sequence[str]) -> Iterator[tuple[Any, ...]]:
    """A large result read in one pass (COPY … TO STDOUT on PostgreSQL)."""
    if isinstance(sink, PgSink):
        with sink.conn.cursor().copy(f"COPY ({sql}) TO STDOUT") as cp:
            cp.set_types(list(types))
            yield from cp.rows()
        return
    assert isinstance(sink, DjangoSink)
    with sink.connection.cursor() as cur:
        cur.execute(sql)
        while batch := cur.fetchmany(20_000):
            yield from (tuple(r) for r in batch)


def fetch_ids(sink: Sink, sql: str, ids: Sequence[int], chunk: int = 5_000) -> Iterator[tuple[Any, ...]]:
    """``sql`` with ``{ids}`` replaced by the id list, in chunks."""
    for i in range(0, len(ids), chunk):
        part = list(ids[i : i + chunk])
        if isinstance(sink, PgSink):
            yield from fetch(sink, sql.format(ids="ANY(%s)"), [part])
        else:
            yield from fetch(
                sink, sql.format(ids=f"({', '.join(['%s'] * len(part))})").replace("= (", "IN ("), part
            )


def read_city(sink: Sink, now: dt.datetime, log: Callable[[str], None]) -> City:
    """The places, households, persons' id range and staff of the city in ``sink``'s database."""
    from django.utils import timezone

    t = time.perf_counter()
    subs = [
        (int(i), c, n)
        for i, c, n in fetch(sink, "SELECT id, code, name FROM places_subdistrict ORDER BY code")
    ]
    communities: list[Community] = []
    by_id: dict[int, Community] = {}
    for i, code, name in fetch(sink, "SELECT id, code, name FROM places_community ORDER BY id"):
        c = Community(int(i), code, name, len(communities))
        communities.append(c)
        by_id[c.id] = c
    grids: list[Grid] = []
    for i, code, name, cid, lng, lat in fetch(
        sink, "SELECT id, code, name, community_id, center_lng, center_lat FROM places_grid ORDER BY id"
    ):
        c = by_id[int(cid)]
        g = Grid(int(i), code, name, len(grids), c.index, float(lng or 0), float(lat or 0))
        grids.append(g)
        c.grids.append(g)
    communities = [c for c in communities if c.grids]
    for n, c in enumerate(communities):
        c.index = n
        for g in c.grids:
            g.community = n
    grid_index = {g.id: g.index for g in grids}
    (hh_max,) = fetch(sink, "SELECT COALESCE(MAX(id), 0) FROM places_household")[0]
    hh_grid = array("i", [-1]) * (int(hh_max) + 1)
    households = 0
    first: dict[int, list[int]] = defaultdict(list)
    for hid, gid in stream(sink, "SELECT id, grid_id FROM places_household", ["int8", "int8"]):
        gi = grid_index.get(int(gid), -1) if gid is not None else -1
        hh_grid[int(hid)] = gi
        if gi >= 0:
            households += 1
            grids[gi].households += 1
            if len(first[gi]) < 8:
                first[gi].append(int(hid))
    for c in communities:
        c.households = sum(g.households for g in c.grids)
    count, lo, hi = fetch(
        sink, "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM people_person"
    )[0]
    staff: dict[tuple[str, str], int] = {}
    for uid, role, place in fetch(
        sink,
        "SELECT user_id, role, place_code FROM accounts_roleassignment WHERE active = %s AND place_code <> '' "
        "ORDER BY id",
        [True],
    ):
        staff.setdefault((role, place), int(uid))
    departments: dict[str, list[int]] = defaultdict(list)
    for i, dcode in fetch(
        sink,
        "SELECT d.id, p.code FROM places_department d JOIN places_district p ON p.id = d.district_id ORDER BY d.id",
    ):
        departments[dcode].append(int(i))
    city = City(
        now=now,
        today=timezone.localtime(now).date(),
        districts=sorted({c.district for c in communities}),
        subdistricts=[s for s in subs if any(c.sub == s[1] for c in communities)],
        communities=communities,
        grids=grids,
        hh_grid=hh_grid,
        households=households,
        persons=(int(count), int(lo), int(hi)),
        staff=staff,
        departments=dict(departments),
    )
    city.by_code = {g.code: g for g in grids}
    city.first_households = dict(first)
    log(
        f"  modules: read {len(communities)} communities, {len(grids)} grids, {households:,} households, "
        f"{int(count):,} persons ({time.perf_counter() - t:.1f} s)"
    )
    return city
