"""What every spreadsheet upload and download shares, whatever its columns: the upload checks (name,
size), reading the rows in a child process within bounds (``read_upload``: zip bomb, sheet size, memory
and time), the row scan within the row limit, cell text, masking what an uploader typed, and the
writers of the template and the error report. A format (``people/sheets.py``, ``tickets/hotline_sheets.py``)
names its sheet, headers, aliases, widths and messages and builds on these.

The limits are settings: ``IMPORT_MAX_BYTES`` (20 MB) and ``IMPORT_MAX_ROWS`` (50 000)."""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from functools import wraps
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gongzhi.core import bounds, ids, parsing
from gongzhi.core.cells import SafeWorkbook, new_workbook
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.http import XLSX_CONTENT_TYPE as XLSX_CONTENT_TYPE  # the one definition is core.http's
from gongzhi.core.sheetread import MAX_UNZIPPED as MAX_UNZIPPED  # the zip checks run in the child
from gongzhi.core.sheetread import check_zip_sizes as check_zip_sizes

logger = logging.getLogger(__name__)

HELP_SHEET = "填写说明"
ERROR_SHEET = "错误报告"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B22222")
REQUIRED_FILL = PatternFill("solid", fgColor="8B0000")

P = ParamSpec("P")
R = TypeVar("R")


def in_chinese(fn: Callable[P, R]) -> Callable[P, R]:
    """The sheets are a Chinese file format (headers, drop-downs, labels a clerk types): whatever language
    the page is shown in, labels are written and read in Chinese."""

    @wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with translation.override("zh-hans"):
            return fn(*args, **kwargs)

    return wrapper


def max_file_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 20 * 1024 * 1024))


def max_rows() -> int:
    return int(getattr(settings, "IMPORT_MAX_ROWS", 50_000))


# --- the upload ------------------------------------------------------------------------------------


def check_upload(file_name: str, size: int, *, accepted: str, save_as: str) -> str:
    """'xlsx' or 'csv' from the name, before a byte of the file is read; refuses other formats (the old
    .xls with its own message), empty and oversized files. ``accepted`` completes “请上传 …”, ``save_as``
    the formats an .xls should be saved as."""
    name = (file_name or "").strip().lower()
    if name.endswith(".xls"):
        raise ValidationFailed(
            gettext("暂不支持旧版 .xls 文件，请在Excel中“另存为” %(save_as)s 格式后再上传")
            % {"save_as": save_as},
            fields={"file": gettext("文件格式不支持")},
        )
    kind = "xlsx" if name.endswith(".xlsx") else "csv" if name.endswith(".csv") else ""
    if not kind:
        raise ValidationFailed(
            gettext("请上传 %(accepted)s（可先下载导入模板）") % {"accepted": accepted},
            fields={"file": gettext("文件格式不支持")},
        )
    if size <= 0:
        raise ValidationFailed(gettext("上传的文件是空的"), fields={"file": gettext("文件为空")})
    limit = max_file_bytes()
    if size > limit:
        raise ValidationFailed(
            f"文件过大（{size / 1024 / 1024:.1f}MB），单个文件不能超过{limit // 1024 // 1024}MB，请分批导入",
            fields={"file": gettext("文件过大")},
        )
    return kind


# The widest sheet read: the formats have 8–20 columns; a cell further right refuses the file.
MAX_COLUMNS = 100


def read_upload(
    content: bytes,
    kind: str,
    *,
    sheet: str,
    what: str,
    unreadable: Callable[[int | None], ValidationFailed],
    label: str,
    others: str = "only",
    ignore: Sequence[str] = (),
    csv_encoding: str = "utf-8",
    csv_errors: str = "strict",
    strict_csv: bool = False,
) -> Iterator[Sequence[object]]:
    """The rows of an upload (``kind`` from ``check_upload``), read in a child process within the memory
    and time limits (``core.parsing``) and within the sheet bounds (``core.sheetread``: at most
    ``max_rows()`` data rows, ``MAX_COLUMNS`` columns, a zip that is no bomb). An xlsx is read from its
    sheet ``sheet``, else the only sheet not in ``ignore`` (``others="only"``) or the first
    (``others="first"``); a csv file as ``csv_encoding`` (the caller has checked the text).

    A damaged file is ``unreadable(line)`` (the csv line when known; logged under ``label``); a file out
    of bounds, or one the child could not read within its limits, a Chinese ``ValidationFailed``."""
    if kind == "xlsx" and not content.startswith(b"PK\x03\x04"):
        # Not a zip at all (a pdf, a page, an .xls renamed): refused here, no child started for it.
        logger.info("%s: unreadable xlsx (not a zip)", label)
        raise unreadable(None)
    options: dict[str, Any] = {"max_rows": max_rows(), "max_columns": MAX_COLUMNS}
    if kind == "csv":
        options.update(encoding=csv_encoding, errors=csv_errors, strict=strict_csv)
    else:
        options.update(sheet=sheet, others=others, ignore=tuple(ignore), what=what)
    try:
        rows = parsing.run("gongzhi.core.sheetread:read_table", content, kind=kind, **options)
    except parsing.Unreadable as exc:
        logger.info("%s: unreadable %s (%s)", label, kind, exc.kind)
        raise unreadable(exc.line) from None
    return iter(rows)


# --- reading rows ----------------------------------------------------------------------------------


def cell_text(value: object, *, datetime_format: str = "%Y-%m-%d") -> str:
    """A cell as the text a clerk sees: a whole number without ``.0``, a date-time as ``datetime_format``,
    text without control characters (a csv can carry NUL, ``\\x0b``, ESC: stripped as at every input edge,
    ``core.bounds.clean_text``, so an import never stores one)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.strftime(datetime_format)
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    return bounds.clean_text(str(value)).strip()


def is_blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def map_headers(
    header_row: Iterable[object],
    *,
    known: Collection[str],
    required: Iterable[str],
    normalise: Callable[[object], str],
    template_hint: str,
    max_columns: int,
) -> dict[int, str]:
    """Column index → header for the known headers of the first row; a repeated or missing required
    column is refused with a Chinese message (``template_hint`` says which file to use instead)."""
    columns: dict[int, str] = {}
    for index, value in enumerate(list(header_row)[:max_columns]):
        header = normalise(value)
        if header in known:
            if header in columns.values():
                raise ValidationFailed(
                    gettext("列“%(header)s”出现了两次，请删除多余的列") % {"header": header},
                    fields={"file": gettext("列名重复")},
                )
            columns[index] = header
    missing = [h for h in required if h not in columns.values()]
    if missing:
        raise ValidationFailed(
            f"第1行缺少必填列：{'、'.join(missing)}。{template_hint}，列名需与模板一致",
            fields={"file": gettext("缺少必填列")},
        )
    return columns


def scan_rows(
    records: Iterable[Sequence[object] | None], columns: Mapping[int, str]
) -> Iterator[tuple[int, dict[str, object]]]:
    """The rows after the header, each as (its number as the spreadsheet shows it, header → the cell as
    read, None where the row is short). Empty rows are skipped; a sheet of formatted but empty rows is
    not scanned to its end; more than ``max_rows()`` rows with data refuse the file."""
    limit = max_rows()
    found = 0
    last = max(columns) + 1
    for number, values in enumerate(records, start=2):
        cells = values[:last] if values else ()
        if all(is_blank(v) for v in cells):
            if number > limit * 2 + 1000:
                break
            continue
        if found >= limit:
            raise ValidationFailed(
                gettext("文件数据超过%(limit)s行，请拆分成多个文件分批导入") % {"limit": limit},
                fields={"file": gettext("行数过多")},
            )
        found += 1
        yield (
            number,
            {header: cells[index] if index < len(cells) else None for index, header in columns.items()},
        )


# --- masking what an uploader typed ----------------------------------------------------------------


def keep_ends(head: int, tail: int) -> Callable[[str], str]:
    """A masker keeping ``head`` first and ``tail`` last characters of what was typed, valid or not."""

    def mask(value: str) -> str:
        if len(value) <= head + tail:
            return "*" * max(len(value) - 2, 1) + value[-2:] if len(value) > 2 else "*" * len(value)
        return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]

    return mask


def phone_digits(value: str) -> str:
    """A masker for a phone typed any way (139-1234-5678): its digits masked as every phone is shown."""
    digits = re.sub(r"\D", "", value)
    return ids.mask_phone(digits) if digits else "***"


def mask_raw(header: str, value: str, masks: Mapping[str, Callable[[str], str]]) -> str:
    """What was typed in a cell, masked when its column holds personal data, for the stored report."""
    mask = masks.get(header)
    return mask(value) if value and mask is not None else value


# --- writing ---------------------------------------------------------------------------------------
# Through the one safe writer (core/cells.py): every cell written here passes ``safe_cell``.


def save(workbook: SafeWorkbook) -> bytes:
    return workbook.to_bytes()


def style_header(
    ws: Any,
    headers: Sequence[str],
    *,
    widths: Mapping[str, int],
    default_width: int,
    required: Collection[str] = (),
) -> None:
    """Row 1 white on red (a required column darker), the columns' widths, the header row frozen."""
    for col, header in enumerate(headers, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font = HEADER_FONT
        cell.fill = REQUIRED_FILL if header in required else HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center")
        ws.column_dimensions[get_column_letter(col)].width = widths.get(header, default_width)
    ws.freeze_panes = "A2"


def template_workbook(
    *,
    sheet: str,
    headers: Sequence[str],
    widths: Mapping[str, int],
    default_width: int,
    example: Sequence[object],
    text_columns: Iterable[str],
    help_rows: Iterable[Sequence[str]],
    footer: Iterable[str],
    marked_required: Collection[str] = (),
) -> SafeWorkbook:
    """An import template: the sheet ``sheet`` with the headers and one example row, ``text_columns``
    formatted as text (so Excel keeps long numbers and door numbers as typed), and the help sheet 填写说明
    (列 · 是否必填 · 说明 per column, then ``footer``). Returned unsaved so a format can add drop-downs."""
    wb = new_workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    style_header(ws, headers, widths=widths, default_width=default_width, required=marked_required)
    ws.append(list(example))
    for header in text_columns:
        ws.column_dimensions[get_column_letter(headers.index(header) + 1)].number_format = "@"
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["列", "是否必填", "说明"])
    style_header(help_ws, ["列", "是否必填", "说明"], widths=widths, default_width=default_width)
    help_ws.column_dimensions["C"].width = 90
    for row in help_rows:
        help_ws.append(list(row))
    help_ws.append([])
    for line in footer:
        help_ws.append([line])
    return wb


def error_report_workbook(
    *,
    errors: Iterable[Mapping[str, Any]],
    headers: Sequence[str],
    rows: Mapping[str, Sequence[str]],
    widths: Mapping[str, int],
    default_width: int,
) -> bytes:
    """行号 · 列 · 错误原因, then the row's original values as stored (masked), one line per error."""
    wb = new_workbook(write_only=True)
    ws = wb.create_sheet(ERROR_SHEET)
    columns = ["行号", "列", "错误原因", *headers]
    for col, header in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(col)].width = (
            40 if header == "错误原因" else widths.get(header, default_width)
        )
    ws.freeze_panes = "A2"
    ws.append(columns)
    for err in errors:
        values = rows.get(str(err.get("row")), [])
        ws.append([err.get("row") or "", err.get("column", ""), err.get("message", ""), *values])
    return save(wb)
