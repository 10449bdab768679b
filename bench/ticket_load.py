"""The bench district, built through the services, and a million tickets loaded with COPY.

``build_district()`` makes the demo district's shape (gongzhi/demo/layout.py: 3 subdistricts,
16 communities, 247 grids with rectangular boundaries, 6 departments) and one account per role and
place, without the demo population. ``load_tickets()`` streams the generator's rows into
tickets_ticket, tickets_assignment, tickets_supervision and (for a sample) tickets_ticketevent over four
COPY connections at once, with the secondary indexes dropped and rebuilt afterwards and foreign-key
triggers off for the session (``session_replication_role = replica``: the generator only writes ids it
knows exist), then COPYs the DailyStat rows the generator counted and runs VACUUM ANALYZE (what autovacuum would have
done by the time a real table held a million tickets: statistics, and the visibility map that index-only
scans need).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import psycopg

from bench.ticket_rows import STAT_FIELDS, CategoryRef, Generator, GridRef, Ticket, World

PASSWORD = "Bench-Passw0rd-共治"  # noqa: S105 (the bench database is made and dropped by the bench)
TABLES = (
    "tickets_ticket",
    "tickets_assignment",
    "tickets_supervision",
    "tickets_ticketevent",
    "tickets_dailystat",
)
CHUNK = 5_000
EPOCH_DAY = date(1970, 1, 1)


@dataclass
class Built:
    world: World
    logins: dict[str, list[str]] = field(default_factory=dict)  # role key → usernames (password PASSWORD)
    counts: dict[str, int] = field(default_factory=dict)


def build_district(progress: Callable[[str], None] = print) -> Built:
    """Places, departments and accounts through the services (each with its audit row)."""
    from gongzhi.accounts.services import role_assign, user_create
    from gongzhi.core.roles import Role
    from gongzhi.demo import layout
    from gongzhi.places.services import (
        community_create,
        department_create,
        district_create,
        grid_create,
        subdistrict_create,
    )

    logins: dict[str, list[str]] = {}
    names: dict[int, str] = {}

    def account(username: str, label: str, role: str, key: str, login: bool, **scope: Any) -> int:
        user = user_create(
            actor=None,
            username=username,
            password=PASSWORD if login else None,
            display_name=label,
            validate_password=False,
        )
        role_assign(actor=None, user=user, role=role, **scope)
        if login:
            logins.setdefault(key, []).append(username)
        names[user.pk] = label
        return user.pk

    district = district_create(actor=None, code=layout.DISTRICT[0], name=layout.DISTRICT[1])
    admin = account(
        "admin", "区网格化服务中心", Role.DISTRICT_ADMIN, "district_admin", True, place_code=district.code
    )
    handlers: dict[int, int] = {}
    dep_by_code: dict[str, int] = {}
    for code, name in layout.DEPARTMENTS:
        dep = department_create(actor=None, district=district, code=code, name=name)
        dep_by_code[code] = dep.pk
        handlers[dep.pk] = account(
            f"{code}-jb", f"{name}经办人", Role.DEPARTMENT_HANDLER, "department_handler", True, department=dep
        )
    subs: dict[str, Any] = {}
    sub_staff: dict[str, int] = {}
    for code, name, _communities in layout.SUBDISTRICTS:
        subs[code] = subdistrict_create(actor=None, district=district, code=code, name=name)
        sub_staff[code] = account(
            f"jd-{code[6:9]}",
            f"{name}工作人员",
            Role.SUBDISTRICT_STAFF,
            "subdistrict_staff",
            True,
            place_code=code,
        )
    grids: list[GridRef] = []
    comm_staff: dict[str, int] = {}
    for cp in layout.plan():
        community = community_create(
            actor=None,
            subdistrict=subs[cp.subdistrict_code],
            code=cp.code,
            name=cp.name,
            boundary=cp.boundary,
        )
        comm_staff[cp.code] = account(
            f"sq-{cp.code[6:]}", f"{cp.name}社区工作者", Role.COMMUNITY_WORKER, "community_worker", True,
            place_code=cp.code,
        )  # fmt: skip
        for i, g in enumerate(cp.grids):
            grid_create(
                actor=None,
                community=community,
                code=g.code,
                name=g.name,
                kind=g.kind,
                covers=g.covers,
                covers_name=g.covers_name,
                boundary=g.boundary,
            )
            worker = account(
                f"wg-{g.code[6:]}",
                f"{g.name}网格员",
                Role.GRID_WORKER,
                "grid_worker",
                i == 0,
                place_code=g.code,
            )
            ring = g.boundary["coordinates"][0]
            xs, ys = [p[0] for p in ring], [p[1] for p in ring]
            grids.append(GridRef(g.code, (min(xs), min(ys), max(xs), max(ys)), worker))
        progress(f"  {cp.name}: {len(cp.grids)} grids")
    world = World(
        grids=grids,
        categories=categories(dep_by_code),
        community_staff=comm_staff,
        subdistrict_staff=sub_staff,
        district_admin=admin,
        department_handlers=handlers,
        phones=phone_pool(),
        names=names,
    )
    return Built(
        world,
        logins,
        {
            "subdistricts": len(subs),
            "communities": len(comm_staff),
            "grids": len(grids),
            "departments": len(dep_by_code),
            "accounts": len(names),
        },
    )


# How often each small class is reported, relative to the rest (rubbish, street order and the
# lamp-post-and-stairwell classes dominate a grid's week).
WEIGHTS = {"201001": 12, "205010": 9, "101018": 8, "301005": 8, "205001": 6, "202001": 6, "205015": 5}


def categories(dep_by_code: dict[str, int]) -> list[CategoryRef]:
    from gongzhi.tickets.models import Category

    out = []
    for c in Category.objects.filter(active=True, parent__isnull=False).order_by("code"):
        out.append(
            CategoryRef(
                id=c.pk,
                code=c.code,
                name=c.name,
                default_level=c.default_level,
                department_id=dep_by_code.get(c.department_code),
                limit_amount=c.limit_amount,
                limit_unit=c.limit_unit,
                weight=WEIGHTS.get(c.code, 2),
            )
        )
    return out


PREFIXES = ("139", "138", "136", "135", "158", "186", "188", "152")


def phone_pool(size: int = 500) -> list[tuple[str, str, str]]:
    """Encrypting a phone is slow (SM4): the tickets draw from a pool of reporters' phones."""
    from gongzhi.core import ids

    out = []
    for i in range(size):
        p = ids.Protected.of_phone(
            ids.normalise_phone(f"{PREFIXES[i % len(PREFIXES)]}{(i * 7919) % 10**8:08d}")
        )
        out.append((p.encrypted, p.hash, p.masked))
    return out


# --- COPY -----------------------------------------------------------------------------------------

TICKET_COLUMNS = [
    "id",
    "created_at",
    "updated_at",
    "district_code",
    "subdistrict_code",
    "community_code",
    "grid_code",
    "title",
    "description",
    "category_id",
    "channel",
    "channel_source",
    "external_id",
    "status",
    "level",
    "urgent",
    "address",
    "lng",
    "lat",
    "coord_system",
    "reporter_id",
    "reporter_name",
    "reporter_phone_encrypted",
    "reporter_phone_hash",
    "reporter_phone_masked",
    "reporter_email",
    "anonymous",
    "household_id",
    "first_responder_id",
    "department_id",
    "handler_place_code",
    "handler_id",
    "dispatcher_id",
    "dispatch_level",
    "patrol_id",
    "duplicate_of_id",
    "accepted_at",
    "dispatched_at",
    "respond_deadline",
    "responded_at",
    "deadline",
    "deadline_warning",
    "limit_amount",
    "limit_unit",
    "red_at",
    "sla_counted",
    "first_handled_at",
    "handled_at",
    "verified_at",
    "called_back_at",
    "closed_at",
    "result",
    "satisfaction",
    "rework_count",
    "return_count",
    "reopen_count",
    "dissatisfied_count",
    "escalation_count",
    "supervision",
    "search_text",
]
ASSIGNMENT_COLUMNS = [
    "ticket_id",
    "role",
    "level",
    "department_id",
    "place_code",
    "handler_id",
    "dispatched_by_id",
    "dispatched_at",
    "respond_deadline",
    "responded_at",
    "active",
    "ended_reason",
]
SUPERVISION_COLUMNS = [
    "id",
    "ticket_id",
    "created_at",
    "updated_at",
    "district_code",
    "subdistrict_code",
    "community_code",
    "grid_code",
    "kind",
    "reason",
    "department_id",
    "handler_place_code",
    "level",
    "issued_at",
    "issued_by_id",
    "resolved_at",
    "deadline_key",
]
EVENT_COLUMNS = [
    "ticket_id",
    "at",
    "actor_id",
    "actor_label",
    "move",
    "from_status",
    "to_status",
    "note",
    "public_note",
    "data",
]
NULL = "\\N"


_DAYS: dict[int, str] = {}


def ts(seconds: int | None) -> str:
    """A UTC timestamp in COPY text form (the day's string cached: this runs ~15 times per ticket)."""
    if seconds is None:
        return NULL
    day, rest = divmod(seconds, 86_400)
    d = _DAYS.get(day)
    if d is None:
        d = _DAYS[day] = (EPOCH_DAY + timedelta(days=day)).isoformat()
    h, rest = divmod(rest, 3600)
    m, s = divmod(rest, 60)
    return f"{d} {h:02d}:{m:02d}:{s:02d}+00"


def iso(seconds: int) -> str:
    """What ``datetime.isoformat()`` gives for a UTC time (Supervision.deadline_key)."""
    return time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime(seconds))


def _n(value: object) -> str:
    return NULL if value is None else str(value)


def _b(value: bool) -> str:
    return "t" if value else "f"


def ticket_line(t: Ticket) -> str:
    g = t.grid
    enc, phash, masked = t.phone
    return "\t".join(
        (
            str(t.id), ts(t.created), ts(t.updated), g.district_code, g.subdistrict_code, g.community_code,
            g.code, t.title, t.description, str(t.category.id), t.channel, t.channel_source, t.external_id,
            t.status, t.level, "f", t.address, str(t.lng), str(t.lat), "wgs84",
            _n(t.reporter_id), t.reporter_name, enc, phash, masked,
            "", "f", NULL, _n(t.first_responder_id), _n(t.department_id), t.handler_place_code, NULL,
            _n(t.dispatcher_id), t.dispatch_level, NULL, _n(t.duplicate_of_id), ts(t.accepted_at),
            ts(t.dispatched_at), ts(t.respond_deadline), ts(t.responded_at), ts(t.deadline), "",
            _n(t.limit_amount), t.limit_unit, ts(t.red_at), _b(t.sla_counted), ts(t.first_handled_at),
            ts(t.handled_at), ts(t.verified_at), ts(t.called_back_at), ts(t.closed_at), t.result,
            t.satisfaction, str(t.rework_count), "0", str(t.reopen_count), str(t.dissatisfied_count),
            str(t.escalation_count), t.supervision, t.search_text,
        )
    )  # fmt: skip


def assignment_lines(t: Ticket, co_department: int | None) -> list[str]:
    if t.dispatched_at is None:
        return []
    lead = "\t".join(
        (
            str(t.id), "lead", t.level, _n(t.department_id), t.handler_place_code, NULL, _n(t.dispatcher_id),
            ts(t.dispatched_at), ts(t.respond_deadline), ts(t.responded_at), "t", "",
        )
    )  # fmt: skip
    if co_department is None or t.department_id is None or co_department == t.department_id:
        return [lead]
    co = "\t".join(
        (
            str(t.id), "co", t.level, str(co_department), "", NULL, _n(t.dispatcher_id), ts(t.dispatched_at),
            ts(t.respond_deadline), NULL, "t", "",
        )
    )  # fmt: skip
    return [lead, co]


def supervision_lines(t: Ticket) -> list[str]:
    g = t.grid
    out = []
    for sid, kind, issued, resolved, deadline in t.cards:
        reason = "超过处置时限仍未办结" if kind == "yellow" else "超期未办结，且再次超出同样时长"
        out.append(
            "\t".join(
                (
                    str(sid),
                    str(t.id),
                    ts(issued),
                    ts(resolved or issued),
                    g.district_code,
                    g.subdistrict_code,
                    g.community_code,
                    g.code,
                    kind,
                    reason,
                    _n(t.department_id),
                    t.handler_place_code,
                    t.level,
                    ts(issued),
                    NULL,
                    ts(resolved),
                    iso(deadline),
                )
            )
        )
    return out


def event_lines(t: Ticket, names: dict[int, str]) -> list[str]:
    out = []
    for at, move, old, new, actor, public, data in t.events:
        note = t.description[:200] if move == "report" else ""
        label = names.get(actor, "系统") if actor else "系统"
        out.append(
            "\t".join(
                (
                    str(t.id),
                    ts(at),
                    _n(actor),
                    label,
                    move,
                    old,
                    new,
                    note,
                    public,
                    json.dumps(data, ensure_ascii=False),
                )
            )
        )
    return out


def _secondary_indexes(cur: psycopg.Cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that back no constraint (the primary key stays)."""
    cur.execute(
        "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
        "JOIN pg_class t ON t.oid = x.indrelid WHERE t.relname = %s "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
        [table],
    )
    return [(r[0], r[1]) for r in cur.fetchall()]


def load_tickets(
    dsn: str,
    world: World,
    n: int,
    seed: int = 1,
    event_every: int = 50,
    progress: Callable[[str], None] = print,
    generator: Generator | None = None,
) -> dict[str, Any]:
    """COPY ``n`` tickets and everything that goes with them; returns the timings and row counts.
    ``generator``: a ``Generator`` (subclass) of ``n`` tickets to use instead of the plain one."""
    timings: dict[str, float] = {}
    rows = {"tickets": 0, "assignments": 0, "supervisions": 0, "events": 0, "daily_stats": 0}
    statuses: dict[str, int] = {}
    recent = world.now - 30 * 86_400
    with psycopg.connect(dsn, autocommit=True) as admin:
        cur = admin.cursor()
        cur.execute("SET maintenance_work_mem = '256MB'")
        t0 = time.perf_counter()
        indexes = {table: _secondary_indexes(cur, table) for table in TABLES}
        for defs in indexes.values():
            for name, _sql in defs:
                cur.execute(f'DROP INDEX "{name}"')
        gen = generator or Generator(world, n, seed)
        deps = sorted(world.department_handlers)
        with ExitStack() as stack:
            copies = {}
            for table, cols in (
                ("tickets_ticket", TICKET_COLUMNS),
                ("tickets_assignment", ASSIGNMENT_COLUMNS),
                ("tickets_supervision", SUPERVISION_COLUMNS),
                ("tickets_ticketevent", EVENT_COLUMNS),
            ):
                conn = stack.enter_context(psycopg.connect(dsn))
                conn.execute("SET session_replication_role = replica")
                copies[table] = stack.enter_context(
                    conn.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN")
                )
            buffers: dict[str, list[str]] = {table: [] for table in copies}

            def flush(table: str) -> None:
                if buffers[table]:
                    copies[table].write("\n".join(buffers[table]) + "\n")
                    buffers[table].clear()

            for t in gen.tickets():
                statuses[t.status] = statuses.get(t.status, 0) + 1
                buffers["tickets_ticket"].append(ticket_line(t))
                co = deps[t.id % len(deps)] if t.level == "department" and t.id % 20 == 0 else None
                a = assignment_lines(t, co)
                buffers["tickets_assignment"].extend(a)
                rows["assignments"] += len(a)
                if t.cards:
                    s = supervision_lines(t)
                    buffers["tickets_supervision"].extend(s)
                    rows["supervisions"] += len(s)
                if t.id % event_every == 0 or t.created >= recent:
                    e = event_lines(t, world.names)
                    buffers["tickets_ticketevent"].extend(e)
                    rows["events"] += len(e)
                if t.id % CHUNK == 0:
                    for table in buffers:
                        flush(table)
                    if t.id % (CHUNK * 40) == 0:
                        progress(f"  {t.id:,} tickets written ({time.perf_counter() - t0:.0f} s)")
            for table in buffers:
                flush(table)
        rows["tickets"] = n
        timings["generate_and_copy"] = time.perf_counter() - t0

        t1 = time.perf_counter()
        stat_rows = daily_stat_lines(gen.stats, world)
        with (
            psycopg.connect(dsn) as conn,
            conn.cursor().copy(
                f"COPY tickets_dailystat (day, district_code, subdistrict_code, community_code, grid_code, "
                f"department_id, {', '.join(STAT_FIELDS)}) FROM STDIN"
            ) as copy,
        ):
            for i in range(0, len(stat_rows), 20_000):
                copy.write("\n".join(stat_rows[i : i + 20_000]) + "\n")
        rows["daily_stats"] = len(stat_rows)
        timings["daily_stat"] = time.perf_counter() - t1
        t1 = time.perf_counter()
        from gongzhi.tickets.rollup import rebuild_coarse

        rows["monthly_stats"], rows["status_counts"] = rebuild_coarse()  # from the rows just COPYed
        timings["coarse_rollups"] = time.perf_counter() - t1

        t2 = time.perf_counter()
        for defs in indexes.values():
            for _name, sql in defs:
                cur.execute(sql)
        for table in TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), GREATEST(1, (SELECT max(id) FROM {table})))"
            )
        timings["indexes"] = time.perf_counter() - t2
        t3 = time.perf_counter()
        cur.execute("VACUUM (ANALYZE)")  # as autovacuum would have: visibility map set, statistics fresh
        timings["vacuum_analyze"] = time.perf_counter() - t3
    timings["total"] = sum(timings.values())
    return {
        "rows": rows,
        "statuses": dict(sorted(statuses.items(), key=lambda kv: -kv[1])),
        "seconds": {k: round(v, 1) for k, v in timings.items()},
        "indexes_rebuilt": sum(len(d) for d in indexes.values()),
    }


def daily_stat_lines(stats: dict[tuple[int, str, int], list[int]], world: World) -> list[str]:
    out = []
    for (day, grid, dep), counters in stats.items():
        d = EPOCH_DAY + timedelta(days=day)
        out.append(
            "\t".join(
                (d.isoformat(), grid[:6], grid[:9] + "000", grid[:12], grid, str(dep), *map(str, counters))
            )
        )
    return out
