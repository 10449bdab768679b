"""Hostile spreadsheets for the upload tests, built cheaply and for real: a cell at the sheet's far corner
(openpyxl writes it), a sheet of a million rows streamed straight into the zip as XML, a zip bomb, cells
written without plain references. Each starts from a real workbook written by openpyxl, so everything but
the hostile part is what Excel would accept."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from functools import cache
from typing import Any
from xml.sax.saxutils import escape

from openpyxl import Workbook

SHEET_PART = "xl/worksheets/sheet1.xml"
_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def workbook(rows: Sequence[Sequence[object]], *, sheet: str, cells: dict[str, Any] | None = None) -> bytes:
    """``rows`` from A1, then each of ``cells`` ({"XFD1048576": "x"}) written where it says."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = sheet
    for row in rows:
        ws.append(list(row))
    for ref, value in (cells or {}).items():
        ws[ref] = value
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _inline(ref: str, value: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{escape(value)}</t></is></c>'


def _column(index: int) -> str:
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def with_sheet_xml(base: bytes, parts: Iterable[bytes], *, part: str = SHEET_PART) -> bytes:
    """``base`` (a real workbook) with its sheet part replaced by ``parts``, streamed into the zip."""
    source = zipfile.ZipFile(io.BytesIO(base))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for info in source.infolist():
            if info.filename == part:
                with archive.open(part, "w", force_zip64=True) as stream:
                    for chunk in parts:
                        stream.write(chunk)
            else:
                archive.writestr(info.filename, source.read(info.filename))
    return out.getvalue()


def sheet_xml(
    header: Sequence[str], rows: Iterable[Sequence[str]], *, dimension: str | None = "A1", first: int = 2
) -> Iterator[bytes]:
    """A worksheet's XML: the header in row 1, then ``rows`` from row ``first`` on, in chunks; the
    ``<dimension>`` says whatever it is told (a lie by default: "A1")."""
    head = f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{_NS}">'
    if dimension:
        head += f'<dimension ref="{dimension}"/>'
    cells = "".join(_inline(f"{_column(i)}1", h) for i, h in enumerate(header, start=1))
    yield (head + f'<sheetData><row r="1">{cells}</row>').encode()
    batch: list[str] = []
    for number, row in enumerate(rows, start=first):
        inner = "".join(_inline(f"{_column(i)}{number}", v) for i, v in enumerate(row, start=1) if v)
        batch.append(f'<row r="{number}">{inner}</row>')
        if len(batch) == 20_000:
            yield "".join(batch).encode()
            batch = []
    yield ("".join(batch) + "</sheetData></worksheet>").encode()


@cache
def many_rows(header: tuple[str, ...], row: tuple[str, ...], count: int, *, sheet: str) -> bytes:
    """A workbook whose sheet has the header and ``count`` copies of ``row`` below it (the last one in
    row ``count + 1``): a million rows stay a few megabytes zipped, written in a few seconds."""
    template = "".join(_inline(f"{_column(i)}%(n)d", v) for i, v in enumerate(row, start=1))
    template = f'<row r="%(n)d">{template}</row>'

    def parts() -> Iterator[bytes]:
        yield next(sheet_xml(header, ()))
        for start in range(2, count + 2, 20_000):
            numbers = range(start, min(start + 20_000, count + 2))
            yield "".join([template % {"n": n} for n in numbers]).encode()
        yield b"</sheetData></worksheet>"

    return with_sheet_xml(workbook([list(header)], sheet=sheet), parts())


def zip_bomb(*, sheet: str, header: Sequence[str], megabytes: int = 400) -> bytes:
    """A workbook whose sheet part really unpacks to ``megabytes`` (blank XML after the header row),
    deflated to well under a megabyte; its declared sizes say so."""

    def parts() -> Iterator[bytes]:
        first = next(sheet_xml(header, ()))
        yield first
        blank = b" " * (1024 * 1024)
        for _ in range(megabytes):
            yield blank
        yield b"</sheetData></worksheet>"

    return with_sheet_xml(workbook([list(header)], sheet=sheet), parts())


def unplaced_cells(header: Sequence[str], row: Sequence[str], *, sheet: str, far: bool) -> bytes:
    """A workbook whose cells are written as some tools do: a namespace prefix, the reference after the
    type, and one data row's cells with no reference at all (placed by their order). With ``far``, a
    last cell with no reference sits at row 1,048,576."""
    ns = f'<?xml version="1.0" encoding="UTF-8"?><x:worksheet xmlns:x="{_NS}"><x:sheetData>'
    head = "".join(
        f'<x:c t="inlineStr" r="{_column(i)}1"><x:is><x:t>{escape(h)}</x:t></x:is></x:c>'
        for i, h in enumerate(header, start=1)
    )
    body = "".join(f'<x:c t="inlineStr"><x:is><x:t>{escape(v)}</x:t></x:is></x:c>' for v in row)
    xml = ns + f'<x:row r="1">{head}</x:row><x:row r="2">{body}</x:row>'
    if far:
        xml += '<x:row r="1048576"><x:c t="inlineStr"><x:is><x:t>x</x:t></x:is></x:c></x:row>'
    xml += "</x:sheetData></x:worksheet>"
    return with_sheet_xml(workbook([list(header)], sheet=sheet), [xml.encode()])
