"""The population register as an Excel file: reading an upload, writing the template, the error report
and the export. Nothing here touches the database; ``imports.population_import`` does.

An upload is an xlsx workbook or a csv file (UTF-8 with or without BOM, or GBK/GB18030 as Excel saves it
on Chinese Windows), with the same headers and row rules. It is refused as a whole (``ValidationFailed``,
a Chinese message, HTTP 400) when it is neither, is damaged, too large, has too many rows or lacks a
required column. Problems inside a row
are not decided here except those only the raw cell shows (an ID number Excel turned into a number, a
door number it turned into a date); the service validates every row and collects all errors.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from gongzhi.core import sheets
from gongzhi.core.cells import new_workbook
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.sheets import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # for the tests' helpers
from gongzhi.core.sheets import in_chinese, max_file_bytes, max_rows
from gongzhi.people.enums import PersonTag, Relation, ResidenceType

SHEET = "实有人口"
HELP_SHEET = sheets.HELP_SHEET
GRID, ESTATE, BUILDING, ENTRANCE, DOOR = "网格编码", "小区", "楼栋", "单元", "门牌号"
NAME, ID_NUMBER, PHONE, RELATION, RESIDENCE, TAGS = (
    "姓名",
    "身份证号码",
    "联系电话",
    "与户主关系",
    "居住类型",
    "标签",
)
HEADERS: tuple[str, ...] = (
    GRID,
    ESTATE,
    BUILDING,
    ENTRANCE,
    DOOR,
    NAME,
    ID_NUMBER,
    PHONE,
    RELATION,
    RESIDENCE,
    TAGS,
)
REQUIRED_HEADERS: tuple[str, ...] = (GRID, DOOR, NAME, RELATION)
# Columns Excel must keep as text: long digit strings lose digits as numbers, "1-101" becomes a date.
TEXT_COLUMNS = (GRID, ESTATE, BUILDING, ENTRANCE, DOOR, NAME, ID_NUMBER, PHONE)
# Headers other registers use for the same column.
HEADER_ALIASES = {
    "网格编号": GRID,
    "网格代码": GRID,
    "小区名称": ESTATE,
    "楼号": BUILDING,
    "楼栋号": BUILDING,
    "单元号": ENTRANCE,
    "门牌": DOOR,
    "房号": DOOR,
    "户号": DOOR,
    "身份证号": ID_NUMBER,
    "公民身份号码": ID_NUMBER,
    "手机号": PHONE,
    "手机号码": PHONE,
    "电话": PHONE,
    "联系方式": PHONE,
    "户主关系": RELATION,
    "与户主的关系": RELATION,
    "人口类型": RESIDENCE,
    "居住类别": RESIDENCE,
    "人员标签": TAGS,
    "人员类别": TAGS,
}
TAG_SEPARATORS = re.compile(r"[、,，;；\s]+")
# The template's example row; an upload that still carries it is refused on that row.
EXAMPLE_ID_NUMBER = "370102199003071238"
WIDTHS = {GRID: 19, ESTATE: 16, BUILDING: 8, ENTRANCE: 7, DOOR: 10, NAME: 10, ID_NUMBER: 22, PHONE: 15}
DEFAULT_WIDTH = 12
# What an uploader typed in these columns is masked in the stored error report, valid or not.
MASKS = {ID_NUMBER: sheets.keep_ends(4, 4), PHONE: sheets.keep_ends(3, 4)}


@dataclass
class SheetRow:
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, str]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (column, Chinese reason)

    def get(self, header: str) -> str:
        return self.values.get(header, "")

    def raw(self) -> list[str]:
        return [self.values.get(h, "") for h in HEADERS]


@dataclass
class Sheet:
    headers: list[str]  # the recognised headers present in the file, in HEADERS order
    rows: list[SheetRow]


def check_upload(file_name: str, size: int) -> str:
    """'xlsx' or 'csv'; refuses other formats, empty and oversized files before a byte is read."""
    return sheets.check_upload(file_name, size, accepted=".xlsx 格式的Excel文件或 .csv 文件", save_as=".xlsx")


def _not_xlsx() -> ValidationFailed:
    return ValidationFailed(
        gettext("文件不是有效的Excel（.xlsx）文件，可能已损坏或只是改了扩展名"),
        fields={"file": gettext("文件无法读取")},
    )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "是" if value else "否"
    return sheets.cell_text(value)


def _normal_header(value: object) -> str:
    text = re.sub(r"[\s*＊]", "", _text(value))
    return HEADER_ALIASES.get(text, text)


_ID_AS_NUMBER = "身份证号码被Excel存成了数字，末几位已丢失；请将该列设为“文本”格式后重新填写"
# How Excel writes a long number it keeps as a number into csv: 3.70102E+17.
_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+\d+$")


def _cell(header: str, value: object, problems: list[tuple[str, str]]) -> str:
    if type(value) is str:  # most cells: nothing Excel could have mangled
        return value.strip()
    if header == ID_NUMBER and isinstance(value, float):
        problems.append((header, _ID_AS_NUMBER))
    elif header in TEXT_COLUMNS and isinstance(value, dt.datetime | dt.date | dt.time):
        problems.append((header, f"{header}被Excel自动转换成了日期；请将该列设为“文本”格式后重新填写"))
    return _text(value)


@in_chinese
def read_population_file(file_name: str, content: bytes) -> Sheet:
    """The upload as a sheet: a csv file by its name, otherwise an xlsx workbook."""
    if (file_name or "").strip().lower().endswith(".csv"):
        return read_population_csv(content)
    return read_population_sheet(content)


def _not_csv(reason: str) -> ValidationFailed:
    return ValidationFailed(
        gettext("CSV文件无法读取：%(reason)s") % {"reason": reason}, fields={"file": gettext("文件无法读取")}
    )


def _csv_encoding(content: bytes) -> str:
    """UTF-8 (with or without BOM), else GB18030 (a superset of GBK, which Excel on Chinese Windows
    writes); a file that is neither, or holds binary content, is refused rather than read as mojibake."""
    if content.startswith(b"PK\x03\x04") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise _not_csv("这是Excel文件而不是CSV文件，请把扩展名改回 .xlsx 后上传")
    if content.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise _not_csv("文件是UTF-16编码，请在Excel中“另存为”“CSV UTF-8（逗号分隔）”后再上传")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(content, final=True)
        except UnicodeDecodeError:
            continue
        if b"\x00" in content:  # NUL is a NUL byte in UTF-8 and GB18030 alike
            raise _not_csv("文件中含有二进制内容，不是文本格式的CSV文件")
        return encoding
    raise _not_csv("文件编码既不是UTF-8也不是GBK，请另存为“CSV UTF-8（逗号分隔）”后再上传")


@in_chinese
def read_population_csv(content: bytes) -> Sheet:
    """Reads a csv file with the template's headers; a cell is text as typed (csv has no types)."""
    encoding = _csv_encoding(content)
    return _read_rows(_records(content, "csv", csv_encoding=encoding), numbers_as_text=True)


@in_chinese
def read_population_sheet(content: bytes) -> Sheet:
    """Reads the sheet 实有人口 (or the only sheet) of an xlsx file; refuses files it cannot trust.

    The rows are read in a child process within the import limits (``core.sheets.read_upload``):
    calamine (Rust), several times faster than openpyxl's read-only mode, once a streaming scan has
    bounded the sheet."""
    return _read_rows(_records(content, "xlsx"))


def _records(content: bytes, kind: str, *, csv_encoding: str = "utf-8") -> Iterator[Sequence[object]]:
    def unreadable(line: int | None) -> ValidationFailed:
        if kind == "xlsx":
            return _not_xlsx()
        if line:
            return _not_csv(
                f"第{line}行格式错误（引号不成对、分隔符有误或单元格过长），请用Excel重新保存为CSV"
            )
        return _not_csv("文件格式错误，请用Excel重新保存为CSV")

    return sheets.read_upload(
        content,
        kind,
        sheet=SHEET,
        ignore=(HELP_SHEET,),
        what="人口登记表",
        unreadable=unreadable,
        label="population import",
        csv_encoding=csv_encoding,
        strict_csv=True,
    )


def _read_rows(rows: Iterator[Sequence[object]], *, numbers_as_text: bool = False) -> Sheet:
    """The header row, then every non-empty row (numbered as Excel shows it) mapped to its columns.

    ``numbers_as_text``: the cells are strings as a csv file stores them; an ID number Excel wrote as a
    number (3.70102E+17) is reported the way the xlsx reader reports a numeric ID cell."""
    header_row = next(rows, None) or ()
    columns = sheets.map_headers(
        header_row,
        known=HEADERS,
        required=REQUIRED_HEADERS,
        normalise=_normal_header,
        template_hint="请使用导入模板",
        max_columns=60,
    )
    out: list[SheetRow] = []
    for number, cells in sheets.scan_rows(rows, columns):
        problems: list[tuple[str, str]] = []
        row = {header: _cell(header, value, problems) for header, value in cells.items()}
        if numbers_as_text and _SCIENTIFIC.match(row.get(ID_NUMBER, "")):
            problems.append((ID_NUMBER, _ID_AS_NUMBER))
        out.append(SheetRow(number=number, values=row, problems=problems))
    present = [h for h in HEADERS if h in columns.values()]
    return Sheet(headers=present, rows=out)


def split_tags(text: str) -> list[str]:
    return [t for t in TAG_SEPARATORS.split(text or "") if t]


# --- writing -------------------------------------------------------------------------------------


@in_chinese
def template_workbook(*, example_grid_code: str = "370115001001001") -> bytes:
    """The import template: headers, one example row, drop-down lists, text columns and a help sheet."""
    example = {
        GRID: example_grid_code,
        ESTATE: "银山小区",
        BUILDING: "3",
        ENTRANCE: "1",
        DOOR: "101",
        NAME: "张三",
        ID_NUMBER: EXAMPLE_ID_NUMBER,
        PHONE: "13912345678",
        RELATION: str(Relation.HEAD.label),
        RESIDENCE: str(ResidenceType.REGISTERED.label),
        TAGS: f"{PersonTag.PARTY_MEMBER.label}、{PersonTag.VETERAN.label}",
    }
    notes = {
        GRID: "15位网格编码（6位区县+3位街道+3位社区+3位序号），只能填写您管辖范围内的网格",
        ESTATE: "小区名称；农村可填写村民小组",
        BUILDING: "楼号，如 3 或 3号楼",
        ENTRANCE: "单元号，如 1",
        DOOR: "门牌号/房号，如 101；同一网格内 小区+楼栋+单元+门牌号 相同的人员视为同一户",
        NAME: "姓名，不超过50个字",
        ID_NUMBER: (
            "18位居民身份证号码；请保持“文本”格式，否则Excel会丢失末几位。已登记在其他住户的号码不能导入"
        ),
        PHONE: "手机号或固定电话（固话请带区号）；留空不会清除已登记的号码",
        RELATION: "从下拉列表选择：" + "、".join(str(label) for label in Relation.labels),
        RESIDENCE: "从下拉列表选择："
        + "、".join(str(label) for label in ResidenceType.labels)
        + "；留空按户籍人口登记",
        TAGS: "可填多个，用顿号（、）、逗号或分号分隔："
        + "、".join(str(label) for label in PersonTag.labels),
    }
    wb = sheets.template_workbook(
        sheet=SHEET,
        headers=HEADERS,
        widths=WIDTHS,
        default_width=DEFAULT_WIDTH,
        marked_required=REQUIRED_HEADERS,
        example=[example[h] for h in HEADERS],
        text_columns=TEXT_COLUMNS,
        help_rows=[(h, "必填" if h in REQUIRED_HEADERS else "选填", notes[h]) for h in HEADERS],
        footer=(
            "1. 第2行是示例，导入前请删除。每行一人，第1行列名不要修改。",
            f"2. 单个文件最多{max_rows()}行、{max_file_bytes() // 1024 // 1024}MB；数据较多时请按网格分批导入。",
            "3. 导入前会逐行校验，只要有一行有错就不会写入任何数据；可下载错误报告，按行号修改后重新导入。",
            "4. 已登记的人员按身份证号码匹配（未填身份证号码的按同一住户内的姓名匹配），有变化的项会被更新。",
            "5. 同一文件重复导入不会产生重复数据。可先选择“仅校验”，确认无误后再正式导入。",
            "6. 身份证号码和电话号码加密保存，系统中只显示脱敏后的号码。",
        ),
    )
    ws = wb[SHEET]
    ws.column_dimensions[get_column_letter(HEADERS.index(TAGS) + 1)].width = 26
    ws.column_dimensions[get_column_letter(HEADERS.index(RELATION) + 1)].width = 14
    ws.column_dimensions[get_column_letter(HEADERS.index(RESIDENCE) + 1)].width = 12
    last = max_rows() + 1
    for header in TEXT_COLUMNS:  # the example's cells too, so the ID number shows as typed
        ws[f"{get_column_letter(HEADERS.index(header) + 1)}2"].number_format = "@"
    for header, labels in (
        (RELATION, [str(label) for label in Relation.labels]),
        (RESIDENCE, [str(label) for label in ResidenceType.labels]),
    ):
        letter = get_column_letter(HEADERS.index(header) + 1)
        dv = DataValidation(
            type="list",
            formula1='"' + ",".join(labels) + '"',
            allow_blank=True,
            showErrorMessage=True,
            errorTitle="请从列表中选择",
            error=f"{header}只能是：{'、'.join(labels)}",
            promptTitle=header,
            prompt="请从下拉列表中选择",
            showInputMessage=True,
        )
        dv.add(f"{letter}2:{letter}{last}")
        ws.add_data_validation(dv)
    help_ws = wb[HELP_SHEET]
    help_ws.column_dimensions["A"].width = 14
    help_ws.column_dimensions["B"].width = 10
    for row in help_ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    return sheets.save(wb)


@in_chinese
def error_report_workbook(*, errors: list[dict], headers: list[str], rows: dict[str, list[str]]) -> bytes:
    """行号 · 列 · 错误原因, then the row's original values (ID and phone masked). The columns are the
    format's ``HEADERS``, in which the rows were stored; ``headers`` is the record's copy of them."""
    return sheets.error_report_workbook(
        errors=errors, headers=HEADERS, rows=rows, widths=WIDTHS, default_width=DEFAULT_WIDTH
    )


EXPORT_HEADERS = (
    "网格编码",
    "住址",
    "姓名",
    "性别",
    "出生日期",
    "与户主关系",
    "居住类型",
    "标签",
    "身份证号码（脱敏）",
    "联系电话（脱敏）",
)


@in_chinese
def persons_workbook(rows: Iterable[Sequence[object]]) -> bytes:
    """The export: masked values only, streamed row by row (write-only keeps 50 000 rows cheap)."""
    wb = new_workbook(write_only=True)  # every cell through core.cells.safe_cell
    ws = wb.create_sheet(SHEET)
    widths = {"住址": 36, "身份证号码（脱敏）": 22, "联系电话（脱敏）": 15, "标签": 24, "网格编码": 19}
    for col, header in enumerate(EXPORT_HEADERS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = widths.get(header, 11)
    ws.freeze_panes = "A2"
    ws.append(list(EXPORT_HEADERS))
    for row in rows:
        ws.append(list(row))
    return sheets.save(wb)


def mask_raw(header: str, value: str) -> str:
    """Masks what the uploader typed in an ID or phone cell, valid or not, for the stored report."""
    return sheets.mask_raw(header, value, MASKS)
