"""core.parsing and core.sheetread: an uploaded sheet is read in a child process within bounds. Real files
(openpyxl, or sheet XML streamed into a real workbook's zip), read through ``sheets.read_upload`` as every
import reads them: hostile ones are refused with a Chinese message before anything large is allocated,
a child that crashes or overruns is a Chinese 400, and this process carries on."""

from __future__ import annotations

import csv
import datetime as dt
import io
import pickle
import time
from collections.abc import Sequence
from typing import Any

import pytest

from gongzhi.core import parsing, sheetread, sheets
from gongzhi.core.errors import ValidationFailed
from gongzhi.testing import hostile_sheets as hostile

SHEET = "测试"
HEADER = ("编号", "电话", "备注")
ROW = ("A-1", "13912345678", "正常")


def read(content: bytes, kind: str = "xlsx") -> list[Sequence[object]]:
    return list(
        sheets.read_upload(
            content,
            kind,
            sheet=SHEET,
            others="first",
            what="测试表",
            unreadable=lambda line: ValidationFailed(f"读不了{line or ''}", fields={"file": "文件无法读取"}),
            label="test",
        )
    )


def refused(content: bytes, kind: str = "xlsx") -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        read(content, kind)
    assert exc.value.fields == {"file": exc.value.fields["file"]}  # the one error shape, on the file
    return exc.value


ROWS_MESSAGE = "文件数据超过50000行，请拆分成多个文件分批导入"
CRASHED = "文件无法读取：解析时超出了内存或时间限制"


@pytest.fixture(autouse=True)
def limits(settings):
    settings.IMPORT_MAX_ROWS = 50_000
    settings.IMPORT_PARSE_MEMORY_MB = 512
    settings.IMPORT_PARSE_SECONDS = 30


def still_alive() -> None:
    """This process (the web worker in production) reads a normal file after whatever came before."""
    assert read(hostile.workbook([HEADER, ROW], sheet=SHEET)) == [list(HEADER), list(ROW)]


# --- the sheet's bounds, before calamine allocates -------------------------------------------------


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"XFD1048576": "x"}, ROWS_MESSAGE),  # 550 GB as a dense range: the worker used to abort
        ({"A1048576": "x"}, ROWS_MESSAGE),  # 550 MB per request
        ({"A51002": "x"}, ROWS_MESSAGE),  # just past the header, 50 000 rows and 1 000 blank ones
        ({"XFD1": "x"}, "表格超过100列，请使用导入模板，删除多余的列后再上传"),
        ({"CW2": "x"}, "表格超过100列，请使用导入模板，删除多余的列后再上传"),
    ],
)
def test_a_cell_past_the_limits_refuses_the_sheet_at_once(cells, message):
    content = hostile.workbook([HEADER], sheet=SHEET, cells=cells)
    assert len(content) < 10_000
    started = time.monotonic()
    assert refused(content).message == message
    assert time.monotonic() - started < 10
    still_alive()


def test_the_bounds_themselves_are_read():
    content = hostile.workbook([HEADER], sheet=SHEET, cells={"CV51001": "末"})
    rows = read(content)
    assert len(rows) == 51_001 and rows[-1][99] == "末" and len(rows[-1]) == 100


def test_the_declared_dimension_is_not_trusted():
    far = hostile.with_sheet_xml(
        hostile.workbook([HEADER], sheet=SHEET),
        hostile.sheet_xml(HEADER, [ROW], dimension="A1:C2", first=1_048_576),
    )
    assert refused(far).message == ROWS_MESSAGE
    # A dimension that claims the whole sheet, over two real rows, is no reason to refuse.
    claims = hostile.with_sheet_xml(
        hostile.workbook([HEADER], sheet=SHEET), hostile.sheet_xml(HEADER, [ROW], dimension="A1:XFD1048576")
    )
    assert read(claims) == [list(HEADER), list(ROW)]


def test_a_million_rows_are_refused_fast_and_small_enough_to_upload():
    content = hostile.many_rows(HEADER, ROW, 1_048_575, sheet=SHEET)
    assert len(content) < 20 * 1024 * 1024  # under IMPORT_MAX_BYTES: it reaches the reader
    started = time.monotonic()
    assert refused(content).message == ROWS_MESSAGE
    assert time.monotonic() - started < 20  # a streaming scan; never the rows read into memory
    still_alive()


def test_sixty_thousand_rows_are_refused_by_rows():
    assert refused(hostile.many_rows(HEADER, ROW, 60_000, sheet=SHEET)).message == ROWS_MESSAGE


def test_empty_styled_cells_far_away_do_not_count():
    far = hostile.with_sheet_xml(
        hostile.workbook([HEADER], sheet=SHEET),
        [
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            b'<row r="1048576"><c r="XFD1048576" s="0"/></row></sheetData></worksheet>'
        ],
    )
    assert read(far) == [["x"]]


def test_cells_without_plain_references_are_read_by_the_streaming_reader():
    # A namespace prefix, the reference after the type, a row of cells placed by their order.
    rows = read(hostile.unplaced_cells(HEADER, ROW, sheet=SHEET, far=False))
    assert rows == [list(HEADER), list(ROW)]
    # ...and bounded the same way: a last cell at row 1,048,576 refuses the file.
    assert refused(hostile.unplaced_cells(HEADER, ROW, sheet=SHEET, far=True)).message == ROWS_MESSAGE


@pytest.mark.parametrize("megabytes", [320])
def test_a_zip_bomb_is_refused_before_it_is_unpacked(megabytes):
    content = hostile.zip_bomb(sheet=SHEET, header=HEADER, megabytes=megabytes)
    assert len(content) < 3 * 1024 * 1024
    assert refused(content).message == "文件解压后过大，不像是测试表，已拒绝"
    still_alive()


def test_values_come_back_as_plain_data():
    when = dt.datetime(2026, 11, 20, 9, 30)
    content = hostile.workbook([HEADER, ["A-1", 13912345678, when], [None, 1.5, True]], sheet=SHEET)
    rows = read(content)
    assert rows[1] == ["A-1", 13912345678, when] and rows[2] == [None, 1.5, True]
    assert type(rows[1][2]) is dt.datetime


# --- the child's limits ----------------------------------------------------------------------------


def test_a_native_crash_in_the_child_is_a_chinese_400(settings):
    # Within the bounds (51 001 × 100 cells): calamine's dense range needs ~160 MB, more than the child
    # is given here: Rust aborts the child ("memory allocation of … bytes failed", SIGABRT).
    settings.IMPORT_PARSE_MEMORY_MB = 128
    content = hostile.workbook([HEADER], sheet=SHEET, cells={"CV51001": "x"})
    error = refused(content)
    assert error.message.startswith(CRASHED) and error.fields == {"file": "文件无法读取"}
    settings.IMPORT_PARSE_MEMORY_MB = 512
    still_alive()


def test_a_child_that_cannot_even_start_within_its_memory_is_a_400(settings):
    settings.IMPORT_PARSE_MEMORY_MB = 1
    assert refused(hostile.workbook([HEADER, ROW], sheet=SHEET)).message.startswith(CRASHED)


def test_a_child_past_its_time_is_killed_and_answered_400(settings):
    settings.IMPORT_PARSE_SECONDS = 0.01
    started = time.monotonic()
    assert refused(hostile.workbook([HEADER, ROW], sheet=SHEET)).message.startswith(CRASHED)
    assert time.monotonic() - started < 5


def test_only_plain_data_is_taken_from_the_child():
    with pytest.raises(pickle.UnpicklingError):
        parsing._PlainUnpickler(io.BytesIO(pickle.dumps(ValidationFailed("x")))).load()
    plain = [[1, 2.5, "x", None, True, dt.date(2026, 1, 2), dt.datetime(2026, 1, 2, 3), dt.time(4)]]
    assert parsing._PlainUnpickler(io.BytesIO(pickle.dumps(plain))).load() == plain
    # An answer the parent cannot take (the child returned an object) is a crash, not a 500.
    with pytest.raises(ValidationFailed) as exc:
        parsing.run("gongzhi.core.errors:ValidationFailed", "x")
    assert exc.value.message.startswith(CRASHED)


def test_a_refusal_in_the_child_comes_back_as_itself():
    content = hostile.workbook([HEADER, ROW, ROW], sheet=SHEET)
    options = {"kind": "xlsx", "sheet": SHEET, "what": "测试表", "max_columns": 100}
    with pytest.raises(ValidationFailed) as exc:
        parsing.run("gongzhi.core.sheetread:read_table", content, max_rows=-1000, **options)
    assert exc.value.message == "文件数据超过-1000行，请拆分成多个文件分批导入"
    assert exc.value.fields == {"file": "行数过多"}
    with pytest.raises(parsing.Unreadable) as damaged:
        parsing.run("gongzhi.core.sheetread:read_table", b"PK\x03\x04 no zip", max_rows=10, **options)
    assert damaged.value.kind == "Damaged"


# --- csv -------------------------------------------------------------------------------------------


def csv_bytes(rows: list[Sequence[Any]]) -> bytes:
    buf = io.StringIO(newline="")
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def test_csv_rows_are_bounded_as_they_stream(settings):
    settings.IMPORT_MAX_ROWS = 10
    ok = csv_bytes([HEADER, *[ROW] * 10, *[[""]] * 1000])
    assert len(read(ok, "csv")) == 1011
    assert refused(csv_bytes([HEADER, *[ROW] * 10, *[[""]] * 1000, ROW]), "csv").message == (
        "文件数据超过10行，请拆分成多个文件分批导入"
    )
    # A million lines is 2 MB of csv: refused, not read into rows.
    assert refused(b"a,b\r\n" * 1_048_576, "csv").message.startswith("文件数据超过10行")


def test_csv_fields_and_rows_are_bounded_in_size():
    huge = csv_bytes([HEADER, ["x" * (sheetread.FIELD_MAX + 1)]])
    assert refused(huge, "csv").message == "读不了2"  # the caller words it, with the line
    wide = read(csv_bytes([HEADER, ["v"] * 5000]), "csv")
    assert len(wide[1]) == sheets.MAX_COLUMNS


# --- the scan itself -------------------------------------------------------------------------------


def test_far_cell_pattern_matches_exactly_past_the_bounds():
    far = sheetread._far_cells(51_001, 100)
    for ref, hit in [
        ("A51001", False),
        ("A51002", True),
        ("A99999", True),
        ("A100000", True),
        ("CV1", False),
        ("CW1", True),
        ("DA1", True),
        ("AAA1", True),
        ("Z51001", False),
        ("XFD1048576", True),
    ]:
        assert bool(far.match(f'<c r="{ref}">'.encode())) is hit, ref
    assert sheetread.column_number("XFD") == 16384 and sheetread._column_letters(100) == "CV"
