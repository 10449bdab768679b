"""The real Open311 client library from PyPI (``georeport``) against the running server over HTTP, in
JSON and in XML: services, a service definition, request lists with filters, one request, and a POST
(the library has no POST call, so that one goes through ``requests``, which the library itself uses)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from django.utils import timezone
from georeport import GeoReport

from gongzhi.open311.tests.helpers import G1_POINT, G2_POINT, issue
from gongzhi.tickets import services as svc

# live_server runs on a flushed database; the small district puts the shipped categories and the Open311
# questions' categories back (gongzhi.testing), so no serialized rollback is needed — and with several
# transactional suites in one process a serialized rollback re-inserts content types that exist already.
pytestmark = pytest.mark.django_db(transaction=True)


def _post(base: str, fmt: str, **data: str) -> list | str:
    response = requests.post(f"{base}/requests.{fmt}", data=data, timeout=30)
    assert response.status_code == 200, response.text
    return response.json() if fmt == "json" else response.text


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_georeport_client_round_trip(live_server, district, fmt):
    base = f"{live_server.url}/open311/v2"
    key = issue(district)
    lng, lat = G1_POINT
    noise = _post(
        base,
        fmt,
        api_key=key,
        service_code="205015",
        lat=str(lat),
        long=str(lng),
        description="广场舞音响太吵，联系电话13912345678",
        **{"attribute[period]": "evening"},
        email="resident@example.com",
        first_name="小明",
        last_name="王",
        phone="13912345678",
    )
    garbage = requests.post(
        f"{base}/requests.{fmt}",
        data=[
            ("api_key", key),
            ("service_code", "201001"),
            ("lat", str(lat)),
            ("long", str(lng)),
            ("description", "路口堆了很多垃圾"),
            ("attribute[garbage_type][]", "household"),
            ("attribute[garbage_type][]", "bulky"),
        ],
        timeout=30,
    )
    assert garbage.status_code == 200, garbage.text
    light = _post(
        base,
        fmt,
        api_key=key,
        service_code="101018",
        lat=str(G2_POINT[1]),
        long=str(G2_POINT[0]),
        description="路灯不亮",
    )
    client = GeoReport(base, output_format=fmt)

    if fmt == "json":
        noise_id = noise[0]["service_request_id"]  # type: ignore[index]
        light_id = light[0]["service_request_id"]  # type: ignore[index]
    else:
        import xml.etree.ElementTree as ET

        noise_id = ET.fromstring(noise).findtext("request/service_request_id")  # type: ignore[arg-type]
        light_id = ET.fromstring(light).findtext("request/service_request_id")  # type: ignore[arg-type]
    assert noise_id and light_id

    services = client.get_service_list()
    by_code = {s["service_code"]: s for s in services}
    assert by_code["205015"]["service_name"] == "噪音扰民"
    assert by_code["205015"]["group"] == "街面秩序"
    assert by_code["205015"]["metadata"] in (True, "true")
    assert by_code["101001"]["metadata"] in (False, "false")
    assert by_code["205015"]["type"] == "realtime"
    assert "噪音" in by_code["205015"]["keywords"].split(",")
    assert "205" not in by_code  # major classes are groups, not services

    definition = client.get_service_definition("201001")
    assert definition["service_code"] == "201001"
    attrs = definition["attributes"] if fmt == "json" else definition["attributes"]["attribute"]
    garbage_type = next(a for a in attrs if a["code"] == "garbage_type")
    assert garbage_type["datatype"] == "multivaluelist"
    values = garbage_type["values"] if fmt == "json" else garbage_type["values"]["value"]
    assert {v["key"] for v in values} == {"household", "construction", "bulky", "green"}
    assert str(garbage_type["order"]) == "1"

    everything = client.get_service_requests()
    assert len(everything) == 3
    listed = client.get_service_requests(service_code="205015,101018")
    assert sorted(r["service_request_id"] for r in listed) == sorted([noise_id, light_id])
    by_id = client.get_service_requests(service_request_id=f"{noise_id},{light_id}", service_code="999999")
    assert len(by_id) == 2  # service_request_id overrides every other filter

    now = timezone.localtime()
    recent = client.get_service_requests(
        start_date=(now - timedelta(hours=1)).isoformat(timespec="seconds"),
        end_date=(now + timedelta(hours=1)).isoformat(timespec="seconds"),
        status="open",
    )
    assert len(recent) == 3
    svc.ticket_decline(
        actor=district.user("grid_worker_g2"), ticket_id=int(light_id), reason="重复反映，已在处理中"
    )
    open_only = client.get_service_requests(status="open")
    assert len(open_only) == 2 and all(r["status"] == "open" for r in open_only)
    closed = client.get_service_requests(status="closed", service_code="101018,205015")
    if fmt == "xml":
        closed = [closed]  # one element: xmltodict gives the dict itself
    assert [r["service_request_id"] for r in closed] == [light_id]
    assert closed[0]["status_notes"] == "经核实不予受理：重复反映，已在处理中"

    one = client.get_service_request(noise_id)
    assert one["service_request_id"] == noise_id
    assert one["status"] == "open"
    assert one["service_code"] == "205015"
    assert one["requested_datetime"].endswith("+08:00")
    # The point is published to about 100 m, and a phone typed into the description is replaced whole.
    assert float(one["lat"]) == round(lat, 3) and float(one["long"]) == round(lng, 3)
    assert "5678" not in str(one) and one["description"] == "广场舞音响太吵，联系电话***"
    text = str(client.get_service_requests())
    for personal in ("resident@example.com", "小明", "王小明", "13912345678"):
        assert personal not in text
