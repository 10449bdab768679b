from __future__ import annotations

import io
from collections.abc import Sequence

from openpyxl import load_workbook

from gongzhi.core.cells import new_workbook


def xlsx(sheet: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> bytes:
    wb = new_workbook()
    ws = wb.active
    ws.title = sheet
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    return wb.to_bytes()


def cells(content: bytes, sheet: str | None = None) -> list[list[object]]:
    wb = load_workbook(io.BytesIO(content), read_only=True)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    return [list(r) for r in ws.iter_rows(values_only=True)]


def uscc(n: int) -> str:
    from stdnum.cn import uscc as cn_uscc

    body = f"91370100MA{n:07d}"[:17]
    return body + cn_uscc.calc_check_digit(body)
