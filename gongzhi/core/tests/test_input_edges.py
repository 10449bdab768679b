"""The input edges on the API (gongzhi.core.bounds, applied by config/api.py to every operation): integers
beyond 64 bits, dates outside 1900–2100, control characters, long lists, non-finite floats.

The list endpoints and their integer and date query parameters are read from the OpenAPI document, not
from a hand list: an endpoint added later is covered the day it is added."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pytest
from django.test import Client

from config.api import api
from gongzhi.core import bounds

BIG = "1" * 23  # 23 digits: past 2**63 (19 digits)
OUT_OF_RANGE_INTEGERS = [BIG, str(2**63), str(-(2**63) - 1)]
OUT_OF_RANGE_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01"]
CHINESE = re.compile("[\u4e00-\u9fff]")


def _kind(schema: dict) -> str | None:
    """'integer' or 'date' for a parameter's schema (``anyOf`` with null included), else None."""
    for option in [schema, *schema.get("anyOf", [])]:
        if option.get("type") == "integer":
            return "integer"
        if option.get("format") in ("date", "date-time"):
            return "date"
    return None


def _valid(parameter: dict) -> str:
    """A valid value of a required query parameter, so that only the one under test is wrong."""
    schema = parameter.get("schema", {})
    if "default" in schema:
        return str(schema["default"])
    kind = _kind(schema)
    if kind == "date":
        return "2026-03-02"
    if kind == "integer":
        return "2026" if "year" in parameter["name"] else "1"
    return schema.get("enum", ["1"])[0]


def _list_endpoints() -> list[tuple[str, str, str, dict[str, str]]]:
    """(path, parameter, kind, the other required parameters) for every GET without path parameters
    that takes an integer or a date in its query."""
    out = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        query = [p for p in get.get("parameters", []) if p["in"] == "query"]
        for parameter in query:
            kind = _kind(parameter.get("schema", {}))
            if kind:
                others = {p["name"]: _valid(p) for p in query if p.get("required") and p is not parameter}
                out.append((path, parameter["name"], kind, others))
    return out


LIST_PARAMETERS = _list_endpoints()


@pytest.fixture(scope="module")
def admin_world(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, str]]:
    from gongzhi.testing import build_small_district
    from gongzhi.testing.worlds import shared_world

    with shared_world(django_db_blocker, tmp_path_factory.mktemp("edges-media")):
        d = build_small_district()
        client = Client()
        client.force_login(d.user("district_admin"))
        yield {"sessionid": client.cookies["sessionid"].value}


@pytest.fixture
def admin(admin_world, db) -> Client:
    client = Client()
    client.cookies["sessionid"] = admin_world["sessionid"]
    return client


def _assert_refused(response, name: str) -> None:
    assert response.status_code == 400, (response.status_code, response.content[:300])
    body = response.json()
    assert set(body) == {"code", "message", "fields"}, body
    assert body["code"] == "invalid"
    assert CHINESE.search(body["message"]), body
    assert name in body["fields"], body
    assert CHINESE.search(body["fields"][name]), body


def test_the_document_has_list_endpoints_with_integer_and_date_filters():
    """The test below means something only if the document yields the endpoints the findings named."""
    paths = {path for path, *_ in LIST_PARAMETERS}
    assert {"/api/v1/tickets", "/api/v1/persons", "/api/v1/cobuild/projects"} <= paths
    assert ("/api/v1/tickets", "since", "date", {}) in LIST_PARAMETERS
    assert len(paths) >= 9


@pytest.mark.parametrize(
    ("path", "name", "kind", "others"), LIST_PARAMETERS, ids=[f"{p[0]}?{p[1]}" for p in LIST_PARAMETERS]
)
def test_out_of_range_values_on_every_list_endpoint_are_a_chinese_400(admin, path, name, kind, others):
    values = OUT_OF_RANGE_INTEGERS if kind == "integer" else OUT_OF_RANGE_DATES
    for value in values:
        _assert_refused(admin.get(path, {**others, name: value}), name)


def test_a_plan_year_out_of_range_is_refused(admin):
    response = admin.get("/api/v1/cobuild/projects", {"year": "99999"})
    _assert_refused(response, "year")
    assert "1900" in response.json()["fields"]["year"]


def test_body_integers_dates_lists_and_floats_are_bounded(admin):
    def post(path: str, body: object):
        return admin.post(path, json.dumps(body), content_type="application/json")

    _assert_refused(
        post("/api/v1/cobuild/projects", {"title": "x", "need_ids": [int(BIG)], "resource_ids": []}),
        "need_ids",
    )
    too_many = list(range(1, bounds.MAX_LIST_ITEMS + 2))
    _assert_refused(
        post("/api/v1/cobuild/projects", {"title": "x", "need_ids": too_many, "resource_ids": []}), "need_ids"
    )
    # JSON's NaN (Python's json module reads it) is no coordinate.
    nan = admin.post(
        "/api/v1/tickets",
        '{"description": "路灯不亮", "lng": NaN, "lat": 36.98}',
        content_type="application/json",
    )
    _assert_refused(nan, "lng")


def test_path_integers_beyond_64_bits_are_a_400(admin):
    _assert_refused(admin.get(f"/api/v1/tickets/{BIG}"), "ticket_id")
    _assert_refused(admin.get(f"/api/v1/persons/{2**63}"), "person_id")


@pytest.mark.parametrize("char", ["\x00", "\x0b", "\x1b", "\x7f", "\x85"])
def test_control_characters_in_a_json_body_are_stripped_before_anything_is_stored(admin, char):
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.tests.helpers import G1_POINT

    body = {"description": f"楼道{char}灯不亮", "lng": G1_POINT[0], "lat": G1_POINT[1]}
    response = admin.post("/api/v1/tickets", json.dumps(body), content_type="application/json")
    assert response.status_code == 201, response.content
    ticket = Ticket.objects.get(pk=response.json()["id"])
    assert ticket.description == "楼道灯不亮"


def test_a_lone_surrogate_is_refused_by_validation(admin):
    """A lone surrogate (a JSON ``\\ud800``) cannot be encoded to UTF-8: pydantic refuses it as text."""
    raw = '{"description": "楼道\\ud800灯不亮", "lng": 117.105, "lat": 36.985}'
    response = admin.post("/api/v1/tickets", raw, content_type="application/json")
    _assert_refused(response, "description")
    response = admin.post(
        "/api/v1/cobuild/needs", raw.replace("description", "title"), content_type="application/json"
    )
    _assert_refused(response, "title")


def test_control_characters_in_a_query_are_stripped(admin):
    response = admin.get("/api/v1/persons", {"q": "测试\x00"})
    assert response.status_code == 200, response.content
    names = [row["name"] for row in response.json()["items"]]
    assert names and all(name.startswith("测试") for name in names)


def test_newline_tab_and_carriage_return_are_kept():
    assert bounds.clean_text("一\n二\t三\r四") == "一\n二\t三\r四"
    assert bounds.clean_text("a\x00b\x0bc\x1bd\x85e\ufffff") == "abcdef"
