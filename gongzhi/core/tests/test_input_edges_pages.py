"""The input edges on every console and H5 page (gongzhi.core.http: the bounded ``int_or_none`` /
``date_or_none`` / ``year_or_none`` and ``CleanInputMiddleware``; gongzhi.core.forms): a 23-digit number,
the years 0001 and 9999, and control characters in any query or form field the views read answer the page
(with a Chinese message, or with the filter ignored), never a 500; and nothing stored keeps a control
character.

The pages are every console and H5 route without path parameters (the authorization matrix's
enumeration); the field names are every name a view reads from ``request.GET``, every form field of every
app's ``forms.py``, and every API query parameter (read from the code and the OpenAPI document, not a
hand list), all sent at once with the same edge value."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.test import Client

from gongzhi.authz.matrix import page_paths

GONGZHI = Path(__file__).resolve().parents[2]
SKIP = {
    "/console/login/",
    "/console/logout/",
    "/h5/login/",
    "/h5/logout/",
    "/h5/login/code/",
    "/h5/login/verify/",
}
PAGES = [p for p in page_paths() if "{" not in p and p not in SKIP]
EDGE_VALUES = {
    "23 digits": "1" * 23,
    "2**63": str(2**63),
    "year 9999": "9999",
    "9999-12-31": "9999-12-31",
    "0001-01-01": "0001-01-01",
    "datetime 9999": "9999-12-31T23:59",
    "control characters": "测试\x00\x0b\x1b",
}
_GET_NAME = re.compile(r"""GET\.(?:get|getlist)\(\s*["'](\w+)["']""")
_FORM_FIELD = re.compile(r"^\s+(\w+) = (?:text_field\(|forms\.\w+\(|_\w+\(|PostedValues\()", re.M)
_KEYS_TUPLE = re.compile(r"""(?:for \w+ in|[A-Z_]*KEYS =) \(((?:\s*["']\w+["'],?)+)\s*\)""")


def _names() -> list[str]:
    from config.api import api

    names: set[str] = set()
    for path in GONGZHI.rglob("*.py"):
        if "tests" in path.parts or "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        names.update(_GET_NAME.findall(text))
        if path.name == "forms.py":
            names.update(_FORM_FIELD.findall(text))
        if "request.GET" in text:
            for group in _KEYS_TUPLE.findall(text):
                names.update(re.findall(r"\w+", group))
    for operations in api.get_openapi_schema()["paths"].values():
        for operation in operations.values():
            names.update(p["name"] for p in operation.get("parameters", []) if p["in"] == "query")
    names.discard("next")  # the sign-in pages' redirect, not input a view parses
    return sorted(names)


NAMES = _names()


@pytest.fixture(scope="module")
def sessions(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[dict[str, str]]:
    from gongzhi.testing import build_small_district
    from gongzhi.testing.worlds import shared_world

    with shared_world(django_db_blocker, tmp_path_factory.mktemp("edges-pages")):
        d = build_small_district()
        out = {}
        for role in ("district_admin", "resident"):
            client = Client()
            client.force_login(d.user(role))
            out[role] = client.cookies["sessionid"].value
        yield out


def test_the_names_cover_the_findings():
    assert {"after", "since", "until", "q", "year", "day", "before", "number", "amount"} <= set(NAMES)
    assert {"/console/tickets/export.xlsx", "/console/tickets/", "/h5/tickets/new/"} <= set(PAGES)


@pytest.mark.parametrize("path", PAGES)
def test_edge_values_in_every_field_of_every_page_are_never_a_500(sessions, db, path):
    from gongzhi.tickets.models import Ticket

    client = Client()
    client.cookies["sessionid"] = sessions["resident" if path.startswith("/h5/") else "district_admin"]
    for label, value in EDGE_VALUES.items():
        data = dict.fromkeys(NAMES, value)
        got = client.get(path, data)
        assert got.status_code < 500, (label, "GET", got.status_code)
        posted = client.post(path, data)
        assert posted.status_code < 500, (label, "POST", posted.status_code)
    # Whatever a POST stored, it holds no control character.
    for text in Ticket.objects.values_list("description", "title", "address"):
        assert not any(c in "".join(text) for c in "\x00\x0b\x1b"), text


def test_a_date_out_of_range_in_the_ticket_filters_is_a_chinese_message(sessions, db):
    client = Client()
    client.cookies["sessionid"] = sessions["district_admin"]
    for name, value in (("since", "0001-01-01"), ("until", "9999-12-31")):
        response = client.get("/console/tickets/", {name: value})
        assert response.status_code == 400
        assert "日期超出范围（1900—2100年）" in response.content.decode()
        export = client.get("/console/tickets/export.xlsx", {name: value})
        assert export.status_code in (200, 400), export.status_code


def test_control_characters_posted_to_a_console_form_are_stripped(sessions, db):
    from gongzhi.tickets.models import Ticket
    from gongzhi.tickets.tests.helpers import G1_POINT

    client = Client()
    client.cookies["sessionid"] = sessions["district_admin"]
    before = set(Ticket.objects.values_list("pk", flat=True))
    response = client.post(
        "/console/tickets/new/",
        {
            "description": "井盖\x00缺失\x0b，\x1b请处理",
            "lng": G1_POINT[0],
            "lat": G1_POINT[1],
            "channel": "assigned",
        },
    )
    assert response.status_code in (200, 302), response.status_code
    created = Ticket.objects.exclude(pk__in=before)
    assert [t.description for t in created] == ["井盖缺失，请处理"]
