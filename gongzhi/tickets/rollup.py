"""The daily rollup recomputed from the records: tickets, their timelines and supervision cards.

The services keep ``DailyStat`` incrementally (services/common.record, loop.ticket_close, the supervision
sweep). This module replays each ticket's timeline with the same rules, so that ``tickets_rollup --check``
can prove the counters honest and ``--rebuild`` can restore them (after a restore from backup, a bug fix,
a manual correction of a ticket's place).

The rules, move by move (the department is the ticket's lead department at that moment: set by a
dispatch, cleared by an escalation or a return):
- report → reported; accept → accepted; decline → declined; merge → merged; dispatch → dispatched;
  escalate → escalated (no department); return → returned (counted against the dispatching place, no
  department);
- the first handle → handled and handling_seconds (since the latest dispatch); and, unless the ticket was
  already settled against its deadline, due + on_time (the event's ``on_time``);
- the first yellow card while still unsettled → due on the local day of the deadline it was issued
  against (``Supervision.deadline_key``), not on time;
- verify → verifications (+ reworked when failed); callback → callbacks (+ satisfied unless dissatisfied);
- close → closed, on the day the ticket was REPORTED (a cohort).

The coarse rollups follow: ``MonthlyStat`` is ``DailyStat`` summed per month and community, and
``StatusCount`` is the tickets counted per report month, community and status.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils.dateparse import parse_datetime

from gongzhi.tickets.models import (
    STAT_FIELDS,
    DailyStat,
    MonthlyStat,
    StatusCount,
    Supervision,
    Ticket,
    TicketEvent,
)
from gongzhi.tickets.stats import local_day, month_of

Key = tuple[Any, str, str, str, str, int]
MonthKey = tuple[str, str, str, Any]  # district, subdistrict, community, month
StatusKey = tuple[str, str, str, Any, str]  # … and status
BATCH = 2000


def _key(t: dict[str, Any], at: datetime, dep: int) -> Key:
    return (
        local_day(at),
        t["district_code"],
        t["subdistrict_code"] or "",
        t["community_code"] or "",
        t["grid_code"] or "",
        dep,
    )


def _replay(
    t: dict[str, Any],
    events: Iterable[dict[str, Any]],
    deadlines: dict[int, str],
    out: dict[Key, dict[str, int]],
) -> None:
    def add(at: datetime, dep: int, **counts: int) -> None:
        row = out[_key(t, at, dep)]
        for k, v in counts.items():
            if v:
                row[k] = row.get(k, 0) + int(v)

    dep = 0
    dispatched_at: datetime | None = None
    handled = False
    settled = False
    for e in events:
        move, at, data = e["move"], e["at"], e["data"] or {}
        if move == "report":
            add(at, dep, reported=1)
        elif move == "accept":
            add(at, dep, accepted=1)
        elif move == "decline":
            add(at, dep, declined=1)
        elif move == "merge":
            add(at, dep, merged=1)
        elif move == "dispatch":
            dep = int(data.get("department") or 0)
            dispatched_at = at
            add(at, dep, dispatched=1)
        elif move == "escalate":
            dep = 0
            add(at, dep, escalated=1)
        elif move == "return":
            dep = 0
            add(at, 0, returned=1)
        elif move == "handle":
            counts: dict[str, int] = {}
            if not handled:
                handled = True
                counts["handled"] = 1
                if dispatched_at is not None:
                    counts["handling_seconds"] = max(0, int((at - dispatched_at).total_seconds()))
            if not settled:
                settled = True
                counts["due"] = 1
                counts["on_time"] = 1 if data.get("on_time") else 0
            add(at, dep, **counts)
        elif move == "supervise" and data.get("kind") == "yellow" and not settled:
            settled = True
            deadline = parse_datetime(deadlines.get(int(data.get("supervision") or 0), "") or "")
            add(deadline or at, dep, due=1)
        elif move == "verify":
            add(at, dep, verifications=1, reworked=0 if data.get("passed") else 1)
        elif move == "callback":
            add(at, dep, callbacks=1, satisfied=0 if data.get("satisfaction") == "dissatisfied" else 1)
        elif move == "close":
            add(t["created_at"], dep, closed=1)


def computed(district_code: str = "") -> dict[Key, dict[str, int]]:
    """The rollup as the records say it should be: {key: {counter: n}} (zero counters left out)."""
    out: dict[Key, dict[str, int]] = defaultdict(dict)
    tickets = Ticket.objects.order_by("id")
    if district_code:
        tickets = tickets.filter(district_code=district_code)
    fields = ["id", "created_at", "district_code", "subdistrict_code", "community_code", "grid_code"]
    last = 0
    while True:
        batch = list(tickets.filter(id__gt=last).values(*fields)[:BATCH])
        if not batch:
            break
        last = batch[-1]["id"]
        ids = [t["id"] for t in batch]
        events: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for e in (
            TicketEvent.objects.filter(ticket_id__in=ids)
            .order_by("ticket_id", "id")
            .values("ticket_id", "move", "at", "data")
        ):
            events[e["ticket_id"]].append(dict(e))
        deadlines = dict(
            Supervision.objects.filter(ticket_id__in=ids, kind="yellow").values_list("id", "deadline_key")
        )
        for t in batch:
            _replay(t, events[t["id"]], deadlines, out)
    return {k: v for k, v in out.items() if any(v.values())}


def stored(district_code: str = "") -> dict[Key, dict[str, int]]:
    qs = DailyStat.objects.all()
    if district_code:
        qs = qs.filter(district_code=district_code)
    out: dict[Key, dict[str, int]] = {}
    for row in qs.values(
        "day",
        "district_code",
        "subdistrict_code",
        "community_code",
        "grid_code",
        "department_id",
        *STAT_FIELDS,
    ).iterator(chunk_size=5000):
        counts = {f: row[f] for f in STAT_FIELDS if row[f]}
        if counts:
            key = (
                row["day"],
                row["district_code"],
                row["subdistrict_code"],
                row["community_code"],
                row["grid_code"],
                row["department_id"],
            )
            out[key] = counts
    return out


def differences(
    district_code: str = "", want: dict[Key, dict[str, int]] | None = None
) -> list[tuple[Key, dict[str, int], dict[str, int]]]:
    """(key, stored, computed) for every row where the incremental counters and the records disagree
    (``want``: ``computed(district_code)`` if the caller has it already)."""
    have = stored(district_code)
    want = computed(district_code) if want is None else want
    return [
        (key, have.get(key, {}), want.get(key, {}))
        for key in sorted(set(have) | set(want), key=lambda k: (k[0], k[1:]))
        if have.get(key, {}) != want.get(key, {})
    ]


@transaction.atomic
def rebuild(district_code: str = "") -> int:
    """Replaces the rollup (of one district, or all) with the one computed from the records; returns
    the number of rows written. One transaction: readers see the old figures or the new, never half."""
    want = computed(district_code)
    old = DailyStat.objects.all()
    if district_code:
        old = old.filter(district_code=district_code)
    old.delete()
    rows = [
        DailyStat(
            day=key[0],
            district_code=key[1],
            subdistrict_code=key[2],
            community_code=key[3],
            grid_code=key[4],
            department_id=key[5],
            **{f: counts.get(f, 0) for f in STAT_FIELDS},
        )
        for key, counts in want.items()
    ]
    DailyStat.objects.bulk_create(rows, batch_size=2000)
    rebuild_coarse(district_code)
    return len(rows)


# --- the coarse rollups -----------------------------------------------------------------------------


def monthly_of(daily: dict[Key, dict[str, int]]) -> dict[MonthKey, dict[str, int]]:
    """Daily rows summed per month and community: what ``MonthlyStat`` must hold."""
    out: dict[MonthKey, dict[str, int]] = defaultdict(dict)
    for key, counts in daily.items():
        row = out[(key[1], key[2], key[3], month_of(key[0]))]
        for f, n in counts.items():
            row[f] = row.get(f, 0) + n
    return {k: v for k, v in out.items() if any(v.values())}


def stored_monthly(district_code: str = "") -> dict[MonthKey, dict[str, int]]:
    qs = MonthlyStat.objects.all()
    if district_code:
        qs = qs.filter(district_code=district_code)
    out: dict[MonthKey, dict[str, int]] = {}
    for row in qs.values("district_code", "subdistrict_code", "community_code", "month", *STAT_FIELDS):
        counts = {f: row[f] for f in STAT_FIELDS if row[f]}
        if counts:
            out[(row["district_code"], row["subdistrict_code"], row["community_code"], row["month"])] = counts
    return out


def status_computed(district_code: str = "") -> dict[StatusKey, int]:
    """The tickets per report month (local), community and status now: what ``StatusCount`` must hold."""
    qs = Ticket.objects.all()
    if district_code:
        qs = qs.filter(district_code=district_code)
    out: dict[StatusKey, int] = defaultdict(int)
    if connection.vendor == "postgresql":
        where = "WHERE district_code = %s" if district_code else ""
        with connection.cursor() as cur:
            cur.execute(
                "SELECT district_code, subdistrict_code, community_code, "  # noqa: S608 (no user text)
                "date_trunc('month', created_at AT TIME ZONE %s)::date, status, count(*) "
                f"FROM tickets_ticket {where} GROUP BY 1, 2, 3, 4, 5",
                [settings.TIME_ZONE, *([district_code] if district_code else [])],
            )
            for d, s, c, m, status, n in cur.fetchall():
                out[(d, s or "", c or "", m, status)] += n
        return dict(out)
    for d, s, c, created, status in qs.values_list(
        "district_code", "subdistrict_code", "community_code", "created_at", "status"
    ).iterator(chunk_size=5000):
        out[(d, s or "", c or "", month_of(local_day(created)), status)] += 1
    return dict(out)


def stored_status(district_code: str = "") -> dict[StatusKey, int]:
    qs = StatusCount.objects.exclude(tickets=0)
    if district_code:
        qs = qs.filter(district_code=district_code)
    return {
        (d, s, c, m, status): n
        for d, s, c, m, status, n in qs.values_list(
            "district_code", "subdistrict_code", "community_code", "month", "status", "tickets"
        )
    }


def coarse_differences(
    district_code: str = "", daily: dict[Key, dict[str, int]] | None = None
) -> list[tuple[str, tuple[Any, ...], Any, Any]]:
    """(table, key, stored, computed) where the monthly or status rollups disagree with the records."""
    want_m = monthly_of(computed(district_code) if daily is None else daily)
    have_m = stored_monthly(district_code)
    out: list[tuple[str, tuple[Any, ...], Any, Any]] = [
        ("monthly", k, have_m.get(k, {}), want_m.get(k, {}))
        for k in sorted(set(have_m) | set(want_m))
        if have_m.get(k, {}) != want_m.get(k, {})
    ]
    want_s, have_s = status_computed(district_code), stored_status(district_code)
    out += [
        ("status", k, have_s.get(k, 0), want_s.get(k, 0))
        for k in sorted(set(have_s) | set(want_s))
        if have_s.get(k, 0) != want_s.get(k, 0)
    ]
    return out


@transaction.atomic
def rebuild_coarse(district_code: str = "") -> tuple[int, int]:
    """``MonthlyStat`` from ``DailyStat`` and ``StatusCount`` from the tickets, one INSERT … SELECT each
    (on SQLite the status counts are grouped in Python: SQLite stores times as UTC text and cannot take
    the local month); the bench loaders call this after COPYing the daily rows. Returns the rows written."""
    where = "WHERE district_code = %s" if district_code else ""
    params = [district_code] if district_code else []
    for model in (MonthlyStat, StatusCount):
        old = model.objects.all()
        if district_code:
            old = old.filter(district_code=district_code)
        old.delete()
    month = (
        "date_trunc('month', day)::date"
        if connection.vendor == "postgresql"
        else "date(day, 'start of month')"
    )
    cols = ", ".join(STAT_FIELDS)
    sums = ", ".join(f"SUM({f})" for f in STAT_FIELDS)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO tickets_monthlystat (district_code, subdistrict_code, community_code, month, {cols}) "  # noqa: S608
            f"SELECT district_code, subdistrict_code, community_code, {month}, {sums} "
            f"FROM tickets_dailystat {where} GROUP BY 1, 2, 3, 4",
            params,
        )
        monthly = cur.rowcount
        if connection.vendor == "postgresql":
            cur.execute(
                "INSERT INTO tickets_statuscount (district_code, subdistrict_code, community_code, month, "  # noqa: S608
                "status, tickets) SELECT district_code, COALESCE(subdistrict_code, ''), "
                "COALESCE(community_code, ''), date_trunc('month', created_at AT TIME ZONE %s)::date, status, "
                f"count(*) FROM tickets_ticket {where} GROUP BY 1, 2, 3, 4, 5",
                [settings.TIME_ZONE, *params],
            )
            return monthly, cur.rowcount
    statuses = status_computed(district_code)
    StatusCount.objects.bulk_create(
        [
            StatusCount(district_code=d, subdistrict_code=s, community_code=c, month=m, status=st, tickets=n)
            for (d, s, c, m, st), n in statuses.items()
        ],
        batch_size=2000,
    )
    return monthly, len(statuses)
