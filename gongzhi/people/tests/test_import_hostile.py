"""Hostile population uploads through the real endpoint, as a grid worker: a sheet with a cell at
XFD1048576 or A1048576, a million rows, 60 000 rows, a zip bomb, a csv of a million lines or one huge
field, and a child parser that crashes or overruns. Each is a 400 in Chinese in the one error shape with
nothing written, and the same worker then serves a normal dry run: the process is alive."""

from __future__ import annotations

import pytest

from gongzhi.audit.models import AuditEvent
from gongzhi.people.models import Person, PopulationImport
from gongzhi.people.sheets import HEADERS, SHEET
from gongzhi.people.tests.helpers import login, person_row, upload, xlsx_bytes
from gongzhi.places.models import Household
from gongzhi.testing import hostile_sheets as hostile

IMPORT_URL = "/api/v1/persons/import"
ROWS = "文件数据超过50000行，请拆分成多个文件分批导入"
CRASHED = "文件无法读取：解析时超出了内存或时间限制"


def snapshot() -> tuple[int, ...]:
    return (
        Person.objects.count(),
        Household.objects.count(),
        PopulationImport.objects.count(),
        AuditEvent.objects.count(),
    )


def a_row(district) -> list[object]:
    return person_row(district.grids["g1"].code, "101", "王一", 901)


def hostile_file(case: str, district) -> tuple[str, bytes, str]:
    """(file name, content, the start of the message), built only for the case asked."""
    row = tuple(str(v) for v in a_row(district))
    header = [list(HEADERS)]

    def far(ref: str) -> bytes:
        return hostile.workbook(header, sheet=SHEET, cells={ref: "x"})

    csv_header = ",".join(HEADERS).encode() + b"\r\n"
    build = {
        "cell_at_XFD1048576": lambda: ("人口.xlsx", far("XFD1048576"), ROWS),
        "cell_at_A1048576": lambda: ("人口.xlsx", far("A1048576"), ROWS),
        "cell_at_XFD1": lambda: ("人口.xlsx", far("XFD1"), "表格超过100列"),
        # One cell a row keeps a million rows under 20 MB zipped.
        "million_rows": lambda: (
            "人口.xlsx",
            hostile.many_rows(HEADERS, row[:1], 1_048_575, sheet=SHEET),
            ROWS,
        ),
        "sixty_thousand_rows": lambda: (
            "人口.xlsx",
            hostile.many_rows(HEADERS, row, 60_000, sheet=SHEET),
            ROWS,
        ),
        "zip_bomb": lambda: (
            "人口.xlsx",
            hostile.zip_bomb(sheet=SHEET, header=HEADERS, megabytes=320),
            "文件解压后过大",
        ),
        "csv_million_lines": lambda: ("人口.csv", csv_header + b"1,2\r\n" * 1_048_575, ROWS),
        "csv_huge_field": lambda: (
            "人口.csv",
            csv_header + b'"' + b"x" * 200_000 + b'"\r\n',
            "CSV文件无法读取：第",
        ),
    }
    return build[case]()


CASES = [
    "cell_at_XFD1048576",
    "cell_at_A1048576",
    "cell_at_XFD1",
    "million_rows",
    "sixty_thousand_rows",
    "zip_bomb",
    "csv_million_lines",
    "csv_huge_field",
]


def refused_then_alive(client, district, name: str, content: bytes, message: str) -> None:
    before = snapshot()
    response = client.post(IMPORT_URL, {"file": upload(content, name), "dry_run": "true"})
    assert response.status_code == 400, response.content[:300]
    body = response.json()
    assert set(body) == {"code", "message", "fields"}
    assert body["message"].startswith(message), body["message"]
    assert body["fields"]["file"]
    assert snapshot() == before
    # The same process serves the next upload: a normal dry run passes.
    following = client.post(IMPORT_URL, {"file": upload(xlsx_bytes([a_row(district)])), "dry_run": "true"})
    assert following.status_code == 200, following.content[:300]
    assert following.json()["dry_run"] is True and following.json()["rows"] == 1
    assert snapshot()[:2] == before[:2]  # a dry run records its check, never a person


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_file_is_a_chinese_400_and_the_worker_serves_the_next(district, client, case):
    login(client, "grid_worker")
    name, content, message = hostile_file(case, district)
    assert len(content) < 20 * 1024 * 1024  # every one fits the upload limit: the reader must cope
    refused_then_alive(client, district, name, content, message)


def test_a_parser_that_crashes_is_a_chinese_400_and_the_worker_serves_the_next(district, client, settings):
    # Within the sheet bounds, but calamine's dense range (~160 MB) is more than the child may have here:
    # the Rust code aborts the child process (SIGABRT), as it aborted the web worker before.
    login(client, "grid_worker")
    settings.IMPORT_PARSE_MEMORY_MB = 128
    content = hostile.workbook([list(HEADERS)], sheet=SHEET, cells={"CV51001": "x"})
    before = snapshot()
    response = client.post(IMPORT_URL, {"file": upload(content), "dry_run": "true"})
    assert response.status_code == 400
    assert response.json()["message"].startswith(CRASHED)
    assert response.json()["fields"] == {"file": "文件无法读取"}
    settings.IMPORT_PARSE_MEMORY_MB = 512
    assert snapshot() == before
    refused_then_alive(
        client,
        district,
        "人口.xlsx",
        hostile.workbook([list(HEADERS)], sheet=SHEET, cells={"A1048576": "x"}),
        ROWS,
    )


def test_a_parser_past_its_time_is_a_chinese_400(district, client, settings):
    login(client, "grid_worker")
    settings.IMPORT_PARSE_SECONDS = 0.01
    response = client.post(IMPORT_URL, {"file": upload(xlsx_bytes([a_row(district)])), "dry_run": "true"})
    assert response.status_code == 400 and response.json()["message"].startswith(CRASHED)
    settings.IMPORT_PARSE_SECONDS = 30
    following = client.post(IMPORT_URL, {"file": upload(xlsx_bytes([a_row(district)])), "dry_run": "true"})
    assert following.status_code == 200, following.content[:300]
