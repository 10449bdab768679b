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

from gongzhi.core.roles import POPULATION_EDITORS, POPULATION_ROLES, REVEALERS, STAFF_ROLES, Role
from gongzhi.testing_authz_world import World

PAGE_PREFIXES = ("console/", "h5/", "open311/")
BEGIN = "<!-- authz-matrix:begin (python manage.py authz_matrix --write docs/security.md) -->"
END = "<!-- authz-matrix:end -->"
MISSING = "999999"  # a path parameter for a kind the world has no object of: both sides are "missing"
TEXT_TYPES = ("text/", "application/json", "application/xml", "application/geo+json")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# -- roles and the route record ------------------------------------------------------------------
COLUMNS = [r.value for r in Role] + ["anonymous"]
ALL = frozenset(COLUMNS)
SIGNED_IN = frozenset(r.value for r in Role)
DISTRICT_WIDE = frozenset({Role.DISTRICT_ADMIN.value, Role.AUDITOR.value})
# Accounts whose scope is narrower than the district: every B object is outside it.
SCOPED = SIGNED_IN - DISTRICT_WIDE
NOBODY: frozenset[str] = frozenset()
STAFF = frozenset(STAFF_ROLES)
POPULATION = frozenset(POPULATION_ROLES)
POPULATION_EDIT = frozenset(POPULATION_EDITORS)
ADMIN, AUDITOR, SUBDISTRICT = Role.DISTRICT_ADMIN, Role.AUDITOR, Role.SUBDISTRICT_STAFF
COMMUNITY_WORKER, SECRETARY = Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY
GRID_HEAD, GRID_WORKER, DEPARTMENT = Role.GRID_HEAD, Role.GRID_WORKER, Role.DEPARTMENT_HANDLER
LIAISON, MEMBER, RESIDENT, ANON = Role.UNIT_LIAISON, Role.PARTY_MEMBER, Role.RESIDENT, "anonymous"


def of(*columns: str) -> frozenset[str]:
    return frozenset(str(c) for c in columns)


# Kinds a narrower account may still see district-wide, by design (docs/security.md says why).
WIDE_KINDS: dict[str, frozenset[str]] = {
    # a department takes tickets from the whole district, so it sees every grid (and its name)
    "grid": DISTRICT_WIDE | {Role.DEPARTMENT_HANDLER.value},
}
# Kinds whose answers are public by design: their bodies are not searched for B's texts.
NO_BODY_CHECK_KINDS = frozenset({"public"})


def wide_roles(kind: str) -> frozenset[str]:
    return WIDE_KINDS.get(kind.removeprefix("list:"), DISTRICT_WIDE)


@dataclass(frozen=True)
class Route:
    """``kind``: the object the path parameters point at; ``list:<kind>`` a list of them; "collection"
    a page or operation about no one object; "public" one open to anyone, by design.
    ``allow``: the columns that may get a 2xx. ``body``/``query``/``params``: what the probe sends."""

    kind: str
    allow: frozenset[str]
    body: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    logs_out: bool = False
    # kinds whose out-of-scope names this route shows by design (a comment at the row says why)
    shows: frozenset[str] = frozenset()


R = Route


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
        return {k: _example(props[k], defs, depth + 1) for k in schema.get("required", []) if k in props}
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
        # ninja writes non-ASCII as \uXXXX escapes: decode them, or no Chinese name would ever match
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


# -- the one table: every route the project serves ------------------------------------------------
ROUTES: dict[str, Route] = {
    "GET /api/v1/overview": R("collection", ALL),
    "POST /api/v1/auth/login": R("collection", NOBODY),
    "POST /api/v1/auth/logout": R("collection", ALL, logs_out=True),
    "GET /api/v1/auth/me": R("collection", SIGNED_IN),
    "POST /api/v1/auth/otp/request": R("collection", NOBODY),
    "POST /api/v1/auth/otp/verify": R("collection", NOBODY),
    "GET /api/v1/grids": R("list:grid", SIGNED_IN),
    "GET /api/v1/grids/geojson": R("collection", SIGNED_IN),
    "POST /api/v1/grids/import": R("collection", NOBODY),
    "GET /api/v1/grids/locate": R("collection", NOBODY),
    "GET /api/v1/grids/band-report": R("collection", SIGNED_IN),
    "GET /api/v1/grids/{code}": R("grid", SIGNED_IN),
    "POST /api/v1/grids/{code}/team": R("grid", NOBODY),
    "PATCH /api/v1/grids/{code}/team/{member_id}": R("grid", NOBODY),
    "DELETE /api/v1/grids/{code}/team/{member_id}": R("grid", NOBODY),
    "GET /api/v1/persons": R("list:person", SIGNED_IN),
    "POST /api/v1/persons": R("list:person", POPULATION_EDIT),
    "GET /api/v1/persons/export.xlsx": R("collection", POPULATION),
    "GET /api/v1/persons/import-template.xlsx": R("collection", SIGNED_IN),
    "POST /api/v1/persons/import": R("collection", NOBODY),
    "GET /api/v1/persons/imports/{import_id}": R("import", NOBODY),
    "GET /api/v1/persons/imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /api/v1/households/{household_id}": R(
        "household",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "GET /api/v1/persons/{person_id}/timeline": R(
        "person",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "PATCH /api/v1/persons/{person_id}": R("person", POPULATION_EDIT),
    "GET /api/v1/persons/{person_id}": R(
        "person",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "POST /api/v1/persons/{person_id}/reveal": R(
        "person", frozenset(REVEALERS), body={"field": "phone", "reason": "入户走访"}
    ),
    "GET /api/v1/party/organizations": R("collection", SIGNED_IN),
    "GET /api/v1/party/communities/{code}/branch-proposal": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/party/communities/{code}/branch-layout": R("community", of(ADMIN, SECRETARY)),
    "GET /api/v1/party/coverage": R("collection", SIGNED_IN),
    "POST /api/v1/party/units": R("list:unit", NOBODY),
    "GET /api/v1/party/units": R("list:unit", SIGNED_IN),
    "GET /api/v1/party/units/{unit_id}": R(
        "unit", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON)
    ),
    "POST /api/v1/party/registrations": R("list:registration", NOBODY),
    "GET /api/v1/party/registrations": R("list:registration", SIGNED_IN),
    "GET /api/v1/party/registrations/{registration_id}": R(
        "registration", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON, MEMBER)
    ),
    "POST /api/v1/party/registrations/{registration_id}/accept": R("registration", NOBODY),
    "POST /api/v1/party/registrations/{registration_id}/return": R(
        "registration", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/party/registrations/{registration_id}/card.pdf": R("registration", NOBODY),
    "GET /api/v1/party/items": R("list:item", SIGNED_IN),
    "POST /api/v1/party/items": R("collection", of(COMMUNITY_WORKER, SECRETARY)),
    "POST /api/v1/party/items/{item_id}/close": R("item", of(COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/party/claims": R("collection", SIGNED_IN),
    # A member claims for themself, a liaison for their unit, community staff for either (party.serving).
    "POST /api/v1/party/claims": R(
        "collection",
        frozenset(
            {Role.PARTY_MEMBER.value, Role.UNIT_LIAISON.value, Role.COMMUNITY_WORKER.value}
            | {Role.COMMUNITY_SECRETARY.value}
        ),
    ),
    "POST /api/v1/party/claims/{claim_id}/withdraw": R("claim", NOBODY),
    "POST /api/v1/party/claims/{claim_id}/complete": R("claim", NOBODY),
    "POST /api/v1/party/records": R("collection", NOBODY),
    "GET /api/v1/party/records": R("collection", SIGNED_IN),
    "POST /api/v1/party/records/{record_id}/confirm": R("record", NOBODY),
    "POST /api/v1/party/records/{record_id}/reject": R("record", NOBODY),
    "POST /api/v1/party/letters/issue": R("collection", NOBODY),
    "GET /api/v1/party/letters": R("collection", SIGNED_IN),
    "GET /api/v1/party/letters/export.xlsx": R("collection", SIGNED_IN),
    "GET /api/v1/party/letters/{letter_id}.pdf": R("letter", NOBODY),
    "PUT /api/v1/party/assessment/scheme": R("collection", NOBODY),
    "POST /api/v1/party/assessment/run": R("collection", NOBODY),
    "GET /api/v1/party/assessment/ranking": R("collection", NOBODY),
    "GET /api/v1/party/assessment/ranking.xlsx": R("collection", NOBODY),
    "GET /api/v1/workdays/years": R(
        "collection",
        of(
            ADMIN,
            AUDITOR,
            SUBDISTRICT,
            COMMUNITY_WORKER,
            SECRETARY,
            GRID_HEAD,
            GRID_WORKER,
            DEPARTMENT,
            LIAISON,
            MEMBER,
        ),
    ),
    "GET /api/v1/workdays/years/{year}": R(
        "workday_year",
        of(
            ADMIN,
            AUDITOR,
            SUBDISTRICT,
            COMMUNITY_WORKER,
            SECRETARY,
            GRID_HEAD,
            GRID_WORKER,
            DEPARTMENT,
            LIAISON,
            MEMBER,
        ),
    ),
    "PUT /api/v1/workdays/years/{year}": R("workday_year", NOBODY),
    "DELETE /api/v1/workdays/years/{year}": R("workday_year", NOBODY),
    "GET /api/v1/workdays/deadline": R("collection", NOBODY),
    "GET /api/v1/tickets/indicators": R("collection", STAFF),
    "POST /api/v1/tickets/hotline-import": R("collection", NOBODY),
    "GET /api/v1/tickets/hotline-imports": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/hotline-imports/{import_id}": R("import", NOBODY),
    "GET /api/v1/tickets/hotline-imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /api/v1/tickets/hotline-import-template.xlsx": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/category-admin": R("collection", of(ADMIN)),
    "POST /api/v1/tickets/category-admin": R("collection", NOBODY),
    "PATCH /api/v1/tickets/category-admin/{code}": R("category", NOBODY),
    "POST /api/v1/tickets/patrols": R("list:patrol", NOBODY),
    "GET /api/v1/tickets/patrols": R("list:patrol", SIGNED_IN),
    "GET /api/v1/tickets/patrols/coverage": R("collection", POPULATION),
    "GET /api/v1/tickets/patrols/summary": R("collection", POPULATION),
    "GET /api/v1/tickets/patrols/{patrol_id}": R("patrol", POPULATION),
    "POST /api/v1/tickets/patrols/{patrol_id}/check-in": R("patrol", NOBODY),
    "POST /api/v1/tickets/patrols/{patrol_id}/end": R("patrol", of(GRID_WORKER)),
    "POST /api/v1/tickets": R("list:ticket", SIGNED_IN),
    "GET /api/v1/tickets": R("list:ticket", SIGNED_IN),
    "GET /api/v1/tickets/inbox-counts": R("collection", SIGNED_IN),
    "GET /api/v1/tickets/categories": R("collection", ALL),
    "GET /api/v1/tickets/photos/{photo_id}": R("photo", NOBODY),
    "GET /api/v1/tickets/{ticket_id}": R(
        "ticket",
        of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER, RESIDENT),
    ),
    "POST /api/v1/tickets/{ticket_id}/{action}": R(
        "ticket", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
    ),
    "GET /api/v1/volunteers/teams": R("list:team", SIGNED_IN),
    "POST /api/v1/volunteers/teams": R("list:team", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/volunteers/teams/{team_id}": R("team", POPULATION),
    "POST /api/v1/volunteers/teams/{team_id}/members": R("team", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /api/v1/volunteers/volunteers": R("collection", SIGNED_IN),
    "GET /api/v1/volunteers/me": R("collection", SIGNED_IN),
    "PUT /api/v1/volunteers/me": R("collection", of(MEMBER)),
    "GET /api/v1/volunteers/activities": R("list:activity", SIGNED_IN),
    "POST /api/v1/volunteers/activities": R("list:activity", NOBODY),
    "POST /api/v1/volunteers/activities/{activity_id}/cancel": R("activity", NOBODY),
    "GET /api/v1/volunteers/activities/{activity_id}/sessions": R("activity", POPULATION),
    "GET /api/v1/volunteers/sessions/open": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/sessions/{session_id}/signups": R("session", of(MEMBER)),
    "POST /api/v1/volunteers/signups/{signup_id}/cancel": R(
        "signup", of(ADMIN, COMMUNITY_WORKER, SECRETARY, MEMBER)
    ),
    "GET /api/v1/volunteers/signups/mine": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/scan/{token}": R("token", NOBODY),
    "POST /api/v1/volunteers/sessions/{session_id}/attendances": R("session", NOBODY),
    "POST /api/v1/volunteers/attendances/{attendance_id}/check-out": R("attendance", NOBODY),
    "GET /api/v1/volunteers/hours": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/hours/{hours_id}/confirm": R("hours", NOBODY),
    "POST /api/v1/volunteers/hours/{hours_id}/reject": R("hours", NOBODY),
    "POST /api/v1/volunteers/hours/{hours_id}/edit-requests": R("hours", NOBODY),
    "POST /api/v1/volunteers/edit-requests/{request_id}/decide": R("edit_request", NOBODY),
    "GET /api/v1/volunteers/certificates": R("collection", SIGNED_IN),
    "POST /api/v1/volunteers/certificates": R("collection", NOBODY),
    "GET /api/v1/volunteers/certificates/{certificate_id}.pdf": R("certificate", NOBODY),
    "GET /api/v1/volunteers/counts": R("collection", SIGNED_IN),
    "GET /api/v1/cobuild/needs": R("list:need", SIGNED_IN),
    "POST /api/v1/cobuild/needs": R("list:need", NOBODY),
    "GET /api/v1/cobuild/needs/{need_id}": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/needs/{need_id}/withdraw": R(
        "need", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/cobuild/needs/{need_id}/suggestions": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /api/v1/cobuild/resources": R("collection", SIGNED_IN),
    "POST /api/v1/cobuild/resources": R("collection", NOBODY),
    "GET /api/v1/cobuild/projects": R("list:project", SIGNED_IN),
    "POST /api/v1/cobuild/projects": R("list:project", NOBODY),
    "GET /api/v1/cobuild/projects/{project_id}": R(
        "project", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON, MEMBER)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/claim": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, LIAISON)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/sign": R("project", NOBODY),
    "GET /api/v1/cobuild/projects/{project_id}/agreement.pdf": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/milestones": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/milestones/{milestone_id}/done": R("milestone", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/deliveries": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/complete": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/cancel": R("project", NOBODY),
    "POST /api/v1/cobuild/projects/{project_id}/activities": R(
        "project", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /api/v1/cobuild/projects/{project_id}/evaluations": R("project", NOBODY),
    "GET /api/v1/cobuild/public/projects": R("list:project", NOBODY),
    "POST /api/v1/cobuild/plans": R("collection", NOBODY),
    "GET /api/v1/cobuild/plans/{plan_id}": R("plan", NOBODY),
    "PATCH /api/v1/cobuild/plan-rows/{row_id}": R("plan_row", NOBODY),
    "POST /api/v1/cobuild/plans/{plan_id}/apply": R("plan", NOBODY),
    "POST /api/v1/cobuild/plans/{plan_id}/discard": R("plan", NOBODY),
    "GET /console/": R("collection", STAFF),
    "GET /console/login/": R("collection", of(ANON)),
    "POST /console/logout/": R("collection", NOBODY, logs_out=True),
    "GET /console/audit/": R("collection", of(ADMIN, AUDITOR, SUBDISTRICT, SECRETARY)),
    "GET /console/places/tree/": R("collection", STAFF),
    "GET /console/places/map/": R("collection", STAFF),
    "GET /console/places/band-report/": R("collection", STAFF),
    "GET /console/places/grids/import/": R("collection", of(ADMIN)),
    "GET /console/places/grids/export.geojson": R("collection", STAFF),
    "GET /console/places/grids/{code}/": R("grid", STAFF),
    "POST /console/places/grids/{code}/": R("grid", STAFF),
    "POST /console/places/grids/{code}/team/": R("grid", NOBODY),
    "POST /console/places/grids/{code}/team/{member_id}/edit/": R("grid", NOBODY),
    "POST /console/places/grids/{code}/team/{member_id}/remove/": R("grid", NOBODY),
    "GET /console/people/": R("list:person", STAFF),
    "GET /console/people/import/": R("collection", STAFF),
    "GET /console/people/import/template.xlsx": R("collection", STAFF),
    "GET /console/people/imports/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /console/people/export.xlsx": R("collection", POPULATION),
    "GET /console/people/households/new/": R("collection", POPULATION_EDIT),
    "GET /console/people/households/{household_id}/": R("household", POPULATION),
    "GET /console/people/households/{household_id}/members/new/": R("household", POPULATION_EDIT),
    "POST /console/people/households/{household_id}/members/new/": R("household", POPULATION_EDIT),
    "GET /console/people/{person_id}/": R("person", POPULATION),
    "GET /console/people/{person_id}/edit/": R("person", POPULATION_EDIT),
    "POST /console/people/{person_id}/edit/": R("person", POPULATION_EDIT),
    "POST /console/people/{person_id}/reveal/": R(
        "person", frozenset(REVEALERS), body={"field": "phone", "reason": "入户走访"}
    ),
    "GET /console/people/{person_id}/timeline/": R("person", POPULATION),
    "GET /console/party/organizations/": R("collection", STAFF),
    "GET /console/party/communities/{code}/branches/": R(
        "community", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/party/communities/{code}/branches/": R("community", NOBODY),
    "GET /console/party/members/": R("collection", STAFF),
    "GET /console/party/units/": R("list:unit", STAFF),
    "GET /console/party/units/new/": R("collection", of(ADMIN, COMMUNITY_WORKER, SECRETARY)),
    "GET /console/party/registrations/": R("list:registration", STAFF),
    "GET /console/party/registrations/{registration_id}/": R(
        "registration", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/party/registrations/{registration_id}/accept/": R("registration", NOBODY),
    "POST /console/party/registrations/{registration_id}/return/": R("registration", NOBODY),
    "GET /console/party/registrations/{registration_id}/card.pdf": R("registration", NOBODY),
    "GET /console/party/serving/items/": R("list:item", STAFF),
    "POST /console/party/serving/items/{item_id}/close/": R("item", NOBODY),
    "GET /console/party/serving/records/": R("collection", STAFF),
    "POST /console/party/serving/records/{record_id}/confirm/": R("record", NOBODY),
    "POST /console/party/serving/records/{record_id}/reject/": R("record", NOBODY),
    "GET /console/party/serving/letters/": R("collection", STAFF),
    "GET /console/party/serving/letters/export.xlsx": R("collection", STAFF),
    "GET /console/party/serving/letters/{letter_id}.pdf": R("letter", NOBODY),
    "GET /console/party/serving/ranking/": R("collection", STAFF),
    "GET /console/party/serving/ranking.xlsx": R("collection", NOBODY),
    "GET /console/workdays/": R("collection", STAFF),
    "POST /console/workdays/{year}/delete/": R("workday_year", NOBODY),
    "GET /console/tickets/indicators/": R("collection", STAFF),
    "GET /console/tickets/": R("list:ticket", STAFF),
    "GET /console/tickets/export.xlsx": R("collection", STAFF),
    "GET /console/tickets/new/": R(
        "collection", of(ADMIN, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY, GRID_HEAD, GRID_WORKER)
    ),
    "GET /console/tickets/supervision/": R("collection", STAFF),
    "GET /console/tickets/categories/": R("collection", STAFF),
    "GET /console/tickets/{ticket_id}/": R("ticket", POPULATION),
    "POST /console/tickets/{ticket_id}/{action}/": R("ticket", NOBODY),
    "GET /console/tickets/hotline/": R("collection", STAFF),
    "GET /console/tickets/hotline/template.xlsx": R("collection", STAFF),
    "GET /console/tickets/hotline/{import_id}/errors.xlsx": R("import", NOBODY),
    "GET /console/tickets/appointment/": R("collection", of(COMMUNITY_WORKER, SECRETARY)),
    "GET /console/tickets/categories/edit/": R("collection", of(ADMIN)),
    "POST /console/tickets/categories/edit/new/": R("collection", NOBODY),
    "POST /console/tickets/categories/edit/{code}/": R("category", NOBODY),
    "GET /console/tickets/patrol/": R("collection", of(GRID_HEAD, GRID_WORKER)),
    "POST /console/tickets/patrol/start/": R("collection", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/check-in/": R("patrol", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/report/": R("patrol", NOBODY),
    "POST /console/tickets/patrol/{patrol_id}/end/": R("patrol", NOBODY),
    "GET /console/tickets/patrols/coverage/": R("collection", POPULATION),
    "GET /console/tickets/patrols/summary/": R("collection", POPULATION),
    "GET /console/open311/": R("collection", of(ADMIN)),
    "POST /console/open311/{key_id}/revoke": R("open311_key", NOBODY),
    "GET /open311/v2/discovery.{fmt}": R("public", ALL),
    "GET /open311/v2/services.{fmt}": R("public", ALL),
    "GET /open311/v2/services/{service_code}.{fmt}": R("category", NOBODY),
    "GET /open311/v2/requests.{fmt}": R("public", ALL),
    "POST /open311/v2/requests.{fmt}": R("collection", NOBODY),
    "GET /open311/v2/requests/{service_request_id}.{fmt}": R("public", ALL),
    "GET /open311/v2/tokens/{token}.{fmt}": R("token", NOBODY),
    "GET /open311/v2/servicerequestupdates.{fmt}": R("public", ALL),
    "GET /open311/v2/{rest}": R("public", NOBODY),
    "GET /console/cobuild/needs/": R("list:need", STAFF),
    "GET /console/cobuild/needs/{need_id}/": R(
        "need", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/cobuild/needs/{need_id}/withdraw/": R("need", NOBODY),
    "GET /console/cobuild/needs/from-ticket/{ticket_id}/": R("ticket", POPULATION),
    "POST /console/cobuild/needs/from-ticket/{ticket_id}/": R("ticket", NOBODY),
    "GET /console/cobuild/resources/": R("collection", STAFF),
    "GET /console/cobuild/projects/": R("list:project", STAFF),
    "POST /console/cobuild/projects/new/": R("collection", NOBODY),
    "GET /console/cobuild/projects/{project_id}/": R(
        "project", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/cobuild/projects/{project_id}/claim/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/sign/": R("project", NOBODY),
    "GET /console/cobuild/projects/{project_id}/agreement.pdf": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/milestones/": R("project", NOBODY),
    "POST /console/cobuild/milestones/{milestone_id}/done/": R("milestone", NOBODY),
    "POST /console/cobuild/projects/{project_id}/deliveries/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/complete/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/cancel/": R("project", NOBODY),
    "POST /console/cobuild/projects/{project_id}/activities/": R("project", NOBODY),
    "GET /console/cobuild/plans/": R("collection", STAFF),
    "GET /console/cobuild/plans/{plan_id}/": R("plan", NOBODY),
    "POST /console/cobuild/plan-rows/{row_id}/": R("plan_row", NOBODY),
    "POST /console/cobuild/plans/{plan_id}/apply/": R("plan", NOBODY),
    "POST /console/cobuild/plans/{plan_id}/discard/": R("plan", NOBODY),
    "GET /console/volunteers/teams/": R("list:team", STAFF),
    "GET /console/volunteers/teams/{team_id}/": R("team", POPULATION),
    "POST /console/volunteers/teams/{team_id}/": R("team", NOBODY),
    "GET /console/volunteers/activities/": R("list:activity", STAFF),
    "GET /console/volunteers/activities/{activity_id}/": R("activity", POPULATION),
    "POST /console/volunteers/activities/{activity_id}/cancel/": R("activity", NOBODY),
    "GET /console/volunteers/sessions/{session_id}/": R(
        "session", of(ADMIN, AUDITOR, SUBDISTRICT, COMMUNITY_WORKER, SECRETARY)
    ),
    "POST /console/volunteers/sessions/{session_id}/record/": R("session", NOBODY),
    "POST /console/volunteers/sessions/{session_id}/confirm/": R("session", NOBODY),
    "GET /console/volunteers/sessions/{session_id}/poster.pdf": R(
        "session", of(ADMIN, COMMUNITY_WORKER, SECRETARY)
    ),
    "GET /console/volunteers/hours/": R("collection", STAFF),
    "GET /console/volunteers/certificates/": R("collection", STAFF),
    "GET /console/volunteers/certificates/{certificate_id}.pdf": R("certificate", NOBODY),
    "GET /h5/volunteers/": R("collection", SIGNED_IN),
    "POST /h5/volunteers/sessions/{session_id}/signup/": R("session", NOBODY),
    "POST /h5/volunteers/signups/{signup_id}/cancel/": R("signup", NOBODY),
    "GET /h5/volunteers/scan/{token}/": R("token", NOBODY),
    "GET /h5/volunteers/mine/": R("collection", SIGNED_IN),
    "GET /h5/cobuild/need/": R("collection", SIGNED_IN),
    "GET /h5/cobuild/projects/": R("list:project", ALL),
    # 公示: a community's projects are published to everyone, signed in or not
    "GET /h5/cobuild/projects/{community_code}/": R("public", NOBODY),
    "POST /h5/cobuild/projects/evaluate/{project_id}/": R("project", NOBODY),
    "GET /h5/": R("collection", SIGNED_IN),
    "GET /h5/login/": R("collection", of(ANON)),
    "POST /h5/login/code/": R("collection", NOBODY),
    "POST /h5/login/verify/": R("collection", NOBODY),
    "POST /h5/logout/": R("collection", NOBODY, logs_out=True),
    "GET /h5/family/": R("collection", SIGNED_IN),
    # an in-service member picks the unit they work for, which may sit in any community of the district
    "GET /h5/party/register/": R("collection", SIGNED_IN, shows=frozenset({"unit"})),
    "GET /h5/tickets/": R("list:ticket", SIGNED_IN),
    "GET /h5/tickets/new/": R("collection", SIGNED_IN),
    "GET /h5/tickets/{ticket_id}/": R("ticket", of(ADMIN, RESIDENT)),
    "POST /h5/tickets/{ticket_id}/rate/": R("ticket", NOBODY),
    "GET /h5/tickets/{ticket_id}/photos/{photo_id}/": R("ticket", NOBODY),
}
