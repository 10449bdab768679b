"""POST requests and the request lists through the Django test client: api_key, attributes, media,
the place scope, the 90-day window, paging, extensions, and what a GET never shows."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.open311.tests.helpers import BASE, G1_POINT, G2_POINT, errors_of, issue, parse, png, post
from gongzhi.tickets.enums import Channel, TicketStatus
from gongzhi.tickets.models import Ticket, TicketEvent, TicketPhoto
from gongzhi.tickets.tests.helpers import report

SH = ZoneInfo("Asia/Shanghai")
FORMATS = ["json", "xml"]
LNG, LAT = G1_POINT


def _id_of(response, fmt: str) -> int:
    data = parse(response, fmt)
    first = data[0] if fmt == "json" else data[1][0]
    return int(first["service_request_id"])


def _rows(response, fmt: str) -> list[dict]:
    data = parse(response, fmt)
    return data if fmt == "json" else data[1]


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_files_a_ticket_in_the_same_loop(district, fmt):
    key = issue(district, name="随手拍App")
    response = post(
        Client(),
        fmt,
        key,
        service_code="101018",
        lat=str(LAT),
        long=str(LNG),
        description="小区门口路灯不亮",
        email="a@example.com",
        first_name="小明",
        last_name="王",
        phone="13912345678",
        device_id="dev-1",
        account_id="acc-9",
        media_url="https://example.com/p/1.jpg",
        jurisdiction_id="",
        **{"attribute[pole_number]": "LD-0042"},
    )
    assert response.status_code == 200, response.content
    data = parse(response, fmt)
    body = data[0] if fmt == "json" else data[1][0]
    assert body["account_id"] == "acc-9"
    assert "工单编号" in body["service_notice"]
    ticket = Ticket.objects.get(pk=int(body["service_request_id"]))
    assert (ticket.channel, ticket.channel_source) == (Channel.API, "随手拍App")
    assert ticket.status == TicketStatus.REPORTED and ticket.grid_code == district.grids["g1"].code
    assert ticket.reporter_name == "王小明" and ticket.reporter_email == "a@example.com"
    assert ticket.reporter_phone_masked == "139****5678" and ticket.reporter_id is None
    report_event = TicketEvent.objects.get(ticket=ticket, move="report")
    assert report_event.data["answers"] == {"pole_number": "LD-0042"}
    kept = TicketEvent.objects.get(ticket=ticket, move="note")
    assert kept.public_note == ""  # staff only
    assert kept.data["open311"] == {
        "media_url": "https://example.com/p/1.jpg",
        "device_id": "dev-1",
        "account_id": "acc-9",
    }
    audit = AuditEvent.objects.filter(event_type="open311.request").get()
    assert audit.data["status"] == 200 and audit.data["service_request_id"] == str(ticket.pk)
    assert audit.target_type == "open311.apikey"


@pytest.mark.parametrize("fmt", FORMATS)
def test_post_without_or_with_a_wrong_key_is_403(district, fmt):
    client = Client()
    for key in (None, "", "gz311_wrong"):
        response = post(client, fmt, key, service_code="101018", lat=str(LAT), long=str(LNG), description="x")
        assert response.status_code == 403
        assert "api_key" in errors_of(response, fmt)[0]["description"]
    assert not Ticket.objects.exists()


def test_a_revoked_key_is_403_and_a_get_with_a_wrong_key_too(district):
    from gongzhi.open311.models import ApiKey
    from gongzhi.open311.services import apikey_revoke

    key = issue(district)
    apikey_revoke(actor=district.user("district_admin"), key_id=ApiKey.objects.get().pk)
    response = post(
        Client(), "json", key, service_code="101018", lat=str(LAT), long=str(LNG), description="x"
    )
    assert response.status_code == 403 and "停用" in errors_of(response, "json")[0]["description"]
    # A system still using its revoked key shows in the audit log.
    assert AuditEvent.objects.filter(event_type="open311.request").get().data["status"] == 403
    assert Client().get(f"{BASE}/services.json", {"api_key": "nope"}).status_code == 403
    assert Client().get(f"{BASE}/services.json", {"api_key": ""}).status_code == 200  # empty = missing


@pytest.mark.parametrize("fmt", FORMATS)
def test_multi_value_attributes(district, fmt):
    key = issue(district)
    client = Client()
    response = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": key,
            "service_code": "201001",
            "lat": str(LAT),
            "long": str(LNG),
            "description": "路边堆放垃圾",
            "attribute[garbage_type][]": ["household", "construction"],
            "attribute[volume]": "2.5",
        },
    )
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get(pk=_id_of(response, fmt))
    answers = TicketEvent.objects.get(ticket=ticket, move="report").data["answers"]
    assert answers == {"garbage_type": ["household", "construction"], "volume": "2.5"}
    # A value outside the list, a number that is none, two values for a single choice, a missing required one.
    for extra, word in (
        ({"attribute[garbage_type][]": ["household", "gold"]}, "garbage_type"),
        ({"attribute[volume]": "很多"}, "volume"),
    ):
        bad = client.post(
            f"{BASE}/requests.{fmt}",
            {"api_key": key, "service_code": "201001", "lat": str(LAT), "long": str(LNG), **extra},
        )
        assert bad.status_code == 400 and word in errors_of(bad, fmt)[0]["description"]
    for extra in ({"attribute[period][]": ["day", "night"]}, {}):
        bad = client.post(
            f"{BASE}/requests.{fmt}",
            {
                "api_key": key,
                "service_code": "205015",
                "lat": str(LAT),
                "long": str(LNG),
                "description": "吵",
                **extra,
            },
        )
        assert bad.status_code == 400 and "period" in errors_of(bad, fmt)[0]["description"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize("fmt", FORMATS)
def test_media_upload_becomes_a_report_photo(district, fmt):
    key = issue(district)
    client = Client()
    response = client.post(
        f"{BASE}/requests.{fmt}",
        {
            "api_key": key,
            "service_code": "101018",
            "lat": str(LAT),
            "long": str(LNG),
            "description": "灯坏了",
            "media": png(),
        },
    )
    assert response.status_code == 200, response.content
    ticket = Ticket.objects.get(pk=_id_of(response, fmt))
    photo = TicketPhoto.objects.get(ticket=ticket)
    assert photo.stage == "report" and photo.content_type == "image/png"
    # media_url stays empty on GET: photos are for authorised staff only.
    got = _rows(client.get(f"{BASE}/requests/{ticket.pk}.{fmt}"), fmt)
    assert got[0]["media_url"] is None
    not_image = io_bytes(b"not an image at all")
    bad = client.post(
        f"{BASE}/requests.{fmt}",
        {"api_key": key, "service_code": "101018", "lat": str(LAT), "long": str(LNG), "media": not_image},
    )
    assert bad.status_code == 400 and "media" in errors_of(bad, fmt)[0]["description"]
    assert Ticket.objects.count() == 1


def io_bytes(data: bytes):
    import io

    buf = io.BytesIO(data)
    buf.name = "x.jpg"
    return buf


@pytest.mark.parametrize("fmt", FORMATS)
def test_location_rules_and_the_keys_place_scope(district, fmt):
    client = Client()
    g1_key = issue(district, name="网格一系统", place_code=district.grids["g1"].code)
    outside = post(
        client, fmt, g1_key, service_code="101018", lat=str(G2_POINT[1]), long=str(G2_POINT[0]), media=None
    )
    assert outside.status_code == 403 and "授权范围" in errors_of(outside, fmt)[0]["description"]
    assert not Ticket.objects.exists()
    # An address the map does not know: a grid's key files it in its grid.
    by_address = post(client, fmt, g1_key, service_code="101018", address_string="银山路与济北路路口东侧")
    assert by_address.status_code == 200
    assert Ticket.objects.get().grid_code == district.grids["g1"].code
    # address_id: a household of the register.
    household = district.households["g1"][1]
    by_household = post(client, fmt, g1_key, service_code="201001", address_id=str(household.pk))
    assert by_household.status_code == 200
    t = Ticket.objects.get(pk=_id_of(by_household, fmt))
    assert (t.address, t.grid_code) == (household.address, household.grid_code)
    assert "（未填写描述）" in t.description
    # coord_system (non-standard): GCJ-02 from a Chinese map SDK.
    from gongzhi.core.coords import from_wgs84

    glng, glat = from_wgs84(LNG, LAT, "gcj02")
    gcj = post(
        client, fmt, g1_key, service_code="101018", lat=str(glat), long=str(glng), coord_system="gcj02"
    )
    assert gcj.status_code == 200
    assert Ticket.objects.get(pk=_id_of(gcj, fmt)).grid_code == district.grids["g1"].code
    for fields, word in (
        ({}, "位置"),
        ({"lat": str(LAT)}, "lat和long"),
        ({"lat": "北纬", "long": str(LNG)}, "lat"),
        ({"lat": "91", "long": str(LNG)}, "lat/long"),
        ({"lat": str(LAT), "long": str(LNG), "description": "x" * 4001}, "4000"),
        ({"lat": str(LAT), "long": str(LNG), "phone": "12"}, "phone"),
        ({"lat": str(LAT), "long": str(LNG), "email": "not-an-email"}, "email"),
        ({"lat": str(LAT), "long": str(LNG), "media_url": "javascript:alert(1)"}, "media_url"),
    ):
        response = post(client, fmt, g1_key, service_code="101018", **fields)
        assert response.status_code == 400, fields
        assert word in errors_of(response, fmt)[0]["description"], (fields, response.content.decode())


@pytest.mark.parametrize("fmt", FORMATS)
def test_service_code_and_jurisdiction_errors(district, fmt):
    key = issue(district)
    client = Client()
    missing = post(client, fmt, key, lat=str(LAT), long=str(LNG))
    assert missing.status_code == 400 and "service_code" in errors_of(missing, fmt)[0]["description"]
    for code in ("999999", "205"):  # unknown, and a major class (a group, not a service)
        unknown = post(client, fmt, key, service_code=code, lat=str(LAT), long=str(LNG))
        assert unknown.status_code == 404 and "service_code" in errors_of(unknown, fmt)[0]["description"]
    assert client.get(f"{BASE}/services/999999.{fmt}").status_code == 404
    errors_of(client.get(f"{BASE}/services/999999.{fmt}"), fmt)
    wrong = client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": "sfgov.org"})
    assert wrong.status_code == 404 and "jurisdiction_id" in errors_of(wrong, fmt)[0]["description"]
    assert (
        client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": district.district.code}).status_code == 200
    )
    assert client.get(f"{BASE}/services.{fmt}", {"jurisdiction_id": ""}).status_code == 200


@pytest.mark.parametrize("fmt", FORMATS)
def test_error_shapes_for_every_status(district, fmt):
    """400, 403, 404 (and 429, see test_keys) in the requested format; unknown suffixes in XML."""
    client = Client()
    cases = [
        (client.get(f"{BASE}/requests.{fmt}", {"start_date": "yesterday"}), 400),
        (client.post(f"{BASE}/requests.{fmt}", {"service_code": "101018"}), 403),
        (client.get(f"{BASE}/requests/999999.{fmt}"), 404),
        (client.get(f"{BASE}/requests/abc.{fmt}"), 404),
        (client.get(f"{BASE}/tokens/999999.{fmt}"), 404),
        (client.get(f"{BASE}/no-such-thing.{fmt}"), 404),
        (client.delete(f"{BASE}/requests.{fmt}"), 400),
        (client.post(f"{BASE}/services.{fmt}"), 400),
    ]
    for response, status in cases:
        assert response.status_code == status, response.content
        [error] = errors_of(response, fmt)
        assert error["description"] and any("\u4e00" <= ch <= "\u9fff" for ch in error["description"])
    for path in ("/services.html", "/services", "/requests.yaml"):
        response = client.get(BASE + path)
        assert response.status_code in (400, 404)
        errors_of(response, "xml")  # the format every GeoReport server speaks


def test_xml_escapes_text_and_drops_illegal_characters(district):
    import xml.etree.ElementTree as ET

    report(district, None, '<b>灯</b> & "引号" \x01 ]]> 结束', category_code="101018", channel=Channel.API)
    response = Client().get(f"{BASE}/requests.xml")
    root = ET.fromstring(response.content)
    assert root.findtext("request/description") == '<b>灯</b> & "引号"  ]]> 结束'


def _at(days_ago: float):
    from django.utils import timezone

    return timezone.now() - timedelta(days=days_ago)


@pytest.mark.parametrize("fmt", FORMATS)
def test_window_of_90_days_and_paging(district, fmt):
    client = Client()
    old = report(district, None, "很久以前的路灯", category_code="101018", now=_at(120))
    recent = [report(district, None, f"路灯{i}", category_code="101018", now=_at(i + 1)) for i in range(5)]
    # Default: the last 90 days, newest first.
    ids = [int(r["service_request_id"]) for r in _rows(client.get(f"{BASE}/requests.{fmt}"), fmt)]
    assert ids == [t.pk for t in recent]
    start = datetime(2026, 1, 1, tzinfo=SH)
    too_long = client.get(
        f"{BASE}/requests.{fmt}",
        {"start_date": start.isoformat(), "end_date": (start + timedelta(days=91)).isoformat()},
    )
    assert too_long.status_code == 400 and "90" in errors_of(too_long, fmt)[0]["description"]
    backwards = client.get(f"{BASE}/requests.{fmt}", {"start_date": "2026-03-01", "end_date": "2026-02-01"})
    assert backwards.status_code == 400
    exactly = client.get(
        f"{BASE}/requests.{fmt}",
        {"start_date": start.isoformat(), "end_date": (start + timedelta(days=90)).isoformat()},
    )
    assert exactly.status_code == 200
    older = client.get(
        f"{BASE}/requests.{fmt}",
        {"start_date": _at(130).isoformat(), "end_date": _at(100).strftime("%Y-%m-%dT%H:%M:%SZ")},
    )
    assert [int(r["service_request_id"]) for r in _rows(older, fmt)] == [old.pk]
    # The "+" of an offset left unencoded in a query string arrives as a space.
    lost_plus = client.get(f"{BASE}/requests.{fmt}?start_date=2026-01-01T00:00:00 08:00")
    assert lost_plus.status_code == 200
    pages = [
        [
            int(r["service_request_id"])
            for r in _rows(client.get(f"{BASE}/requests.{fmt}", {"page": p, "page_size": 2}), fmt)
        ]
        for p in (1, 2, 3, 4)
    ]
    assert pages == [[recent[0].pk, recent[1].pk], [recent[2].pk, recent[3].pk], [recent[4].pk], []]
    for bad in ({"page": "0"}, {"page_size": "1001"}, {"page": "x"}, {"status": "pending"}):
        response = client.get(f"{BASE}/requests.{fmt}", bad)
        assert response.status_code == 400, bad
        errors_of(response, fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_get_never_shows_personal_data(district, fmt):
    key = issue(district)
    client = Client()
    post(
        client,
        fmt,
        key,
        service_code="101018",
        lat=str(LAT),
        long=str(LNG),
        description="路灯坏了，我的身份证370125199001011234，电话13800001111",
        email="wang@example.com",
        first_name="小明",
        last_name="王",
        phone="13800001111",
    )
    # A resident's own affair: no description, the community instead of the address, a point rounded to
    # about 1 km.
    private = report(
        district,
        "resident",
        "楼上302王大妈家装修太吵",
        category_code="302001",
        address="银山社区小区1号楼1单元101",
    )
    body = client.get(f"{BASE}/requests.{fmt}", {"extensions": "true"}).content.decode()
    for personal in ("wang@example.com", "小明", "13800001111", "370125199001011234", "王大妈", "1单元101"):
        assert personal not in body, personal
    # Numbers typed into a public description are replaced whole (not half-masked), as is the reporter.
    assert "我的身份证***，电话***" in body and "1111" not in body and "1234" not in body
    assert "reporter" not in body and "email" not in body and "phone" not in body
    rows = {r["service_request_id"]: r for r in _rows(client.get(f"{BASE}/requests.{fmt}"), fmt)}
    hidden = rows[str(private.pk)]
    assert hidden["description"] == "（涉及居民个人事务，详情不公开）"
    assert hidden["address"] == district.communities["A1"].name
    assert private.lat is not None and float(hidden["lat"]) == round(private.lat, 2)
    assert hidden["status_notes"] == "已收到，待受理"


@pytest.mark.parametrize("fmt", FORMATS)
def test_extensions_add_the_public_timeline(district, fmt):
    from gongzhi.tickets import services as svc

    t = report(district, None, "路灯不亮", category_code="101018")
    svc.ticket_accept(actor=district.user("grid_worker"), ticket_id=t.pk, note="内部意见：找城管")
    plain = _rows(Client().get(f"{BASE}/requests/{t.pk}.{fmt}"), fmt)[0]
    assert "notes" not in plain
    assert plain["status_notes"].startswith("已受理")
    rich = _rows(Client().get(f"{BASE}/requests/{t.pk}.{fmt}", {"extensions": "true"}), fmt)[0]
    assert [n["type"] for n in rich["notes"]] == ["report", "accept"]
    assert all(n["datetime"].endswith("+08:00") for n in rich["notes"])
    assert "内部意见" not in str(rich)  # staff notes are not public
    assert rich["extended_attributes"]["gongzhi_status"] == "accepted"
    # A ticket number works as an id too, and tokens resolve to the request.
    number = Client().get(f"{BASE}/requests/{t.number}.{fmt}")
    assert _rows(number, fmt)[0]["service_request_id"] == str(t.pk)
    token = _rows(Client().get(f"{BASE}/tokens/{t.pk}.{fmt}"), fmt)[0]
    assert token == {"service_request_id": str(t.pk), "token": str(t.pk)}


def test_request_list_query_count_does_not_grow(district, django_assert_max_num_queries):
    for i in range(12):
        report(district, None, f"路灯{i}", category_code="101018" if i % 2 else "302001")
    with django_assert_max_num_queries(4):
        response = Client().get(f"{BASE}/requests.json", {"extensions": "true"})
    assert len(response.json()) == 12
