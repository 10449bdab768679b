"""An uploaded xlsx or csv file read into plain rows within bounds: what runs in the child process of
``gongzhi.core.parsing`` (``core.sheets.read_upload`` sends it there). No Django here: the child imports
this module, ``core.errors`` and the readers, nothing else.

Bounds, each checked before the cells they bound are allocated:

- the zip (an xlsx): its declared sizes and member count (a zip bomb is refused before a byte is unpacked);
- every part of it holding cells: the highest row and column of a cell with a value, found by a streaming
  scan of the XML in chunks. The ``<dimension ref=…>`` a file declares is not trusted (it can lie or be
  missing): the cells' own references are. A cell past ``last_row(max_rows)`` (the header, the data rows
  and ``BLANK_SLACK`` empty rows) or past ``max_columns`` refuses the file — so calamine, which allocates
  the used range densely (a cell at XFD1048576 is 550 GB), never sees a sheet larger than the import
  limits. A part with a cell the scan cannot place (no plain ``r="B7"``) is read by openpyxl's streaming
  reader instead, row by row, each row cut at ``max_columns``, stopping past the bound;
- csv: the field size (``FIELD_MAX`` characters), each row cut at ``max_columns``, rows counted as they
  stream, a row with data past the bound refusing the file.

What is returned is plain data: lists of str, int, float, bool, None and datetime values.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from gongzhi.core.errors import ValidationFailed

# A spreadsheet's parts compress about 5–30 times; a part that claims far more is a zip bomb.
ZIP_MAX_RATIO = 100
ZIP_RATIO_FROM = 8 * 1024 * 1024  # small parts (styles, a short sheet) may compress better: not judged
ZIP_MAX_MEMBERS = 10_000
# A 20 MB upload of xlsx expands to far less than this; more means a zip bomb, not a register.
MAX_UNZIPPED = 300 * 1024 * 1024
# Empty rows tolerated between and after the data rows (a clerk's stray blank lines).
BLANK_SLACK = 1000
# The longest csv field, in characters (a 12345 complaint is at most 4000).
FIELD_MAX = 100_000
CHUNK = 1024 * 1024

_PREFIX = rb"(?:[A-Za-z_][\w.-]*:)?"
# How every common writer (Excel, WPS, LibreOffice, openpyxl, POI, EPPlus) writes a cell: <c r="B7" …>.
# A chunk with a cell written otherwise (attributes in another order, a namespace prefix, no reference)
# is read by the slower general patterns below.
_ODD_CELL = re.compile(rb'<c(?=[\s/>])(?! r="[A-Z]{1,3}[0-9]{1,7}")')
_PREFIXED_CELL = re.compile(rb":c[\s/>]")
_PLAIN_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"[^>]*?(/?)>')
# Every cell element's start tag, however it is written (<c …>, <c/>, <x:c …>): what must be placed.
_CELL_OPEN = re.compile(rb"<" + _PREFIX + rb"c[\s/>]")
# A start tag with a reference; group 3 is "/" for an empty cell (<c r="A9" s="1"/>: no value).
_CELL_REF = re.compile(
    rb"<" + _PREFIX + rb"c\s(?:[^>]*?\s)?r\s*=\s*[\"']([A-Z]{1,3})([0-9]{1,7})[\"'][^>]*?(/?)>"
)


def _above(bound: str, low: str, high: str) -> list[str]:
    """Patterns for the strings as long as ``bound``, over the alphabet low–high, that sort after it."""
    patterns = []
    for i, ch in enumerate(bound):
        if ch != high:
            rest = len(bound) - i - 1
            patterns.append(f"{bound[:i]}[{chr(ord(ch) + 1)}-{high}][{low}-{high}]{{{rest}}}")
    return patterns


def _far_cells(bottom: int, max_columns: int) -> re.Pattern[bytes]:
    """A plainly written cell past row ``bottom`` or column ``max_columns`` (a superset: each hit is
    read again)."""
    letters = _column_letters(max_columns)
    rows = str(bottom)
    columns = [f"[A-Z]{{{len(letters) + 1},3}}", *_above(letters, "A", "Z")]
    numbers = [f"[0-9]{{{len(rows) + 1},}}", *_above(rows, "0", "9")]
    pattern = f'<c r="(?:(?:{"|".join(columns)})[0-9]|[A-Z]{{1,3}}(?:{"|".join(numbers)})")'
    return re.compile(pattern.encode())


def _column_letters(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Damaged(Exception):  # a verdict on the file, not a fault of ours
    """The file is damaged or not what it claims; ``line`` where a csv file went wrong."""

    def __init__(self, detail: str, line: int | None = None) -> None:
        super().__init__(detail)
        self.line = line


def last_row(max_rows: int) -> int:
    """The last row a cell with data may be in: the header, ``max_rows`` data rows, the blank slack."""
    return max_rows + 1 + BLANK_SLACK


def too_many_rows(max_rows: int) -> ValidationFailed:
    return ValidationFailed(
        f"文件数据超过{max_rows}行，请拆分成多个文件分批导入", fields={"file": "行数过多"}
    )


def too_many_columns(max_columns: int) -> ValidationFailed:
    return ValidationFailed(
        f"表格超过{max_columns}列，请使用导入模板，删除多余的列后再上传", fields={"file": "列数过多"}
    )


def check_zip_sizes(archive: zipfile.ZipFile, *, max_total: int, what: str) -> None:
    """Refuses an xlsx (a zip) whose declared sizes say it would unpack to too much, before any part of
    it is decompressed. The declared sizes bind: Python's zipfile never yields more than a member's
    declared size (and fails its CRC if the data was longer), so a lying header cannot sneak more past.
    ``what`` names what the file should have been, for the message."""
    bomb = ValidationFailed(f"文件解压后过大，不像是{what}，已拒绝", fields={"file": "文件异常"})
    members = archive.infolist()
    if len(members) > ZIP_MAX_MEMBERS:
        raise bomb
    if sum(info.file_size for info in members) > max_total:
        raise bomb
    for info in members:
        if info.file_size > ZIP_RATIO_FROM and info.file_size > ZIP_MAX_RATIO * max(info.compress_size, 1):
            raise bomb


def column_number(letters: bytes | str) -> int:
    """A → 1, Z → 26, AA → 27, XFD → 16384."""
    number = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        number = number * 26 + ord(ch) - 64
    return number


def scan_part(chunks: Iterable[bytes], *, max_rows: int, max_columns: int) -> bool:
    """Refuses a sheet part (its XML read in chunks) with a cell holding a value past ``last_row`` or
    ``max_columns``; returns whether every cell had a reference the scan could read (when not, calamine
    may not be given the file: it would place those cells itself)."""
    bottom = last_row(max_rows)
    far = _far_cells(bottom, max_columns)
    placed = True
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b">") + 1  # a tag never spans the cut: its start is carried to the next chunk
        data, tail = data[:cut], data[cut:]
        if len(tail) > CHUNK:  # a "tag" of a megabyte is no spreadsheet's
            placed, tail = False, b""
        if _ODD_CELL.search(data) or _PREFIXED_CELL.search(data):
            refs = _CELL_REF.findall(data)
            placed = placed and len(refs) == len(_CELL_OPEN.findall(data))
        else:
            refs = []
            for hit in far.finditer(data):  # rare in a real file: the cells past the bounds, if any
                ref = _PLAIN_REF.match(data, hit.start())
                refs.append(ref.groups() if ref else (b"A", str(bottom + 1).encode(), b""))
        for letters, row, empty in refs:
            if empty:
                continue
            if int(row) > bottom:
                raise too_many_rows(max_rows)
            if column_number(letters) > max_columns:
                raise too_many_columns(max_columns)
    return placed and not _CELL_OPEN.search(tail)


def _chunks(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[bytes]:
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            yield chunk


def _choose(names: Sequence[str], sheet: str, others: str, ignore: Sequence[str]) -> str:
    """``sheet`` if the file has it; else the first sheet (``others="first"``) or the only one not in
    ``ignore`` (``others="only"``)."""
    if sheet in names:
        return sheet
    candidates = [n for n in names if n not in ignore]
    if candidates and (others == "first" or len(candidates) == 1):
        return candidates[0]
    raise ValidationFailed(f"文件中没有名为“{sheet}”的工作表", fields={"file": "缺少工作表"})


def read_xlsx(
    content: bytes,
    *,
    sheet: str,
    others: str = "only",
    ignore: Sequence[str] = (),
    max_rows: int,
    max_columns: int,
    what: str,
) -> list[list[Any]]:
    """The rows of one sheet from A1 (row and column numbers as Excel shows them), each at most
    ``max_columns`` wide; the file refused when a cell with data lies past the bounds."""
    if not content.startswith(b"PK\x03\x04"):
        raise Damaged("not a zip")
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile as exc:
        raise Damaged("bad zip") from exc
    with archive:
        check_zip_sizes(archive, max_total=MAX_UNZIPPED, what=what)
        placed_all = True
        for info in archive.infolist():
            placed = scan_part(_chunks(archive, info), max_rows=max_rows, max_columns=max_columns)
            placed_all = placed_all and placed
    if placed_all:
        return _calamine_rows(content, sheet=sheet, others=others, ignore=ignore, max_columns=max_columns)
    return _openpyxl_rows(
        content, sheet=sheet, others=others, ignore=ignore, max_rows=max_rows, max_columns=max_columns
    )


def _calamine_rows(
    content: bytes, *, sheet: str, others: str, ignore: Sequence[str], max_columns: int
) -> list[list[Any]]:
    """calamine (Rust, several times faster than openpyxl) over a file whose every cell was placed
    within the bounds: its dense range is at most last_row × max_columns cells."""
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_filelike(io.BytesIO(content))
    try:
        ws = workbook.get_sheet_by_name(_choose(workbook.sheet_names, sheet, others, ignore))
        start = ws.start  # the first used cell; None for an empty sheet
        pad: list[Any] = [None] * start[1] if start else []  # from column A, as Excel numbers it
        # An empty cell is None, as openpyxl reads it (calamine says "").
        return [[None if v == "" else v for v in (pad + row)[:max_columns]] for row in ws.iter_rows()]
    finally:
        workbook.close()


def _openpyxl_rows(
    content: bytes, *, sheet: str, others: str, ignore: Sequence[str], max_rows: int, max_columns: int
) -> list[list[Any]]:
    """openpyxl's streaming reader, row by row, each cut at ``max_columns``: for a file with cells the
    scan could not place."""
    from openpyxl import load_workbook

    bottom = last_row(max_rows)
    workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        ws = workbook[_choose(workbook.sheetnames, sheet, others, ignore)]
        ws.reset_dimensions()  # the declared <dimension> is not trusted
        rows: list[list[Any]] = []
        for number, row in enumerate(ws.iter_rows(values_only=True, max_col=max_columns), start=1):
            if number > bottom:
                if row.count(None) != len(row):  # C speed: a million empty rows take a second
                    raise too_many_rows(max_rows)
                continue
            cells = list(row)
            while cells and cells[-1] is None:  # each row as wide as its last value, not max_columns
                cells.pop()
            rows.append(cells)
        return rows
    finally:
        workbook.close()


def _blank(value: object) -> bool:
    return value is None or str(value).strip() == ""


def read_csv(
    content: bytes, *, encoding: str, errors: str = "strict", strict: bool, max_rows: int, max_columns: int
) -> list[list[str]]:
    """The rows of a csv file as decoded (the caller chose ``encoding`` and checked the text), each at
    most ``max_columns`` wide; a field over ``FIELD_MAX`` characters or a malformed line is
    ``Unreadable`` with its line number, a row with data past the bounds refuses the file."""
    csv.field_size_limit(FIELD_MAX)  # the module's global: this runs in its own process
    bottom = last_row(max_rows)
    reader = csv.reader(io.StringIO(content.decode(encoding, errors=errors), newline=""), strict=strict)
    rows: list[list[str]] = []
    try:
        for number, row in enumerate(reader, start=1):
            if number > bottom:
                if any(not _blank(v) for v in row):
                    raise too_many_rows(max_rows)
                continue
            rows.append(row[:max_columns])
    except csv.Error as exc:
        raise Damaged("csv", line=reader.line_num) from exc
    return rows


def read_table(content: bytes, *, kind: str, **options: Any) -> list[list[Any]]:
    """``read_xlsx`` or ``read_csv`` by ``kind``: the one entry point the child process calls."""
    if kind == "csv":
        return read_csv(content, **options)
    return read_xlsx(content, **options)
