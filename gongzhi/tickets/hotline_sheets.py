"""The 12345 hotline export as a file: reading an upload (xlsx, or csv in UTF-8 or GBK), writing the
template and the error report. Nothing here touches the database; ``hotline.hotline_import`` does.

A file is refused as a whole (``ValidationFailed``, HTTP 400) when it is not xlsx/csv, is damaged, too
large, has too many rows or lacks a required column; problems inside a row are the service's to find.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.utils.translation import gettext

from gongzhi.core import sheets
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.sheets import XLSX_CONTENT_TYPE, in_chinese, max_file_bytes, max_rows

SHEET = "12345工单"
NUMBER, CALLED_AT, CONTENT, ADDRESS, PHONE, KIND, LIMIT, CALLER = (
    "工单编号",
    "来电时间",
    "诉求内容",
    "诉求地址",
    "联系电话",
    "诉求类型",
    "办理时限",
    "来电人",
)
HEADERS: tuple[str, ...] = (NUMBER, CALLED_AT, CONTENT, ADDRESS, PHONE, KIND, LIMIT, CALLER)
REQUIRED_HEADERS: tuple[str, ...] = (NUMBER, CALLED_AT, CONTENT)
# What other hotline systems (and other years of the same one) call the same columns.
HEADER_ALIASES = {
    "工单号": NUMBER,
    "受理编号": NUMBER,
    "工单编码": NUMBER,
    "编号": NUMBER,
    "来电日期": CALLED_AT,
    "受理时间": CALLED_AT,
    "登记时间": CALLED_AT,
    "诉求时间": CALLED_AT,
    "诉求详情": CONTENT,
    "来电内容": CONTENT,
    "问题描述": CONTENT,
    "工单内容": CONTENT,
    "事发地址": ADDRESS,
    "地址": ADDRESS,
    "发生地址": ADDRESS,
    "来电号码": PHONE,
    "联系方式": PHONE,
    "电话": PHONE,
    "手机号码": PHONE,
    "诉求分类": KIND,
    "问题类型": KIND,
    "工单类型": KIND,
    "事项分类": KIND,
    "处理时限": LIMIT,
    "办结时限": LIMIT,
    "时限": LIMIT,
    "诉求人": CALLER,
    "来电人姓名": CALLER,
    "联系人": CALLER,
    "姓名": CALLER,
}
WIDTHS = {NUMBER: 20, CALLED_AT: 18, CONTENT: 50, ADDRESS: 36, PHONE: 15, KIND: 18, LIMIT: 16, CALLER: 10}
DEFAULT_WIDTH = 14
CSV_CONTENT_TYPE = "text/csv"
EXAMPLE_NUMBER = "示例-20261120-0001"
# The caller's phone, however it was typed, is masked in the stored error report.
MASKS = {PHONE: sheets.phone_digits}


@dataclass
class HotlineRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    values: dict[str, str]
    called_at: dt.datetime | None = None  # when the cell held a real date-time (xlsx)

    def get(self, header: str) -> str:
        return self.values.get(header, "")

    def raw(self) -> list[str]:
        return [self.values.get(h, "") for h in HEADERS]


def check_upload(file_name: str, size: int) -> str:
    """'xlsx' or 'csv' from the name; refuses other formats, empty and oversized files."""
    return sheets.check_upload(
        file_name, size, accepted=".xlsx 或 .csv 格式的12345工单导出文件", save_as=".xlsx 或 .csv"
    )


_text = partial(sheets.cell_text, datetime_format="%Y-%m-%d %H:%M:%S")


def normal_header(value: object) -> str:
    text = re.sub(r"[\s*＊:：]", "", _text(value)).lstrip("\ufeff")
    return HEADER_ALIASES.get(text, text)


def csv_encoding(content: bytes) -> tuple[str, str]:
    """(encoding, errors) to decode a csv export with: the hotline exports UTF-8 (often with a BOM) or
    GBK, and GB18030 reads every GBK file. A file with binary content (NUL) is refused."""
    found = ("utf-8-sig", "replace") if content.startswith(b"\xef\xbb\xbf") else None
    for encoding in ("utf-8", "gb18030"):
        if found:
            break
        try:
            codecs.getincrementaldecoder(encoding)().decode(content, final=True)
        except UnicodeDecodeError:
            continue
        found = (encoding, "strict")
    if found and b"\x00" in content:
        raise _not_readable("csv")
    if found:
        return found
    raise ValidationFailed(
        gettext("无法识别CSV文件的编码，请保存为UTF-8或GBK编码后再上传"),
        fields={"file": gettext("编码无法识别")},
    )


def _rows_from(records: Iterator[Any]) -> list[HotlineRow]:
    header_row = next(records, None) or ()
    columns = sheets.map_headers(
        header_row,
        known=HEADERS,
        required=REQUIRED_HEADERS,
        normalise=normal_header,
        template_hint="请使用12345导出文件或导入模板",
        max_columns=80,
    )
    out: list[HotlineRow] = []
    for number, cells in sheets.scan_rows(records, columns):
        row = HotlineRow(number=number, values={})
        for header, value in cells.items():
            if header == CALLED_AT and isinstance(value, dt.datetime):
                row.called_at = value
            row.values[header] = _text(value)
        out.append(row)
    return out


def _not_readable(kind: str) -> ValidationFailed:
    what = "Excel（.xlsx）" if kind == "xlsx" else "CSV"
    return ValidationFailed(
        gettext("文件不是有效的%(what)s文件，可能已损坏或只是改了扩展名") % {"what": what},
        fields={"file": gettext("文件无法读取")},
    )


@in_chinese
def read_hotline_file(content: bytes, kind: str) -> list[HotlineRow]:
    """The rows of an upload, read in a child process within the import limits (``core.sheets.read_upload``)."""
    encoding, errors = ("utf-8", "strict")
    if kind == "csv":
        encoding, errors = csv_encoding(content)
    records = sheets.read_upload(
        content,
        kind,
        sheet=SHEET,
        others="first",
        what="工单导出文件",
        unreadable=lambda _line: _not_readable(kind),
        label="hotline import",
        csv_encoding=encoding,
        csv_errors=errors,
    )
    return _rows_from(records)


def mask_raw(header: str, value: str) -> str:
    return sheets.mask_raw(header, value, MASKS)


# --- writing ---------------------------------------------------------------------------------------


@in_chinese
def template_workbook() -> bytes:
    notes = {
        NUMBER: ("必填", "12345热线工单编号；同一编号重复导入会被跳过，不会重复建单"),
        CALLED_AT: ("必填", "如 2026-11-20 09:30（北京时间）"),
        CONTENT: ("必填", "群众诉求内容，不超过4000字"),
        ADDRESS: ("选填", "诉求地址；与住户登记地址一致时自动落到所在网格，否则转区级受理台"),
        PHONE: ("必填", "来电人联系电话（手机或带区号的固话），用于回访；系统中加密保存、脱敏显示"),
        KIND: ("选填", "诉求类型；按事件分类名称或关键词自动对应，对应不上时留空，由受理人补充"),
        LIMIT: ("选填", "办理时限，如 3个工作日、24小时、2个工作时、5天，或截止时间 2026-11-25 17:00"),
        CALLER: ("选填", "来电人姓名（也可用“诉求人”列）"),
    }
    wb = sheets.template_workbook(
        sheet=SHEET,
        headers=HEADERS,
        widths=WIDTHS,
        default_width=DEFAULT_WIDTH,
        example=[
            EXAMPLE_NUMBER,
            "2026-11-20 09:30",
            "小区东门路灯连续三晚不亮，行人夜间出行不便",
            "银山社区小区1号楼1单元101室",
            "13912345678",
            "路灯",
            "3个工作日",
            "张先生",
        ],
        text_columns=(NUMBER, PHONE, CALLED_AT),
        help_rows=[(header, *notes[header]) for header in HEADERS],
        footer=(
            "1. 第2行是示例，导入前请删除。可直接上传12345系统导出的 .xlsx 或 .csv（UTF-8 或 GBK 编码）文件，多余的列会被忽略。",
            f"2. 单个文件最多{max_rows()}行、{max_file_bytes() // 1024 // 1024}MB。",
            "3. 校验通过的行直接建单；有错误的行不建单，可下载错误报告按行号修改后重新导入（已导入的行会自动跳过）。",
        ),
    )
    return sheets.save(wb)


@in_chinese
def error_report_workbook(*, errors: list[dict], rows: dict[str, list[str]]) -> bytes:
    """行号 · 列 · 错误原因, then the row's original values (phone masked)."""
    return sheets.error_report_workbook(
        errors=errors, headers=HEADERS, rows=rows, widths=WIDTHS, default_width=10
    )


__all__ = ["CSV_CONTENT_TYPE", "HEADERS", "XLSX_CONTENT_TYPE", "HotlineRow", "read_hotline_file"]
