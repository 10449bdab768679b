"""A population import through the task queue against a raw COPY of the same rows, in the same run.

    python -m bench.import_tasks [--rows 50000] [--pg postgres://postgres@127.0.0.1:5432/tasks_bench]

A real worker process (``manage.py jobs_worker``, the database backend) is started first; then a csv and
an xlsx file of ``--rows`` new persons are each enqueued as a job (``population_import_enqueue``, what
the console does with a large file) and timed from the enqueue until the job has finished, with its
progress sampled on the way (what the page polls). The baseline is ``bench.city_bench.raw_copy``: the
same persons and households, validated and protected beforehand, COPYed into copies of the tables with
their indexes (PostgreSQL), and again into the real tables (rolled back: what writing these rows costs the
database at least); on SQLite, one ``executemany`` INSERT per table into such copies. Prints JSON: rows
per second of each, the ratios to both baselines (target >= 0.3) and the progress samples.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
TARGET_RATIO = 0.30


def _ensure_pg_database(url: str) -> None:
    import psycopg

    base, _, name = url.rpartition("/")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def rows_for(grid_code: str, n: int, offset: int) -> list[list[str]]:
    """``n`` new persons, three to a household, in one grid (ID numbers from ``offset`` on)."""
    from bench import city_rows
    from gongzhi.people.enums import Relation, ResidenceType

    ids = city_rows.IdNumbers()
    phones = city_rows.phone_numbers(offset + n)[offset:]
    names = city_rows.name_pool(2000, seed=11)
    relation = {str(v): str(label) for v, label in Relation.choices}
    residence = {str(v): str(label) for v, label in ResidenceType.choices}
    out = []
    for i in range(n):
        number, _ = ids.number(10_000 + offset + i)
        h = (offset + i) // 3
        out.append(
            [
                grid_code, "队列测试家园", str(h // 100 + 1), str(h % 100 // 20 + 1), f"{h % 20 + 1}01",
                names[i % len(names)], number, phones[i] if i % 3 != 2 else "",
                relation["head" if i % 3 == 0 else "child"], residence["registered"], "",
            ]
        )  # fmt: skip
    return out


def raw_bulk_sqlite(rows: list[list[str]]) -> dict[str, Any]:
    """SQLite's nearest to COPY: the same prepared rows by executemany into copies of the two tables."""
    import datetime as dt

    from django.db import connection

    from bench.city_load import HOUSEHOLD_COLUMNS, PERSON_COLUMNS
    from gongzhi.core import ids, pinyin
    from gongzhi.places.services import address_key, compose_address

    now = dt.datetime.now(dt.UTC).isoformat()
    households: dict[tuple[str, str], int] = {}
    h_rows: list[tuple[Any, ...]] = []
    p_rows: list[tuple[Any, ...]] = []
    for r in rows:
        grid, estate, building, entrance, door, name, number, phone = r[:8]
        key = address_key(estate, building, entrance, door)
        if (grid, key) not in households:
            households[(grid, key)] = hid = 10**9 + len(households)
            h_rows.append(
                (hid, now, now, grid[:6], grid[:9] + "000", grid[:12], grid, 1, None, entrance, door,
                 compose_address(estate, building, entrance, door), key)
            )  # fmt: skip
        idn = ids.Protected.of_id_number(ids.normalise_id_number(number))
        ph = ids.Protected.of_phone(ids.normalise_phone(phone)) if phone else None
        full, initials = pinyin.keys(name)
        p_rows.append(
            (10**9 + len(p_rows), now, now, grid[:6], grid[:9] + "000", grid[:12], grid, households[(grid, key)],
             name, full, initials, ids.gender_of(number), ids.birth_date_of(number).isoformat(), "head",
             "registered", "[]", idn.encrypted, idn.hash, idn.masked, ph.encrypted if ph else "",
             ph.hash if ph else "", ph.masked if ph else "", ph.last4 if ph else "", None)
        )  # fmt: skip
    with connection.cursor() as cur:
        for table, like in (("bench_household", "places_household"), ("bench_person", "people_person")):
            cur.execute(f"DROP TABLE IF EXISTS {table}")
            cur.execute(f"CREATE TABLE {table} AS SELECT * FROM {like} WHERE 0")
            for (sql,) in cur.execute(
                "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                [like],
            ).fetchall():
                cur.execute(sql.replace(f'"{like}"', table).replace(' INDEX "', ' INDEX "bench_', 1))
        t = time.perf_counter()
        with connection.constraint_checks_disabled():
            for table, cols, data in (
                ("bench_household", HOUSEHOLD_COLUMNS, h_rows),
                ("bench_person", PERSON_COLUMNS, p_rows),
            ):
                marks = ", ".join(["%s"] * len(cols))
                cur.executemany(f"INSERT INTO {table} ({', '.join(cols)}) VALUES ({marks})", data)
        connection.commit() if not connection.get_autocommit() else None
        seconds = time.perf_counter() - t
        cur.execute("DROP TABLE bench_household")
        cur.execute("DROP TABLE bench_person")
    return {"rows": len(p_rows), "households": len(h_rows), "seconds": round(seconds, 3),
            "rows_per_second": round(len(p_rows) / seconds, 1), "how": "executemany INSERT (SQLite)"}  # fmt: skip


def through_queue(actor: Any, name: str, content: bytes, rows: int) -> dict[str, Any]:
    from gongzhi.jobs.enums import FINISHED
    from gongzhi.jobs.models import Job
    from gongzhi.people.imports import population_import_enqueue

    samples: list[tuple[float, int, str]] = []
    t = time.perf_counter()
    job = population_import_enqueue(actor=actor, file_name=name, content=content)
    while True:
        j = Job.objects.filter(pk=job.pk).values("status", "rows_done", "phase").get()
        elapsed = round(time.perf_counter() - t, 2)
        if not samples or samples[-1][1:] != (j["rows_done"], j["phase"]):
            samples.append((elapsed, j["rows_done"], j["phase"]))
        if j["status"] in FINISHED or elapsed > 1800:
            break
        time.sleep(0.05)
    seconds = time.perf_counter() - t
    job.refresh_from_db()
    return {
        "file": name,
        "bytes": len(content),
        "job": job.pk,
        "status": job.status,
        "message": job.message,
        "created": job.result.get("created"),
        "households_created": job.result.get("households_created"),
        "errors": job.error_count,
        "seconds": round(seconds, 2),
        "rows_per_second": round(rows / seconds, 1),
        "progress_samples": len(samples),
        "progress": samples[:: max(1, len(samples) // 12)] + samples[-1:],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench.import_tasks", description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument(
        "--pg", default="", help="a PostgreSQL database URL of this bench's own (created if missing)"
    )
    ap.add_argument("--formats", default="csv,xlsx")
    args = ap.parse_args(argv)

    os.environ.setdefault("GONGZHI_VAR_DIR", str(ROOT / "var" / "bench"))
    os.environ["GONGZHI_TASKS"] = "db"
    os.environ.setdefault("JOBS_STALE_SECONDS", "600")
    if args.pg:
        _ensure_pg_database(args.pg)
    from bench._db import fresh_database

    engine = fresh_database("import_tasks", args.pg)
    from bench.city_bench import _csv, _xlsx, raw_copy
    from gongzhi.testing import build_small_district

    d = build_small_district()
    actor = d.user("district_admin")
    grid = d.grids["g1"].code
    env = dict(os.environ)
    if engine == "sqlite":
        env["SQLITE_PATH"] = os.environ["SQLITE_PATH"]
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "jobs_worker", "--interval", "0.1", "--no-schedule"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=sys.stderr,
        text=True,
    )
    out: dict[str, Any] = {
        "bench": "import_tasks",
        "engine": engine,
        "rows": args.rows,
        "target": TARGET_RATIO,
    }
    try:
        # the worker's Django start-up is not the import's time: wait for its first line, then drain it
        first = worker.stdout.readline() if worker.stdout else ""
        out["worker"] = first.strip()
        threading.Thread(target=lambda: [None for _ in worker.stdout or []], daemon=True).start()
        formats = [f for f in args.formats.split(",") if f]
        for i, fmt in enumerate(formats):
            rows = rows_for(grid, args.rows, offset=i * args.rows)
            content = _csv(rows) if fmt == "csv" else _xlsx(rows)
            out[fmt] = through_queue(actor, f"bench.{fmt}", content, args.rows)
            print(f"{fmt}: {out[fmt]['seconds']} s", file=sys.stderr)
        baseline_rows = rows_for(grid, args.rows, offset=len(formats) * args.rows)
        if engine == "postgresql":
            out["raw"] = raw_copy(baseline_rows)
            out["raw"]["how"] = "COPY into temporary copies of the tables with their indexes (no WAL)"
            out["raw_tables"] = raw_copy(baseline_rows, into="tables")
            out["raw_tables"]["how"] = (
                "COPY into people_person and places_household themselves (their indexes, WAL, foreign keys "
                "checked as rows arrive), rolled back"
            )
        else:
            out["raw"] = raw_bulk_sqlite(baseline_rows)
        for fmt in formats:
            ratio = round(out[fmt]["rows_per_second"] / out["raw"]["rows_per_second"], 3)
            out[fmt].update(ratio=ratio, met=ratio >= TARGET_RATIO)
            if "raw_tables" in out:
                ratio = round(out[fmt]["rows_per_second"] / out["raw_tables"]["rows_per_second"], 3)
                out[fmt].update(ratio_tables=ratio, met_tables=ratio >= TARGET_RATIO)
        out["met"] = all(out[f]["met"] for f in formats)
        out["met_tables"] = all(out[f].get("met_tables", False) for f in formats)
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
    print(json.dumps(out, ensure_ascii=False, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
