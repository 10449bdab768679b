"""Hostile uploads through every upload door, with real files built here: photos (H5 随手拍, console
intake, API multipart, Open311 media), the population and 12345 spreadsheet imports (console and API)
and the grid GeoJSON import. Wrong types, oversized files, decompression bombs and path tricks are refused
with a 400 and a Chinese message, and nothing is written — no row, no audit event, no stored file."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from gongzhi.audit.models import AuditEvent
from gongzhi.open311.tests.helpers import errors_of, issue
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.tests.helpers import person_row, xlsx_bytes
from gongzhi.places.models import Grid, Household
from gongzhi.tickets.models import HotlineImport, Ticket, TicketPhoto
from gongzhi.tickets.tests.helpers import G1_POINT

LNG, LAT = G1_POINT
A1 = "370115001001"


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def stored(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def snapshot() -> tuple[int, ...]:
    return (
        Ticket.objects.count(),
        TicketPhoto.objects.count(),
        Person.objects.count(),
        Household.objects.count(),
        PopulationImport.objects.count(),
        HotlineImport.objects.count(),
        Grid.objects.count(),
        AuditEvent.objects.count(),
    )


# --- hostile files -------------------------------------------------------------------------------


def jpeg(size: tuple[int, int] = (64, 48)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, "JPEG")
    return buf.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_bomb(width: int = 30000, height: int = 30000) -> bytes:
    """A PNG of a few hundred bytes whose header declares width × height pixels (900 million here)."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 1024, 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def html() -> bytes:
    return "<!doctype html><html><script>alert('随手拍')</script></html>".encode()


def zip_file() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        archive.writestr("a.txt", "你好")
    return buf.getvalue()


def xlsx_zip_bomb() -> bytes:
    """An xlsx-shaped zip whose sheet unpacks from ~60 KB to 64 MB (ratio ≈ 1000)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    return buf.getvalue()


def xlsx_lying_sizes(real: bytes) -> bytes:
    """A real workbook whose central directory claims one part unpacks to 2 GB."""
    data = bytearray(real)
    at = data.find(b"PK\x01\x02")  # the first central directory entry
    struct.pack_into("<I", data, at + 24, 2**31)  # its uncompressed size
    return bytes(data)


PHOTO_CASES: dict[str, tuple[str, Callable[[], bytes], str]] = {
    # case → (client's file name, content, what the message says)
    "html_as_jpg": ("photo.jpg", html, "不是可接受的图片"),
    "pdf_as_jpg": ("photo.jpg", pdf, "不是可接受的图片"),
    "zip_as_jpg": ("photo.jpg", zip_file, "不是可接受的图片"),
    "pixel_bomb": ("photo.png", png_bomb, "像素过多"),
    "too_big": ("photo.jpg", lambda: jpeg() + b"\0" * 3000, "太大"),
    "empty": ("photo.jpg", lambda: b"", "空文件"),
}


# --- photo doors -----------------------------------------------------------------------------------


def _signed_in(district: Any, user: str) -> Client:
    client = Client()
    client.force_login(district.user(user))
    return client


def h5_report(district: Any, photo: SimpleUploadedFile):
    data = {
        "description": "路灯不亮",
        "category": "101018",
        "lng": str(LNG),
        "lat": str(LAT),
        "photos": [photo],
    }
    response = _signed_in(district, "resident").post("/h5/tickets/new/", data)
    return response, response.content.decode()


def console_new(district: Any, photo: SimpleUploadedFile):
    data = {
        "channel": "assigned",
        "description": "路灯不亮",
        "category_code": "101018",
        "lng": str(LNG),
        "lat": str(LAT),
        "photos": [photo],
    }
    response = _signed_in(district, "community_worker").post("/console/tickets/new/", data)
    return response, response.content.decode()


def api_report(district: Any, photo: SimpleUploadedFile):
    data = {
        "description": "路灯不亮",
        "category_code": "101018",
        "lng": str(LNG),
        "lat": str(LAT),
        "photos": [photo],
    }
    response = _signed_in(district, "resident").post("/api/v1/tickets", data)
    body = response.json()
    if response.status_code == 400:
        assert set(body) == {"code", "message", "fields"}
        assert "photos" in body["fields"] or body["code"] == "too_large"
    return response, body.get("message", "")


def open311_report(district: Any, photo: SimpleUploadedFile):
    key = issue(district)
    data = {
        "api_key": key,
        "service_code": "101018",
        "lat": str(LAT),
        "long": str(LNG),
        "description": "路灯不亮",
        "media": photo,
    }
    response = Client().post("/open311/v2/requests.json", data)
    text = errors_of(response, "json")[0]["description"] if response.status_code >= 400 else ""
    return response, text


PHOTO_DOORS = {"h5": h5_report, "console": console_new, "api": api_report, "open311": open311_report}


@pytest.mark.parametrize("door", list(PHOTO_DOORS))
@pytest.mark.parametrize("case", list(PHOTO_CASES))
def test_hostile_photos_are_refused_and_nothing_is_written(district, media, settings, door, case):
    settings.PHOTO_MAX_BYTES = 2048
    name, content, message = PHOTO_CASES[case]
    if door == "open311":
        AuditEvent.objects.all().delete()  # issuing the key wrote one; the request's own row is expected
    before = snapshot()
    response, text = PHOTO_DOORS[door](district, SimpleUploadedFile(name, content(), "image/jpeg"))
    assert response.status_code == 400, text
    assert message in text
    after = snapshot()
    if door == "open311":  # every keyed request leaves its audit row, refused or not
        assert (
            after[:-1] == before[:-1] and AuditEvent.objects.filter(event_type="open311.request").count() == 1
        )
    else:
        assert after == before
    assert stored(media) == []


@pytest.mark.parametrize("door", list(PHOTO_DOORS))
@pytest.mark.parametrize(
    "name", ["../../etc/passwd.jpg", "/etc/cron.d/evil.jpg", "..\\..\\windows\\win.ini.jpg", "a\x00.php.jpg"]
)
def test_path_tricks_in_the_file_name_never_reach_storage(district, media, door, name):
    response, _text = PHOTO_DOORS[door](district, SimpleUploadedFile(name, jpeg(), "image/jpeg"))
    assert response.status_code in (200, 201, 302), _text
    photo = TicketPhoto.objects.get()
    files = stored(media)
    assert len(files) == 1 and files[0].resolve().is_relative_to(media.resolve())
    stem = files[0].stem
    assert len(stem) == 32 and int(stem, 16) >= 0 and files[0].suffix == ".jpg"  # a uuid, never the client's
    assert ".." not in photo.file.name and "passwd" not in photo.file.name and "\x00" not in photo.file.name
    assert "evil" not in photo.file.name and "win.ini" not in photo.file.name


def _dispatched(district: Any) -> Ticket:
    """A ticket at the department, ready for its handling result (photos of the result go with it)."""
    from gongzhi.tickets import services as svc
    from gongzhi.tickets.enums import Level

    gw, cw, dh = (district.user(k) for k in ("grid_worker", "community_worker", "department_handler"))
    ticket = svc.ticket_report(actor=gw, data=svc.TicketInput(description="路灯不亮", lng=LNG, lat=LAT))
    svc.ticket_accept(actor=gw, ticket_id=ticket.pk, category_code="101018", note="")
    svc.ticket_escalate(actor=gw, ticket_id=ticket.pk, reason="需城管部门维修")
    svc.ticket_dispatch(
        actor=cw, ticket_id=ticket.pk, level=Level.DEPARTMENT, department_id=district.department.pk, note=""
    )
    svc.ticket_respond(actor=dh, ticket_id=ticket.pk, note="")
    return ticket


@pytest.mark.parametrize("door", ["api", "console"])
@pytest.mark.parametrize("case", list(PHOTO_CASES))
def test_hostile_result_photos_on_a_move_are_refused(district, media, settings, door, case):
    settings.PHOTO_MAX_BYTES = 2048
    ticket = _dispatched(district)
    status = Ticket.objects.get(pk=ticket.pk).status
    assert status == "in_progress"
    name, content, message = PHOTO_CASES[case]
    client = _signed_in(district, "department_handler")
    data = {"result": "已更换灯泡", "photos": [SimpleUploadedFile(name, content(), "image/jpeg")]}
    before = snapshot()
    if door == "api":
        response = client.post(f"/api/v1/tickets/{ticket.pk}/handle", data)
        text = response.json()["message"] + json.dumps(response.json()["fields"], ensure_ascii=False)
    else:
        response = client.post(f"/console/tickets/{ticket.pk}/handle/", data)
        text = response.content.decode()
    assert response.status_code == 400
    assert message in text
    assert snapshot() == before and Ticket.objects.get(pk=ticket.pk).status == status
    assert stored(media) == []


# --- spreadsheet imports -------------------------------------------------------------------------


def _population_rows(district: Any) -> bytes:
    return xlsx_bytes([person_row(district.grids["g1"].code, "101", "王一", 901)])


def _hotline_xlsx() -> bytes:
    from gongzhi.tickets.tests.test_hotline import _rows, xlsx

    return xlsx(_rows())


def population_api(district: Any, name: str, content: bytes):
    client = _signed_in(district, "grid_worker")
    response = client.post("/api/v1/persons/import", {"file": SimpleUploadedFile(name, content)})
    return response, response.json().get("message", "")


def population_console(district: Any, name: str, content: bytes):
    client = _signed_in(district, "grid_worker")
    response = client.post("/console/people/import/", {"file": SimpleUploadedFile(name, content)})
    return response, response.content.decode()


def hotline_api(district: Any, name: str, content: bytes):
    client = _signed_in(district, "community_worker")
    response = client.post("/api/v1/tickets/hotline-import", {"file": SimpleUploadedFile(name, content)})
    return response, response.json().get("message", "")


def hotline_console(district: Any, name: str, content: bytes):
    client = _signed_in(district, "community_worker")
    response = client.post("/console/tickets/hotline/", {"file": SimpleUploadedFile(name, content)})
    return response, response.content.decode()


SHEET_DOORS = {
    "population_api": population_api,
    "population_console": population_console,
    "hotline_api": hotline_api,
    "hotline_console": hotline_console,
}


def _sheet_case(case: str, district: Any, door: str) -> tuple[str, bytes, str]:
    real = _population_rows(district) if door.startswith("population") else _hotline_xlsx()
    return {
        "html_as_xlsx": ("名单.xlsx", html(), "不是有效的"),
        "pdf_as_xlsx": ("名单.xlsx", pdf(), "不是有效的"),
        "zip_as_xlsx": ("名单.xlsx", zip_file(), "不是有效的"),
        "jpg_as_xlsx": ("名单.xlsx", jpeg(), "不是有效的"),
        "zip_bomb": ("名单.xlsx", xlsx_zip_bomb(), "解压后过大"),
        "lying_sizes": ("名单.xlsx", xlsx_lying_sizes(real), "解压后过大"),
        "too_big": ("名单.xlsx", real + b"\0" * 4096, "文件过大"),
        "empty": ("名单.xlsx", b"", "空的"),
        "exe_name": ("名单.exe", real, ".xlsx"),
    }[case]


SHEET_CASES = [
    "html_as_xlsx",
    "pdf_as_xlsx",
    "zip_as_xlsx",
    "jpg_as_xlsx",
    "zip_bomb",
    "lying_sizes",
    "too_big",
    "empty",
    "exe_name",
]


@pytest.mark.parametrize("door", list(SHEET_DOORS))
@pytest.mark.parametrize("case", SHEET_CASES)
def test_hostile_spreadsheets_are_refused_and_nothing_is_written(district, media, settings, door, case):
    name, content, message = _sheet_case(case, district, door)
    if case == "too_big":
        settings.IMPORT_MAX_BYTES = len(content) - 1
    before = snapshot()
    response, text = SHEET_DOORS[door](district, name, content)
    assert response.status_code == 400, text[:500]
    assert message in text
    assert snapshot() == before
    assert stored(media) == []


@pytest.mark.parametrize("door", list(SHEET_DOORS))
def test_path_tricks_in_a_sheet_name_are_only_a_label(district, media, door):
    name = "../../etc/passwd.xlsx" if door.startswith("population") else "..\\..\\x\x00y.xlsx"
    real = _population_rows(district) if door.startswith("population") else _hotline_xlsx()
    response, _text = SHEET_DOORS[door](district, name, real)
    assert response.status_code in (200, 201), _text[:500]
    assert stored(media) == []  # an import keeps no copy of the file anywhere


# --- the grid GeoJSON import ---------------------------------------------------------------------


def grid_import(district: Any, name: str, content: bytes):
    client = _signed_in(district, "district_admin")
    response = client.post(
        "/console/places/grids/import/",
        {"community": A1, "step": "check", "file": SimpleUploadedFile(name, content)},
    )
    return response, response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("grids.geojson", zip_file(), "UTF-8"),
        ("grids.geojson", "网格".encode("gbk") + b"\xff\xfe", "UTF-8"),
        ("grids.geojson", pdf(), "不是有效的JSON"),
        ("grids.exe", b"{}", ".geojson"),
    ],
)
def test_hostile_geojson_is_refused(district, media, name, content, message):
    before = snapshot()
    response, text = grid_import(district, name, content)
    assert response.status_code == 400
    assert message in text.split('data-testid="import-error">', 1)[1].split("</p>", 1)[0]
    assert snapshot() == before


def test_geojson_nested_past_the_parser_depth_is_a_chinese_400(district, media):
    deep = b"[" * 200_000 + b"]" * 200_000
    before = snapshot()
    response, text = grid_import(district, "grids.geojson", deep)
    assert response.status_code == 400 and "嵌套层级过深" in text
    client = _signed_in(district, "district_admin")
    body = b'{"community_code": "%s", "feature_collection": %s}' % (A1.encode(), deep)
    response = client.post("/api/v1/grids/import", body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "code": "http_error",
        "message": "请求内容无法解析，请检查JSON格式",
        "fields": {},
    }
    assert snapshot() == before


def test_oversized_geojson_is_refused_before_it_is_parsed(district, media, monkeypatch):
    from gongzhi.places import views

    monkeypatch.setattr(views, "IMPORT_MAX_BYTES", 1024)
    before = snapshot()
    response, text = grid_import(district, "grids.geojson", b" " * 2048 + b"{}")
    assert response.status_code == 400 and "文件过大" in text
    assert snapshot() == before


def test_oversized_json_body_to_the_api_is_a_chinese_400(district, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1024
    client = _signed_in(district, "district_admin")
    body = json.dumps({"community_code": A1, "feature_collection": {"features": ["x" * 2048]}})
    response = client.post("/api/v1/grids/import", body, content_type="application/json")
    assert response.status_code in (400, 413)
    data = response.json()
    assert set(data) == {"code", "message", "fields"} and "过大" in data["message"]


@pytest.mark.parametrize("door", list(PHOTO_DOORS))
def test_a_body_over_the_request_cap_is_refused_before_any_file_is_kept(district, media, settings, door):
    settings.UPLOAD_MAX_REQUEST_BYTES = 20_000
    if door == "open311":
        AuditEvent.objects.all().delete()
    before = snapshot()
    big = SimpleUploadedFile("photo.jpg", jpeg() + b"\0" * 30_000, "image/jpeg")
    response, text = PHOTO_DOORS[door](district, big)
    assert response.status_code == 400
    if door in ("api", "open311"):
        assert "过大" in text
    else:
        assert "请求有误" in text  # Django's 400 page, in Chinese
    if door == "open311":  # refused before the key was read: no request row either
        assert snapshot()[:-1] == before[:-1]
    else:
        assert snapshot() == before
    assert stored(media) == []


def test_the_request_cap_counts_file_bytes_when_the_length_is_not_declared(settings):
    from django.core.exceptions import RequestDataTooBig

    from gongzhi.core.uploads import RequestSizeLimitHandler

    settings.UPLOAD_MAX_REQUEST_BYTES = 100
    handler = RequestSizeLimitHandler()
    handler.handle_raw_input(None, {}, 0, b"x")  # no length declared: counted as it arrives
    assert handler.receive_data_chunk(b"a" * 60, 0) == b"a" * 60
    with pytest.raises(RequestDataTooBig):
        handler.receive_data_chunk(b"a" * 60, 60)
    with pytest.raises(RequestDataTooBig):
        RequestSizeLimitHandler().handle_raw_input(None, {}, 101, b"x")
