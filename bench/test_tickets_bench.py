"""The pure parts of ``bench.tickets``: the ticket generator, the COPY lines, the report's shape.

No database: the bench itself needs PostgreSQL, these tests do not.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict

import pytest

from bench.ticket_load import (
    TICKET_COLUMNS,
    assignment_lines,
    daily_stat_lines,
    iso,
    supervision_lines,
    ticket_line,
    ts,
)
from bench.ticket_profile import summarise
from bench.ticket_rows import STAT_FIELDS, CategoryRef, Generator, GridRef, World, local_day
from bench.tickets_run import indicators_summary, intake_summary, list_summary, report
from gongzhi.core.textsearch import index_text
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.taxonomy import default_categories
from gongzhi.tickets.transitions import TICKET

NOW = int(dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC).timestamp())
DEPARTMENTS = {"cgj": 1, "zjj": 2, "gaj": 3, "scjgj": 4, "sthj": 5, "mzj": 6}


def world() -> World:
    categories = [
        CategoryRef(i, r["code"], r["name"], r["default_level"], DEPARTMENTS.get(r["department_code"]),
                    r["limit_amount"], r["limit_unit"])
        for i, r in enumerate(default_categories(), start=1)
        if r["parent"]
    ]  # fmt: skip
    grids = [
        GridRef(f"370115{s:03d}{c:03d}{g:03d}", (117 + g * 0.01, 36.9, 117.01 + g * 0.01, 36.91), 100 + g)
        for s in (1, 2)
        for c in (1, 2)
        for g in (1, 2, 3)
    ]
    return World(
        grids=grids,
        categories=categories,
        community_staff={g.community_code: 50 for g in grids},
        subdistrict_staff={g.subdistrict_code: 60 for g in grids},
        district_admin=1,
        department_handlers={d: 70 + d for d in DEPARTMENTS.values()},
        phones=[("enc", "hash", "139****0000")],
        now=NOW,
    )


@pytest.fixture(scope="module")
def generated() -> tuple[Generator, list]:
    gen = Generator(world(), 4000, seed=7)
    return gen, list(gen.tickets())


def _move(move: str, new: str) -> str:
    """The transitions.py name of a timeline move, from where it led."""
    if move == "verify":
        return "verify_pass" if new == "verified" else "verify_fail"
    if move == "callback":
        return "callback_ok" if new == "called_back" else "callback_dissatisfied"
    return move


def test_places_categories_and_statuses_are_valid(generated):
    gen, tickets = generated
    w = gen.w
    codes = {g.code for g in w.grids}
    category_ids = {c.id for c in w.categories}
    assert [t.id for t in tickets] == list(range(1, 4001))
    for t in tickets:
        assert t.grid.code in codes
        assert t.grid.community_code == t.grid.code[:12]
        assert t.grid.subdistrict_code == t.grid.code[:9] + "000"
        assert t.grid.district_code == "370115"
        x0, y0, x1, y1 = t.grid.bbox
        assert x0 <= t.lng <= x1 and y0 <= t.lat <= y1
        assert t.category.id in category_ids
        assert t.status in TicketStatus.values
        assert gen.start <= t.created <= NOW
        if t.level == "department":
            assert t.department_id in DEPARTMENTS.values()
        elif t.dispatched_at is not None:
            assert t.handler_place_code and t.grid.code.startswith(t.handler_place_code.removesuffix("000"))
    statuses = Counter(t.status for t in tickets)
    # Two years of a district: most are closed, every open state is there, a few declined and merged.
    assert statuses["closed"] > 0.8 * len(tickets)
    assert {"declined", "merged", "reported", "dispatched", "handled"} <= set(statuses)


def test_every_timeline_move_is_allowed_and_in_order(generated):
    _gen, tickets = generated
    for t in tickets:
        assert t.events[0][1:4] == ("report", "", "reported")
        times = [e[0] for e in t.events]
        assert times == sorted(times)
        assert times[-1] <= NOW
        for at, move, old, new, _actor, _public, data in t.events[1:]:
            if move == "supervise":  # a card changes no status
                assert (
                    old == new and new in ("dispatched", "in_progress") and data["kind"] in ("yellow", "red")
                )
                continue
            assert TICKET.target(_move(move, new), old) == new, (t.id, move, old, new, at)
        assert t.events[-1][3] == t.status
        assert (t.closed_at is not None) == (t.status in ("closed", "declined", "merged"))
        if t.status == "merged":
            assert t.duplicate_of_id is not None and t.duplicate_of_id < t.id


def test_the_rollup_counts_what_the_tickets_say(generated):
    gen, tickets = generated
    totals = dict.fromkeys(STAT_FIELDS, 0)
    for counters in gen.stats.values():
        for name, value in zip(STAT_FIELDS, counters, strict=True):
            totals[name] += value
    moves = Counter(e[1] for t in tickets for e in t.events)
    status = Counter(t.status for t in tickets)
    assert totals["reported"] == len(tickets)
    assert totals["closed"] == status["closed"]
    assert totals["declined"] == status["declined"]
    assert totals["merged"] == status["merged"]
    assert totals["dispatched"] == sum(t.dispatched_at is not None for t in tickets)
    assert totals["handled"] == sum(t.first_handled_at is not None for t in tickets)
    assert totals["due"] == sum(t.sla_counted for t in tickets)
    assert 0 < totals["on_time"] < totals["due"]
    assert totals["verifications"] == moves["verify"]
    assert totals["reworked"] == sum(t.rework_count for t in tickets)
    assert totals["callbacks"] == moves["callback"]
    assert gen.supervisions == sum(len(t.cards) for t in tickets) == moves["supervise"]
    # Closed is counted on the day the ticket was reported (a cohort), like ticket_close does.
    for t in tickets:
        if t.status == "closed":
            key = (local_day(t.created), t.grid.code, t.department_id or 0)
            assert gen.stats[key][STAT_FIELDS.index("closed")] >= 1


def test_copy_lines_have_every_column_and_no_separators(generated):
    _gen, tickets = generated
    hotline_ids = [t.external_id for t in tickets if t.external_id]
    assert len(hotline_ids) == len(set(hotline_ids))
    for t in tickets[:500]:
        fields = ticket_line(t).split("\t")
        assert len(fields) == len(TICKET_COLUMNS)
        row = dict(zip(TICKET_COLUMNS, fields, strict=True))
        assert row["search_text"] == index_text(t.title, t.description, t.address)
        assert row["status"] == t.status and row["grid_code"] == t.grid.code
        assert all("\n" not in f and "\\" not in f.replace("\\N", "") for f in fields)
        for line in assignment_lines(t, None) + supervision_lines(t):
            assert "\n" not in line
    with_cards = [t for t in tickets if t.cards]
    # The ticket shows its card, until a dissatisfied callback gives it a new deadline (set_deadline).
    assert with_cards and all(t.supervision or t.dissatisfied_count for t in with_cards)


def test_timestamps_and_daily_rows_are_written_as_postgres_reads_them(generated):
    for seconds in (0, 1_700_000_000, NOW, NOW + 86_399):
        expected = dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S+00")
        assert ts(seconds) == expected
    assert ts(None) == "\\N"
    gen, _tickets = generated
    lines = daily_stat_lines(gen.stats, gen.w)
    day, district, sub, community, grid, dep, *counters = lines[0].split("\t")
    assert dt.date.fromisoformat(day) and district == "370115" and grid.startswith(community)
    assert sub == grid[:9] + "000" and len(counters) == len(STAT_FIELDS) and dep.isdigit()
    # The local day is Beijing time: 23:30 UTC is the next day there.
    late = int(dt.datetime(2026, 3, 1, 23, 30, tzinfo=dt.UTC).timestamp())
    assert dt.date(1970, 1, 1) + dt.timedelta(days=local_day(late)) == dt.date(2026, 3, 2)


def _round(kind: str, requests: int, seconds: float, errors: int = 0) -> dict:
    return {"kind": kind, "requests": requests, "seconds": seconds, "errors": errors}


def test_intake_summary_is_the_ratio_over_all_rounds():
    rounds = [_round("bare", 1000, 2.0), _round("intake", 1000, 4.0), _round("bare", 1000, 3.0),
              _round("intake", 1000, 4.0, errors=1)]  # fmt: skip
    out = intake_summary(rounds, "gunicorn", 16)
    assert out["bare_rps"] == 400.0 and out["intake_rps"] == 250.0
    assert out["ratio"] == 0.625 and out["met"] is True and out["errors"] == 1
    slow = intake_summary([_round("bare", 100, 1.0), _round("intake", 100, 10.0)], "gunicorn", 16)
    assert slow["ratio"] == 0.1 and slow["met"] is False


def test_report_shape_and_targets():
    http = {
        "a": {"p50_ms": 10.0, "p95_ms": 20.0},
        "b": {"p50_ms": 30.0, "p95_ms": 61.0},
        "c": {"skipped": "x"},
    }
    selector = {"a": {"p50_ms": 5.0, "p95_ms": 9.0}}
    lists = list_summary(http, selector)
    assert lists["worst_p95_ms_http"] == 61.0 and lists["met_http"] is False and lists["met_selector"] is True
    ind = indicators_summary({"indicators_source": "dailystat_sum", "p50_ms": 50.0, "p95_ms": 80.0})
    assert ind["met"] is True and ind["target_ms"] == 200.0
    intake = intake_summary([_round("bare", 100, 1.0), _round("intake", 100, 2.0)], "gunicorn", 16)
    meta = {
        "tickets": 20,
        "places": {"grids": 2},
        "load": {"rows": {"tickets": 20}, "statuses": {"closed": 20}, "seconds": {"total": 1.0}},
    }
    doc = report({"cpu_count": 2}, meta, False, intake, {"list": lists, "indicators": ind}, {}, "quick")
    assert doc["benchmark"] == "tickets" and doc["mode"] == "quick"
    assert set(doc["targets"]) == {"intake_ratio", "list_p95_ms", "indicators_ms"}
    assert doc["targets"]["intake_ratio"] == {"target": ">= 0.6", "measured": 0.5, "met": False}
    assert doc["targets"]["indicators_ms"]["source"] == "dailystat_sum"
    assert doc["data"]["load_seconds"] == {"total": 1.0}


def test_profile_summary_counts_only_samples_inside_a_request():
    raw = "\n".join(
        [
            "run (gunicorn/workers/gthread.py:1);get_response (django/core/handlers/base.py:2);"
            "create_ticket (gongzhi/tickets/api.py:3);execute (psycopg/cursor.py:4) 30",
            "run (gunicorn/workers/gthread.py:1);get_response (django/core/handlers/base.py:2);"
            "create_ticket (gongzhi/tickets/api.py:3) 10",
            "run (gunicorn/workers/gthread.py:1);wait (selectors.py:9) 500",
        ]
    )
    out = summarise(raw)
    assert out["request_samples"] == 40
    assert out["inclusive_percent"]["execute (psycopg/cursor.py)"] == 75.0
    assert out["leaf_percent"]["create_ticket (gongzhi/tickets/api.py)"] == 25.0
    assert summarise("")["request_samples"] == 0


def test_the_rollup_replay_of_the_timelines_gives_the_generated_counters(generated):
    """gongzhi.tickets.rollup (what ``tickets_rollup --check`` runs) replays each timeline with the
    services' rules: it must find exactly the DailyStat rows the bench loads."""
    from gongzhi.tickets.rollup import _replay

    gen, tickets = generated
    out: dict = defaultdict(dict)
    for t in tickets:
        created = dt.datetime.fromtimestamp(t.created, dt.UTC)
        row = {"id": t.id, "created_at": created, "district_code": t.grid.district_code,
               "subdistrict_code": t.grid.subdistrict_code, "community_code": t.grid.community_code,
               "grid_code": t.grid.code}  # fmt: skip
        events = [
            {"move": e[1], "at": dt.datetime.fromtimestamp(e[0], dt.UTC), "data": e[6]} for e in t.events
        ]
        deadlines = {sid: iso(deadline) for sid, kind, _i, _r, deadline in t.cards if kind == "yellow"}
        _replay(row, events, deadlines, out)
    computed = {
        (day.toordinal() - dt.date(1970, 1, 1).toordinal(), key[3], key[4]): counts
        for (day, *key), counts in out.items()
        if any(counts.values())
    }
    generated_rows = {
        key: {f: v for f, v in zip(STAT_FIELDS, counters, strict=True) if v}
        for key, counters in gen.stats.items()
        if any(counters)
    }
    assert computed == generated_rows


def test_intake_summary_puts_the_floor_beside_the_ratio():
    rounds = [_round("bare", 1000, 2.0), _round("intake", 1000, 5.0), _round("floor", 1000, 4.0)]
    out = intake_summary(rounds, "gunicorn", 16)
    assert out["ratio"] == 0.4 and out["met"] is False
    assert out["floor"]["rps"] == 250.0 and out["floor"]["ratio_to_bare"] == 0.5
    assert out["floor"]["intake_share_of_floor"] == 0.8
    assert "floor" not in intake_summary(rounds[:2], "gunicorn", 16)
