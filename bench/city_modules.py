"""The newer modules of the city (bench/city.py): rows for every figure the cockpit counts and every layer of
the one-map, at volumes proportional to the demo district, written through ``city_load``'s ``Sink``
(COPY on PostgreSQL, ``executemany`` on SQLite).

    python -m bench.city ...                      # generate(): a step "modules" after the tickets
    python -m bench.city --resume-modules --db gz_city [--pg …] | --sqlite [--sqlite-path …]

What the city already holds is read back from its database (districts, subdistricts, communities and
grids with their codes and ids, the households with their grid, the persons' id range and the persons
drawn, the staff accounts by role and place), so the same code adds the modules to a city generated
earlier and kept. A city that already has rows in any table written here is refused with the tables
named, not doubled. Ids are 1 … n per table (the tables are empty) and the sequences are moved past them;
no audit rows (the bench loads a city's state, not its history, as city_load does).

Volumes. The demo district (``seed_demo --scale 1``: 16 communities, 247 grids of which 147 residential,
3 subdistricts, about 58,800 households and 161,700 persons — 2.75 persons a household, measured on the
demo's population generator; what it makes per community was counted on a ``--scale 0.01`` seed, what
depends on its population read from gongzhi/demo/) is the yardstick. What the demo makes as district
totals is scaled by persons (spread over the communities by their households), what it makes per
community, subdistrict, grid or household by those. At scale 1 (10,000,000 persons, 3,500,000
households, 20,000 grids, 2,016 communities, 144 subdistricts, 12 districts) — measured at scale 0.02 on
PostgreSQL and multiplied out; every district gets one of each at least, so every figure has a value:

====================================  ===========================================  ===================
table (figure)                        demo at scale 1 → ratio                      city at scale 1
====================================  ===========================================  ===================
places_estate / places_building       an estate per grid (the name the city's       20,000 / 100,000
                                      addresses give); a building per 36
                                      households (3 entrances × 12 doors)
care_caremembership (care_members,    tags: 独居 1.33 %, 残疾 1.92 %, 低保 1.49 %,    777,000
care_overdue, care layer)             退役 1.81 %, 老党员 1.22 % of persons = 7.77 %;
                                      12 % behind, 2 exits a community
care_visit (care_visits)              one in the last period, a year of them for   ~1,170,000
                                      1 member in 16 (the first community): 1.5
party_partyorganization (+ grids)     working committee a subdistrict, committee   ~17,300 (~19,200
(party_branches, grids_covered)       a community; 71 grid + 23 joint branches     grid links)
                                      over 147 grids, 96 % covered
party_unit (units_registered, units   140 → 0.0866 % of persons                    ~8,650
layer)
party_partymember (party_members)     1,313 community-managed (0.81 %, adults) +   ~81,000 + ~322,000
                                      5,200 in-service (3.22 %)
party_memberregistration              5,200 accepted, one per in-service member    ~322,000
(members_registered)
cobuild_need (needs, needs_fulfilled) 345 in projects (0.213 %) + 6 open a         ~21,350 + 12,096
                                      community; 230 fulfilled (2 in 3)
cobuild_resource (resources)          560 → 0.346 %                                ~34,650
cobuild_project (projects_signed),    345 signed → 0.213 %, a need and a           ~21,350 each
projectneed, projectresource          resource each
volunteers_volunteerteam              140 → 0.0866 %                               ~8,650
volunteers_volunteer, teammembership  1,893 → 1.17 % (residents 16–75)             ~117,000 each
volunteers_activity / _session        1,370 held → 0.847 % (one-offs)              ~84,700 each
signup / attendance / servicehours    10,592 → 7.73 a session                      ~650,000 each
(service_hours)
volunteers_socialorganization +       38 → 0.0235 % (one a community at least)     ~2,450 each
socialorgs_organizationprofile
(socialorgs)
councils_council / meeting / topic /  a community: 1 / 2.25 / 8.5 / 3.2, a         2,016 / 4,536 /
resolution / resolutionmilestone      milestone each, 1 in 16 communities with     17,136 / 6,426 /
(topics, resolutions,                 one overdue                                  6,426 (~130 overdue)
milestones_overdue)
councils_appointmentplace / session   2 a community, one session a month each      4,032 / 48,384
(appointment_sessions)
property_propertycompany              12 → 0.0074 %                                ~750
property_estateservice                one per estate, by a company                 20,000
property_propertyrating               a tenth of households a quarter, 4 quarters  1,400,000
(property_ratings, _score_sum)
venues_venue (venues, venues layer)   4 a community + a 网格工作站 per 3 grids       ~16,100
venues_booking (bookings)             1,911 / 115 = 16.6 a venue                   ~268,000
mediation_committee / room            1 a community + 1 a subdistrict / 1 a comm.  2,160 / 2,016
mediation_case (cases, _concluded,    93 / 16 = 5.8 a community, 2 in 3 agreed     ~11,700
_agreed)
mediation_disputewarning              9 / 16 = 0.56 a community                    ~1,130
(warnings_open, warnings layer)
points_pointrule                      the demo's 9 district rules a district       108
points_claim (point_claims)           1,037 → 0.641 % of persons, on households    ~64,100
points_posting / leg / account /      153 posted of 1,037 → 1 in 7, two legs;      ~9,200 / ~18,400 /
ledgerhead / reviewmeeting            issuer + household accounts; a chain and a   ~11,200 / ~2,000 /
(points_awarded)                      review day per community and month           ~8,000
training_trainingplan / course /      1 / 5 / 7 a subdistrict                      144 / 720 / 1,008
trainingsession (training_sessions)
training_trainee (trainees)           263 / 16 = 16.4 a community                  ~33,100
devices_platform / devices_device     1 / 438 / 16 = 27.4 a community, 3 in 438    2,016 / ~55,200
(devices, devices_offline, layer)     offline, 1 in 50 with an open tamper
devices_incident / deviceevent        376 events a month / 438 = 0.86 a device     ~1,100 / ~48,900
(device_events)
stairwells_stairwell (stairwells)     every entrance, 7 % named                    300,000
campaigns_campaign (+ departments)    4 / 3 = 1.33 a subdistrict                   192 (576 links)
====================================  ===========================================  ===================

About 6.7 M rows at scale 1. At scale 0.02 (200,000 persons) the step writes 158,000 rows in 12–17 s on
PostgreSQL, on a 2-core machine at load 6–7 (5–8 s reading, generating and copying, the rest rebuilding
the dropped indexes and ANALYZE): 5–15 minutes at scale 1 by that measure.

The points ledger is written valid, postings and legs included: every posting has its two legs summing
to zero (the household's award and the community issuer's debit), the hash chain of each community is
computed with ``points.ledger.posting_hash`` (``points_verify`` passes), the ledger head holds the last
sequence and hash, and the accounts' balances are the sums of their legs. Left out (no cockpit figure
reads them): care visits of the 慰问 register, service posts and records of in-service members, matching
plans, council members, votes and minutes, disputants and mediators, the points shop, venue inspections,
training attendance and certificates, stairwell inspections and captains, campaign findings, contests and
funded projects; households keep ``building_id`` NULL (city_load writes them so; the buildings carry the
estates and stairwells). Devices are spread over every community (the demo has them all in one). The
elderly care groups (独居老人, 老党员) are drawn from persons aged 60 or more, at most half of them: the
city's register is young (about 5 % are 60 or more, against a fifth in the demo), so what they cannot
take goes to the other groups and the 7.77 % stays. The ticket figures (tickets_overdue, red_cards) and
layers are the ticket generator's: an open red card needs a ticket still being handled two limits past
its deadline, which a small city's few open tickets may not have.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import random
import time
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bench.city_load import DjangoSink, PgSink, Sink, set_sequences

DEMO_PERSONS = 161_700
BASE = ["id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code"]
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

# Per person of the city (the demo's district totals over its 161,700 persons).
CARE_ELDERLY = 0.0255  # 独居老人 1.33 % + 老党员 1.22 % (persons born before 1956)
CARE_OTHER = 0.0522  # 残疾 1.92 % + 低保 1.49 % + 退役军人 1.81 %
CARE_BEHIND = 0.12  # "about one in eight is behind"
CARE_FULL_YEAR = 1 / 16  # the first community of 16 keeps a year of visits (16 weeks of the weekly)
PARTY_RESIDENTS = 1_313 / DEMO_PERSONS
UNITS = 140 / DEMO_PERSONS
IN_SERVICE = 5_200 / DEMO_PERSONS
PROJECTS = 345 / DEMO_PERSONS
RESOURCES = 560 / DEMO_PERSONS
TEAMS = 140 / DEMO_PERSONS
VOLUNTEERS = 1_893 / DEMO_PERSONS
SESSIONS = 1_370 / DEMO_PERSONS
ATTENDANCE_PER_SESSION = 10_592 / 1_370
SOCIAL_ORGS = 38 / DEMO_PERSONS
COMPANIES = 12 / DEMO_PERSONS
CLAIMS = 1_037 / DEMO_PERSONS
CLAIMS_POSTED = 153 / 1_037
# Per community (the demo's 16).
OPEN_NEEDS = 6
TOPICS = 136 / 16
MEETINGS = 36 / 16
RESOLUTIONS = 51 / 16
OVERDUE_MILESTONES = 1 / 16
APPOINTMENT_PLACES = 2
CASES = 93 / 16
WARNINGS = 9 / 16
BOOKINGS_PER_VENUE = 1_911 / 115
DEVICES = 438 / 16
DEVICE_EVENTS = 376 / 438
TRAINEES = 263 / 16
# Per subdistrict (the demo's 3).
COURSES_PER_PLAN = 5
TRAINING_SESSIONS = 7
CAMPAIGNS = 4 / 3
# Per household, per quarter.
RATED_SHARE = 0.1
HOUSEHOLDS_PER_BUILDING = 36  # the city's addresses: 3 entrances × 12 doors
NAMED_SHARE = 0.07
ORGANISERS = {"unit": "驻区共建单位", "team": "社区合唱团"}


# --- what the city holds ------------------------------------------------------------------------------


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


def _rows(sink: Sink, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    if isinstance(sink, PgSink):
        return [tuple(r) for r in sink.conn.execute(sql, list(params) or None).fetchall()]
    assert isinstance(sink, DjangoSink)
    with sink.connection.cursor() as cur:
        cur.execute(sql, list(params))
        return [tuple(r) for r in cur.fetchall()]


def _stream(sink: Sink, sql: str, types: Sequence[str]) -> Iterator[tuple[Any, ...]]:
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


def _by_ids(sink: Sink, sql: str, ids: Sequence[int], chunk: int = 5_000) -> Iterator[tuple[Any, ...]]:
    """``sql`` with ``{ids}`` replaced by the id list, in chunks."""
    for i in range(0, len(ids), chunk):
        part = list(ids[i : i + chunk])
        if isinstance(sink, PgSink):
            yield from _rows(sink, sql.format(ids="ANY(%s)"), [part])
        else:
            yield from _rows(
                sink, sql.format(ids=f"({', '.join(['%s'] * len(part))})").replace("= (", "IN ("), part
            )


def read_city(sink: Sink, now: dt.datetime, log: Callable[[str], None]) -> City:
    """The places, households, persons' id range and staff of the city in ``sink``'s database."""
    from django.utils import timezone

    t = time.perf_counter()
    subs = [
        (int(i), c, n)
        for i, c, n in _rows(sink, "SELECT id, code, name FROM places_subdistrict ORDER BY code")
    ]
    communities: list[Community] = []
    by_id: dict[int, Community] = {}
    for i, code, name in _rows(sink, "SELECT id, code, name FROM places_community ORDER BY id"):
        c = Community(int(i), code, name, len(communities))
        communities.append(c)
        by_id[c.id] = c
    grids: list[Grid] = []
    for i, code, name, cid, lng, lat in _rows(
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
    (hh_max,) = _rows(sink, "SELECT COALESCE(MAX(id), 0) FROM places_household")[0]
    hh_grid = array("i", [-1]) * (int(hh_max) + 1)
    households = 0
    first: dict[int, list[int]] = defaultdict(list)
    for hid, gid in _stream(sink, "SELECT id, grid_id FROM places_household", ["int8", "int8"]):
        gi = grid_index.get(int(gid), -1) if gid is not None else -1
        hh_grid[int(hid)] = gi
        if gi >= 0:
            households += 1
            grids[gi].households += 1
            if len(first[gi]) < 8:
                first[gi].append(int(hid))
    for c in communities:
        c.households = sum(g.households for g in c.grids)
    count, lo, hi = _rows(
        sink, "SELECT COUNT(*), COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM people_person"
    )[0]
    staff: dict[tuple[str, str], int] = {}
    for uid, role, place in _rows(
        sink,
        "SELECT user_id, role, place_code FROM accounts_roleassignment WHERE active = %s AND place_code <> '' "
        "ORDER BY id",
        [True],
    ):
        staff.setdefault((role, place), int(uid))
    departments: dict[str, list[int]] = defaultdict(list)
    for i, dcode in _rows(
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


# --- helpers --------------------------------------------------------------------------------------------


class Ids:
    def __init__(self) -> None:
        self.last: dict[str, int] = defaultdict(int)

    def __call__(self, table: str) -> int:
        self.last[table] += 1
        return self.last[table]


def allot(rate: float, weights: Sequence[float], groups: Sequence[str] = (), at_least: int = 0) -> list[int]:
    """``rate × weight`` for each place, whole numbers carried over in order (so the total is the rate's),
    each place given ``at_least``; with ``groups`` (a place's district), every group gets one at least."""
    out, carry = [], 0.5
    for w in weights:
        x = rate * w + carry
        n = int(x)
        carry = x - n
        out.append(max(n, at_least))
    if groups:
        seen: dict[str, int] = {}
        for i, g in enumerate(groups):
            seen.setdefault(g, 0)
            seen[g] += out[i]
        for g, n in seen.items():
            if n == 0:
                out[groups.index(g)] = 1
    return out


def secret_code(n: int, length: int = 10) -> str:
    """A distinct code from n (the points accounts' alphabet)."""
    chars = []
    for _ in range(length):
        n, r = divmod(n, len(CODE_ALPHABET))
        chars.append(CODE_ALPHABET[r])
    return "".join(reversed(chars))


def token(seed: str) -> str:
    """A distinct 22-character url-safe token (as ``secrets.token_urlsafe(16)[:22]`` makes)."""
    import base64

    return base64.urlsafe_b64encode(hashlib.sha256(seed.encode()).digest()).decode()[:22]


def uscc(prefix: str, n: int) -> str:
    from stdnum.cn import uscc as cn_uscc

    body = f"{prefix}{n:07d}"
    return body + cn_uscc.calc_check_digit(body)


class Phones:
    """Distinct valid mobile numbers, protected as ``ids.Protected`` stores them."""

    def __init__(self, prefix: str) -> None:
        self.prefix, self.n = prefix, 0

    def next(self) -> tuple[str, str, str]:
        from gongzhi.core import ids

        self.n += 1
        p = ids.Protected.of_phone(ids.normalise_phone(f"{self.prefix}{self.n:08d}"))
        return p.encrypted, p.hash, p.masked


# --- the writer -----------------------------------------------------------------------------------------

# Every table written here (the refusal looks at them): parents before children.
TABLES = [
    "places_estate", "places_building",
    "care_caremembership", "care_visit",
    "party_partyorganization", "party_partyorganization_grids", "party_unit", "party_partymember",
    "party_memberregistration",
    "volunteers_socialorganization", "socialorgs_organizationprofile", "volunteers_volunteerteam",
    "volunteers_volunteer", "volunteers_teammembership", "volunteers_activity", "volunteers_activitysession",
    "volunteers_signup", "volunteers_attendance", "volunteers_servicehours",
    "cobuild_need", "cobuild_resource", "cobuild_project", "cobuild_projectneed", "cobuild_projectresource",
    "councils_council", "councils_topic", "councils_meeting", "councils_resolution",
    "councils_resolutionmilestone", "councils_appointmentplace", "councils_appointmentsession",
    "property_propertycompany", "property_estateservice", "property_propertyrating",
    "mediation_committee", "mediation_room", "mediation_case", "mediation_disputewarning",
    "points_pointrule", "points_account", "points_ledgerhead", "points_reviewmeeting", "points_posting",
    "points_leg", "points_claim",
    "venues_venue", "venues_booking",
    "training_trainingplan", "training_course", "training_trainingsession", "training_trainee",
    "devices_platform", "devices_device", "devices_incident", "devices_deviceevent",
    "stairwells_stairwell",
    "campaigns_campaign", "campaigns_campaign_departments",
]  # fmt: skip
# Tables whose secondary indexes are dropped for the COPY and built again after it (PostgreSQL).
BIG = [
    "care_caremembership", "care_visit", "party_partymember", "party_memberregistration",
    "volunteers_signup", "volunteers_attendance", "volunteers_servicehours", "property_propertyrating",
    "venues_booking", "stairwells_stairwell", "places_building",
]  # fmt: skip


class ModulesPresent(RuntimeError):
    pass


def present(sink: Sink) -> dict[str, int]:
    """The tables written here that already hold rows: {table: rows}."""
    out = {}
    for t in TABLES:
        (n,) = _rows(sink, f"SELECT COUNT(*) FROM (SELECT 1 FROM {t} LIMIT 1) x")[0]
        if n:
            (n,) = _rows(sink, f"SELECT COUNT(*) FROM {t}")[0]
            out[t] = int(n)
    return out


def load_modules(
    sink: Sink, now: dt.datetime, seed: int = 1, log: Callable[[str], None] = print
) -> dict[str, int]:
    """Writes every module's rows into the city in ``sink``'s database; returns {table: rows}. Refuses
    (``ModulesPresent``) when any of the tables already holds rows."""
    from bench.city_load import drop_indexes

    found = present(sink)
    if found:
        listed = ", ".join(f"{t} ({n:,})" for t, n in list(found.items())[:6])
        raise ModulesPresent(
            f"the city already has module rows: {listed}{' …' if len(found) > 6 else ''}; "
            "nothing written (generate a new city to load them again)"
        )
    city = read_city(sink, now, log)
    w = Writer(sink, city, seed, log)
    ddl = drop_indexes(sink, BIG)
    w.run()
    t = time.perf_counter()
    for sql in ddl:
        sink.execute(sql)
    set_sequences(sink, TABLES)
    if isinstance(sink, PgSink):
        for table in TABLES:
            sink.execute(f"ANALYZE {table}")
    else:
        sink.execute("ANALYZE")
    log(f"  modules: indexes, sequences and statistics ({time.perf_counter() - t:.1f} s)")
    return {f"modules.{k}": v for k, v in w.rows.items()}


class Writer:
    def __init__(self, sink: Sink, city: City, seed: int, log: Callable[[str], None]) -> None:
        self.sink, self.city, self.log = sink, city, log
        self.rng = random.Random(seed * 7919 + 11)
        self.ids = Ids()
        self.rows: dict[str, int] = {}
        self.now, self.today = city.now, city.today
        self.weights = [c.households for c in city.communities]
        self.district_of = [c.district for c in city.communities]
        self.person_rate = city.persons[0] / max(1, city.households)  # persons a household
        # filled as the modules are written
        self.estate_of: dict[int, int] = {}  # grid index → estate id
        self.estate_name: dict[int, str] = {}
        self.units: dict[int, list[tuple[int, str]]] = defaultdict(list)  # community index → (id, name)
        self.teams: dict[int, list[int]] = defaultdict(list)
        self.venues: dict[int, list[int]] = defaultdict(list)
        self.branch_of: dict[int, int] = {}  # grid index → branch id
        self.committee_of: dict[int, int] = {}  # community index → party committee id
        self.sample: dict[str, list[Resident]] = {}

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        n = self.sink.copy(table, [f'"{c}"' for c in columns], rows)  # quoted: "group", "key" …
        self.rows[table] = self.rows.get(table, 0) + n
        return n

    def per_community(self, rate_per_person: float, at_least: int = 0) -> list[int]:
        return allot(
            rate_per_person * self.person_rate, self.weights, groups=self.district_of, at_least=at_least
        )

    def each_community(self, rate: float, at_least: int = 0) -> list[int]:
        return allot(rate, [1.0] * len(self.city.communities), groups=self.district_of, at_least=at_least)

    def run(self) -> None:
        steps: list[tuple[str, Callable[[], None]]] = [
            ("persons drawn", self.draw_persons),
            ("estates and buildings", self.places),
            ("care", self.care),
            ("party", self.party),
            ("volunteers and social organisations", self.volunteers),
            ("cobuild", self.cobuild),
            ("councils", self.councils),
            ("property", self.property),
            ("venues", self.venues_and_bookings),
            ("mediation", self.mediation),
            ("points", self.points),
            ("training", self.training),
            ("devices", self.devices),
            ("stairwells", self.stairwells),
            ("campaigns", self.campaigns),
        ]
        for name, fn in steps:
            t = time.perf_counter()
            before = sum(self.rows.values())
            fn()
            self.log(
                f"  modules: {name}: {sum(self.rows.values()) - before:,} rows ({time.perf_counter() - t:.1f} s)"
            )

    # -- the persons drawn ------------------------------------------------------------------------------

    def draw_persons(self) -> None:
        """The residents the modules name: the elderly groups' among the persons aged 60 or more (one
        scan of the register: the city's register is young, about 5 % are), the other care groups', the
        resident party members' (adults) and the volunteers' (16 to 75) drawn at random without overlap;
        their household, grid, birth year, name and phone read back by id."""
        count, lo, hi = self.city.persons
        for k in ("care_elderly", "care_other", "party", "volunteers"):
            self.sample[k] = []
        if count == 0:
            return
        y = self.today.year
        cutoff = dt.date(y - 60, 1, 1).isoformat()
        old = [
            int(r[0])
            for r in _stream(
                self.sink, f"SELECT id FROM people_person WHERE birth_date < '{cutoff}'", ["int8"]
            )
        ]
        elderly = self.rng.sample(old, min(len(old) // 2, round(CARE_ELDERLY * count)))
        taken = set(elderly)
        targets = {  # (how many, how many to draw: the ones of the wrong age are left out)
            "care_other": (round((CARE_ELDERLY + CARE_OTHER) * count) - len(elderly),) * 2,
            "party": (round(PARTY_RESIDENTS * count), round(PARTY_RESIDENTS * count / 0.5)),
            "volunteers": (round(VOLUNTEERS * count), round(VOLUNTEERS * count / 0.5)),
        }
        want = min(hi - lo + 1 - len(taken), sum(d for _n, d in targets.values()))
        drawn: list[int] = []
        while len(drawn) < want:  # ids not taken by the elderly draw
            more = self.rng.sample(range(lo, hi + 1), min(hi - lo + 1, want - len(drawn) + len(taken)))
            drawn += [i for i in more if i not in taken][: want - len(drawn)]
            taken.update(drawn)
        parts: dict[str, list[int]] = {"care_elderly": sorted(elderly)}
        start = 0
        for k, (_n, d) in targets.items():
            parts[k] = sorted(drawn[start : start + d])
            start += d
        named = "name, phone_encrypted, phone_hash, phone_masked"
        by = self.city.by_code
        for k, ids in parts.items():
            care = k.startswith("care")
            sql = (
                f"SELECT id, household_id, grid_code, birth_date{'' if care else ', ' + named} "
                "FROM people_person WHERE id = {ids}"
            )
            out = []
            for row in _by_ids(self.sink, sql, ids):
                g = by.get(row[2])
                if g is None or row[1] is None:
                    continue
                year = int(str(row[3])[:4]) if row[3] else 1980
                r = Resident(int(row[0]), int(row[1]), g, year)
                if not care:
                    r.name, r.phone = row[4], (row[5], row[6], row[7])
                out.append(r)
            out.sort(key=lambda r: r.id)
            self.sample[k] = out
        party = [r for r in self.sample["party"] if y - r.birth_year >= 18]
        volunteers = [r for r in self.sample["volunteers"] if 16 <= y - r.birth_year <= 75]
        for k, eligible in (("party", party), ("volunteers", volunteers)):
            chosen = self.rng.sample(eligible, min(len(eligible), targets[k][0]))
            self.sample[k] = sorted(chosen, key=lambda r: r.id)

    # -- places: estates and buildings ------------------------------------------------------------------

    def places(self) -> None:
        """An estate per grid (the name the city's addresses give its households) and a building per 36
        households of the grid (3 entrances of 12 doors), as the household register would make them."""
        from bench.city_rows import ESTATE_WORDS, _word

        c, now = self.city, self.now
        used: dict[int, set[str]] = defaultdict(set)
        estates = []
        for g in c.grids:
            name = base = f"{_word(g.index)}{ESTATE_WORDS[g.index % len(ESTATE_WORDS)]}"
            k = 2
            while name in used[g.community]:
                name, k = f"{base}{k}期", k + 1
            used[g.community].add(name)
            eid = self.ids("places_estate")
            self.estate_of[g.index], self.estate_name[g.index] = eid, name
            estates.append((eid, now, now, *grid_codes(g.code), c.communities[g.community].id, name, ""))
        self.copy("places_estate", [*BASE, "community_id", "name", "address"], estates)
        self.buildings: list[tuple[int, int, int, int]] = []  # (id, grid index, number, entrances)

        def rows() -> Iterator[tuple[Any, ...]]:
            for g in c.grids:
                for b in range(math.ceil(g.households / HOUSEHOLDS_PER_BUILDING)):
                    inside = min(HOUSEHOLDS_PER_BUILDING, g.households - HOUSEHOLDS_PER_BUILDING * b)
                    entrances = math.ceil(inside / 12)
                    bid = self.ids("places_building")
                    self.buildings.append((bid, g.index, b + 1, entrances))
                    yield (
                        bid, now, now, *grid_codes(g.code), self.estate_of[g.index], g.id, str(b + 1), entrances,
                        6, None, None,
                    )  # fmt: skip

        columns = [*BASE, "estate_id", "grid_id", "number", "entrances", "floors", "lng", "lat"]
        self.copy("places_building", columns, rows())

    # -- care ----------------------------------------------------------------------------------------------

    def care(self) -> None:
        """Memberships of the care groups (12 % behind their visit, two exits a community) and their visits:
        one in the last period, a year of them for one member in 16."""
        from gongzhi.care.enums import DEFAULT_FREQUENCY, Frequency, due_after
        from gongzhi.demo.care import FINDINGS, PERIODS, STEP_DAYS, TAG_GROUPS

        rng = random.Random(self.rng.random())
        today, now = self.today, self.now
        reasons = dict(TAG_GROUPS.values()) | {"old_party_member": "党龄50年以上老党员"}
        picked: list[tuple[Resident, str]] = []
        for r in self.sample["care_elderly"]:
            picked.append((r, "elderly_alone" if rng.random() < 0.52 else "old_party_member"))
        for r in self.sample["care_other"]:
            x = rng.random() * 0.0522
            group = "disabled" if x < 0.0192 else "low_income" if x < 0.0341 else "veteran"
            if group == "veteran" and today.year - r.birth_year < 20:
                group = "disabled"
            picked.append((r, group))
        picked.sort(key=lambda p: p[0].id)
        exits: dict[int, int] = defaultdict(int)
        plans: list[
            tuple[Resident, str, str, dt.date, dt.date | None, tuple[dt.date, ...], dt.date | None]
        ] = []
        for r, group in picked:
            freq = DEFAULT_FREQUENCY.get(group, Frequency.MONTHLY)
            step = STEP_DAYS[freq]
            recent = rng.random() < 0.08
            entered = today - dt.timedelta(days=rng.randint(20, 60) if recent else rng.randint(370, 720))
            behind = not recent and rng.random() < CARE_BEHIND
            last: dt.date | None
            if behind:
                last = today - dt.timedelta(days=step + rng.randint(3, 40))
            else:
                lo = max(entered, today - dt.timedelta(days=step - 3))
                last = lo + dt.timedelta(days=rng.randint(0, (today - lo).days))
            days = [last]
            if rng.random() < CARE_FULL_YEAR:
                floor = max(entered, today - dt.timedelta(days=step * PERIODS[freq]))  # the demo's year
                d = last - dt.timedelta(days=step + rng.randint(-2, 2))
                while d > floor:
                    if rng.random() < 0.92:
                        days.append(d)
                    d -= dt.timedelta(days=step + rng.randint(-2, 2))
            community = r.grid.community
            exited = None
            if exits[community] < 2:
                exits[community] += 1
                exited = today - dt.timedelta(days=rng.randint(1, 15))
            plans.append((r, group, freq, entered, last, tuple(days), exited))

        def memberships() -> Iterator[tuple[Any, ...]]:
            for r, group, freq, entered, last, _days, exited in plans:
                due = due_after(last or entered, freq)
                created = self.city.local(entered, 9)
                yield (
                    self.ids("care_caremembership"), created, now, *grid_codes(r.grid.code), r.id, group, False,
                    entered, reasons[group], exited, "搬离本社区" if exited else "", self.city.worker(r.grid), freq,
                    1, last, due, due + dt.timedelta(days=1) if due < today and not exited else None,
                    "exited" if exited else "active",
                )  # fmt: skip

        self.copy(
            "care_caremembership",
            [*BASE, "person_id", "group", "sensitive", "entered_on", "entry_reason", "exited_on", "exit_reason",
             "carer_id", "frequency", "risk_level", "last_visited_on", "due_on", "overdue_since", "status"],
            memberships(),
        )  # fmt: skip

        def visits() -> Iterator[tuple[Any, ...]]:
            for r, group, _freq, _entered, _last, days, _exited in plans:
                worker = self.city.worker(r.grid)
                findings = FINDINGS.get(group, FINDINGS["veteran"])
                for day in sorted(days):
                    living, income, health, difficulty = findings[rng.randrange(len(findings))]
                    at = self.city.local(day, 10, rng.randrange(60))
                    yield (
                        self.ids("care_visit"), at, at, *grid_codes(r.grid.code), r.id, r.household, day,
                        "home" if rng.random() < 0.8 else "phone", f"{r.grid.name}网格员", worker, living, income,
                        difficulty if rng.random() < 0.3 else "", health, None, None, "none", None, None, "", "",
                        False,
                    )  # fmt: skip

        self.copy(
            "care_visit",
            [*BASE, "person_id", "household_id", "visited_on", "mode", "visitors", "recorded_by_id",
             "living_conditions", "income", "difficulties", "health", "lng", "lat", "follow_up", "need_id",
             "ticket_id", "referral", "outcome", "sensitive"],
            visits(),
        )  # fmt: skip

    # -- party -----------------------------------------------------------------------------------------------

    def party(self) -> None:
        """The organisation tree (a working committee per subdistrict, a committee per community, grid and
        joint branches as the demo's computed layout has them), registered units paired with a grid,
        community-managed members (residents) and in-service members with their accepted 报到."""
        from gongzhi.party.enums import SKILLS

        c, rng, now = self.city, random.Random(self.rng.random()), self.now
        orgs: list[tuple[Any, ...]] = []
        links: list[tuple[int, int, int]] = []
        working: dict[str, int] = {}
        for _sid, code, name in c.subdistricts:
            oid = self.ids("party_partyorganization")
            working[code] = oid
            orgs.append(
                (
                    oid,
                    now,
                    now,
                    code[:6],
                    code,
                    "",
                    "",
                    None,
                    "working_committee",
                    f"{name}党工委",
                    "",
                    None,
                    True,
                )
            )
        for comm in c.communities:
            oid = self.ids("party_partyorganization")
            self.committee_of[comm.index] = oid
            orgs.append((oid, now, now, *comm.codes, working.get(comm.sub), "community_committee", f"{comm.name}党委", "", None, True))  # fmt: skip
            covered = [g for g in comm.grids if g.index % 25 != 24]  # 96 % of the grids covered
            i, k = 0, 0
            while i < len(covered):
                size = (1, 1, 1, 3)[k % 4]
                chunk = covered[i : i + size]
                i, k = i + size, k + 1
                bid = self.ids("party_partyorganization")
                if len(chunk) == 1:
                    g = chunk[0]
                    orgs.append((bid, now, now, *grid_codes(g.code), oid, "grid_branch", f"{g.name}党支部", "", None, True))  # fmt: skip
                else:
                    numbers = "、".join(str(int(g.code[-3:])) for g in chunk)
                    name = f"{comm.name.removesuffix('社区')}第{numbers}网格联合党支部"
                    orgs.append((bid, now, now, *comm.codes, oid, "joint_branch", name, "", None, True))
                for g in chunk:
                    self.branch_of[g.index] = bid
                    links.append((len(links) + 1, bid, g.id))
        self.copy(
            "party_partyorganization",
            [*BASE, "parent_id", "kind", "name", "secretary_name", "secretary_id", "active"],
            orgs,
        )
        self.ids.last["party_partyorganization_grids"] = len(links)
        self.copy("party_partyorganization_grids", ["id", "partyorganization_id", "grid_id"], links)

        kinds = ("agency", "public_institution", "state_enterprise", "school", "hospital", "company")
        patterns = ("区{}局", "区{}中心", "{}供电所", "{}小学", "{}卫生院", "{}有限公司")
        words = ("教育", "卫健", "住建", "民政", "司法", "人社", "城管", "文旅", "市场监管", "生态环境")
        units = []
        for comm, n in zip(c.communities, self.per_community(UNITS, at_least=1), strict=True):
            for k in range(n):
                uid = self.ids("party_unit")
                j = uid % len(kinds)
                word = words[uid % len(words)] if j < 2 else comm.name.removesuffix("社区")
                name = patterns[j].format(word)
                g = comm.grids[k % len(comm.grids)]
                at = now - dt.timedelta(days=rng.randint(30, 700))
                self.units[comm.index].append((uid, name))
                units.append((
                    uid, at, now, *comm.codes, name, uscc(f"91{comm.district}MA", uid), kinds[j],
                    f"{comm.name}{rng.randint(1, 300)}号", f"{name}党支部", comm.id, g.id, None, at,
                ))  # fmt: skip
        self.copy(
            "party_unit",
            [*BASE, "name", "uscc", "kind", "address", "party_org_name", "community_id", "paired_grid_id",
             "liaison_id", "registered_at"],
            units,
        )  # fmt: skip

        member_cols = [
            *BASE, "kind", "person_id", "name", "organization_id", "unit_id", "workplace_org", "hub_household",
            "user_id", "phone_encrypted", "phone_hash", "phone_masked", "status", "joined_on", "ended_on",
            "end_reason",
        ]  # fmt: skip

        def residents() -> Iterator[tuple[Any, ...]]:
            for r in self.sample["party"]:
                org = self.branch_of.get(r.grid.index) or self.committee_of[r.grid.community]
                yield (
                    self.ids("party_partymember"), now, now, *grid_codes(r.grid.code), "community_managed", r.id,
                    r.name, org, None, "", False, None, *r.phone, "active", None, None, "",
                )  # fmt: skip

        self.copy("party_partymember", member_cols, residents())
        phones = Phones("150")
        names = _names(rng)
        skills = [k for k, _label in SKILLS]
        registrations: list[tuple[Any, ...]] = []
        for comm, n in zip(c.communities, self.per_community(IN_SERVICE, at_least=1), strict=True):
            mine = self.units.get(comm.index, [])
            decider = c.community_staff(comm)
            members = []
            for k in range(n):
                mid = self.ids("party_partymember")
                unit = mine[k % len(mine)] if mine and k % 10 < 7 else None
                at = now - dt.timedelta(days=rng.randint(1, 300), minutes=rng.randint(0, 600))
                members.append((
                    mid, at, now, *comm.codes, "in_service", None, names[mid % len(names)], None,
                    unit[0] if unit else None, unit[1] if unit else "济南市某机关", False, None, *phones.next(),
                    "active", None, None, "",
                ))  # fmt: skip
                g = comm.grids[k % len(comm.grids)]
                chosen = rng.sample(skills, rng.randint(1, 3))
                registrations.append((
                    self.ids("party_memberregistration"), at, at, *grid_codes(g.code), mid, comm.id,
                    unit[0] if unit else None, f"{self.estate_name[g.index]}{rng.randint(1, 9)}号楼",
                    json.dumps(chosen), "", rng.choice(("周末上午", "周末下午", "工作日晚上", "节假日")), "accepted", "",
                    chosen[0], g.id, f"BD-{comm.code}-{k + 1:05d}", decider, at,
                ))  # fmt: skip
            self.copy("party_partymember", member_cols, members)
        self.copy(
            "party_memberregistration",
            [*BASE, "member_id", "community_id", "unit_id", "address", "skills", "services_offered",
             "available_times", "status", "return_reason", "classification", "grid_id", "card_number",
             "decided_by_id", "decided_at"],
            registrations,
        )  # fmt: skip

    # -- volunteers and social organisations -----------------------------------------------------------

    def volunteers(self) -> None:
        """Social organisations with their registry profile, teams (the community's own, then units' and
        social organisations'), volunteers from the residents (one team each) and a year of one-off
        activities: a session each, attended by the team's volunteers with their hours (confirmed, the
        last week's pending), through sign-up and attendance as the sign-in sheet path writes them."""
        from gongzhi.socialorgs.enums import FIELDS
        from gongzhi.volunteers.services.hours import hours_between

        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        orgs: dict[int, list[int]] = defaultdict(list)
        org_rows, profiles = [], []
        for comm, n in zip(c.communities, self.per_community(SOCIAL_ORGS, at_least=1), strict=True):
            for k in range(n):
                oid = self.ids("volunteers_socialorganization")
                orgs[comm.index].append(oid)
                field_ = FIELDS[oid % len(FIELDS)]
                name = f"{comm.name.removesuffix('社区')}{field_}服务社{'' if k == 0 else k + 1}"
                org_rows.append((oid, now, now, *comm.codes, name, "", comm.id, field_, "", "", True))
                founded = today - dt.timedelta(days=rng.randint(200, 2000))
                profiles.append((
                    self.ids("socialorgs_organizationprofile"), now, now, *comm.codes, oid, "community_service",
                    "filed", f"BA{comm.code}{k + 1:03d}", founded, field_, rng.randint(8, 40), "",
                    self.committee_of.get(comm.index), "", "", "", "", "",
                ))  # fmt: skip
        self.copy(
            "volunteers_socialorganization",
            [
                *BASE,
                "name",
                "uscc",
                "community_id",
                "field_of_service",
                "contact_name",
                "description",
                "active",
            ],
            org_rows,
        )
        self.copy(
            "socialorgs_organizationprofile",
            [*BASE, "organization_id", "kind", "legal_status", "filing_number", "founded_on", "field",
             "members_count", "leader_name", "party_organization_id", "party_instructor", "contact_name",
             "contact_phone_encrypted", "contact_phone_hash", "contact_phone_masked"],
            profiles,
        )  # fmt: skip
        teams = []
        for comm, n in zip(c.communities, self.per_community(TEAMS, at_least=1), strict=True):
            units, mine = self.units.get(comm.index, []), orgs.get(comm.index, [])
            for k in range(n):
                tid = self.ids("volunteers_volunteerteam")
                self.teams[comm.index].append(tid)
                short = comm.name.removesuffix("社区")
                if k == 0 or (not units and not mine):
                    owner, unit, org, name = (
                        "community",
                        None,
                        None,
                        f"{short}社区志愿服务队{'' if k == 0 else k + 1}",
                    )
                elif k % 2 and mine:
                    owner, unit, org, name = (
                        "social_organization",
                        None,
                        mine[k % len(mine)],
                        f"{short}公益志愿队{k}",
                    )
                elif units:
                    u = units[k % len(units)]
                    owner, unit, org, name = "unit", u[0], None, f"{u[1]}志愿服务队"
                else:
                    owner, unit, org, name = (
                        "social_organization",
                        None,
                        mine[k % len(mine)],
                        f"{short}公益志愿队{k}",
                    )
                teams.append((
                    tid, now, now, *comm.codes, name, owner, comm.id, unit, org, comm.name, json.dumps(["general"]),
                    "", None, True,
                ))  # fmt: skip
        self.copy(
            "volunteers_volunteerteam",
            [*BASE, "name", "owner_kind", "community_id", "unit_id", "social_organization_id", "service_area",
             "skills", "description", "leader_id", "active"],
            teams,
        )  # fmt: skip

        # who is in which team, and the sessions each team held
        members: dict[int, list[int]] = defaultdict(list)  # team id → volunteer ids
        volunteer_rows: list[tuple[Resident, int, int]] = []  # (resident, volunteer id, team id)
        for r in self.sample["volunteers"]:
            mine_t = self.teams[r.grid.community]
            vid = self.ids("volunteers_volunteer")
            team = mine_t[vid % len(mine_t)]
            members[team].append(vid)
            volunteer_rows.append((r, vid, team))
        totals: dict[int, Decimal] = defaultdict(Decimal)
        sessions: list[
            tuple[Community, int, dt.date, int, list[int]]
        ] = []  # (community, team, day, hour, who)
        for comm, n in zip(c.communities, self.per_community(SESSIONS, at_least=1), strict=True):
            mine_t = self.teams[comm.index]
            days: dict[int, set[int]] = defaultdict(set)
            for k in range(n):
                team = mine_t[k % len(mine_t)]
                back = rng.randint(1, 300)
                while back in days[team]:
                    back = rng.randint(1, 300)
                days[team].add(back)
                crew = members.get(team, [])
                size = min(len(crew), max(1, round(rng.gauss(ATTENDANCE_PER_SESSION, 2))))
                sessions.append(
                    (comm, team, today - dt.timedelta(days=back), 9 if k % 2 else 14, rng.sample(crew, size))
                )
        week_ago = today - dt.timedelta(days=7)
        for _comm, _team, day, _hour, who in sessions:
            if day < week_ago:
                for vid in who:
                    totals[vid] += Decimal("2.0")

        from gongzhi.volunteers.enums import star_level_for

        def volunteers_() -> Iterator[tuple[Any, ...]]:
            for r, vid, _team in volunteer_rows:
                total = totals.get(vid, Decimal("0"))
                yield (
                    vid, now, now, *grid_codes(r.grid.code), r.name, r.id, None, None, json.dumps(["general"]),
                    "[]", "", total, star_level_for(total), True,
                )  # fmt: skip

        self.copy(
            "volunteers_volunteer",
            [*BASE, "name", "person_id", "party_member_id", "user_id", "skills", "availability",
             "availability_pattern", "total_hours", "star_level", "active"],
            volunteers_(),
        )  # fmt: skip
        self.copy(
            "volunteers_teammembership",
            [*BASE, "team_id", "volunteer_id", "role", "status", "joined_at", "left_at"],
            (
                (self.ids("volunteers_teammembership"), now, now, *c.communities[r.grid.community].codes, team,
                 vid, "member", "active", now - dt.timedelta(days=330), None)
                for r, vid, team in volunteer_rows
            ),
        )  # fmt: skip
        acts, sess = [], []
        titles = (
            "“678”周末志愿服务",
            "关爱独居老人上门探访",
            "小区环境清洁行动",
            "文明交通劝导",
            "政策宣讲进楼院",
            "社区义诊",
        )
        held: list[
            tuple[
                tuple[str, str, str, str], int, int, dt.date, dt.datetime, dt.datetime, int | None, list[int]
            ]
        ] = []
        for comm, team, day, hour, who in sessions:
            codes = comm.codes
            aid, sid = self.ids("volunteers_activity"), self.ids("volunteers_activitysession")
            start, end = self.city.local(day, hour), self.city.local(day, hour + 2)
            created = start - dt.timedelta(days=7)
            organizer = c.community_staff(comm)
            acts.append((
                aid, created, created, *codes, team, comm.id, "volunteer_service", titles[aid % len(titles)], "",
                f"{comm.name}党群服务中心", None, json.dumps(["general"]), 20, "one_off", None, day, day,
                f"{hour:02d}:00:00", f"{hour + 2:02d}:00:00", "published", organizer,
            ))  # fmt: skip
            sess.append((
                sid, created, end, *codes, aid, start, end, 20, "scheduled", token(f"vs{sid}"), len(who), 0, len(who),
            ))  # fmt: skip
            held.append((codes, team, sid, day, start, end, organizer, who))

        def served(kind: str) -> Iterator[tuple[Any, ...]]:
            """Sign-ups, attendances and hours: one each per volunteer and session, so the k-th of each has
            id k in its (empty) table."""
            k = 0
            for codes, team, sid, day, start, end, organizer, who in held:
                confirmed = day < week_ago
                for vid in who:
                    k += 1
                    if kind == "signup":
                        yield (k, start, end, *codes, sid, vid, "attended", start, None, None)
                    elif kind == "attendance":
                        yield (
                            k,
                            start,
                            end,
                            *codes,
                            sid,
                            vid,
                            k,
                            start,
                            end,
                            "organizer",
                            "organizer",
                            organizer,
                        )
                    else:
                        yield (
                            k, end, end, *codes, k, vid, team, sid, day, start, end, hours_between(start, end),
                            "confirmed" if confirmed else "pending", organizer if confirmed else None,
                            end + dt.timedelta(hours=2) if confirmed else None, "",
                        )  # fmt: skip

        self.copy(
            "volunteers_activity",
            [*BASE, "team_id", "community_id", "category", "title", "description", "venue", "venue_site_id",
             "skills", "capacity", "recurrence", "weekday", "start_date", "end_date", "start_time", "end_time",
             "status", "organizer_id"],
            acts,
        )  # fmt: skip
        self.copy(
            "volunteers_activitysession",
            [*BASE, "activity_id", "starts_at", "ends_at", "capacity", "status", "qr_token", "signed_up_count",
             "waiting_count", "attended_count"],
            sess,
        )  # fmt: skip
        self.copy(
            "volunteers_signup",
            [*BASE, "session_id", "volunteer_id", "status", "queued_at", "promoted_at", "cancelled_at"],
            served("signup"),
        )
        self.copy(
            "volunteers_attendance",
            [*BASE, "session_id", "volunteer_id", "signup_id", "check_in_at", "check_out_at", "check_in_source",
             "check_out_source", "recorded_by_id"],
            served("attendance"),
        )  # fmt: skip
        self.copy(
            "volunteers_servicehours",
            [*BASE, "attendance_id", "volunteer_id", "team_id", "session_id", "served_on", "started_at",
             "ended_at", "hours", "status", "confirmed_by_id", "confirmed_at", "note"],
            served("hours"),
        )  # fmt: skip
        for table in ("volunteers_signup", "volunteers_attendance", "volunteers_servicehours"):
            self.ids.last[table] = self.rows.get(table, 0)

    # -- cobuild: the three lists ------------------------------------------------------------------------

    def cobuild(self) -> None:
        """Resources of the units and teams, projects claimed and signed over the year with their need and
        resource (two in three completed, their needs fulfilled), and open needs for the next meeting."""
        from gongzhi.demo.cobuild import CATALOGUE

        c, rng, now = self.city, random.Random(self.rng.random()), self.now
        categories = list(CATALOGUE)
        resources: list[tuple[Any, ...]] = []
        of_community: dict[int, list[tuple[int, tuple[str, int | None, int | None, str]]]] = defaultdict(list)
        for comm, n in zip(c.communities, self.per_community(RESOURCES, at_least=1), strict=True):
            units, teams = self.units.get(comm.index, []), self.teams.get(comm.index, [])
            lng, lat = comm.centre
            for k in range(n):
                rid = self.ids("cobuild_resource")
                cat = categories[rid % len(categories)]
                kind, title = CATALOGUE[cat][1]
                if units and k % 3 != 2:
                    u = units[k % len(units)]
                    provider: tuple[str, int | None, int | None, str] = ("unit", u[0], None, u[1])
                else:
                    provider = ("team", None, teams[k % len(teams)], f"{comm.name}志愿服务队")
                of_community[comm.index].append((rid, provider))
                resources.append((
                    rid, now - dt.timedelta(days=rng.randint(200, 400)), now, *comm.codes, comm.id, title, "",
                    kind, json.dumps([cat]), provider[0], provider[1], None, None, provider[2], provider[3],
                    rng.randint(2, 6), 0, "", lng, lat, 3.0, "[]", "", "", "", "", True,
                ))  # fmt: skip
        self.copy(
            "cobuild_resource",
            [*BASE, "community_id", "title", "description", "kind", "categories", "provider_kind", "unit_id",
             "member_id", "social_organization_id", "team_id", "provider_name", "capacity", "schedule",
             "schedule_note", "lng", "lat", "radius_km", "area_codes", "contact_name", "contact_phone_encrypted",
             "contact_phone_hash", "contact_phone_masked", "active"],
            resources,
        )  # fmt: skip
        needs: list[tuple[Any, ...]] = []
        projects: list[tuple[Any, ...]] = []
        pneeds: list[tuple[Any, ...]] = []
        presources: list[tuple[Any, ...]] = []
        for comm, n in zip(c.communities, self.per_community(PROJECTS, at_least=1), strict=True):
            raiser = c.community_staff(comm)
            offered = of_community[comm.index]
            for k in range(n + OPEN_NEEDS):
                nid = self.ids("cobuild_need")
                cat = categories[nid % len(categories)]
                title, beneficiaries, qty, unit_label, micro = CATALOGUE[cat][0][nid % len(CATALOGUE[cat][0])]
                g = comm.grids[k % len(comm.grids)]
                raised = now - dt.timedelta(days=rng.randint(200, 330))
                if k >= n:  # open, raised lately
                    raised = now - dt.timedelta(days=rng.randint(1, 60))
                    status, committed, delivered, fulfilled = "open", 0, 0, None
                else:
                    signed = raised + dt.timedelta(days=rng.randint(10, 40))
                    done = k % 3 != 2
                    fulfilled = signed + dt.timedelta(days=rng.randint(20, 120)) if done else None
                    if fulfilled is not None and fulfilled > now:
                        fulfilled = now - dt.timedelta(hours=rng.randint(1, 48))
                    status = "fulfilled" if done else "in_progress"
                    committed, delivered = qty, qty if done else qty // 2
                    pid = self.ids("cobuild_project")
                    rid, provider = offered[k % len(offered)]
                    year = signed.year
                    projects.append((
                        pid, raised, now, *comm.codes, comm.id, f"{title}共建项目", "", year,
                        "completed" if done else "signed", provider[0], provider[1], None, provider[2], provider[3],
                        signed - dt.timedelta(days=3), f"GJ-{comm.code}-{year}-{pid:06d}",
                        "按需求清单约定的内容和频次提供服务", f"{comm.name}党委", provider[3],
                        signed.date(), signed.date() + dt.timedelta(days=180), signed, "已按约定完成" if done else "",
                        fulfilled, None,
                    ))  # fmt: skip
                    pneeds.append((len(pneeds) + 1, signed, now, pid, nid, qty, delivered))
                    presources.append((len(presources) + 1, signed, now, pid, rid))
                needs.append((
                    nid, raised, now, *grid_codes(g.code), comm.id, g.id, title, "", cat, micro, "community", None,
                    beneficiaries, 1, qty, unit_label, "once", 0, "normal", None, g.lng, g.lat, status, committed,
                    delivered, raiser, fulfilled,
                ))  # fmt: skip
        self.copy(
            "cobuild_need",
            [*BASE, "community_id", "grid_id", "title", "description", "category", "micro_wish", "source",
             "source_ticket_id", "beneficiaries", "beneficiary_count", "quantity", "quantity_unit", "frequency",
             "schedule", "urgency", "wanted_by", "lng", "lat", "status", "committed", "delivered", "raised_by_id",
             "fulfilled_at"],
            needs,
        )  # fmt: skip
        self.copy(
            "cobuild_project",
            [*BASE, "community_id", "title", "description", "year", "status", "claimant_kind",
             "claimant_unit_id", "claimant_member_id", "claimant_team_id", "claimant_name", "claimed_at",
             "agreement_number", "terms", "community_signatory", "claimant_signatory", "starts_on", "ends_on",
             "signed_at", "outcome", "completed_at", "plan_row_id"],
            projects,
        )  # fmt: skip
        self.ids.last["cobuild_projectneed"] = len(pneeds)
        self.ids.last["cobuild_projectresource"] = len(presources)
        self.copy(
            "cobuild_projectneed",
            ["id", "created_at", "updated_at", "project_id", "need_id", "committed", "delivered"],
            pneeds,
        )
        self.copy(
            "cobuild_projectresource",
            ["id", "created_at", "updated_at", "project_id", "resource_id"],
            presources,
        )

    # -- councils ----------------------------------------------------------------------------------------

    def councils(self) -> None:
        """A 民情议事会 per community with its meetings, topics in every state, resolutions being carried out
        with a milestone each (a few overdue), and 书记有约 at two places a month."""
        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        councils, meetings, topics, resolutions, milestones = [], [], [], [], []
        open_states = ("proposed", "accepted", "consulting", "scheduled", "declined", "voted_down")
        done_states = ("implementing", "resolved", "completed", "published")
        overdue = self.each_community(OVERDUE_MILESTONES)
        n_topics = self.each_community(TOPICS, at_least=1)
        n_meetings = self.each_community(MEETINGS, at_least=1)
        n_resolutions = self.each_community(RESOLUTIONS, at_least=1)
        numbers: dict[str, int] = defaultdict(int)
        for comm in c.communities:
            i = comm.index
            staff = c.community_staff(comm)
            cid = self.ids("councils_council")
            councils.append((
                cid, now - dt.timedelta(days=600), now, *comm.codes, comm.id, None, f"{comm.name}民情议事会",
                "community", "6+x", "", today - dt.timedelta(days=600), today + dt.timedelta(days=495), True, staff,
            ))  # fmt: skip
            held = []
            for k in range(n_meetings[i]):
                mid = self.ids("councils_meeting")
                day = today - dt.timedelta(days=30 + (k * 290) // max(1, n_meetings[i]) + rng.randint(0, 20))
                start = self.city.local(day, 19)
                held.append((mid, start))
                meetings.append((
                    mid, start - dt.timedelta(days=7), start, *comm.codes, cid, f"{comm.name}民情议事会第{k + 1}次会议",
                    start, start + dt.timedelta(hours=2), f"{comm.name}党群服务中心", None, "held", token(f"cm{mid}"),
                    f"{comm.name}党委书记", "社区工作者", "会议就议题逐项表决，形成决议。", start, "", 7,
                ))  # fmt: skip
            n_res = min(n_resolutions[i], n_topics[i])
            for k in range(max(n_topics[i], n_res)):
                tid = self.ids("councils_topic")
                mid, start = held[k % len(held)]
                resolved = k < n_res
                status = done_states[k % len(done_states)] if resolved else open_states[k % len(open_states)]
                late = resolved and k < overdue[i]
                if late:
                    status = "implementing"
                created = start - dt.timedelta(days=rng.randint(10, 40))
                topics.append((
                    tid, created, now, *comm.codes, cid, f"{comm.name}议题{k + 1}", "", "resident", None, status,
                    False, None, "居民", "不属于议事范围" if status == "declined" else "", None, None, 0, 0, 0, "", "",
                    None, mid if resolved or status == "voted_down" else None, start if resolved else created,
                ))  # fmt: skip
                if not resolved:
                    continue
                rid = self.ids("councils_resolution")
                year = timezone_year(start)
                numbers[f"{comm.code}-{year}"] += 1
                completed = start + dt.timedelta(days=60) if status in ("completed", "published") else None
                resolutions.append((
                    rid, start, now, *comm.codes, tid, mid, f"{comm.code}-{year}-{numbers[f'{comm.code}-{year}']:03d}",
                    "会议通过，按决议落实", "社区居委会", staff, start.date() + dt.timedelta(days=90),
                    100 if completed else 50, start + dt.timedelta(days=1), completed, "已落实" if completed else "",
                    completed, 0, 0, "[]", "[]",
                ))  # fmt: skip
                if late:
                    due, done = today - dt.timedelta(days=rng.randint(3, 30)), None
                elif completed:
                    due, done = start.date() + dt.timedelta(days=45), start.date() + dt.timedelta(days=40)
                else:
                    due, done = today + dt.timedelta(days=rng.randint(10, 60)), None
                milestones.append(
                    (self.ids("councils_resolutionmilestone"), start, now, rid, "完成实施", due, done, "")
                )
        self.copy(
            "councils_council",
            [*BASE, "community_id", "estate_id", "name", "kind", "pattern", "description", "term_start",
             "term_end", "active", "created_by_id"],
            councils,
        )  # fmt: skip
        self.copy(
            "councils_meeting",
            [*BASE, "council_id", "title", "starts_at", "ends_at", "location", "venue_id", "status", "qr_token",
             "host", "recorder", "minutes", "held_at", "cancel_reason", "attended_count"],
            meetings,
        )  # fmt: skip
        self.copy(
            "councils_topic",
            [*BASE, "council_id", "title", "description", "source_kind", "source_id", "status", "major",
             "proposed_by_id", "proposer_label", "decline_reason", "consultation_opens_on",
             "consultation_closes_on", "opinions_support", "opinions_oppose", "opinions_neutral", "review_by",
             "review_opinion", "reviewed_at", "meeting_id", "status_changed_at"],
            topics,
        )  # fmt: skip
        self.copy(
            "councils_resolution",
            [*BASE, "topic_id", "meeting_id", "number", "content", "owner_name", "owner_id", "due_on",
             "progress", "notice_published_at", "completed_at", "result", "result_published_at", "rating_count",
             "rating_sum", "ticket_ids", "project_ids"],
            resolutions,
        )  # fmt: skip
        self.copy(
            "councils_resolutionmilestone",
            ["id", "created_at", "updated_at", "resolution_id", "title", "due_on", "done_on", "note"],
            milestones,
        )
        places, sessions = [], []
        for comm in c.communities:
            secretary = c.community_staff(comm)
            for k in range(APPOINTMENT_PLACES):
                pid = self.ids("councils_appointmentplace")
                name = (
                    f"{comm.name}党群服务中心"
                    if k == 0
                    else f"{self.estate_name[comm.grids[-1].index]}议事亭"
                )
                places.append((pid, now, now, *comm.codes, comm.id, name, name, True))
                for m in range(12):
                    month = _month_back(today, m)
                    day = month.replace(day=min(28, 5 + 10 * k))
                    is_held = day <= today
                    sessions.append((
                        self.ids("councils_appointmentsession"), self.city.local(day, 8), now, *comm.codes, pid, day,
                        f"{comm.name}党委书记", "community", secretary, "held" if is_held else "planned",
                        rng.randint(3, 15) if is_held else 0, "", "", self.city.local(day, 11) if is_held else None,
                    ))  # fmt: skip
        self.copy("councils_appointmentplace", [*BASE, "community_id", "name", "address", "active"], places)
        self.copy(
            "councils_appointmentsession",
            [*BASE, "place_id", "date", "secretary_name", "secretary_kind", "secretary_id", "status", "visitors",
             "activities", "notes", "held_at"],
            sessions,
        )  # fmt: skip

    # -- property ----------------------------------------------------------------------------------------

    def property(self) -> None:
        """Property companies of each district, a company's service for every estate and a tenth of the
        households rating their estate's company every quarter of the year."""
        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        phones = Phones("151")
        companies = []
        of_district: dict[str, list[int]] = defaultdict(list)
        for comm, n in zip(c.communities, self.per_community(COMPANIES), strict=True):
            for _k in range(n):
                cid = self.ids("property_propertycompany")
                of_district[comm.district].append(cid)
                name = f"{comm.name.removesuffix('社区')}物业服务有限公司{cid}"
                companies.append((
                    cid, now, now, comm.district, comm.sub, "", "", name, uscc(f"91{comm.district}MB", cid),
                    f"{comm.name}{rng.randint(1, 200)}号", "项目经理", *phones.next(), f"{name}党支部",
                    rng.randint(3, 20), "", None, cid % 4 == 0, True,
                ))  # fmt: skip
        self.copy(
            "property_propertycompany",
            [*BASE, "name", "uscc", "address", "manager_name", "phone_encrypted", "phone_hash", "phone_masked",
             "party_org_name", "party_members", "party_lead_name", "party_lead_id", "red_brand", "active"],
            companies,
        )  # fmt: skip
        company_of: dict[int, int] = {}  # grid index (its estate) → company
        services = []
        for g in c.grids:
            mine = of_district[g.code[:6]]
            company_of[g.index] = mine[g.index % len(mine)]
            services.append((
                self.ids("property_estateservice"), now, now, *grid_codes(g.code), self.estate_of[g.index],
                "company", company_of[g.index], today - dt.timedelta(days=700 + g.index % 300), None, True,
            ))  # fmt: skip
        self.copy(
            "property_estateservice",
            [*BASE, "estate_id", "kind", "company_id", "starts_on", "ends_on", "current"],
            services,
        )
        from gongzhi.property.services._validation import quarter_containing

        q = quarter_containing(today)
        quarters = [q.previous().previous().previous(), q.previous().previous(), q.previous(), q]
        hh_grid, grids = c.hh_grid, c.grids
        happy = [3.2 + (g.index % 7) * 0.25 for g in grids]

        def ratings() -> Iterator[tuple[Any, ...]]:
            rid = 0
            for quarter in quarters:
                first, last = quarter.start, min(quarter.end, today)
                span = max(0, (last - first).days)
                chosen = sorted(rng.sample(range(1, len(hh_grid)), round(RATED_SHARE * (len(hh_grid) - 1))))
                for h in chosen:
                    gi = hh_grid[h]
                    if gi < 0:
                        continue
                    g = grids[gi]
                    rid += 1
                    at = self.city.local(
                        first + dt.timedelta(days=rng.randint(0, span)), 19, rng.randrange(60)
                    )
                    if at > now:
                        at = now
                    score = max(1, min(5, round(rng.gauss(happy[gi], 0.8))))
                    yield (
                        rid, at, at, *grid_codes(g.code), h, self.estate_of[gi], quarter.key, None,
                        company_of[gi], score, None, None, None, None, "",
                    )  # fmt: skip

        self.copy(
            "property_propertyrating",
            [*BASE, "household_id", "estate_id", "quarter", "rated_by_id", "company_id", "company_score",
             "committee_id", "committee_score", "branch_id", "branch_score", "comment"],
            ratings(),
        )  # fmt: skip
        self.ids.last["property_propertyrating"] = self.rows.get("property_propertyrating", 0)

    # -- venues ------------------------------------------------------------------------------------------

    def venues_and_bookings(self) -> None:
        """Every community's 党群服务中心, 人民调解室, "678" 党员驿站, 居民说事点 and a 网格工作站 per three
        grids, and a year of bookings (one a day at most per venue, in its opening hours)."""
        from gongzhi.demo.venues import PURPOSES

        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        venues: list[tuple[Any, ...]] = []
        self.mediation_room: dict[int, int] = {}
        weekdays = json.dumps([0, 1, 2, 3, 4])
        for comm in c.communities:
            name, (lng, lat) = comm.name, comm.centre
            staff = c.community_staff(comm)
            spots: list[tuple[str, str, Grid | None, str, bool, int]] = [
                ("service_centre", f"{name}党群服务中心", None, f"{name}居委会一楼", True, 80),
                ("mediation_room", f"{name}人民调解室", None, f"{name}居委会二楼", False, 10),
                ("station_678", f"{name}“678”党员驿站", comm.grids[0], f"{comm.grids[0].name}沿街", True, 15),
                (
                    "talk_point",
                    f"{name}居民说事点",
                    comm.grids[-1],
                    f"{comm.grids[-1].name}小区凉亭",
                    False,
                    20,
                ),
            ]
            for i, station in enumerate(comm.grids[::3], start=1):
                spots.append(
                    (
                        "grid_station",
                        f"{name}第{i}网格工作站",
                        station,
                        f"{station.name}网格员办公室",
                        False,
                        12,
                    )
                )
            for kind, title, g, address, late, capacity in spots:
                vid = self.ids("venues_venue")
                self.venues[comm.index].append(vid)
                if kind == "mediation_room":
                    self.mediation_room[comm.index] = vid
                codes = grid_codes(g.code) if g else comm.codes
                every = kind == "service_centre"
                venues.append((
                    vid, now - dt.timedelta(days=400), now, *codes, comm.id, g.id if g else None, kind, title, address,
                    g.lng if g else lng, g.lat if g else lat, json.dumps(list(range(7))) if every else weekdays,
                    "08:30:00" if every else "09:00:00", "17:30:00" if every else "17:00:00", late,
                    json.dumps(["议事协商", "志愿服务"]), staff, f"{name}党委书记" if every else "", capacity,
                    None, True, True,
                ))  # fmt: skip
        self.copy(
            "venues_venue",
            [*BASE, "community_id", "grid_id", "kind", "name", "address", "lng", "lat", "open_weekdays",
             "opens_at", "closes_at", "after_hours_678", "services", "manager_id", "manager_name", "capacity",
             "floor_area", "bookable", "active"],
            venues,
        )  # fmt: skip
        workdays = [d for d in range(1, 331) if (today - dt.timedelta(days=d)).weekday() < 5]

        def bookings() -> Iterator[tuple[Any, ...]]:
            k = 0
            for row in venues:
                vid, codes = row[0], row[3:7]
                staff = c.staff.get(("community_worker", codes[2]))
                n = max(1, round(rng.gauss(BOOKINGS_PER_VENUE, 3)))
                for back in rng.sample(workdays, min(n, len(workdays))):
                    k += 1
                    day = today - dt.timedelta(days=back)
                    start = self.city.local(day, 9, 30)
                    purpose, booker, _link = PURPOSES[k % len(PURPOSES)]
                    cancelled = k % 20 == 0
                    yield (
                        k, start - dt.timedelta(days=3), start, *codes, vid, start, start + dt.timedelta(hours=2),
                        purpose, rng.randint(5, 40), booker, None, ORGANISERS.get(booker, ""), staff,
                        "cancelled" if cancelled else "confirmed",
                        "", None, start - dt.timedelta(days=1) if cancelled else None, "时间调整" if cancelled else "",
                    )  # fmt: skip

        self.copy(
            "venues_booking",
            [*BASE, "venue_id", "starts_at", "ends_at", "purpose", "attendees", "booker_kind", "unit_id",
             "organization_name", "booked_by_id", "status", "linked_kind", "linked_id", "cancelled_at",
             "cancel_reason"],
            bookings(),
        )  # fmt: skip
        self.ids.last["venues_booking"] = self.rows.get("venues_booking", 0)

    # -- mediation ---------------------------------------------------------------------------------------

    def mediation(self) -> None:
        """A committee per community (its room at the community's 人民调解室) and per subdistrict, the
        year's cases (two in three agreed, some unresolved, transferred or still being mediated) and the
        open warnings of the week."""
        from gongzhi.demo.mediation import DISPUTES
        from gongzhi.mediation.enums import ROOM_STANDARDS

        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        committees, rooms = [], []
        committee_of: dict[int, int] = {}
        room_of: dict[int, int] = {}
        standards = json.dumps([k for k, _label in ROOM_STANDARDS])
        names: dict[str, set[str]] = defaultdict(set)
        sub_names = {code: name for _i, code, name in c.subdistricts}

        def unique(district: str, name: str) -> str:
            out, k = name, 2
            while out in names[district]:
                out, k = f"{name}（{k}）", k + 1
            names[district].add(out)
            return out

        for _i, code, name in c.subdistricts:
            committees.append((
                self.ids("mediation_committee"), now, now, code[:6], code, "", "",
                unique(code[:6], f"{name}人民调解委员会"), name, "subdistrict", "", "", True,
            ))  # fmt: skip
        for comm in c.communities:
            cid = self.ids("mediation_committee")
            committee_of[comm.index] = cid
            title = unique(comm.district, f"{sub_names.get(comm.sub, '')}{comm.name}人民调解委员会")
            committees.append((cid, now, now, *comm.codes, title, comm.name, "community", "", "", True))
            room_of[comm.index] = self.ids("mediation_room")
            rooms.append((
                room_of[comm.index], now, now, *comm.codes, cid, f"{comm.name}人民调解室",
                f"{comm.name}居委会二楼", self.mediation_room.get(comm.index), "工作日 9:00—17:00", standards,
            ))  # fmt: skip
        self.copy(
            "mediation_committee",
            [*BASE, "name", "short_name", "level", "speciality", "chair", "active"],
            committees,
        )
        self.copy(
            "mediation_room",
            [*BASE, "committee_id", "name", "place", "venue_id", "hours", "standards"],
            rooms,
        )
        cases, warnings = [], []
        seqs: dict[tuple[int, int], int] = defaultdict(int)
        agreements: dict[tuple[int, int], int] = defaultdict(int)
        n_cases = self.each_community(CASES, at_least=1)
        n_warnings = self.each_community(WARNINGS)
        monday = today - dt.timedelta(days=today.weekday())
        for comm in c.communities:
            cid = committee_of[comm.index]
            room = room_of[comm.index]
            reporter = c.community_staff(comm)
            for k in range(n_cases[comm.index]):
                kind, title, facts, amount, terms, performance = DISPUTES[(comm.index + k) % len(DISPUTES)]
                g = comm.grids[k % len(comm.grids)]
                registered = today - dt.timedelta(days=rng.randint(5, 320))
                seqs[(cid, registered.year)] += 1
                accepted = registered + dt.timedelta(days=1)
                end = min(today, registered + dt.timedelta(days=rng.randint(5, 25)))
                fate = k % 6
                row: dict[str, Any] = {
                    "status": "mediating", "outcome": "", "agreement_seq": None, "agreement_terms": "",
                    "performance": "", "agreed_on": None, "ended_on": None, "end_note": "", "transfer_kind": "",
                    "transfer_body": "", "kept": None, "satisfaction": "", "closed_on": None,
                }  # fmt: skip
                if fate < 4:
                    agreements[(cid, end.year)] += 1
                    row.update(
                        status="agreed", outcome="agreement", agreement_seq=agreements[(cid, end.year)],
                        agreement_terms=terms, performance=performance, agreed_on=end, ended_on=end,
                    )  # fmt: skip
                elif fate == 4:
                    row.update(
                        status="failed",
                        outcome="no_agreement",
                        ended_on=end,
                        end_note="告知可申请仲裁或向人民法院起诉",
                    )
                elif k % 12 == 5:
                    row.update(status="transferred", outcome="transfer", ended_on=end, closed_on=end,
                               transfer_kind="judicial", transfer_body="区人民法院诉前调解中心")  # fmt: skip
                cases.append((
                    self.ids("mediation_case"), self.city.local(registered, 10), now, *grid_codes(g.code), cid,
                    room, registered.year, seqs[(cid, registered.year)], "grid_worker", kind, title, facts,
                    Decimal(amount) if amount else None, row["status"], row["outcome"], reporter, None, registered,
                    accepted, self.city.local(accepted + dt.timedelta(days=30), 17, 30), "", row["agreement_seq"],
                    row["agreement_terms"], row["performance"], row["agreed_on"], row["ended_on"], row["end_note"],
                    row["transfer_kind"], row["transfer_body"], None, None, "", None, None, "", row["kept"], None,
                    "", row["satisfaction"], row["closed_on"],
                ))  # fmt: skip
            for k in range(n_warnings[comm.index]):
                g = comm.grids[k % len(comm.grids)]
                week = monday - dt.timedelta(days=7 * (k // 3))
                h = c.household_in(g, k)
                evidence = self.ticket_numbers(g)
                times = max(3, len(evidence))
                warnings.append((
                    self.ids("mediation_disputewarning"), self.city.local(week, 6), now, *grid_codes(g.code),
                    "repeat", week, f"household:{h}", f"{self.estate_name[g.index]}一户30天内反映{times}次", times,
                    json.dumps(evidence), None, "taken" if k % 2 else "open", reporter if k % 2 else None, "", None,
                ))  # fmt: skip
        self.copy(
            "mediation_case",
            [*BASE, "committee_id", "room_id", "year", "seq", "source", "kind", "title", "facts", "amount",
             "status", "outcome", "reported_by_id", "ticket_id", "registered_on", "accepted_on", "due_at",
             "extended_reason", "agreement_seq", "agreement_terms", "performance", "agreed_on", "ended_on",
             "end_note", "transfer_kind", "transfer_body", "reported_up_on", "reported_up_by_id", "report_reason",
             "reply_due", "replied_on", "reply", "kept", "followed_up_on", "follow_note", "satisfaction",
             "closed_on"],
            cases,
        )  # fmt: skip
        self.copy(
            "mediation_disputewarning",
            [*BASE, "kind", "week_start", "key", "subject", "count", "evidence", "case_id", "status",
             "handler_id", "action", "closed_on"],
            warnings,
        )  # fmt: skip

    def ticket_numbers(self, grid: Grid, n: int = 3) -> list[str]:
        """The numbers of the grid's latest tickets (a warning's evidence), as the tickets show them."""
        from django.utils import timezone

        out = []
        for pk, created in _rows(
            self.sink, "SELECT id, created_at FROM tickets_ticket WHERE grid_code = %s ORDER BY id DESC LIMIT %s",
            [grid.code, n],
        ):  # fmt: skip
            at = created if isinstance(created, dt.datetime) else dt.datetime.fromisoformat(str(created))
            at = at if at.tzinfo else at.replace(tzinfo=dt.UTC)
            out.append(f"{timezone.localtime(at):%Y%m%d}-{int(pk):07d}")
        return out

    # -- points ------------------------------------------------------------------------------------------

    def points(self) -> None:
        """The demo's district rules in every district, grid workers' claims on households (one in seven
        approved at the community's monthly review and posted on its ledger, a few rejected, the rest
        waiting), with the accounts, chains and heads the ledger services keep."""
        from gongzhi.demo.points import RULES
        from gongzhi.points.ledger import GENESIS, posting_hash

        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        rules, rule_ids = [], []
        for district in c.districts:
            staff = c.staff.get(("district_admin", district))
            for code, name, direction, category, lo, hi, unit, evidence, cap in RULES:
                rid = self.ids("points_pointrule")
                source = "volunteer_hours" if code == "ZY01" else "manual"
                rules.append((
                    rid, now, now, district, "", "", "", None, code, 1, name, direction, category, lo, hi, unit,
                    evidence, cap, today - dt.timedelta(days=400), None, source, staff,
                ))  # fmt: skip
                if source == "manual":
                    rule_ids.append((district, rid, code, name, direction, lo, hi))
        self.copy(
            "points_pointrule",
            [*BASE, "community_id", "code", "version", "name", "direction", "category", "points_min",
             "points_max", "unit", "evidence", "yearly_cap", "valid_from", "valid_to", "source",
             "created_by_id"],
            rules,
        )  # fmt: skip
        by_district: dict[str, list[tuple[int, str, str, str, int, int]]] = defaultdict(list)
        for district, rid, code, name, direction, lo, hi in rule_ids:
            by_district[district].append((rid, code, name, direction, lo, hi))
        # the claims: households drawn over the city, and one in every district at least
        hh_grid, grids = c.hh_grid, c.grids
        n = min(len(hh_grid) - 1, round(CLAIMS * c.persons[0]))
        drawn = [h for h in rng.sample(range(1, len(hh_grid)), n) if hh_grid[h] >= 0] if n > 0 else []
        have = {grids[hh_grid[h]].code[:6] for h in drawn}
        for comm in c.communities:
            if comm.district not in have:
                have.add(comm.district)
                drawn.append(c.household_in(comm.grids[0]))
        drawn.sort()
        posted_every = round(1 / CLAIMS_POSTED)
        posted_in: set[str] = set()
        accounts: dict[int, int] = {}  # household → account id
        issuer: dict[int, int] = {}  # community index → account id
        balance: dict[int, int] = defaultdict(int)
        claims: list[list[Any]] = []
        postings: dict[int, list[tuple[dt.datetime, int, list[Any]]]] = defaultdict(list)  # community → …
        for k, h in enumerate(drawn):
            g = grids[hh_grid[h]]
            comm = c.communities[g.community]
            mine = by_district[g.code[:6]]
            awards = [r for r in mine if r[3] == "award"]
            approved = k % posted_every == 0 or g.code[:6] not in posted_in  # one in every district at least
            if approved:
                posted_in.add(g.code[:6])
            rid, code, name, _direction, lo, hi = awards[k % len(awards)] if approved else mine[k % len(mine)]
            pts = rng.randint(lo, hi)
            occurred = today - dt.timedelta(days=rng.randint(20, 300))
            claim = [
                0, self.city.local(occurred, 16), now, *grid_codes(g.code), rid, h, None, "grid_worker", "", 1,
                pts, None, name, occurred, "", None, None, "pending", c.worker(g), None, "", None, None, None,
            ]  # fmt: skip
            if approved:
                day = min(today, _month_back(occurred, -1) + dt.timedelta(days=rng.randint(0, 1)))
                at = self.city.local(day, 19)
                if h not in accounts:
                    accounts[h] = -1
                claim[14], claim[20], claim[25] = pts, "approved", at  # final points, status, decided at
                postings[comm.index].append((at, len(claims), [f"{code} {name}", rid, h, pts]))
            elif k % 50 == 1:
                claim[20], claim[23] = "rejected", "现场核实与申报不符"
                claim[24], claim[25] = (
                    c.community_staff(comm),
                    self.city.local(occurred + dt.timedelta(days=10), 20),
                )
            claims.append(claim)
        # accounts: each community's issuer, then the households with an award
        rows: list[tuple[Any, ...]] = []
        for comm in c.communities:
            if comm.index in postings:
                issuer[comm.index] = self.ids("points_account")
        for h in sorted(accounts):
            accounts[h] = self.ids("points_account")
        meetings: dict[tuple[int, dt.date], int] = {}
        posting_rows, leg_rows, heads = [], [], []
        for ci in sorted(postings):
            comm = c.communities[ci]
            prev, seq = GENESIS, 0
            for at, claim_index, (memo, rid, h, pts) in sorted(postings[ci], key=lambda p: (p[0], p[1])):
                seq += 1
                pid = self.ids("points_posting")
                legs = [(accounts[h], pts), (issuer[ci], -pts)]
                digest = posting_hash(
                    prev_hash=prev, community_code=comm.code, seq=seq, kind="award", memo=memo[:200], posted_at=at,
                    rule_id=rid, reverses_id=None, legs=legs,
                )  # fmt: skip
                staff = c.community_staff(comm)
                posting_rows.append(
                    (
                        pid,
                        comm.district,
                        comm.code,
                        seq,
                        "award",
                        memo[:200],
                        rid,
                        None,
                        2,
                        at,
                        staff,
                        prev,
                        digest,
                    )
                )
                for account, amount in legs:
                    leg_rows.append((self.ids("points_leg"), pid, account, comm.district, amount))
                    balance[account] += amount
                prev = digest
                key = (ci, at.date())
                if key not in meetings:
                    meetings[key] = self.ids("points_reviewmeeting")
                claim = claims[claim_index]
                claim[22], claim[24], claim[26] = meetings[key], staff, pid  # meeting, decided by, posting
            heads.append((self.ids("points_ledgerhead"), comm.code, comm.district, seq, prev))
        for comm in c.communities:
            if comm.index in issuer:
                aid = issuer[comm.index]
                rows.append(
                    (aid, now, now, *comm.codes, comm.id, "issuer", None, secret_code(aid), balance[aid])
                )
        for h, aid in sorted(accounts.items(), key=lambda kv: kv[1]):
            g = grids[hh_grid[h]]
            rows.append((aid, now, now, *grid_codes(g.code), c.communities[g.community].id, "household", h, secret_code(aid), balance[aid]))  # fmt: skip
        rows.sort(key=lambda r: r[0])
        self.copy("points_account", [*BASE, "community_id", "kind", "household_id", "code", "balance"], rows)
        self.copy("points_ledgerhead", ["id", "community_code", "district_code", "seq", "hash"], heads)
        self.copy(
            "points_reviewmeeting",
            [*BASE, "community_id", "held_on", "members_present", "note", "recorded_by_id"],
            (
                (mid, self.city.local(day, 19), now, *c.communities[ci].codes, c.communities[ci].id, day,
                 "社区党委书记、居民代表、网格员", "", c.community_staff(c.communities[ci]))
                for (ci, day), mid in sorted(meetings.items(), key=lambda kv: kv[1])
            ),
        )  # fmt: skip
        self.copy(
            "points_posting",
            ["id", "district_code", "community_code", "seq", "kind", "memo", "rule_id", "reverses_id",
             "leg_count", "posted_at", "posted_by_id", "prev_hash", "hash"],
            posting_rows,
        )  # fmt: skip
        self.copy("points_leg", ["id", "posting_id", "account_id", "district_code", "amount"], leg_rows)
        for k, claim in enumerate(claims, start=1):
            claim[0] = k
        self.ids.last["points_claim"] = len(claims)
        self.copy(
            "points_claim",
            [*BASE, "rule_id", "household_id", "person_id", "source", "source_key", "quantity", "points",
             "final_points", "description", "occurred_on", "witness", "lng", "lat", "status", "reported_by_id",
             "meeting_id", "decision_reason", "decided_by_id", "decided_at", "posting_id"],
            claims,
        )  # fmt: skip

    # -- training ----------------------------------------------------------------------------------------

    def training(self) -> None:
        """Each subdistrict's yearly plan of the grid academy (the demo's five courses, seven sessions over
        the year) and the trainees of every community: its grid workers, its community worker and some
        of its volunteers."""
        from gongzhi.demo.training import COURSES

        c, rng, now, today = self.city, random.Random(self.rng.random()), self.now, self.today
        plans, courses, sessions = [], [], []
        for _i, code, name in c.subdistricts:
            pid = self.ids("training_trainingplan")
            staff = c.staff.get(("subdistrict_staff", code))
            plans.append((
                pid, now - dt.timedelta(days=320), now, code[:6], code, "", "", today.year, "subdistrict", name,
                f"{name}{today.year}年网格学院培训计划", TRAINING_SESSIONS, 2 * TRAINING_SESSIONS, "", staff, 0,
            ))  # fmt: skip
            ids = []
            for title, topic, trainer, trainer_kind, form, steps in COURSES[:COURSES_PER_PLAN]:
                cid = self.ids("training_course")
                ids.append((cid, steps))
                courses.append(
                    (
                        cid,
                        now,
                        now,
                        code[:6],
                        code,
                        "",
                        "",
                        pid,
                        title,
                        topic,
                        trainer,
                        trainer_kind,
                        form,
                        steps,
                    )
                )
            for k in range(TRAINING_SESSIONS):
                cid, steps = ids[k % len(ids)]
                day = today - dt.timedelta(days=15 + (k * 300) // TRAINING_SESSIONS)
                start = self.city.local(day, 14)
                sid = self.ids("training_trainingsession")
                sessions.append((
                    sid, start - dt.timedelta(days=10), start, code[:6], code, "", "", cid, 1 + k % steps, start,
                    start + dt.timedelta(hours=3), None, f"{name}党群服务中心", None, token(f"ts{sid}"), "scheduled",
                    rng.randint(20, 60),
                ))  # fmt: skip
        self.copy(
            "training_trainingplan",
            [*BASE, "year", "level", "place_name", "title", "target_sessions", "target_hours", "notes",
             "created_by_id", "certificates_issued"],
            plans,
        )  # fmt: skip
        self.copy(
            "training_course",
            [*BASE, "plan_id", "title", "topic", "trainer_name", "trainer_kind", "format", "steps"],
            courses,
        )
        self.copy(
            "training_trainingsession",
            [*BASE, "course_id", "step", "starts_at", "ends_at", "venue_id", "place_text", "booking_id", "qr_token",
             "status", "attended_count"],
            sessions,
        )  # fmt: skip
        volunteers: dict[int, list[Resident]] = defaultdict(list)
        for r in self.sample["volunteers"]:
            volunteers[r.grid.community].append(r)
        vid_of = {r.id: k for k, r in enumerate(self.sample["volunteers"], start=1)}
        trainees = []
        for comm, n in zip(c.communities, self.each_community(TRAINEES, at_least=1), strict=True):
            people: list[tuple[str, str, int | None, int | None]] = []
            for g in comm.grids:
                uid = c.staff.get(("grid_worker", g.code))
                if uid:
                    people.append((f"{g.name}网格员", "grid_worker", uid, None))
            uid = c.staff.get(("community_worker", comm.code))
            if uid:
                people.append((f"{comm.name}社区工作者", "staff", uid, None))
            for r in volunteers.get(comm.index, []):
                people.append((r.name, "volunteer", None, vid_of[r.id]))
            for name, kind, uid, vid in people[: max(n, 1)]:
                trainees.append(
                    (self.ids("training_trainee"), now, now, *comm.codes, comm.id, name, kind, uid, vid, True)
                )
        self.copy(
            "training_trainee",
            [*BASE, "community_id", "name", "kind", "user_id", "volunteer_id", "active"],
            trainees,
        )

    # -- devices -----------------------------------------------------------------------------------------

    def devices(self) -> None:
        """A platform and the demo's mix of devices in every community (cameras, access control, face
        recognition, a fire-lane camera) spread over its grids, a few offline, a few with an open tamper
        incident, and the last month's events."""
        c, rng, now = self.city, random.Random(self.rng.random()), self.now
        mix = (("camera", 398, "CAM", 30), ("access_control", 30, "AC", 30), ("face_recognition", 9, "FR", 30),
               ("fire_lane_camera", 1, "FL", 15))  # fmt: skip
        kinds_of = {
            "camera": ("garbage_overflow", "ebike_in_lift", "high_altitude_throw", "fire_lane_blocked"),
            "access_control": ("door_held_open", "door_forced"),
            "face_recognition": ("intrusion",),
            "fire_lane_camera": ("fire_lane_blocked",),
        }
        platforms, devices = [], []
        counts = self.each_community(DEVICES, at_least=1)
        offline = self.each_community(DEVICES * 3 / 438)
        placed: list[tuple[int, int, str, str, tuple[str, str, str, str], bool]] = []
        for comm in c.communities:
            pid = self.ids("devices_platform")
            platforms.append(
                (
                    pid,
                    now,
                    now,
                    *comm.codes,
                    f"{comm.name}智慧社区平台",
                    "海康威视",
                    comm.code,
                    comm.name,
                    "",
                    None,
                )
            )
            n = counts[comm.index]
            for k in range(n):
                x, kind, prefix, beat = k * 438 // max(n, 1), "camera", "CAM", 30
                for kind_, share, prefix_, beat_ in mix:
                    if x < share:
                        kind, prefix, beat = kind_, prefix_, beat_
                        break
                    x -= share
                g = comm.grids[k % len(comm.grids)]
                did = self.ids("devices_device")
                down = k < offline[comm.index]
                heard = now - (
                    dt.timedelta(days=2) if down else dt.timedelta(minutes=rng.randint(0, beat - 1))
                )
                code = f"{comm.code}-{prefix}{k + 1:04d}"
                placed.append((did, pid, kind, code, grid_codes(g.code), down))
                devices.append((
                    did, now - dt.timedelta(days=400), now, *grid_codes(g.code), code, f"{g.name}{k + 1}号设备", kind,
                    "海康威视", f"{self.estate_name[g.index]}{k % 9 + 1}号楼", f"{k % 9 + 1}号楼", pid,
                    "offline" if down else "online", beat, heard, now - dt.timedelta(days=1) if down else None, None, "",
                ))  # fmt: skip
        self.copy(
            "devices_platform",
            [*BASE, "name", "vendor", "place_code", "place_label", "note", "created_by_id"],
            platforms,
        )
        self.copy(
            "devices_device",
            [*BASE, "code", "name", "kind", "vendor", "place", "building", "platform_id", "status",
             "heartbeat_minutes", "last_heard_at", "offline_since", "sign_posted_on", "note"],
            devices,
        )  # fmt: skip
        incidents: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        event_no: dict[int, int] = defaultdict(int)
        for k, (did, pid, kind, _code, codes, down) in enumerate(placed):
            if not down and k % 50 == 7:  # an open tamper incident: the layer's "faulty"
                iid = self.ids("devices_incident")
                first = now - dt.timedelta(hours=rng.randint(2, 100))
                incidents.append((iid, first, first, *codes, did, "tamper", None, first, first, 1, None))
                event_no[pid] += 1
                events.append((
                    self.ids("devices_deviceevent"), first, first, *codes, pid, did, f"EV{event_no[pid]:08d}", "tamper",
                    "start", first, 0.9, "", "recorded", iid, None, "[]",
                ))  # fmt: skip
            n = int(DEVICE_EVENTS + rng.random())  # 0.86 a device on average
            for _ in range(n):
                # an offline device was last heard two days ago: its events are older
                at = now - dt.timedelta(minutes=rng.randint(3 * 24 * 60 if down else 1, 30 * 24 * 60))
                event_no[pid] += 1
                choices = kinds_of[kind]
                events.append((
                    self.ids("devices_deviceevent"), at, at, *codes, pid, did, f"EV{event_no[pid]:08d}",
                    choices[event_no[pid] % len(choices)], "start", at, round(rng.uniform(0.6, 0.99), 2), "",
                    "recorded", None, None, "[]",
                ))  # fmt: skip
        self.copy(
            "devices_incident",
            [*BASE, "device_id", "kind", "ticket_id", "first_at", "last_at", "count", "ended_at"],
            incidents,
        )
        self.copy(
            "devices_deviceevent",
            [*BASE, "platform_id", "device_id", "event_id", "kind", "state", "occurred_at", "confidence", "zone",
             "outcome", "incident_id", "snapshot_id", "stripped"],
            events,
        )  # fmt: skip

    # -- stairwells and campaigns ------------------------------------------------------------------------

    def stairwells(self) -> None:
        """Every entrance of every building on the register, 7 % named after a year of inspections."""
        c, rng, today, now = self.city, random.Random(self.rng.random()), self.today, self.now
        grids = c.grids

        def rows() -> Iterator[tuple[Any, ...]]:
            k = 0
            for bid, gi, number, entrances in self.buildings:
                g = grids[gi]
                for e in range(1, entrances + 1):
                    k += 1
                    label = f"{self.estate_name[gi]}{number}号楼{e}单元"
                    if rng.random() < NAMED_SHARE:
                        inspected = today - dt.timedelta(days=rng.randint(5, 85))
                        yield (
                            k, now, now, *grid_codes(g.code), bid, str(e), label, "five_colour" if k % 3 else "civilised",
                            True, "named", 4, 0, inspected, True, today - dt.timedelta(days=rng.randint(100, 300)), None,
                            inspected + dt.timedelta(days=91),
                        )  # fmt: skip
                    else:
                        yield (k, now, now, *grid_codes(g.code), bid, str(e), label, "civilised", False, "none", 0, 0, None, None, None, None, None)  # fmt: skip

        self.copy(
            "stairwells_stairwell",
            [*BASE, "building_id", "entrance", "label", "title", "pact_on_file", "status", "passes_in_row",
             "fails_in_row", "last_inspected_on", "last_passed", "named_on", "revoked_on", "next_due_on"],
            rows(),
        )  # fmt: skip
        self.ids.last["stairwells_stairwell"] = self.rows.get("stairwells_stairwell", 0)

    def campaigns(self) -> None:
        """A joint action of each subdistrict with its district's departments, and inspection rounds of
        its communities (waste sorting, fire lanes, gas pipes)."""
        c, now, today = self.city, self.now, self.today
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
                cid = self.ids("campaigns_campaign")
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
        self.copy(
            "campaigns_campaign",
            [*BASE, "kind", "round_kind", "title", "place_name", "streets", "starts_on", "ends_on", "every_days",
             "status", "notes", "created_by_id"],
            rows,
        )  # fmt: skip
        self.ids.last["campaigns_campaign_departments"] = len(links)
        self.copy("campaigns_campaign_departments", ["id", "campaign_id", "department_id"], links)


def _names(rng: random.Random, n: int = 2_000) -> list[str]:
    from bench.city_rows import GIVEN, SURNAMES

    return [
        rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.6 else "")
        for _ in range(n)
    ]


def _month_back(today: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` before today's."""
    y, m = divmod(today.year * 12 + today.month - 1 - months, 12)
    return dt.date(y, m + 1, 1)


def timezone_year(at: dt.datetime) -> int:
    from django.utils import timezone

    return timezone.localtime(at).year
