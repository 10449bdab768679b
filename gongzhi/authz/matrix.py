"""The authorization matrix: every API operation and every console/H5/Open311 page × every role ×
an object in the account's scope (A) and one outside it (B).

``routes_enumerated()`` walks the NinjaAPI's OpenAPI document and Django's URL resolver, so a new route
cannot hide: ``unclassified()`` lists every route missing from ``authz_routes.ROUTES`` (the one table
that says which object a route's path parameters point at and which roles it lets in) and the matrix
test fails on any. ``run_matrix()`` makes every request inside a rolled-back transaction, so writes
leave the world as it was, and ``violations()`` names every leak:

* an out-of-scope object (B) answered 2xx to an account whose scope does not cover it;
* an answer to such an account that contains an out-of-scope object's identifying text;
* a 2xx to a role the route does not let in.

``render_table()`` is the table in docs/security.md (``python manage.py authz_matrix --write``).
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from gongzhi.authz.routes import COLUMNS, NO_BODY_CHECK_KINDS, ROUTES, SCOPED, Route, wide_roles
from gongzhi.authz.world import World

PAGE_PREFIXES = ("console/", "h5/", "open311/", "overview/")
BEGIN = "<!-- authz-matrix:begin (python manage.py authz_matrix --write docs/security.md) -->"
END = "<!-- authz-matrix:end -->"
MISSING = "999999"  # a path parameter for a kind the world has no object of: both sides are "missing"
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/geo+json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- enumeration ----------------------------------------------------------------------------------
_NAMED_GROUP = re.compile(r"\(\?P<(\w+)>[^)]*\)")
_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


def _page_path(pattern: str) -> str:
    path = _NAMED_GROUP.sub(r"{\1}", pattern)
    path = _CONVERTER.sub(r"{\1}", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


def _walk(resolver: URLResolver, prefix: str = "") -> Iterator[str]:
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _example(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """The smallest value the schema accepts, so a write gets past validation to the scope check."""
    if "$ref" in schema:
        return _example(defs[schema["$ref"].rsplit("/", 1)[1]], defs, depth + 1)
    for combo in ("anyOf", "oneOf", "allOf"):
        if combo in schema:
            options = [o for o in schema[combo] if o.get("type") != "null"] or schema[combo]
            return _example(options[0], defs, depth + 1)
    if "default" in schema:
        return schema["default"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 4:
            return {}
        props = schema.get("properties", {})
        out = {k: _example(props[k], defs, depth + 1) for k in schema.get("required", []) if k in props}
        if isinstance(out.get("year"), int):  # a calendar year (1900–2100, gongzhi.core.bounds), not 1
            out["year"] = timezone.localdate().year
        return out
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    fmt = schema.get("format", "")
    week_on = timezone.localdate() + dt.timedelta(days=7)  # a date any form accepts: soon, not past
    if fmt == "date":
        return week_on.isoformat()
    if fmt == "date-time":
        return f"{week_on.isoformat()}T09:00:00+08:00"
    if fmt == "time":
        return "09:00:00"
    return "授权矩阵探测"


def api_example_bodies() -> dict[str, dict[str, Any]]:
    """Operation → a minimal JSON body built from the OpenAPI document (routes may override it)."""
    from config.api import api

    schema = api.get_openapi_schema()
    defs = schema.get("components", {}).get("schemas", {})
    out = {}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            content = op.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                body = _example(content["application/json"]["schema"], defs)
                out[f"{method.upper()} {path}"] = body if isinstance(body, dict) else {}
    return out


def api_operations() -> list[str]:
    from config.api import api

    schema = api.get_openapi_schema()
    return [f"{method.upper()} {path}" for path, ops in schema["paths"].items() for method in ops]


def page_paths() -> list[str]:
    return [_page_path(p) for p in _walk(get_resolver()) if p.startswith(PAGE_PREFIXES)]


def routes_enumerated() -> dict[str, list[str]]:
    """Each route the project serves → the table keys that cover it (an API operation is its own key;
    a page may be probed by GET, POST or both)."""
    out: dict[str, list[str]] = {}
    for op in api_operations():
        out[op] = [op] if op in ROUTES else []
    for path in page_paths():
        out[path] = [k for k in (f"GET {path}", f"POST {path}") if k in ROUTES]
    return out


def unclassified() -> list[str]:
    return sorted(r for r, keys in routes_enumerated().items() if not keys)


def stale() -> list[str]:
    covered = {k for keys in routes_enumerated().values() for k in keys}
    return sorted(set(ROUTES) - covered)


# -- running --------------------------------------------------------------------------------------
@dataclass
class Answer:
    status: int
    shows_a: bool = False  # a list: shows the A object of its kind
    shows_b: bool = False
    leaked: list[str] = field(default_factory=list)  # out-of-scope texts found in the body

    def cell(self) -> str:
        return str(self.status)


@dataclass
class Cell:
    a: Answer
    b: Answer | None = None  # None: a collection or public route (one request)

    def text(self, route: Route) -> str:
        if self.b is None:
            if route.kind.startswith("list:") and 200 <= self.a.status < 300:
                shown = "+".join(side for side, on in (("A", self.a.shows_a), ("B", self.a.shows_b)) if on)
                return f"{self.a.status} {shown or '–'}"
            return str(self.a.status)
        return f"{self.a.status}/{self.b.status}"


def _body_text(response: Any) -> str:
    ctype = response.get("Content-Type", "")
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    if ctype.startswith(XLSX):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(io.BytesIO(content), read_only=True)
        except Exception:  # not a workbook after all: nothing to read
            return ""
        return " ".join(
            str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
        )
    if "json" in ctype:
        # ninja writes non-ASCII as JSON \u escapes (路 as \u8def): decode them, or no Chinese name would match
        try:
            return json.dumps(json.loads(content), ensure_ascii=False)
        except ValueError:
            return content.decode("utf-8", "replace")
    if ctype.startswith(TEXT_TYPES):
        return content.decode("utf-8", "replace")
    return ""  # PDFs and images: compressed, not searched (see docs/security.md)


def _path(template: str, params: dict[str, Any]) -> str:
    return re.sub(r"{(\w+)}", lambda m: str(params.get(m.group(1), MISSING)), template)


def _params(world: World, route: Route, side: str) -> dict[str, Any]:
    params: dict[str, Any] = {"fmt": "json", "rest": "nope", "year": 2026, "token": "nope"}
    kind = route.kind.removeprefix("list:")
    obj = world.objects.get(kind, {}).get(side)
    if obj is not None:
        params.update(obj.params)
    params.update(route.params)
    return params


def _request(client: Client, key: str, path: str, route: Route, example: dict[str, Any]) -> Any:
    method = key.split(" ", 1)[0]
    api = path.startswith("/api/")
    # Every probe starts with empty rate-limit counters (they live in the cache, not in the rolled-back
    # transaction): the matrix asks who may pass the scope check, not how often.
    cache.clear()
    with transaction.atomic():
        if method == "GET":
            response = client.get(path, route.query)
        elif api:
            body = {**example, **route.body}
            response = client.generic(method, path, data=json.dumps(body), content_type="application/json")
        else:
            response = client.post(path, route.body)
        text = _body_text(response) if 200 <= response.status_code < 300 else ""
        transaction.set_rollback(True)
    return response, text


def clients(world: World) -> dict[str, Client]:
    out = {}
    for column in COLUMNS:
        c = Client(raise_request_exception=False)
        if column != "anonymous":
            c.force_login(world.users[column])
        out[column] = c
    return out


def _answer(world: World, column: str, route: Route, text: str, status: int, side: str | None) -> Answer:
    kind = route.kind.removeprefix("list:")
    ans = Answer(status=status)
    sides = world.objects.get(kind, {})
    if "A" in sides:
        ans.shows_a = any(t in text for t in sides["A"].texts)
    if "B" in sides:
        ans.shows_b = any(t in text for t in sides["B"].texts)
    if route.kind in NO_BODY_CHECK_KINDS:
        return ans
    for k, sides in world.objects.items():
        if column in wide_roles(k) or "B" not in sides or k in route.shows:
            continue
        ans.leaked += [t for t in sides["B"].texts if t in text]
    return ans


def run_matrix(world: World) -> dict[str, dict[str, Cell]]:
    """Table key → column → cell. Logout routes end the session: the account signs in again after.
    Django's request log is quieted meanwhile: thousands of expected 404s; a 5xx is a violation anyway."""
    quiet = logging.getLogger("django.request")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)
    try:
        return _run(world)
    finally:
        quiet.setLevel(level)


def _run(world: World) -> dict[str, dict[str, Cell]]:
    by_column = clients(world)
    bodies = api_example_bodies()
    results: dict[str, dict[str, Cell]] = {}
    for key in sorted(ROUTES, key=_sort_key):
        route = ROUTES[key]
        template = key.split(" ", 1)[1]
        row: dict[str, Cell] = {}
        for column, client in by_column.items():
            answers = []
            sides = ("A", "B") if route.kind in world.objects else (None,)
            for side in sides:
                path = _path(template, _params(world, route, side or "A"))
                body = _with_world_ids(world, bodies.get(key, {}))
                response, text = _request(client, key, path, route, body)
                answers.append(_answer(world, column, route, text, response.status_code, side))
                if route.logs_out and column != "anonymous":
                    client.force_login(world.users[column])
            row[column] = Cell(*answers)
        results[key] = row
    return results


def _with_world_ids(world: World, body: dict[str, Any]) -> dict[str, Any]:
    """A body's ``<kind>_id`` fields point at scope A's object of that kind, every other ``*_id`` at a
    row that does not exist: the schema's smallest integer (1) would otherwise hit whichever row has id 1,
    which differs between SQLite and PostgreSQL (whose sequences go on after a rollback)."""
    out = dict(body)
    for name, value in body.items():
        if not name.endswith("_id") or not isinstance(value, int) or isinstance(value, bool):
            continue
        obj = world.objects.get(name.removesuffix("_id"), {}).get("A")
        out[name] = obj.params[name] if obj is not None and name in obj.params else int(MISSING)
    return out


def _sort_key(key: str) -> tuple[str, str]:
    method, path = key.split(" ", 1)
    return (path, method)


def _ok(status: int) -> bool:
    return 200 <= status < 300


def violations(world: World, results: dict[str, dict[str, Cell]]) -> list[str]:
    out = []
    for key, row in results.items():
        route = ROUTES[key]
        for column, cell in row.items():
            for side, ans in (("A", cell.a), ("B", cell.b)):
                if ans is None:
                    continue
                if ans.status >= 500:
                    out.append(f"{key} · {column}: {ans.status} on {side} (a server error, never an answer)")
                if _ok(ans.status) and column not in route.allow:
                    out.append(f"{key} · {column}: {ans.status} on {side} but the route does not let it in")
                if (
                    side == "B"
                    and _ok(ans.status)
                    and column in SCOPED
                    and column not in wide_roles(route.kind)
                    and route.kind in world.objects
                ):
                    out.append(f"{key} · {column}: out-of-scope {route.kind} answered {ans.status}")
                if ans.leaked:
                    out.append(f"{key} · {column}: body shows out-of-scope {sorted(set(ans.leaked))}")
    return out


# -- the table ------------------------------------------------------------------------------------
SHORT = {
    "district_admin": "区管",
    "auditor": "审计",
    "subdistrict_staff": "街道",
    "community_worker": "社工",
    "community_secretary": "书记",
    "grid_head": "网格长",
    "grid_worker": "网格员",
    "department_handler": "部门",
    "unit_liaison": "单位",
    "party_member": "党员",
    "resident": "居民",
    "anonymous": "匿名",
}


def render_table(results: dict[str, dict[str, Cell]]) -> str:
    head = "| route | object | " + " | ".join(SHORT[c] for c in COLUMNS) + " |"
    sep = "|---|---|" + "---|" * len(COLUMNS)
    lines = [head, sep]
    for key, row in results.items():
        route = ROUTES[key]
        cells = " | ".join(row[c].text(route) for c in COLUMNS)
        lines.append(f"| `{key}` | {route.kind} | {cells} |")
    return "\n".join(lines) + "\n"


def splice(document: str, table: str) -> str:
    start, end = document.index(BEGIN) + len(BEGIN), document.index(END)
    return document[:start] + "\n" + table + document[end:]


def committed_table(document: str) -> str:
    start, end = document.index(BEGIN) + len(BEGIN), document.index(END)
    return document[start:end].strip("\n") + "\n"
