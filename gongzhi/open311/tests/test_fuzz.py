"""Broken input never gives a 500 or an HTML page on /open311/v2/: random paths, parameters, methods
and bodies, and a few hand-made malformed requests."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongzhi.open311.tests.helpers import BASE, G1_POINT, issue

OK = {200, 400, 403, 404, 429}
NAMES = [
    "api_key",
    "service_code",
    "lat",
    "long",
    "address_string",
    "address_id",
    "description",
    "start_date",
    "end_date",
    "status",
    "page",
    "page_size",
    "service_request_id",
    "jurisdiction_id",
    "extensions",
    "attribute[period]",
    "attribute[garbage_type][]",
    "media_url",
    "phone",
    "email",
    "coord_system",
    "updated_datetime",
]
PATHS = [
    "discovery",
    "services",
    "services/205015",
    "services/%00",
    "requests",
    "requests/1",
    "requests/20261201-0000001",
    "tokens/1",
    "servicerequestupdates",
    "",
    "requests/",
    "x/y/z",
]
values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        ["", "0", "-1", "1e309", "nan", "2026-13-45", "open,closed", "205015,101018", "9" * 30, "\x00"]
    ),
    st.from_regex(r"-?\d{1,3}\.\d{1,8}", fullmatch=True),
)


def check(response, head: bool = False) -> None:
    assert response.status_code in OK, (response.status_code, response.content[:300])
    content_type = response["Content-Type"]
    assert "html" not in content_type
    if head:
        return  # no body, by HTTP
    if content_type.startswith("application/json"):
        json.loads(response.content)
    else:
        assert content_type == "text/xml; charset=utf-8"
        ET.fromstring(response.content)


@pytest.fixture
def key(district):
    return issue(district)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    path=st.sampled_from(PATHS),
    fmt=st.sampled_from([".json", ".xml", ".JSON", ".html", "", ".", ".x" * 6]),
    method=st.sampled_from(["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]),
    params=st.dictionaries(st.sampled_from(NAMES), values, max_size=6),
    with_key=st.booleans(),
)
def test_random_requests_never_break(key, path, fmt, method, params, with_key):
    data = {k: v.replace("\x00", "") if method != "GET" else v for k, v in params.items()}
    if with_key:
        data["api_key"] = key
    if method == "POST" and "lat" not in data:
        data.update(lat=str(G1_POINT[1]), long=str(G1_POINT[0]))
    client = Client()
    url = f"{BASE}/{path}{fmt}"
    if method == "GET":
        response = client.get(url, data)
    elif method == "POST":
        response = client.post(url, data)
    else:
        response = client.generic(method, url)
    check(response, head=method == "HEAD")


def test_malformed_bodies(key):
    client = Client()
    url = f"{BASE}/requests.json"
    for body, content_type in (
        (
            b'--xx\r\nContent-Disposition: form-data; name="api_key"\r\n\r\n' + key.encode(),
            "multipart/form-data; boundary=xx",
        ),
        (b"garbage", "multipart/form-data"),
        (b"\xff\xfe\x00api_key=%ZZ&&&=", "application/x-www-form-urlencoded"),
        (b'{"service_code": "101018"}', "application/json"),
        (b"a=" + b"x" * (11 * 1024 * 1024), "application/x-www-form-urlencoded"),
    ):
        check(client.generic("POST", url, body, content_type=content_type))
    check(client.get(f"{BASE}/requests.xml?start_date=%FF%FE&status=%00"))
    check(client.get(f"{BASE}/requests.json", {"service_request_id": ",".join(["1"] * 1001)}))
