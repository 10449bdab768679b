"""The care registers as xlsx (``core.cells``: every cell through safe_cell) and printable PDF (reportlab,
the built-in CID font STSong-Light): 走访台账 (a grid's visits of one month), 重点人群花名册 (the open
groups' roster of a place, ID and phone masked) and 慰问花名册 (care visits, with a column to sign)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.care.models import CareMembership, CareVisit, Visit
from gongzhi.core.cells import new_workbook
from gongzhi.core.pdf import chinese_font as _font


@dataclass
class Register:
    title: str
    subtitle: str
    headers: list[str]
    rows: list[list[str]]
    widths: list[int]  # relative column widths (PDF) — also the xlsx column widths in characters


def _address(person: object) -> str:
    household = getattr(person, "household", None)
    return household.address if household is not None else ""


def visit_ledger(place_name: str, month: dt.date, visits: Iterable[Visit]) -> Register:
    rows = [
        [
            f"{v.visited_on:%m-%d}",
            v.person.name,
            _address(v.person),
            v.get_mode_display(),
            v.visitors,
            "；".join(x for x in (v.living_conditions, v.income, v.health) if x) or "—",
            v.difficulties or "—",
            v.get_follow_up_display()
            + (f"（需求{v.need_id}）" if v.need_id else "")
            + (f"（工单{v.ticket.number}）" if v.ticket_id and v.ticket else "")
            + (f"（{v.referral}）" if v.referral else ""),
            v.outcome or "—",
        ]
        for v in visits
    ]
    return Register(
        title="走访台账",
        subtitle=f"{place_name}　{month:%Y年%m月}　共{len(rows)}次",
        headers=["日期", "走访对象", "住址", "方式", "走访人", "居住/收入/健康", "困难诉求", "跟进", "结果"],
        rows=rows,
        widths=[6, 7, 14, 6, 9, 20, 16, 12, 10],
    )


def roster(place_name: str, members: Iterable[CareMembership]) -> Register:
    rows = [
        [
            m.person.name,
            m.person.id_number_masked or "—",
            m.person.phone_masked or "—",
            _address(m.person),
            m.get_group_display(),
            f"{m.entered_on:%Y-%m-%d}",
            m.entry_reason,
            (m.carer.display_name or m.carer.username) if m.carer else "—",
            m.get_frequency_display(),
            f"{m.last_visited_on:%Y-%m-%d}" if m.last_visited_on else "未走访",
            f"{m.due_on:%Y-%m-%d}",
        ]
        for m in members
    ]
    return Register(
        title="重点人群花名册",
        subtitle=f"{place_name}　截至{dt.date.today():%Y年%m月%d日}　共{len(rows)}人次（身份证号、电话已脱敏）",
        headers=[
            "姓名",
            "身份证号",
            "电话",
            "住址",
            "类别",
            "纳入日期",
            "纳入原因",
            "包联人",
            "频次",
            "最近走访",
            "应访日期",
        ],
        rows=rows,
        widths=[6, 13, 9, 14, 7, 8, 12, 7, 5, 8, 8],
    )


def care_visit_roster(place_name: str, label: str, rows_in: Iterable[CareVisit]) -> Register:
    rows = [
        [
            str(i),
            c.person.name,
            _address(c.person),
            c.get_occasion_display(),
            f"{c.visited_on:%Y-%m-%d}",
            c.visitors,
            c.given,
            "",  # 签收: signed on the printed page
        ]
        for i, c in enumerate(rows_in, start=1)
    ]
    return Register(
        title="慰问花名册",
        subtitle=f"{place_name}　{label}　共{len(rows)}人",
        headers=["序号", "姓名", "住址", "慰问时机", "日期", "慰问人", "慰问品", "签收"],
        rows=rows,
        widths=[4, 7, 18, 6, 8, 14, 14, 8],
    )


def to_xlsx(register: Register) -> bytes:
    wb = new_workbook()  # every cell through core.cells.safe_cell
    ws = wb.active
    ws.title = register.title
    ws.append([register.title])
    ws.append([register.subtitle])
    ws.append(register.headers)
    for row in register.rows:
        ws.append(row)
    for i, width in enumerate(register.widths):
        ws.column_dimensions[chr(ord("A") + i)].width = max(6, width * 1.6)
    ws.freeze_panes = "A4"
    return wb.to_bytes()


def to_pdf(register: Register) -> bytes:
    font = _font()
    buf = io.BytesIO()
    page = landscape(A4)
    doc = SimpleDocTemplate(
        buf, pagesize=page, leftMargin=10 * mm, rightMargin=10 * mm, topMargin=12 * mm, bottomMargin=12 * mm,
        title=register.title, author="共治",
    )  # fmt: skip
    cell = ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK")
    head = ParagraphStyle("head", fontName=font, fontSize=18, leading=24, alignment=1)
    sub = ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=1)
    total = sum(register.widths)
    widths = [doc.width * w / total for w in register.widths]
    data: list[Sequence[object]] = [[Paragraph(h, cell) for h in register.headers]]
    data += [[Paragraph(_escape(v), cell) for v in row] for row in register.rows] or [
        [Paragraph("（无记录）", cell)] + [""] * (len(register.headers) - 1)
    ]
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e3e1")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    doc.build(
        [
            Paragraph(register.title, head),
            Paragraph(_escape(register.subtitle), sub),
            Spacer(1, 4 * mm),
            table,
        ]
    )
    return buf.getvalue()


def _escape(value: object) -> str:
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
