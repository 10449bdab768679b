"""A city on PostgreSQL (or a small one on SQLite), generated with COPY, and the city-scale benchmarks.

    python -m bench.city [--scale 1.0] [--sqlite] [--keep] [--db gz_city] [--generate-only] [--quick]
    python -m bench.city --resume-modules [--db gz_city | --sqlite]

Full size (``--scale 1``): 12 districts, 144 subdistricts, 2,016 communities, 20,000 grids, 3,500,000
households, 10,000,000 persons and 5,000,000 tickets over two years with their assignments, supervision
cards, a sample of timelines and the DailyStat rollup, and one account per grid, community, subdistrict,
district and department (plus a city admin holding the district admin role in all 12 districts); then the
newer modules (care, party, the three lists, volunteers, councils, property, mediation, points, venues,
training, devices, stairwells, campaigns, social organisations) at volumes proportional to the demo district
(bench/city_modules/, which lists them). ``--resume-modules`` adds those to a city kept from before.
``--sqlite`` writes 1/100 of that (or ``--scale``) into var/bench/city.sqlite3. ``--keep`` keeps the
database and reuses it on the next run at the same scale. Prints ONE JSON document: how long each step
took, the row counts, and (unless ``--generate-only``) the benchmarks of bench/city_bench.py.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SQLITE_PATH = ROOT / "var" / "bench" / "city.sqlite3"
META = "city"


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.city", description=__doc__.splitlines()[0])
    p.add_argument(
        "--scale", type=float, default=None, help="fraction of the full city (default 1; sqlite 0.01)"
    )
    p.add_argument("--sqlite", action="store_true", help="a small city in var/bench/city.sqlite3")
    p.add_argument("--sqlite-path", default=str(SQLITE_PATH))
    p.add_argument("--keep", action="store_true", help="keep the database (and reuse it at the same scale)")
    p.add_argument("--generate-only", action="store_true", help="generate and report, no benchmarks")
    p.add_argument("--quick", action="store_true", help="fewer timed calls and import rows")
    p.add_argument(
        "--only",
        choices=["import"],
        default=None,
        help="run one benchmark only (its block of the JSON, the others left out)",
    )
    p.add_argument("--pg", default=os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432"))
    p.add_argument("--db", default="gz_city", help="PostgreSQL database (created; dropped unless --keep)")
    p.add_argument("--port", type=int, default=18801)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--tickets", type=int, default=None, help="tickets to load (default: the scale's)")
    p.add_argument(
        "--resume-tickets", action="store_true", help="PostgreSQL: the persons are loaded, load the tickets"
    )
    p.add_argument(
        "--seconds", default="", help="with --resume-tickets: the stopped load's step times (JSON)"
    )
    p.add_argument(
        "--resume-modules",
        action="store_true",
        help="a kept city (--db, or --sqlite): add the newer modules' rows (bench/city_modules/), no benchmarks",
    )
    a = p.parse_args(argv)
    if a.resume_modules and a.resume_tickets:
        p.error("--resume-modules and --resume-tickets: one at a time")
    a.scale = a.scale or (0.01 if a.sqlite else 1.0)
    if not 0 < a.scale <= 1:
        p.error("--scale must be in (0, 1]")
    return a


# --- the database --------------------------------------------------------------------------------


def open_database(args: argparse.Namespace) -> dict[str, Any] | None:
    """Points Django at the city's database (created if needed); the stored metadata if reusable."""
    if args.sqlite:
        path = Path(args.sqlite_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(path)
        meta_file = path.with_suffix(".json")
        if getattr(args, "resume_modules", False):
            if not path.exists():
                raise SystemExit(f"--resume-modules: no city at {path}")
            return None  # the kept city, as it is
        if args.keep and path.exists() and meta_file.exists():
            meta = json.loads(meta_file.read_text())
            if meta.get("scale") == args.scale:
                return meta
        for f in (path, meta_file):
            f.unlink(missing_ok=True)
        return None
    if not args.db.startswith("gz_city") or not args.db.replace("_", "").isalnum():
        raise SystemExit("--db: the city bench only creates databases named gz_city* (letters, digits, _)")
    os.environ["DATABASE_URL"] = f"{args.pg.rstrip('/')}/{args.db}"
    if getattr(args, "resume_tickets", False) or getattr(args, "resume_modules", False):
        return None  # the stopped load's (or the kept city's) database, as it is
    import psycopg

    with psycopg.connect(f"{args.pg.rstrip('/')}/postgres", autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [args.db]).fetchone()
        if exists and args.keep:
            meta = _stored_meta(args)
            if meta is not None:
                return meta
        admin.execute(f'DROP DATABASE IF EXISTS "{args.db}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{args.db}"')
    return None


def _stored_meta(args: argparse.Namespace, any_scale: bool = False) -> dict[str, Any] | None:
    import psycopg

    try:
        with psycopg.connect(f"{args.pg.rstrip('/')}/{args.db}") as db:
            row = db.execute("SELECT value FROM bench_meta WHERE key = %s", [META]).fetchone()
    except psycopg.Error:
        return None
    return row[0] if row and (any_scale or row[0].get("scale") == args.scale) else None


def save_meta(args: argparse.Namespace, meta: dict[str, Any]) -> None:
    if args.sqlite:
        Path(args.sqlite_path).with_suffix(".json").write_text(json.dumps(meta, ensure_ascii=False))
        return
    import psycopg

    with psycopg.connect(os.environ["DATABASE_URL"], autocommit=True) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value jsonb)")
        conn.execute(
            "INSERT INTO bench_meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [META, json.dumps(meta, ensure_ascii=False)],
        )


# --- generation ----------------------------------------------------------------------------------


def generate(args: argparse.Namespace, log: Callable[[str], None] = progress) -> dict[str, Any]:
    """Migrate and write the whole city; returns the metadata (logins, queries, counts, seconds)."""
    from django.core.management import call_command

    from bench import city_load as cl
    from bench import city_rows

    seconds: dict[str, float] = {}
    rows: dict[str, int] = {}

    def step(name: str, t0: float) -> None:
        seconds[name] = round(time.perf_counter() - t0, 1)
        log(f"{name}: {seconds[name]} s")

    size = city_rows.sizes(args.scale)
    log(f"city at scale {args.scale}: {json.dumps(size)}")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    step("migrate", t)
    sink: cl.Sink = cl.DjangoSink() if args.sqlite else cl.PgSink(os.environ["DATABASE_URL"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    t = time.perf_counter()
    plan = city_rows.city_plan(size)
    places = cl.load_places(sink, plan, now)
    departments = cl.load_departments(sink, plan, now, places["district_id"])
    rows.update(
        districts=len(plan.districts),
        subdistricts=len(plan.subdistricts),
        communities=len(plan.communities),
        grids=len(places["grids"]),
        departments=len(departments),
    )
    step("places", t)

    t = time.perf_counter()
    staff = cl.load_staff(sink, plan, now, departments)
    rows["accounts"] = len(staff.names)
    step("accounts", t)

    t = time.perf_counter()
    grid_codes = list(places["grids"])
    people = city_rows.People(grid_codes, size["households"], size["persons"])
    phones = city_rows.protected_phones(people.phones)
    step("pools", t)
    t = time.perf_counter()
    ddl = cl.drop_indexes(sink, ["places_household", "people_person"])
    grid_ids = {code: gid for code, (gid, _b) in places["grids"].items()}
    rows["households"] = sink.copy(
        "places_household", cl.HOUSEHOLD_COLUMNS, cl.household_rows(people, grid_ids, now)
    )
    step("households", t)
    t = time.perf_counter()
    rows["persons"] = cl.copy_persons(sink, people, phones, now, log)
    step("persons", t)
    t = time.perf_counter()
    for sql in ddl:
        sink.execute(sql)
    cl.set_sequences(
        sink,
        ["places_district", "places_subdistrict", "places_community", "places_grid", "places_department",
         "accounts_user", "accounts_roleassignment", "places_household", "people_person"],
    )  # fmt: skip
    step("person_indexes", t)

    t = time.perf_counter()
    n = getattr(args, "tickets", None) or size["tickets"]
    rows.update(load_city_tickets(args, sink, plan, places, staff, departments, now, n, seconds, log))
    step("tickets", t)

    t = time.perf_counter()
    rows.update(load_city_modules(args, sink, now, log))
    step("modules", t)
    return finish(args, size, plan, staff, departments, people, rows, seconds)


def load_city_modules(
    args: argparse.Namespace, sink: Any, now: dt.datetime, log: Callable[[str], None]
) -> dict[str, int]:
    """The newer modules' rows (bench/city_modules/), on a connection of their own on PostgreSQL (the
    tickets' load closed the first)."""
    from bench import city_load as cl
    from bench import city_modules

    if isinstance(sink, cl.PgSink):
        sink = cl.PgSink(os.environ["DATABASE_URL"])
        try:
            return city_modules.load_modules(sink, now, getattr(args, "seed", 1), log)
        finally:
            sink.close()
    return city_modules.load_modules(sink, now, getattr(args, "seed", 1), log)


def load_city_tickets(
    args: argparse.Namespace, sink: Any, plan: Any, places: dict, staff: Any, departments: dict,
    now: dt.datetime, n: int, seconds: dict, log: Callable[[str], None],
) -> dict[str, int]:  # fmt: skip
    """The tickets bench's generator over the city's grids, staff and departments."""
    from bench import city_load as cl
    from bench.ticket_load import load_tickets
    from gongzhi.tickets.taxonomy import ensure_default_categories

    ensure_default_categories()  # the migration's taxonomy (a no-op unless a test flushed it)
    world, department_of = cl.ticket_world(plan, places["grids"], staff, departments, int(now.timestamp()))
    gen = cl.CityGenerator(world, n, args.seed, department_of)
    if isinstance(sink, cl.PgSink):
        sink.close()
        loaded = load_tickets(
            os.environ["DATABASE_URL"], world, n, seed=args.seed, event_every=50, progress=log, generator=gen
        )
        seconds["tickets_detail"] = loaded["seconds"]
        return dict(loaded["rows"])
    rows = cl.sqlite_tickets(sink, gen, world)
    from gongzhi.tickets.rollup import rebuild_coarse

    rows["monthly_stats"], rows["status_counts"] = rebuild_coarse()
    sink.execute("ANALYZE")
    return rows


def finish(
    args: argparse.Namespace, size: dict, plan: Any, staff: Any, departments: dict, people: Any, rows: dict,
    seconds: dict,
) -> dict[str, Any]:  # fmt: skip
    from bench import city_load as cl
    from bench.ticket_load import PASSWORD

    logins = pick_logins(plan, staff, departments)
    cl.set_passwords(list(logins.values()), PASSWORD)
    meta = {
        "scale": args.scale,
        "database": "sqlite" if args.sqlite else "postgresql",
        "size": {**size, "tickets": rows.get("tickets", size["tickets"])},
        "rows": rows,
        "seconds": {**seconds, "total": round(sum(v for v in seconds.values() if isinstance(v, float)), 1)},
        "logins": logins,
        "queries": search_queries(people, logins),
        "districts": [c for c, _n in plan.districts],
    }
    save_meta(args, meta)
    return meta


def resume_tickets(args: argparse.Namespace, log: Callable[[str], None] = progress) -> dict[str, Any]:
    """A load stopped after the persons (PostgreSQL): the places, staff and persons are there and their
    ids follow from the plan; load ``--tickets`` tickets and the modules, and write the metadata. ``--seconds`` carries
    the stopped load's step times (JSON) into it."""
    from django.db import connection

    from bench import city_load as cl
    from bench import city_rows

    size = city_rows.sizes(args.scale)
    plan = city_rows.city_plan(size)
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    places = cl.load_places(None, plan, now)
    departments = cl.load_departments(None, plan, now, places["district_id"])
    staff = cl.load_staff(None, plan, now, departments)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM people_person")
        persons = cur.fetchone()[0]
        cur.execute("SELECT count(*) FROM places_household")
        households = cur.fetchone()[0]
    if persons != size["persons"] or households != size["households"]:
        raise SystemExit(f"the database holds {persons} persons and {households} households, not the plan's")
    people = city_rows.People(list(places["grids"]), size["households"], size["persons"])
    seconds = json.loads(args.seconds or "{}")
    rows = {
        "districts": len(plan.districts), "subdistricts": len(plan.subdistricts),
        "communities": len(plan.communities), "grids": len(places["grids"]), "departments": len(departments),
        "accounts": len(staff.names), "households": households, "persons": persons,
    }  # fmt: skip
    n = args.tickets or size["tickets"]
    t = time.perf_counter()
    sink = cl.PgSink(os.environ["DATABASE_URL"])
    rows.update(load_city_tickets(args, sink, plan, places, staff, departments, now, n, seconds, log))
    seconds["tickets"] = round(time.perf_counter() - t, 1)
    t = time.perf_counter()
    rows.update(load_city_modules(args, sink, now, log))
    seconds["modules"] = round(time.perf_counter() - t, 1)
    return finish(args, size, plan, staff, departments, people, rows, seconds)


def resume_modules(args: argparse.Namespace, log: Callable[[str], None] = progress) -> dict[str, Any]:
    """A kept city (PostgreSQL ``--db`` or ``--sqlite``): brought to the code's schema, then the newer modules'
    rows added (refused, nothing written, when it has some already). Its stored metadata, when there is
    one, gets the rows and the step's seconds; returns them."""
    from bench import city_load as cl
    from bench import city_modules

    migrated = migrate_reused(log)
    stored = _sqlite_meta(args) if args.sqlite else _stored_meta(args, any_scale=True)
    sink: Any = cl.DjangoSink() if args.sqlite else cl.PgSink(os.environ["DATABASE_URL"])
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    t = time.perf_counter()
    try:
        rows = city_modules.load_modules(sink, now, args.seed, log)
    except city_modules.ModulesPresent as exc:
        raise SystemExit(f"--resume-modules: {exc}") from None
    finally:
        if isinstance(sink, cl.PgSink):
            sink.close()
    seconds = round(time.perf_counter() - t, 1)
    log(f"modules: {seconds} s")
    out: dict[str, Any] = {"rows": rows, "seconds": {"modules": seconds}, "migrated_on_reuse": migrated}
    if stored is not None:
        stored["rows"] = {**stored.get("rows", {}), **rows}
        stored_seconds = {k: v for k, v in stored.get("seconds", {}).items() if k != "total"}
        stored_seconds["modules"] = seconds
        stored_seconds["total"] = round(sum(v for v in stored_seconds.values() if isinstance(v, float)), 1)
        stored["seconds"] = stored_seconds
        save_meta(args, stored)
        out["metadata_updated"] = True
    return out


def _sqlite_meta(args: argparse.Namespace) -> dict[str, Any] | None:
    meta_file = Path(args.sqlite_path).with_suffix(".json")
    return json.loads(meta_file.read_text()) if meta_file.exists() else None


def pick_logins(plan: Any, staff: Any, departments: dict) -> dict[str, str]:
    """One account per benchmarked role, all over the same corner of the city (the first grid of the
    middle community), so each sees more than the one below it."""
    community = plan.communities[len(plan.communities) // 2]
    grid = community.grids[0].code
    return {
        "grid_worker": f"wg-{grid}",
        "community_worker": f"sq-{community.code}",
        "subdistrict_staff": f"jd-{grid[:9]}",
        "district_admin": f"qu-{grid[:6]}",
        "department_handler": f"bm-{grid[:6]}-cgj",
        "city_admin": "city-admin",
    }


def search_queries(people: Any, logins: dict[str, str]) -> dict[str, str]:
    """Person searches that find someone in the grid worker's grid (so every scope above finds them):
    a 2-character name query (surname + first given character), full pinyin, initials, phone last 4,
    a full ID number and a full phone number."""
    grid = logins["grid_worker"].removeprefix("wg-")
    rows = []
    for h in range(people.grids.index(grid), people.households, len(people.grids))[:60]:  # its households
        first = -(-h * people.persons // people.households)
        last = -(-(h + 1) * people.persons // people.households)
        rows += [people.person(p) for p in range(first, last)]
    named = next(r for r in rows if len(r.name) == 3)
    phoned = next(r for r in rows if r.phone >= 0)
    phone = people.phones[phoned.phone]
    return {
        "name_2_chars": named.name[:2],
        "pinyin": named.pinyin,
        "initials": named.initials,
        "phone_last4": phone[-4:],
        "id_number": rows[0].id_number,
        "phone": phone,
    }


def migrate_reused(log: Callable[[str], None]) -> dict[str, float]:
    """A kept city is brought to the code's schema before it is measured, as a deployment would be: the
    migrations it lacks run on its rows (their backfills included); returns {migration: seconds}."""
    from django.core.management import call_command
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    todo = executor.migration_plan(executor.loader.graph.leaf_nodes())
    done: dict[str, float] = {}
    for migration, _backwards in todo:
        t = time.perf_counter()
        call_command("migrate", migration.app_label, migration.name, verbosity=0)
        done[f"{migration.app_label}.{migration.name}"] = round(time.perf_counter() - t, 1)
        log(
            f"migrated the kept city: {migration.app_label}.{migration.name} in {done[f'{migration.app_label}.{migration.name}']} s"
        )
    return done


# --- main ----------------------------------------------------------------------------------------


def run(args: argparse.Namespace, log: Callable[[str], None] = progress) -> dict[str, Any]:
    """Generate (or reuse) the city, benchmark it unless ``generate_only``, drop it unless ``keep``."""
    started = time.perf_counter()
    if args.resume_modules:
        args.keep = True  # a kept city is added to, never dropped
    reused = open_database(args)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    if args.resume_modules:
        return {
            "benchmark": "city",
            "modules": resume_modules(args),
            "wall_seconds": round(time.perf_counter() - started, 1),
        }
    try:
        if reused is not None:
            migrated = migrate_reused(log)
            if migrated:
                reused = {**reused, "migrated_on_reuse": migrated}
        meta = reused or (resume_tickets(args, log) if args.resume_tickets else generate(args, log))
        out: dict[str, Any] = {
            "benchmark": "city",
            "generation": {**meta, "reused_database": reused is not None},
        }
        if not args.generate_only:
            from bench import city_bench

            out.update(city_bench.run(args, meta, log))
    finally:
        if not args.keep and not args.sqlite:
            from django.db import connections

            connections.close_all()
            from bench import tickets_run

            tickets_run.drop_database(args.pg, args.db)
    out["wall_seconds"] = round(time.perf_counter() - started, 1)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    print(json.dumps(run(args), ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
