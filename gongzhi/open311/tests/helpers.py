"""Shared set-up for the Open311 tests: keys issued through the service, posts through the test client,
and both wire formats parsed back (XML with ElementTree)."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from typing import Any

from django.test import Client
from PIL import Image

from gongzhi.open311.services import apikey_issue
from gongzhi.tickets.tests.helpers import G1_POINT, G2_POINT

BASE = "/open311/v2"
__all__ = ["BASE", "G1_POINT", "G2_POINT", "errors_of", "issue", "parse", "png", "post"]


def issue(district: Any, name: str = "随手拍App", place_code: str = "", rate_limit: int | None = None) -> str:
    return apikey_issue(
        actor=district.user("district_admin"),
        name=name,
        place_code=place_code or district.district.code,
        rate_limit=rate_limit,
    ).raw


LIST_TAGS = {
    "services",
    "service_requests",
    "service_request_updates",
    "errors",
    "attributes",
    "values",
    "notes",
    "formats",
    "endpoints",
}


def _xml_value(element: ET.Element) -> Any:
    """Lists for the list elements GeoReport defines, dicts for the rest, text for the leaves."""
    children = list(element)
    if element.tag in LIST_TAGS:
        return [_xml_value(c) for c in children]
    if not children:
        return element.text
    return {c.tag: _xml_value(c) for c in children}


def parse(response: Any, fmt: str) -> Any:
    """The body as Python data: JSON as it is; XML turned into lists and dicts (text values)."""
    body = response.content
    if fmt == "json":
        assert response["Content-Type"] == "application/json; charset=utf-8"
        return json.loads(body)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert body.startswith(b'<?xml version="1.0" encoding="utf-8"?>')
    root = ET.fromstring(body)
    return root.tag, _xml_value(root)


def errors_of(response: Any, fmt: str) -> list[dict[str, Any]]:
    """The Open311 error list, checked for its exact shape in either format."""
    if fmt == "json":
        data = parse(response, "json")
        assert isinstance(data, list) and data
        for item in data:
            assert set(item) == {"code", "description"}
            assert item["code"] == response.status_code
        return data
    tag, _items = parse(response, "xml")
    assert tag == "errors"
    root = ET.fromstring(response.content)
    for error in root:
        assert error.tag == "error"
        assert [c.tag for c in error] == ["code", "description"]
        assert error.findtext("code") == str(response.status_code)
    return [{"code": int(e.findtext("code") or 0), "description": e.findtext("description")} for e in root]


def post(client: Client, fmt: str, key: str | None, path: str = "requests", **fields: Any) -> Any:
    data = {k: v for k, v in fields.items() if v is not None}
    if key is not None:
        data["api_key"] = key
    return client.post(f"{BASE}/{path}.{fmt}", data)


def png(color: str = "red") -> io.BytesIO:
    buf = io.BytesIO()
    Image.new("RGB", (40, 30), color).save(buf, "PNG")
    buf.seek(0)
    buf.name = "photo.png"
    return buf
