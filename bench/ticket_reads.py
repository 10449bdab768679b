"""The read side of the tickets bench: the scoped inbox list (over HTTP and through the selector) and a
district's indicators for a year."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from bench.ticket_http import Client, percentile

# (name, role key, query) — the inboxes each role opens first, a 2-character full-text query, and the
# keyset "next page" (``after`` is filled in from the first page).
LIST_QUERIES: list[tuple[str, str, dict[str, str]]] = [
    ("grid_worker.accept", "grid_worker", {"inbox": "accept"}),
    ("grid_worker.all", "grid_worker", {}),
    ("grid_worker.q_路灯", "grid_worker", {"q": "路灯"}),
    ("community_worker.dispatch", "community_worker", {"inbox": "dispatch"}),
    ("community_worker.verify", "community_worker", {"inbox": "verify"}),
    ("community_worker.all", "community_worker", {}),
    ("subdistrict_staff.dispatch", "subdistrict_staff", {"inbox": "dispatch"}),
    ("subdistrict_staff.all", "subdistrict_staff", {}),
    ("department_handler.handle", "department_handler", {"inbox": "handle"}),
    ("department_handler.all", "department_handler", {}),
    ("district_admin.all", "district_admin", {}),
    ("district_admin.overdue", "district_admin", {"inbox": "overdue"}),
    ("district_admin.supervised", "district_admin", {"inbox": "supervised"}),
    ("district_admin.q_路灯", "district_admin", {"q": "路灯"}),
    ("district_admin.q_路灯.page2", "district_admin", {"q": "路灯", "after": "?"}),
    ("district_admin.all.page2", "district_admin", {"after": "?"}),
    ("department_handler.all.page2", "department_handler", {"after": "?"}),
]


def _stats(samples: list[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(samples, 50) * 1000, 1),
        "p95_ms": round(percentile(samples, 95) * 1000, 1),
        "mean_ms": round(statistics.fmean(samples) * 1000, 1),
    }


def _first_page_after(client: Client, query: dict[str, str]) -> str:
    base = {k: v for k, v in query.items() if k != "after"}
    status, payload = client.request("GET", "/api/v1/tickets?" + urlencode(base))
    import json

    data = json.loads(payload) if status == 200 else {}
    return str(data.get("next_after") or "")


def list_over_http(clients: dict[str, Client], repeat: int) -> dict[str, Any]:
    """Each query ``repeat`` times after two warm-up calls, one request at a time (latency, not load)."""
    import json

    out: dict[str, Any] = {}
    for name, role, query in LIST_QUERIES:
        client = clients[role]
        q = dict(query)
        if q.get("after") == "?":
            q["after"] = _first_page_after(client, q)
            if not q["after"]:
                out[name] = {"skipped": "no second page"}
                continue
        path = "/api/v1/tickets?" + urlencode(q)
        rows = 0
        for _ in range(2):
            status, payload = client.request("GET", path)
            if status != 200:
                raise RuntimeError(f"{name}: {status} {payload[:200]!r}")
            rows = len(json.loads(payload)["items"])
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            client.request("GET", path)
            samples.append(time.perf_counter() - t)
        out[name] = {**_stats(samples), "rows": rows}
    return out


def list_through_selector(users: dict[str, Any], repeat: int) -> dict[str, Any]:
    """The same queries through ``ticket_list_for_actor`` in this process (scope recomputed each call)."""
    from gongzhi.core.scope import forget_scope
    from gongzhi.tickets.selectors.tickets import clean_filters, ticket_list_for_actor

    out: dict[str, Any] = {}
    for name, role, query in LIST_QUERIES:
        user = users[role]
        q = {k: v for k, v in query.items() if k != "after"}
        filters = clean_filters(inbox=q.get("inbox", ""), q=q.get("q", ""))
        after = None
        if "after" in query:
            first = ticket_list_for_actor(actor=user, filters=filters, limit=50)
            if len(first) <= 50:
                out[name] = {"skipped": "no second page"}
                continue
            after = first[49].pk

        def call(user: Any = user, filters: Any = filters, after: int | None = after) -> int:
            forget_scope(user)
            return len(ticket_list_for_actor(actor=user, filters=filters, after_id=after, limit=50))

        rows = call()
        call()
        samples = []
        for _ in range(repeat):
            t = time.perf_counter()
            call()
            samples.append(time.perf_counter() - t)
        out[name] = {**_stats(samples), "rows": min(rows, 50)}
    return out


def indicators(admin: Any, district_code: str, repeat: int, today: date | None = None) -> dict[str, Any]:
    """A district's indicators for the last year: ``indicators_for`` if the tickets app has it, else the
    equivalent sum of the DailyStat counters (said in ``source``)."""
    today = today or date.today()
    start, end = today - timedelta(days=365), today
    fn: Callable[[], Any]
    try:
        from gongzhi.tickets.indicators import indicators_for

        source = "gongzhi.tickets.indicators.indicators_for"

        def fn() -> Any:
            return indicators_for(actor=admin, level="district", code=district_code, start=start, end=end)

    except ImportError:
        from django.db.models import Sum

        from gongzhi.tickets.models import STAT_FIELDS, DailyStat

        source = "dailystat_sum"

        def fn() -> Any:
            return DailyStat.objects.filter(
                district_code=district_code, day__gte=start, day__lte=end
            ).aggregate(**{f: Sum(f) for f in STAT_FIELDS})

    value = fn()
    samples = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    shown: Any = value
    if not isinstance(value, dict):
        shown = vars(value) if hasattr(value, "__dict__") else str(value)
    return {
        "indicators_source": source,
        "period": [start.isoformat(), end.isoformat()],
        **_stats(samples),
        "value": _jsonable(shown),
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)
