"""Writing the city: PostgreSQL with COPY (psycopg 3 ``cursor.copy``), or SQLite with ``executemany``.

The rows come from bench/city_rows.py (places, staff, households, persons) and, for the tickets, from the
tickets bench's generator (bench/ticket_rows.py) through ``bench.ticket_load.load_tickets`` on PostgreSQL
(its lines converted for SQLite). Ids are assigned here (1 … n per table) and the sequences moved past
them. Everything is written as the services would store it, but without their audit rows: the bench
loads a city's existing state, not its history.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from bench import city_rows
from bench.ticket_rows import STAT_FIELDS, CategoryRef, Generator, GridRef, Ticket, World

UTC = dt.UTC
DEPARTMENTS = (
    ("cgj", "城市管理局"),
    ("zjj", "住房和城乡建设局"),
    ("gaj", "公安分局"),
    ("scjgj", "市场监督管理局"),
    ("sthj", "生态环境分局"),
    ("mzj", "民政局"),
)
CHUNK = 20_000


@dataclass
class Staff:
    """Who works where: user ids by place code (and department id), for the ticket generator."""

    grid_workers: dict[str, int] = field(default_factory=dict)
    community_workers: dict[str, int] = field(default_factory=dict)
    subdistrict_staff: dict[str, int] = field(default_factory=dict)
    district_admins: dict[str, int] = field(default_factory=dict)
    department_handlers: dict[int, int] = field(default_factory=dict)
    city_admin: int = 0
    names: dict[int, str] = field(default_factory=dict)


class Sink(ABC):
    """Where rows go: ``copy(table, columns, rows)`` with Python values; the database kind decides how."""

    kind = ""

    @abstractmethod
    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int: ...

    @abstractmethod
    def copy_lines(self, table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
        """Rows already in COPY text form (the ticket generator's)."""

    @abstractmethod
    def execute(self, sql: str) -> None: ...


class _NoSink(Sink):
    """Consumes the rows and writes nothing (the ids of a load already written)."""

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        return sum(1 for _ in rows)

    def copy_lines(self, table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
        return sum(1 for _ in lines)

    def execute(self, sql: str) -> None:
        return None


class PgSink(Sink):
    kind = "postgresql"

    def __init__(self, dsn: str) -> None:
        import psycopg

        self.dsn = dsn
        self.conn = psycopg.connect(dsn, autocommit=True)
        self.conn.execute("SET session_replication_role = replica")  # ids are known to exist
        self.conn.execute("SET maintenance_work_mem = '512MB'")

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        n = 0
        with self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row(row)
                n += 1
        return n

    def copy_lines(self, table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
        n = 0
        buf: list[str] = []
        with self.conn.cursor().copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
            for line in lines:
                buf.append(line)
                if len(buf) >= CHUNK:
                    cp.write("\n".join(buf) + "\n")
                    n += len(buf)
                    buf.clear()
            if buf:
                cp.write("\n".join(buf) + "\n")
                n += len(buf)
        return n

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def close(self) -> None:
        self.conn.close()


class DjangoSink(Sink):
    """Through Django's connection (``executemany``), one transaction per table: the SQLite city, and
    the test (which runs on whichever database the suite uses)."""

    kind = "django"

    def __init__(self) -> None:
        from django.db import connection

        self.connection = connection
        self.sqlite = connection.vendor == "sqlite"

    def _value(self, v: Any) -> Any:
        if not self.sqlite:
            return v
        if isinstance(v, dt.datetime):
            return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")
        if isinstance(v, dt.date):
            return v.isoformat()
        return v

    def copy(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        from django.db import transaction

        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        n = 0
        batch: list[list[Any]] = []
        with transaction.atomic(), self.connection.cursor() as cur:
            for row in rows:
                batch.append([self._value(v) for v in row])
                if len(batch) >= CHUNK:
                    cur.executemany(sql, batch)
                    n += len(batch)
                    batch.clear()
            if batch:
                cur.executemany(sql, batch)
                n += len(batch)
        return n

    def copy_lines(self, table: str, columns: Sequence[str], lines: Iterable[str]) -> int:
        from django.apps import apps

        model = next(m for m in apps.get_models() if m._meta.db_table == table)
        kinds = {f.column: f.get_internal_type() for f in model._meta.concrete_fields}

        def convert(col: str, text: str) -> Any:
            if text == "\\N":
                return None
            kind = kinds.get(col, "")
            if kind == "BooleanField":
                return text == "t"
            if kind == "DateTimeField" and self.sqlite:
                return text.removesuffix("+00")
            return text

        def rows() -> Iterator[list[Any]]:
            for line in lines:
                yield [convert(c, v) for c, v in zip(columns, line.split("\t"), strict=True)]

        return self.copy(table, columns, rows())

    def execute(self, sql: str) -> None:
        with self.connection.cursor() as cur:
            cur.execute(sql)


# --- places, departments, staff ------------------------------------------------------------------


def load_places(sink: Sink | None, plan: city_rows.CityPlan, now: dt.datetime) -> dict[str, Any]:
    """Districts, subdistricts, communities and grids; returns {grid code: (id, bbox)} and the district
    ids. ``sink`` None: only the ids (they are assigned in plan order), for resuming a load."""
    from gongzhi.places import geo

    sink = sink or _NoSink()

    sink.copy(
        "places_district",
        ["id", "created_at", "updated_at", "code", "name"],
        [(i, now, now, code, name) for i, (code, name) in enumerate(plan.districts, 1)],
    )
    district_id = {code: i for i, (code, _n) in enumerate(plan.districts, 1)}
    sink.copy(
        "places_subdistrict",
        ["id", "created_at", "updated_at", "district_id", "code", "name", "kind"],
        [(i, now, now, district_id[c[:6]], c, n, k) for i, (c, n, k) in enumerate(plan.subdistricts, 1)],
    )
    sub_id = {c: i for i, (c, _n, _k) in enumerate(plan.subdistricts, 1)}
    comm_rows = []
    for i, c in enumerate(plan.communities, 1):
        boundary = geo.to_geojson(geo.parse_boundary({"type": "Polygon", "coordinates": [c.ring]}))
        comm_rows.append(
            (i, now, now, sub_id[c.code[:9] + "000"], c.code, c.name, "urban", json.dumps(boundary))
        )
    sink.copy(
        "places_community",
        ["id", "created_at", "updated_at", "subdistrict_id", "code", "name", "kind", "boundary"],
        comm_rows,
    )
    grids: dict[str, tuple[int, tuple[float, float, float, float]]] = {}

    def grid_rows() -> Iterator[tuple[Any, ...]]:
        gid = 0
        for ci, c in enumerate(plan.communities, 1):
            for g in c.grids:
                gid += 1
                geom = geo.parse_boundary({"type": "Polygon", "coordinates": [g.ring]})  # as _apply_boundary
                centre = geom.representative_point()
                bounds = geom.bounds
                grids[g.code] = (gid, bounds)
                yield (
                    gid, now, now, g.code[:6], g.code[:9] + "000", g.code[:12], g.code, ci, g.code, g.name,
                    "residential", "", "", json.dumps(geo.to_geojson(geom)), *bounds, centre.x, centre.y,
                )  # fmt: skip

    sink.copy(
        "places_grid",
        [
            "id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code",
            "grid_code", "community_id", "code", "name", "kind", "covers", "covers_name", "boundary",
            "min_lng", "min_lat", "max_lng", "max_lat", "center_lng", "center_lat",
        ],
        grid_rows(),
    )  # fmt: skip
    return {"grids": grids, "district_id": district_id}


def load_departments(
    sink: Sink | None, plan: city_rows.CityPlan, now: dt.datetime, district_id: dict[str, int]
) -> dict:
    """Six departments per district; returns {(district code, department code): id}."""
    out: dict[tuple[str, str], int] = {}
    rows = []
    for dcode, dname in plan.districts:
        for code, name in DEPARTMENTS:
            out[(dcode, code)] = len(out) + 1
            rows.append((len(out), now, now, district_id[dcode], code, f"{dname[:2]}{name}"))
    (sink or _NoSink()).copy(
        "places_department", ["id", "created_at", "updated_at", "district_id", "code", "name"], rows
    )
    return out


USER_COLUMNS = [
    "id", "password", "last_login", "is_superuser", "username", "first_name", "last_name", "email",
    "is_staff", "is_active", "date_joined", "display_name", "phone_encrypted", "phone_hash", "phone_masked",
]  # fmt: skip
ROLE_COLUMNS = [
    "id", "created_at", "updated_at", "user_id", "role", "level", "place_code", "department_id",
    "household_id", "active",
]  # fmt: skip


def load_staff(
    sink: Sink | None, plan: city_rows.CityPlan, now: dt.datetime, departments: dict[tuple[str, str], int]
) -> Staff:
    """One account per grid, community, subdistrict, district and department, and a city admin (the
    district admin role in every district); passwords unusable until ``set_passwords``."""
    staff = Staff()
    users: list[tuple[Any, ...]] = []
    roles: list[tuple[Any, ...]] = []

    def account(
        username: str, label: str, role: str, level: str, place: str = "", dep: int | None = None
    ) -> int:
        uid = len(users) + 1
        users.append((uid, "!", None, False, username, "", "", "", False, True, now, label, "", "", ""))
        roles.append((len(roles) + 1, now, now, uid, role, level, place, dep, None, True))
        staff.names[uid] = label
        return uid

    sub_names = {c: n for c, n, _k in plan.subdistricts}
    for dcode, dname in plan.districts:
        staff.district_admins[dcode] = account(
            f"qu-{dcode}", f"{dname}网格化服务中心", "district_admin", "district", dcode
        )
    for scode, sname, _k in plan.subdistricts:
        staff.subdistrict_staff[scode] = account(
            f"jd-{scode[:9]}", f"{sname}工作人员", "subdistrict_staff", "subdistrict", scode
        )
    for c in plan.communities:
        staff.community_workers[c.code] = account(
            f"sq-{c.code}",
            f"{sub_names[c.code[:9] + '000'][:2]}{c.name}社区工作者",
            "community_worker",
            "community",
            c.code,
        )
        for g in c.grids:
            staff.grid_workers[g.code] = account(
                f"wg-{g.code}", f"{g.name}网格员", "grid_worker", "grid", g.code
            )
    for (dcode, code), dep in departments.items():
        staff.department_handlers[dep] = account(
            f"bm-{dcode}-{code}", f"{code}经办人", "department_handler", "department", dep=dep
        )
    staff.city_admin = account(
        "city-admin", "市网格化服务中心", "district_admin", "district", plan.districts[0][0]
    )
    for dcode, _n in plan.districts[1:]:
        roles.append(
            (
                len(roles) + 1,
                now,
                now,
                staff.city_admin,
                "district_admin",
                "district",
                dcode,
                None,
                None,
                True,
            )
        )
    sink = sink or _NoSink()
    sink.copy("accounts_user", USER_COLUMNS, users)
    sink.copy("accounts_roleassignment", ROLE_COLUMNS, roles)
    return staff


def set_passwords(usernames: Iterable[str], password: str) -> None:
    """The benchmark's logins: the same accounts, given a usable password through Django."""
    from django.contrib.auth.hashers import make_password

    from gongzhi.accounts.models import User

    User.objects.filter(username__in=list(usernames)).update(password=make_password(password))


# --- households and persons ----------------------------------------------------------------------

HOUSEHOLD_COLUMNS = [
    "id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code",
    "grid_id", "building_id", "entrance", "door", "address", "address_key",
]  # fmt: skip
PERSON_COLUMNS = [
    "id", "created_at", "updated_at", "district_code", "subdistrict_code", "community_code", "grid_code",
    "household_id", "name", "name_pinyin", "name_initials", "gender", "birth_date", "relation",
    "residence_type", "tags", "id_number_encrypted", "id_number_hash", "id_number_masked", "phone_encrypted",
    "phone_hash", "phone_masked", "phone_last4", "user_id",
]  # fmt: skip


def household_rows(people: city_rows.People, grid_ids: dict[str, int], now: dt.datetime) -> Iterator[tuple]:
    from gongzhi.places.services import address_key, compose_address

    for h in range(people.households):
        g = people.household_grid(h)
        estate, building, entrance, door = people.household_address(h)
        yield (
            h + 1, now, now, g[:6], g[:9] + "000", g[:12], g, grid_ids[g], None, entrance, door,
            compose_address(estate, building, entrance, door), address_key(estate, building, entrance, door),
        )  # fmt: skip


def person_rows(
    people: city_rows.People,
    phones: list[tuple[str, str, str, str]],
    now: dt.datetime,
    progress: Callable[[str], None],
    start: float,
    first: int = 0,
    stop: int | None = None,
) -> Iterator[tuple]:
    """Persons ``first`` … ``stop`` - 1 (ids from ``first + 1``), each ID number encrypted and hashed."""
    from gongzhi.core import ids

    encrypt, keyed_hash, mask = ids.encrypt, ids.keyed_hash, ids.mask_id_number
    no_phone = ("", "", "", "")
    for p, r in enumerate(people.iter_persons(first, stop), first + 1):
        g = people.household_grid(r.household)
        ph = phones[r.phone] if r.phone >= 0 else no_phone
        yield (
            p, now, now, g[:6], g[:9] + "000", g[:12], g, r.household + 1, r.name, r.pinyin, r.initials,
            r.gender, r.birth, r.relation, r.residence, r.tags, encrypt(r.id_number), keyed_hash(r.id_number),
            mask(r.id_number), *ph, None,
        )  # fmt: skip
        if p % 1_000_000 == 0:
            progress(f"  {p:,} persons written ({time.perf_counter() - start:.0f} s)")


_JOB: dict[str, Any] = {}


def _copy_persons_part(part: tuple[str, int, int]) -> int:
    dsn, first, stop = part
    sink = PgSink(dsn)
    try:
        rows = person_rows(
            _JOB["people"], _JOB["phones"], _JOB["now"], _JOB["log"], _JOB["start"], first, stop
        )
        return sink.copy("people_person", PERSON_COLUMNS, rows)
    finally:
        sink.close()


def copy_persons(
    sink: Sink, people: city_rows.People, phones: list, now: dt.datetime, log: Callable[[str], None],
    processes: int = 2,
) -> int:  # fmt: skip
    """All persons: on PostgreSQL from ``processes`` forked writers at once (the encryption is the cost),
    each COPYing its own id range; on SQLite in this process."""
    start = time.perf_counter()
    if not isinstance(sink, PgSink) or processes < 2 or people.persons < 100_000:
        return sink.copy("people_person", PERSON_COLUMNS, person_rows(people, phones, now, log, start))
    import multiprocessing

    from django.db import connections

    connections.close_all()  # nothing open crosses the fork
    _JOB.update(people=people, phones=phones, now=now, log=log, start=start)
    bounds = [people.persons * k // processes for k in range(processes + 1)]
    parts = [(sink.dsn, bounds[k], bounds[k + 1]) for k in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        return sum(pool.map(_copy_persons_part, parts))


def drop_indexes(sink: Sink, tables: Sequence[str]) -> list[str]:
    """PostgreSQL: drop the secondary indexes (not the primary keys) of ``tables``; returns their DDL."""
    if not isinstance(sink, PgSink):
        return []
    from bench.ticket_load import _secondary_indexes

    cur = sink.conn.cursor()
    ddl = []
    for table in tables:
        for name, sql in _secondary_indexes(cur, table):
            cur.execute(f'DROP INDEX "{name}"')
            ddl.append(sql)
    return ddl


def set_sequences(sink: Sink, tables: Sequence[str]) -> None:
    if isinstance(sink, PgSink):
        for t in tables:
            sink.execute(
                f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), GREATEST(1, (SELECT max(id) FROM {t})))"
            )


# --- tickets --------------------------------------------------------------------------------------


class CityGenerator(Generator):
    """The tickets bench's generator over the city: a department ticket goes to the department of the
    same code in the ticket's own district (the categories name one department code each)."""

    def __init__(self, world: World, n: int, seed: int, department_of: dict[tuple[str, int], int]) -> None:
        super().__init__(world, n, seed)
        self.department_of = department_of  # (district code, first district's department id) → id

    def _dispatch(self, t: Ticket, at: int) -> None:
        super()._dispatch(t, at)
        if t.department_id is not None:
            t.department_id = self.department_of[(t.grid.district_code, t.department_id)]


def ticket_world(
    plan: city_rows.CityPlan, grids: dict[str, tuple[int, tuple]], staff: Staff, departments: dict, now: int
) -> tuple[World, dict[tuple[str, int], int]]:
    from bench.ticket_load import categories, phone_pool

    first = plan.districts[0][0]
    base = {code: dep for (d, code), dep in departments.items() if d == first}
    cats: list[CategoryRef] = categories(base)
    department_of = {(d, base[code]): dep for (d, code), dep in departments.items()}
    world = World(
        grids=[GridRef(code, bbox, staff.grid_workers[code]) for code, (_id, bbox) in grids.items()],
        categories=cats,
        community_staff=staff.community_workers,
        subdistrict_staff=staff.subdistrict_staff,
        district_admin=staff.district_admins[first],
        department_handlers=staff.department_handlers,
        phones=phone_pool(),
        names=staff.names,
        now=now,
    )
    return world, department_of


def sqlite_tickets(sink: DjangoSink, gen: Generator, world: World) -> dict[str, int]:
    """The tickets bench's rows, through the same line writers, into Django's database (SQLite)."""
    from bench import ticket_load as tl

    rows = {"tickets": 0, "assignments": 0, "supervisions": 0, "events": 0}
    tickets, assignments, cards, events = [], [], [], []
    for t in gen.tickets():
        tickets.append(tl.ticket_line(t))
        assignments.extend(tl.assignment_lines(t, None))
        cards.extend(tl.supervision_lines(t))
        events.extend(tl.event_lines(t, world.names))
    rows["tickets"] = sink.copy_lines("tickets_ticket", tl.TICKET_COLUMNS, tickets)
    rows["assignments"] = sink.copy_lines("tickets_assignment", tl.ASSIGNMENT_COLUMNS, assignments)
    rows["supervisions"] = sink.copy_lines("tickets_supervision", tl.SUPERVISION_COLUMNS, cards)
    rows["events"] = sink.copy_lines("tickets_ticketevent", tl.EVENT_COLUMNS, events)
    stat_cols = [
        "day", "district_code", "subdistrict_code", "community_code", "grid_code", "department_id",
        *STAT_FIELDS,
    ]  # fmt: skip
    rows["daily_stats"] = sink.copy_lines(
        "tickets_dailystat", stat_cols, tl.daily_stat_lines(gen.stats, world)
    )
    return rows
