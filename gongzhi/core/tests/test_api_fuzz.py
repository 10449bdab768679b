"""Schemathesis over the whole /api/v1/ OpenAPI document, as seven roles: no 5xx, and every response —
success or error — matches the schema the operation declares (status code and body).

One pytest item per operation; each generated case is sent once per role (anonymous, resident, grid
worker, community worker, subdistrict staff, department handler, district admin). The world is the small
district plus a few tickets, built once per module inside a transaction that is rolled back at the end;
each operation's test runs in its own savepoint (the normal ``db`` fixture), so writes never leak.
Deterministic: a fixed seed, derandomized, a fixed number of cases per operation. See docs/testing.md.

A second pass (``test_api_edges``, issue 18) sends the input edges to every operation, as the same seven
roles: each generated query parameter, path parameter and body field (nested ones too) is swapped for an
edge value of its kind part of the time — integers of 23 digits, 2**63 and -2**63-1; the dates
0001-01-01 and 9999-12-31 (and datetimes of those days); text with NUL, \\x0b and ESC in it, or a
23-digit number as text; a list of 1,001 items. No shrinking: a failure is reported as found. The answer is never a 5xx and always the declared
one (gongzhi.core.bounds: a Chinese 400 in the one error shape, or the edge stripped and served).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from config.api import api
from gongzhi.testing.worlds import shared_world

MAX_EXAMPLES = 6
# The edge pass: fewer cases per operation (each sent as the seven roles), since every one carries edges.
EDGE_EXAMPLES = 3
SEED = 20261201
ROLES = (
    "anonymous",
    "resident",
    "grid_worker",
    "community_worker",
    "subdistrict_staff",
    "department_handler",
    "district_admin",
)
CHECKS = [not_a_server_error, status_code_conformance, response_schema_conformance]

CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)


class InProcessApp:
    """Django's WSGI handler for calls inside the test's transaction.

    A real handler closes "old" connections at the start and end of each request, which inside an
    atomic block would mark the test's transaction for rollback; Django's own test client detaches the
    same two receivers for the same reason.
    """

    def __init__(self) -> None:
        self.handler = WSGIHandler()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                response.close()
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)
schema.app = InProcessApp()
# The same document for the edge pass, with its own hooks (below).
EDGE_CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": SEED,
        "generation": {
            "max-examples": EDGE_EXAMPLES,
            "deterministic": True,
            "with-security-parameters": False,
        },
        "phases": {"coverage": {"enabled": False}, "stateful": {"enabled": False}},
    }
)
edge_schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=EDGE_CONFIG)
edge_schema.app = schema.app


# Real values of the world, by parameter name (path parameters and top-level body fields), filled in
# by the ``world`` fixture: a generated value is swapped for one of these half of the time, so that
# requests reach rows that exist — in and out of each role's scope — and not only the 404s.
POOLS: dict[str, list[Any]] = {}


def _swap(values: dict[str, Any] | None) -> st.SearchStrategy:
    if not isinstance(values, dict) or not values:
        return st.just(values)
    parts = {
        name: st.one_of(st.just(value), st.sampled_from(POOLS[name])) if POOLS.get(name) else st.just(value)
        for name, value in values.items()
    }
    return st.fixed_dictionaries(parts)


@schema.hook
def flatmap_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy:
    return _swap(path_parameters)


@schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy:
    return _swap(body)


# -- the edge pass ------------------------------------------------------------------------------------
EDGE_INTEGERS = [int("1" * 23), 2**63, -(2**63) - 1]
EDGE_TEXTS = [
    "0001-01-01",
    "9999-12-31",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59",
    "1" * 23,
    "\x00",
    "测试\x00\x0b\x1b",
]
LONG_LIST = 1001


def _edge(value: Any, depth: int = 0) -> st.SearchStrategy:
    """``value`` as generated, or an edge value of its kind in its place (nested values likewise)."""
    if isinstance(value, bool) or value is None:
        return st.just(value)
    if isinstance(value, int):
        return st.sampled_from([value, *EDGE_INTEGERS])
    if isinstance(value, float):
        # NaN cannot be sent (the client refuses to write it as JSON); test_input_edges sends it raw.
        return st.sampled_from([value, *EDGE_INTEGERS])
    if isinstance(value, str):
        return st.sampled_from([value, f"{value}\x00\x0b\x1b", *EDGE_TEXTS])
    if depth > 3:
        return st.just(value)
    if isinstance(value, dict):
        return st.fixed_dictionaries({k: _edge(v, depth + 1) for k, v in value.items()})
    if isinstance(value, list):
        items = st.tuples(*[_edge(v, depth + 1) for v in value]).map(list)
        return st.one_of(items, st.just((value * LONG_LIST)[:LONG_LIST])) if value else items
    return st.just(value)


@edge_schema.hook("flatmap_path_parameters")
def edge_path_parameters(context: Any, path_parameters: dict[str, Any] | None) -> st.SearchStrategy:
    return _edge(path_parameters)


@edge_schema.hook("flatmap_query")
def edge_query(context: Any, query: dict[str, Any] | None) -> st.SearchStrategy:
    return _edge(query)


@edge_schema.hook("flatmap_body")
def edge_body(context: Any, body: Any) -> st.SearchStrategy:
    return _edge(body)


def _build_world() -> dict[str, dict[str, str]]:
    from gongzhi.testing import build_small_district
    from gongzhi.tickets.models import Category
    from gongzhi.tickets.services import ACTIONS
    from gongzhi.tickets.services.patrols import patrol_start
    from gongzhi.tickets.tests.helpers import G1_POINT, G2_POINT, report

    d = build_small_district()
    tickets = [
        report(d, "grid_worker", "楼道堆放杂物，影响通行"),
        report(d, "resident", "小区路灯不亮"),
        report(d, "community_worker", "垃圾桶满溢", lng=G2_POINT[0], lat=G2_POINT[1]),
    ]
    patrol = patrol_start(actor=d.user("grid_worker"), grid_code=d.grids["g1"].code)
    persons = [d.persons[g][0] for g in ("g1", "g2", "g4")]
    households = [d.households[g][0] for g in ("g1", "g4")]
    grids = [d.grids["g1"].code, d.grids["g4"].code]
    communities = [d.communities["A1"].code, d.communities["B1"].code]
    category = Category.objects.filter(parent__isnull=False).order_by("code").first()
    POOLS.clear()
    POOLS.update(
        ticket_id=[t.pk for t in tickets],
        action=list(ACTIONS),
        patrol_id=[patrol.pk],
        person_id=[p.pk for p in persons],
        household_id=[h.pk for h in households],
        code=[*grids, *communities, *([category.code] if category else [])],
        grid_code=grids,
        community_code=communities,
        category_code=[category.code] if category else [],
        lng=[G1_POINT[0]],
        lat=[G1_POINT[1]],
        year=[2026, 2027],
    )
    credentials: dict[str, dict[str, str]] = {}
    for role in ROLES:
        if role == "anonymous":
            credentials[role] = {}
            continue
        client = Client()
        client.force_login(d.user(role))
        client.get("/api/v1/auth/me")  # sets the CSRF cookie
        credentials[role] = {
            "sessionid": client.cookies["sessionid"].value,
            "csrftoken": client.cookies["csrftoken"].value,
        }
    return credentials


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, dict[str, str]]]:
    # The test settings (MD5 hashing, captured SMS) from the start; rolled back at the module's end.
    with shared_world(django_db_blocker, tmp_path_factory.mktemp("fuzz-media")):
        yield _build_world()
        POOLS.clear()


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_api(case, world, db):
    for role in ROLES:
        cookies = world[role]
        # X-Fuzz-Role names the role in a failure's curl line (the cookies there are filtered).
        headers = {"X-Fuzz-Role": role, **({"X-CSRFToken": cookies["csrftoken"]} if cookies else {})}
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)


@edge_schema.parametrize()
@settings(
    max_examples=EDGE_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
    phases=[Phase.explicit, Phase.generate],
)
def test_api_edges(case, world, db):
    """Every operation given the input edges, as every role: no 5xx, the declared answer."""
    for role in ROLES:
        cookies = world[role]
        headers = {"X-Fuzz-Role": role, **({"X-CSRFToken": cookies["csrftoken"]} if cookies else {})}
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)


def test_the_world_logs_each_role_in(world, db):
    """The fuzz above means something only if its sessions are real: each role is who it says."""
    from werkzeug.test import Client as WsgiClient

    client = WsgiClient(schema.app)
    for role in ROLES:
        for name, value in world[role].items():
            client.set_cookie(name, value, domain="localhost")
        response = client.get("/api/v1/auth/me")
        if role == "anonymous":
            assert response.status_code == 401
        else:
            assert response.status_code == 200, role
            assert (response.json or {}).get("username") == role
        for name in world[role]:
            client.delete_cookie(name, domain="localhost")
