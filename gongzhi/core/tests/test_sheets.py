"""core.sheets: the helpers every spreadsheet format builds on, over real xlsx files written with openpyxl
and read back (no format's headers: a two-column made-up format)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from functools import partial

import pytest
from django.utils import translation
from openpyxl import Workbook, load_workbook

from gongzhi.core import http, sheets
from gongzhi.core.errors import ValidationFailed

HEADERS = ("编号", "电话", "备注")
WIDTHS = {"编号": 20, "电话": 15}


def xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()  # an upload as any program writes it (core.sheets.save writes through core.cells)
    wb.save(buf)
    return buf.getvalue()


def read_back(content: bytes) -> list[Sequence[object]]:
    """Through read_upload (in the child process, within bounds), as a format reads an upload."""
    return list(
        sheets.read_upload(
            content,
            "xlsx",
            sheet="测试",
            others="first",
            what="测试表",
            unreadable=lambda _line: ValidationFailed("读不了", fields={"file": "文件无法读取"}),
            label="test",
        )
    )


def columns_of(header_row) -> dict[int, str]:
    return sheets.map_headers(
        header_row,
        known=HEADERS,
        required=("编号",),
        normalise=lambda v: sheets.cell_text(v).replace(" ", ""),
        template_hint="请使用测试模板",
        max_columns=10,
    )


def refused(fn, *args, **kwargs) -> ValidationFailed:
    with pytest.raises(ValidationFailed) as exc:
        fn(*args, **kwargs)
    return exc.value


def test_one_content_type_for_xlsx():
    assert sheets.XLSX_CONTENT_TYPE is http.XLSX_CONTENT_TYPE


def test_limits_come_from_settings(settings):
    assert (sheets.max_file_bytes(), sheets.max_rows()) == (20 * 1024 * 1024, 50_000)
    settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_ROWS = 2048, 7
    assert (sheets.max_file_bytes(), sheets.max_rows()) == (2048, 7)


def test_in_chinese_whatever_the_page_language():
    @sheets.in_chinese
    def label() -> str:
        return translation.get_language()

    with translation.override("en"):
        assert label() == "zh-hans"
        assert translation.get_language() == "en"


@pytest.mark.parametrize(
    ("name", "size", "answer"),
    [
        ("a.xlsx", 10, "xlsx"),
        (" A.XLSX ", 10, "xlsx"),
        ("a.csv", 10, "csv"),
        ("a.xls", 10, "暂不支持旧版 .xls 文件，请在Excel中“另存为” .xlsx 或 .csv 格式后再上传"),
        ("a.txt", 10, "请上传 测试文件（可先下载导入模板）"),
        ("", 10, "请上传 测试文件（可先下载导入模板）"),
        ("a.xlsx", 0, "上传的文件是空的"),
        ("a.csv", 3 * 1024 * 1024, "文件过大（3.0MB），单个文件不能超过2MB，请分批导入"),
    ],
)
def test_check_upload(settings, name, size, answer):
    settings.IMPORT_MAX_BYTES = 2 * 1024 * 1024
    check = partial(sheets.check_upload, accepted="测试文件", save_as=".xlsx 或 .csv")
    if answer in ("xlsx", "csv"):
        assert check(name, size) == answer
    else:
        assert refused(check, name, size).message == answer


def test_rows_are_scanned_within_bounds_from_a_real_file(settings):
    settings.IMPORT_MAX_ROWS = 3
    when = dt.datetime(2026, 11, 20, 9, 30)
    content = xlsx(
        [
            [" 编号 ", "多余", "电话", "备注"],
            ["A1", "x", 13912345678, when],
            [None, None, None, None],
            ["", "  ", None],  # blank as Excel leaves it: skipped, still counted as a row number
            ["A2", None, "139-1234-5678"],  # a short row: the missing cells are None
        ]
    )
    records = iter(read_back(content))
    columns = columns_of(next(records))
    assert columns == {0: "编号", 2: "电话", 3: "备注"}
    rows = list(sheets.scan_rows(records, columns))
    assert rows == [
        (2, {"编号": "A1", "电话": 13912345678, "备注": when}),
        (5, {"编号": "A2", "电话": "139-1234-5678", "备注": None}),
    ]
    assert sheets.cell_text(rows[0][1]["电话"]) == "13912345678"
    assert sheets.cell_text(when) == "2026-11-20"
    assert sheets.cell_text(when, datetime_format="%Y-%m-%d %H:%M") == "2026-11-20 09:30"
    assert sheets.cell_text(dt.date(2026, 1, 2)) == "2026-01-02"
    assert sheets.cell_text(None) == "" and sheets.cell_text(" x ") == "x" and sheets.cell_text(1.5) == "1.5"


def test_too_many_rows_refuse_the_file(settings):
    settings.IMPORT_MAX_ROWS = 2
    records = iter(read_back(xlsx([list(HEADERS), ["1"], ["2"], ["3"]])))
    columns = columns_of(next(records))
    error = refused(list, sheets.scan_rows(records, columns))
    assert error.message == "文件数据超过2行，请拆分成多个文件分批导入"
    assert error.fields == {"file": "行数过多"}


def test_a_sheet_of_empty_rows_is_not_scanned_to_its_end(settings):
    settings.IMPORT_MAX_ROWS = 1
    seen = []

    def records():
        for number in range(2, 100_000):
            seen.append(number)
            yield [None, None]

    assert list(sheets.scan_rows(records(), {0: "编号"})) == []
    assert len(seen) < 1010  # stops past twice the limit + 1000 rows


def test_headers_repeated_or_missing_are_refused():
    assert "列“编号”出现了两次" in refused(columns_of, ["编号", "编号"]).message
    error = refused(columns_of, ["电话"])
    assert error.message == "第1行缺少必填列：编号。请使用测试模板，列名需与模板一致"


def test_a_damaged_or_disguised_file_is_unreadable():
    assert refused(read_back, b"just text").message == "读不了"
    assert refused(read_back, b"PK\x03\x04 not really a zip").message == "读不了"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (16 * 1024 * 1024))
    error = refused(read_back, buf.getvalue())
    assert error.message == "文件解压后过大，不像是测试表，已拒绝"


def test_masking_what_was_typed():
    masks = {"编号": sheets.keep_ends(4, 4), "电话": sheets.phone_digits}
    assert sheets.mask_raw("编号", "370102199003071238", masks) == "3701**********1238"
    assert sheets.mask_raw("编号", "12345", masks) == "***45"
    assert sheets.mask_raw("编号", "12", masks) == "**"
    assert sheets.mask_raw("电话", "139-1234-5678", masks) == "139****5678"
    assert sheets.mask_raw("电话", "无", masks) == "***"
    assert sheets.mask_raw("电话", "", masks) == ""
    assert sheets.mask_raw("备注", "13912345678", masks) == "13912345678"


def test_template_written_and_read_back():
    wb = sheets.template_workbook(
        sheet="测试",
        headers=HEADERS,
        widths=WIDTHS,
        default_width=11,
        example=["示例-1", "13912345678", "无"],
        text_columns=("编号", "电话"),
        help_rows=[("编号", "必填", "唯一编号"), ("电话", "选填", "手机"), ("备注", "选填", "随意")],
        footer=["1. 第2行是示例。"],
        marked_required=("编号",),
    )
    back = load_workbook(io.BytesIO(sheets.save(wb)))
    assert back.sheetnames == ["测试", "填写说明"]
    ws = back["测试"]
    assert [c.value for c in ws[1]] == list(HEADERS)
    assert [c.value for c in ws[2]] == ["示例-1", "13912345678", "无"]
    assert ws.freeze_panes == "A2"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("8B0000")  # required: darker
    assert ws["B1"].fill.fgColor.rgb.endswith("B22222")
    assert [ws.column_dimensions[c].width for c in "ABC"] == [20, 15, 11]
    assert ws.column_dimensions["A"].number_format == "@" and ws.column_dimensions["B"].number_format == "@"
    assert ws.column_dimensions["C"].number_format == "General"
    help_rows = list(back["填写说明"].iter_rows(values_only=True))
    assert help_rows[0] == ("列", "是否必填", "说明")
    assert help_rows[1:4] == [
        ("编号", "必填", "唯一编号"),
        ("电话", "选填", "手机"),
        ("备注", "选填", "随意"),
    ]
    assert help_rows[4] == (None, None, None) and help_rows[5][0] == "1. 第2行是示例。"
    assert back["填写说明"].column_dimensions["C"].width == 90


def test_error_report_written_and_read_back():
    content = sheets.error_report_workbook(
        errors=[
            {"row": 3, "column": "电话", "message": "号码不对"},
            {"row": None, "column": "", "message": "整个文件"},
        ],
        headers=HEADERS,
        rows={"3": ["A3", "139****5678", ""]},
        widths=WIDTHS,
        default_width=9,
    )
    ws = load_workbook(io.BytesIO(content)).worksheets[0]
    assert ws.title == "错误报告"
    assert list(ws.iter_rows(values_only=True)) == [
        ("行号", "列", "错误原因", *HEADERS),
        (3, "电话", "号码不对", "A3", "139****5678", None),
        (None, None, "整个文件", None, None, None),
    ]
    assert [ws.column_dimensions[c].width for c in "CDEF"] == [40, 20, 15, 9]
