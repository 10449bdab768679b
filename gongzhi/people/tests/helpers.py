"""Builders for the people tests: real xlsx files written and read with openpyxl, csv files written with
the csv module, API login."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from gongzhi.people.sheets import HEADERS, SHEET, XLSX_CONTENT_TYPE
from gongzhi.testing import PASSWORD, id_number_for


def xlsx_bytes(
    rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS, sheet: str = SHEET
) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(
    rows: Sequence[Sequence[object]], headers: Sequence[str] = HEADERS, encoding: str = "utf-8-sig"
) -> bytes:
    """A csv file as Excel saves one: CRLF line ends, in ``encoding`` (utf-8-sig is "CSV UTF-8", gbk the
    plain "CSV" of Excel on Chinese Windows)."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf)
    writer.writerow(headers)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def upload(content: bytes, name: str = "实有人口.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=XLSX_CONTENT_TYPE)


def read_xlsx(content: bytes, sheet: str | None = None) -> list[tuple]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [tuple(r) for r in ws.iter_rows(values_only=True)]


def person_row(
    grid_code: str,
    door: str,
    name: str,
    seq: int | None = None,
    *,
    estate: str = "新建小区",
    building: str = "8",
    entrance: str = "2",
    phone: str = "",
    relation: str = "本人（户主）",
    residence: str = "户籍人口",
    tags: str = "",
    id_number: str | None = None,
) -> list[object]:
    """One row in HEADERS order; seq makes a valid ID number distinct from the district fixture's."""
    if id_number is None:
        id_number = id_number_for(seq, birth="19920315") if seq is not None else ""
    return [grid_code, estate, building, entrance, door, name, id_number, phone, relation, residence, tags]


def login(client, username: str) -> dict:
    r = client.post(
        "/api/v1/auth/login",
        json.dumps({"username": username, "password": PASSWORD}),
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    return r.json()
