"""The city-scale benchmarks, on the database bench/city.py generated.

- person search (``gongzhi.people.selectors.person_list_for_actor``, first page of 50) and the scoped
  ticket inbox (``ticket_list_for_actor``, the tickets bench's queries) p50/p95 for a grid worker, a
  community worker, a subdistrict and a district admin (and the city admin), through the selectors and
  over HTTP (gunicorn, bench.settings);
- the dashboard indicators (``indicators_for`` for a community, a subdistrict and a district over the last
  365 days; for the whole city the same sums over the last 365 days and this year, and ``overview_tickets``,
  the product's city-wide read);
- population import (``gongzhi.people.imports.population_import``, full validation) from xlsx, against a
  raw COPY of the same rows (already validated and protected) into copies of the same tables, with the
  same indexes; the same rows as a csv file (UTF-8 with BOM) too, with its own ratio;
- server memory: the RSS of each gunicorn worker (/proc) after the HTTP load.
"""

from __future__ import annotations

import cProfile
import io
import os
import pstats
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.ticket_http import Client, Server, percentile

TARGET_P95_MS = 50.0
TARGET_CITY_INDICATORS_MS = 200.0
TARGET_IMPORT_RATIO = 0.30
SEARCH_ROLES = ("grid_worker", "community_worker", "subdistrict_staff", "district_admin", "city_admin")


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 1),
        "p95_ms": round(percentile(samples, 95) * 1000, 1),
        "mean_ms": round(statistics.fmean(samples) * 1000, 1),
    }


def _time(fn: Callable[[], Any], repeat: int) -> tuple[dict[str, float], Any]:
    """p50/p95 of ``repeat`` calls after two warm-up calls (5 calls only if one takes over half a second:
    a slow query's p95 is clear from 5, and 30 would take minutes)."""
    value = fn()
    t = time.perf_counter()
    fn()
    if time.perf_counter() - t > 0.5:
        repeat = min(repeat, 5)
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return _stats(samples), value


def _is_pg() -> bool:
    from django.db import connection

    return connection.vendor == "postgresql"


# --- person search -------------------------------------------------------------------------------


def person_search(users: dict[str, Any], queries: dict[str, str], repeat: int) -> dict[str, Any]:
    from gongzhi.core.scope import forget_scope
    from gongzhi.people.selectors import person_list_for_actor

    out: dict[str, Any] = {}
    plans: dict[str, str] = {}
    for role in SEARCH_ROLES:
        user = users[role]
        for kind, q in queries.items():

            def call(user: Any = user, q: str = q) -> int:
                forget_scope(user)
                return len(list(person_list_for_actor(actor=user, q=q, limit=50)))

            stats, rows = _time(call, repeat)
            name = f"{role}.{kind}"
            out[name] = {**stats, "q": q, "rows": rows}
            if stats["p95_ms"] > TARGET_P95_MS and _is_pg() and len(plans) < 4:
                qs = person_list_for_actor(actor=user, q=q, limit=50)
                plans[name] = qs.explain(analyze=True)
    worst = max(v["p95_ms"] for v in out.values())
    return {
        "selector": out,
        "worst_p95_ms": worst,
        "target_p95_ms": TARGET_P95_MS,
        "met": worst <= TARGET_P95_MS,
        "explain_analyze_of_slow": plans,
    }


def person_search_http(clients: dict[str, Client], queries: dict[str, str], repeat: int) -> dict[str, Any]:
    import json

    out: dict[str, Any] = {}
    for role in SEARCH_ROLES:
        for kind, q in queries.items():
            path = "/api/v1/persons?" + urlencode({"q": q})
            status, payload = clients[role].request("GET", path)
            if status != 200:
                raise RuntimeError(f"persons {role} {kind}: {status} {payload[:200]!r}")
            rows = len(json.loads(payload)["items"])
            client = clients[role]

            def call(client: Client = client, path: str = path) -> Any:
                return client.request("GET", path)

            stats, _ = _time(call, repeat)
            out[f"{role}.{kind}"] = {**stats, "rows": rows}
    return out


# --- inbox and indicators ------------------------------------------------------------------------


def inbox(users: dict[str, Any], repeat: int) -> dict[str, Any]:
    from bench import ticket_reads

    return ticket_reads.list_through_selector(users, repeat)


def indicators(users: dict[str, Any], logins: dict[str, str], districts: list[str], repeat: int) -> dict:
    from gongzhi.tickets import sums
    from gongzhi.tickets.indicators import indicators_for, overview_tickets
    from gongzhi.tickets.models import MonthlyStat

    grid = logins["grid_worker"].removeprefix("wg-")
    today = date.today()
    start, end = today - timedelta(days=365), today
    year_start = date(today.year, 1, 1)
    cases: dict[str, Callable[[], Any]] = {
        "community": lambda: indicators_for(
            actor=users["community_worker"], level="community", code=grid[:12], start=start, end=end
        ),
        "subdistrict": lambda: indicators_for(
            actor=users["subdistrict_staff"], level="subdistrict", code=grid[:9] + "000", start=start, end=end
        ),
        "district": lambda: indicators_for(
            actor=users["district_admin"], level="district", code=grid[:6], start=start, end=end
        ),
        # The same sums for all 12 districts: the last 365 days, and this year so far.
        "city.last_365_days": lambda: sums.totals({"district_code__in": districts}, start, end)[""],
        "city.this_year": lambda: sums.totals({"district_code__in": districts}, year_start, today)[""],
        # /api/v1/overview: this year's indicators and tickets by status for the whole city.
        "city.overview_tickets": overview_tickets,
    }
    out: dict[str, Any] = {}
    for name, fn in cases.items():
        stats, value = _time(fn, repeat)
        reported = value["reported"] if isinstance(value, dict) and "reported" in value else None
        if hasattr(value, "counts"):
            reported = value.counts["reported"]
        if isinstance(value, dict) and "this_year_total" in value:
            reported = value["this_year_total"]
        out[name] = {**stats, "tickets": reported}
    plan = ""
    if _is_pg():
        months = sums.split(start, end).months
        plan = MonthlyStat.objects.filter(district_code__in=districts, month__in=months).explain(analyze=True)
    city = max(out[k]["p95_ms"] for k in out if k.startswith("city."))
    return {
        "period": [start.isoformat(), end.isoformat()],
        "levels": out,
        "city_p95_ms": city,
        "target_city_ms": TARGET_CITY_INDICATORS_MS,
        "met": city <= TARGET_CITY_INDICATORS_MS,
        "explain_analyze_city_months": plan,
    }


# --- import ----------------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def import_rows(meta: dict[str, Any], n: int) -> list[list[str]]:
    """``n`` new persons in new households of the district admin's district (IDs beyond the city's)."""
    from bench import city_rows
    from gongzhi.people.enums import Relation, ResidenceType

    ids = city_rows.IdNumbers()
    phones = city_rows.phone_numbers(n)
    names = city_rows.name_pool(2000, seed=11)
    district = meta["logins"]["district_admin"].removeprefix("qu-")
    relation = {str(v): str(label) for v, label in Relation.choices}
    residence = {str(v): str(label) for v, label in ResidenceType.choices}
    grid = meta["logins"]["grid_worker"].removeprefix("wg-")
    assert grid.startswith(district)
    out = []
    base = meta["size"]["persons"] + 10
    for i in range(n):
        number, _birth = ids.number(base + i)
        h = i // 3
        out.append(
            [
                grid, "导入测试家园", str(h // 100 + 1), str(h % 100 // 20 + 1), f"{h % 20 + 1}01", names[i % len(names)],
                number, phones[i] if i % 3 != 2 else "", relation["head" if i % 3 == 0 else "child"],
                residence["registered"], "",
            ]
        )  # fmt: skip
    return out


def _xlsx(rows: list[list[str]]) -> bytes:
    from openpyxl import Workbook

    from gongzhi.people import sheets

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("实有人口")
    ws.append(list(sheets.HEADERS))
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(rows: list[list[str]]) -> bytes:
    import csv

    from gongzhi.people import sheets

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(sheets.HEADERS)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _wal_lsn() -> str | None:
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_wal_insert_lsn()::text")
        return cur.fetchone()[0]


def _wal_since(lsn: str | None) -> int | None:
    """WAL bytes written since ``lsn`` (the whole server's, so only telling on a quiet one): with full-page
    writes on, every index page an import dirties first since a checkpoint costs 8 kB of WAL."""
    from django.db import connection

    if lsn is None:
        return None
    with connection.cursor() as cur:
        cur.execute("SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), %s::pg_lsn)", [lsn])
        return int(cur.fetchone()[0])


def _import_once(actor: Any, name: str, content: bytes) -> tuple[float, Any]:
    from django.db import transaction

    from gongzhi.people.imports import population_import

    result: Any = None
    t = time.perf_counter()
    try:
        with transaction.atomic():
            lsn = _wal_lsn()
            t = time.perf_counter()
            result = population_import(actor=actor, file_name=name, content=content)
            elapsed = time.perf_counter() - t
            result.wal_bytes = _wal_since(lsn)
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, result


def raw_copy(rows: list[list[str]], *, into: str = "temp") -> dict[str, Any]:
    """The same persons and households, validated and protected beforehand, COPYed (PostgreSQL); only the
    COPY is timed. ``into="temp"``: temporary copies of the tables with their indexes (no WAL, indexes
    empty). ``into="tables"``: the real ``places_household`` and ``people_person``, with their indexes,
    WAL and foreign keys checked as the rows arrive (what an import writing them pays), in a transaction
    rolled back afterwards."""
    import datetime as dt

    from django.db import connection

    from gongzhi.core import ids, pinyin
    from gongzhi.places.services import address_key, compose_address

    now = dt.datetime.now(dt.UTC)
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
             name, full, initials, ids.gender_of(number), ids.birth_date_of(number), "head", "registered", "[]",
             idn.encrypted, idn.hash, idn.masked, ph.encrypted if ph else "", ph.hash if ph else "",
             ph.masked if ph else "", ph.last4 if ph else "", None)
        )  # fmt: skip
    from bench.city_load import HOUSEHOLD_COLUMNS, PERSON_COLUMNS

    if into == "tables":
        # another grid than the rows', whose addresses an import in the same run may have written
        grid_id = (
            connection.cursor()
            .execute("SELECT min(id) FROM places_grid WHERE code <> %s", [rows[0][0]])
            .fetchone()[0]
        )
        h_rows = [(*h[:7], grid_id, *h[8:]) for h in h_rows]
    raw = connection.connection  # psycopg 3 under Django
    with raw.transaction(force_rollback=True), raw.cursor() as cur:
        if into == "tables":
            tables = ("places_household", "people_person")
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        else:
            tables = ("bench_household", "bench_person")
            cur.execute("CREATE TEMP TABLE bench_household (LIKE places_household INCLUDING ALL)")
            cur.execute("CREATE TEMP TABLE bench_person (LIKE people_person INCLUDING ALL)")
        t = time.perf_counter()
        for table, cols, data in zip(
            tables, (HOUSEHOLD_COLUMNS, PERSON_COLUMNS), (h_rows, p_rows), strict=True
        ):
            with cur.copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                for row in data:
                    cp.write_row(row)
        seconds = time.perf_counter() - t
    return {"rows": len(p_rows), "households": len(h_rows), "seconds": round(seconds, 3),
            "rows_per_second": round(len(p_rows) / seconds, 1), "into": into}  # fmt: skip


def population_import_bench(users: dict[str, Any], meta: dict[str, Any], n: int, profile_rows: int) -> dict:
    from django.db import connection

    from gongzhi.core.errors import ApplicationError

    actor = users["district_admin"]
    rows = import_rows(meta, n)
    content = _xlsx(rows)
    seconds, result = _import_once(actor, "city.xlsx", content)
    out: dict[str, Any] = {
        "actor": "district_admin",
        "xlsx": {
            "rows": n,
            "bytes": len(content),
            "status": str(result.status),
            "created": result.created,
            "households_created": result.households_created,
            "errors": result.error_count,
            "seconds": round(seconds, 2),
            "rows_per_second": round(n / seconds, 1),
            "wal_bytes_per_row": round(result.wal_bytes / n) if result.wal_bytes is not None else None,
        },
    }
    csv_content = _csv(rows)
    try:
        csv_seconds, csv_result = _import_once(actor, "city.csv", csv_content)
        out["csv"] = {
            "supported": True,
            "rows": n,
            "bytes": len(csv_content),
            "status": str(csv_result.status),
            "created": csv_result.created,
            "errors": csv_result.error_count,
            "seconds": round(csv_seconds, 2),
            "rows_per_second": round(n / csv_seconds, 1),
            "wal_bytes_per_row": round(csv_result.wal_bytes / n)
            if csv_result.wal_bytes is not None
            else None,
        }
    except ApplicationError as exc:
        out["csv"] = {"supported": False, "product_says": str(exc)}
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        copy = raw_copy(rows)
        ratio = round(out["xlsx"]["rows_per_second"] / copy["rows_per_second"], 3)
        out.update(raw_copy=copy, ratio=ratio, target=TARGET_IMPORT_RATIO, met=ratio >= TARGET_IMPORT_RATIO)
        if out["csv"].get("supported"):
            out["csv"]["ratio"] = round(out["csv"]["rows_per_second"] / copy["rows_per_second"], 3)
    out["profile"] = profile_import(actor, rows[:profile_rows])
    return out


def profile_import(actor: Any, rows: list[list[str]]) -> dict[str, Any]:
    """cProfile of a smaller import (rolled back): where the time goes, by cumulative time."""
    content = _xlsx(rows)
    prof = cProfile.Profile()
    prof.enable()
    seconds, _ = _import_once(actor, "profile.xlsx", content)
    prof.disable()
    stats = pstats.Stats(prof)
    total = sum(v[3] for v in stats.stats.values() if v)  # type: ignore[attr-defined]
    del total
    rows_out = []
    for (file, line, fn), (_cc, _nc, tt, ct, _callers) in sorted(
        stats.stats.items(),  # type: ignore[attr-defined]
        key=lambda kv: -kv[1][3],
    ):
        if any(
            k in file for k in ("gongzhi", "calamine", "cryptography", "stdnum", "phonenumbers", "psycopg")
        ):
            short = file.split("site-packages/")[-1].split("wt-city/")[-1]
            rows_out.append(
                {"function": f"{fn} ({short}:{line})", "cumulative_s": round(ct, 3), "own_s": round(tt, 3)}
            )
        if len(rows_out) >= 15:
            break
    return {"rows": len(rows), "seconds_under_profiler": round(seconds, 2), "top_cumulative": rows_out}


# --- HTTP and memory -----------------------------------------------------------------------------


def over_http(args: Any, meta: dict[str, Any], repeat: int, log: Callable[[str], None]) -> dict[str, Any]:
    from bench import ticket_reads
    from bench.ticket_load import PASSWORD

    env = {"DATABASE_URL": os.environ["DATABASE_URL"]} if "DATABASE_URL" in os.environ else {}
    from bench.tickets_run import LOG_DIR

    server = Server(
        port=args.port, workers=os.cpu_count() or 2, threads=4, env=env, log=LOG_DIR / "city-gunicorn.log"
    )
    log(f"starting {server.description} on port {args.port} …")
    server.start()
    try:
        roles = set(SEARCH_ROLES) | {r for _n, r, _q in ticket_reads.LIST_QUERIES}
        clients = {}
        for role in roles:
            clients[role] = Client(args.port)
            clients[role].login(meta["logins"][role], PASSWORD)
        log("inbox over HTTP …")
        inbox_http = ticket_reads.list_over_http(clients, repeat)
        log("person search over HTTP …")
        search_http = person_search_http(clients, meta["queries"], repeat)
        rss = server.worker_rss_mb()
    finally:
        server.stop()
    return {
        "server": server.description,
        "inbox": inbox_http,
        "person_search": search_http,
        "worker_rss_mb": rss,
    }


def _worst(results: dict[str, Any]) -> float:
    return max((r["p95_ms"] for r in results.values() if "p95_ms" in r), default=float("nan"))


def run(args: Any, meta: dict[str, Any], log: Callable[[str], None]) -> dict[str, Any]:
    from gongzhi.accounts.models import User

    quick = getattr(args, "quick", False)
    repeat = 6 if quick else 20
    users = {role: User.objects.get(username=u) for role, u in meta["logins"].items()}
    import_rows_n, profile_rows = (1_000, 300) if quick else (10_000, 2_000)
    if getattr(args, "only", None) == "import":
        log("population import …")
        imp = population_import_bench(users, meta, import_rows_n, profile_rows)
        return {
            "population_import": imp,
            "targets": {"import_ratio": {"target": f">= {TARGET_IMPORT_RATIO}", "measured": imp.get("ratio"),
                                         "met": imp.get("met")}},
        }  # fmt: skip
    log("person search through the selector …")
    search = person_search(users, meta["queries"], repeat)
    log("inbox through the selector …")
    inbox_sel = inbox(users, repeat)
    log("indicators …")
    ind = indicators(users, meta["logins"], meta["districts"], max(5, repeat // 3))
    log("population import …")
    imp = population_import_bench(users, meta, import_rows_n, profile_rows)
    http = over_http(args, meta, repeat, log)
    return {
        "person_search": {**search, "http": http["person_search"], "worst_p95_ms_http": _worst(http["person_search"])},
        "inbox": {
            "selector": inbox_sel,
            "http": http["inbox"],
            "worst_p95_ms_selector": _worst(inbox_sel),
            "worst_p95_ms_http": _worst(http["inbox"]),
            "target_p95_ms": TARGET_P95_MS,
        },
        "indicators": ind,
        "population_import": imp,
        "server_memory": {"server": http["server"], "worker_rss_mb": http["worker_rss_mb"], "after": "inbox and person search over HTTP"},
        "targets": {
            "person_search_p95_ms": {"target": f"<= {TARGET_P95_MS}", "measured_selector": search["worst_p95_ms"],
                                     "measured_http": _worst(http["person_search"]),
                                     "met": max(search["worst_p95_ms"], _worst(http["person_search"])) <= TARGET_P95_MS},
            "inbox_p95_ms": {"target": f"<= {TARGET_P95_MS}", "measured_selector": _worst(inbox_sel),
                             "measured_http": _worst(http["inbox"]),
                             "met": max(_worst(inbox_sel), _worst(http["inbox"])) <= TARGET_P95_MS},
            "city_indicators_ms": {"target": f"<= {TARGET_CITY_INDICATORS_MS}", "measured_p95": ind["city_p95_ms"],
                                   "met": ind["met"]},
            "import_ratio": {"target": f">= {TARGET_IMPORT_RATIO}", "measured": imp.get("ratio"), "met": imp.get("met")},
        },
    }  # fmt: skip
