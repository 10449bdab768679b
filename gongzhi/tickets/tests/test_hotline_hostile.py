"""Hostile 12345 uploads through the real endpoint, as a community worker: a cell at XFD1048576 or
A1048576, a million rows, 60 000 rows, a zip bomb, a csv of a million lines or one huge field, and a child
parser that crashes. Each is a 400 in Chinese in the one error shape with nothing written, and the same
worker then imports a normal file: the process is alive."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from gongzhi.audit.models import AuditEvent
from gongzhi.testing import hostile_sheets as hostile
from gongzhi.tickets.hotline_sheets import HEADERS, SHEET
from gongzhi.tickets.models import HotlineImport, Ticket
from gongzhi.tickets.tests.test_hotline import G1_ADDRESS

URL = "/api/v1/tickets/hotline-import"
ROWS = "文件数据超过50000行，请拆分成多个文件分批导入"
CRASHED = "文件无法读取：解析时超出了内存或时间限制"
ROW = ("GD-H-1", "2026-11-20 09:30", "小区东门路灯不亮", G1_ADDRESS, "13912345678", "", "", "")


def snapshot() -> tuple[int, ...]:
    return Ticket.objects.count(), HotlineImport.objects.count(), AuditEvent.objects.count()


def hostile_file(case: str) -> tuple[str, bytes, str]:
    header = [list(HEADERS)]

    def far(ref: str) -> bytes:
        return hostile.workbook(header, sheet=SHEET, cells={ref: "x"})

    csv_header = ",".join(HEADERS).encode() + b"\r\n"
    build = {
        "cell_at_XFD1048576": lambda: ("12345.xlsx", far("XFD1048576"), ROWS),
        "cell_at_A1048576": lambda: ("12345.xlsx", far("A1048576"), ROWS),
        "million_rows": lambda: (
            "12345.xlsx",
            hostile.many_rows(HEADERS, ROW[:1], 1_048_575, sheet=SHEET),
            ROWS,
        ),
        "sixty_thousand_rows": lambda: (
            "12345.xlsx",
            hostile.many_rows(HEADERS, ROW, 60_000, sheet=SHEET),
            ROWS,
        ),
        "zip_bomb": lambda: (
            "12345.xlsx",
            hostile.zip_bomb(sheet=SHEET, header=HEADERS, megabytes=320),
            "文件解压后过大",
        ),
        "csv_million_lines": lambda: ("12345.csv", csv_header + b"1,2\r\n" * 1_048_575, ROWS),
        "csv_huge_field": lambda: (
            "12345.csv",
            csv_header + b'"' + b"x" * 200_000 + b'"\r\n',
            "文件不是有效的CSV文件",
        ),
    }
    return build[case]()


def refused_then_alive(client, name: str, content: bytes, message: str) -> None:
    before = snapshot()
    response = client.post(URL, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "message", "fields"} and body["fields"]["file"]
    assert body["message"].startswith(message), body["message"]
    assert snapshot() == before
    # The same process serves the next upload: a normal file is imported.
    normal = hostile.workbook([list(HEADERS), list(ROW)], sheet=SHEET)
    following = client.post(URL, {"file": SimpleUploadedFile("12345.xlsx", normal)})
    assert following.status_code == 200, following.content[:300]
    assert following.json()["rows"] == 1


@pytest.mark.parametrize(
    "case",
    [
        "cell_at_XFD1048576",
        "cell_at_A1048576",
        "million_rows",
        "sixty_thousand_rows",
        "zip_bomb",
        "csv_million_lines",
        "csv_huge_field",
    ],
)
def test_a_hostile_file_is_a_chinese_400_and_the_worker_serves_the_next(district, client, case):
    client.force_login(district.user("community_worker"))
    name, content, message = hostile_file(case)
    assert len(content) < 20 * 1024 * 1024  # every one fits the upload limit: the reader must cope
    refused_then_alive(client, name, content, message)


def test_a_parser_that_crashes_is_a_chinese_400_and_the_worker_serves_the_next(district, client, settings):
    client.force_login(district.user("community_worker"))
    settings.IMPORT_PARSE_MEMORY_MB = 128  # calamine's dense range for CV51001 needs ~160 MB: it aborts
    content = hostile.workbook([list(HEADERS)], sheet=SHEET, cells={"CV51001": "x"})
    before = snapshot()
    response = client.post(URL, {"file": SimpleUploadedFile("12345.xlsx", content)})
    assert response.status_code == 400 and response.json()["message"].startswith(CRASHED)
    assert response.json()["fields"] == {"file": "文件无法读取"}
    assert snapshot() == before
    settings.IMPORT_PARSE_MEMORY_MB = 512
    refused_then_alive(
        client, "12345.xlsx", hostile.workbook([list(HEADERS)], sheet=SHEET, cells={"A1048576": "x"}), ROWS
    )
