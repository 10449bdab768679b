"""GeoReport v2 wire formats: XML (required by the spec) and JSON (the "Spark convention": the XML root
becomes an array, booleans are real booleans, empty fields are null), chosen by the file suffix.

XML is built with ElementTree (which escapes text) after removing the characters XML 1.0 cannot carry.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import datetime
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("xml", "json")
DEFAULT_FORMAT = "xml"  # the format every GeoReport server must speak; used when the suffix is unknown
CONTENT_TYPES = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MIME = {"xml": "text/xml", "json": "application/json"}

# The element name of one item of a list, by the list's element name.
ITEM_TAGS = {
    "services": "service",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "service_requests": "request",
    "service_request_updates": "request_update",
    "notes": "note",
    "errors": "error",
    "media_url": "media_url",
}
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def fmt_of(suffix: str | None) -> str:
    suffix = (suffix or "").lower()
    return suffix if suffix in FORMATS else DEFAULT_FORMAT


def iso(at: datetime | None) -> str | None:
    """W3C datetime with the zone, in China Standard Time: 2026-12-01T09:30:00+08:00."""
    if at is None:
        return None
    return timezone.localtime(at).isoformat(timespec="seconds")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return _XML_ILLEGAL.sub("", str(value))


def _fill(element: ET.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list | tuple):
        item_tag = ITEM_TAGS.get(element.tag, "item")
        for item in value:
            _fill(ET.SubElement(element, item_tag), item)
    else:
        element.text = _text(value)


def to_xml(root: str, body: Any) -> bytes:
    element = ET.Element(root)
    _fill(element, body)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(
        element, encoding="utf-8", xml_declaration=False
    )


def render(fmt: str, root: str, body: Any, *, status: int = 200) -> HttpResponse:
    """``root`` is the XML root element (``services``, ``service_requests`` …); in JSON a list body is
    the root array itself and a dict body the root object."""
    if fmt == "json":
        content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    else:
        content = to_xml(root, body)
    response = HttpResponse(content, status=status, content_type=CONTENT_TYPES[fmt])
    response["Cache-Control"] = "no-store"
    return response


def errors(fmt: str, status: int, items: list[tuple[int | str, str]]) -> HttpResponse:
    """``<errors><error><code/><description/></error></errors>`` or ``[{"code", "description"}]``."""
    body = [{"code": code, "description": description} for code, description in items]
    return render(fmt, "errors", body, status=status)
