"""Feedback letters and the unit ranking as files: the letters register and the ranking as xlsx, and the
printable feedback letter (反馈函) as a PDF with reportlab's built-in Chinese CID font.

The downloads (``feedback_letters_export``, ``feedback_letter_download``, ``ranking_export``) read through
the scoped selectors, write the file and leave one audit row each (``services/downloads.py``)."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from gongzhi.core.cells import SafeSheet, SafeWorkbook, new_workbook
from gongzhi.core.errors import NotFound
from gongzhi.party.models import AssessmentScheme, FeedbackLetter, UnitAssessment
from gongzhi.party.selectors import evaluation as evaluation_selectors
from gongzhi.party.services import downloads
from gongzhi.party.services.evaluation import INDICATORS

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_HEADER_FONT = Font(bold=True, color="FFFFFF")
_HEADER_FILL = PatternFill("solid", fgColor="B22222")


def _save(wb: SafeWorkbook) -> bytes:
    return wb.to_bytes()


def _header(ws: SafeSheet, headers: Sequence[str], widths: Sequence[int]) -> None:
    ws.append(list(headers))
    for col, width in enumerate(widths, start=1):
        cell = ws.cell(row=1, column=col)
        cell.font, cell.fill = _HEADER_FONT, _HEADER_FILL
        cell.alignment = Alignment(horizontal="center")
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A2"


LETTER_HEADERS = (
    "单位名称",
    "单位党组织",
    "姓名",
    "期间",
    "服务次数",
    "服务时长（小时）",
    "服务岗位/项目",
    "群众评价（平均分）",
    "出具日期",
)


def letters_workbook(letters: Iterable[FeedbackLetter]) -> bytes:
    """One sheet, one row per letter, with the unit in the first column (sortable and filterable)."""
    wb = new_workbook()  # every cell through core.cells.safe_cell
    ws = wb.active
    ws.title = "反馈函"
    _header(ws, LETTER_HEADERS, (28, 24, 10, 12, 10, 16, 36, 18, 12))
    for letter in letters:
        s = letter.summary or {}
        ws.append(
            [
                letter.unit.name if letter.unit else s.get("unit_name", ""),
                s.get("workplace_org", ""),
                letter.member.name,
                letter.period,
                int(s.get("count", 0)),
                float(Decimal(str(s.get("hours", "0")))),
                "、".join(s.get("items", [])),
                (s.get("ratings") or {}).get("average"),
                timezone.localtime(letter.updated_at).date().isoformat(),
            ]
        )
    return _save(wb)


def letter_pdf(letter: FeedbackLetter) -> bytes:
    """The printable letter (反馈函), with reportlab's built-in Chinese CID font: no font files needed."""
    from xml.sax.saxutils import escape

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    from gongzhi.core.pdf import chinese_font

    _FONT = chinese_font()
    s = letter.summary or {}
    body = ParagraphStyle("body", fontName=_FONT, fontSize=11.5, leading=19, wordWrap="CJK")
    title = ParagraphStyle("title", parent=body, fontSize=18, leading=26, alignment=1)
    cell = ParagraphStyle("cell", parent=body, fontSize=9.5, leading=13)
    right = ParagraphStyle("right", parent=body, alignment=2)
    addressee = s.get("workplace_org") or (letter.unit.name if letter.unit else "") or "党组织"
    ratings = s.get("ratings") or {}
    rating_text = (
        f"，群众评价平均{ratings['average']}分（{ratings['count']}次评价）" if ratings.get("average") else ""
    )
    items = s.get("items") or []
    items_text = f"，参与了“{'”“'.join(items)}”等服务岗位/项目" if items else ""
    story: list[Any] = [
        Paragraph("在职党员到社区报到服务情况反馈函", title),
        Spacer(1, 6 * mm),
        Paragraph(f"{escape(addressee)}：", body),
        Paragraph(
            escape(
                f"贵单位在职党员 {letter.member.name} 同志于{s.get('period_label', letter.period)}"
                f"（{s.get('start', '')} 至 {s.get('end', '')}）到居住地社区报到服务，"
                f"经社区确认的服务共{s.get('count', 0)}次，累计{s.get('hours', '0')}小时"
                f"{items_text}{rating_text}。现将服务情况反馈如下，请在党员教育管理和评先评优中参考。"
            ),
            ParagraphStyle("indent", parent=body, firstLineIndent=23),
        ),
        Spacer(1, 4 * mm),
    ]
    rows: list[list[Any]] = [[Paragraph(h, cell) for h in ("日期", "时长", "服务内容", "服务对象", "评价")]]
    for r in s.get("records", []):
        content = r.get("content", "")
        if r.get("item"):
            content = f"【{r['item']}】{content}"
        rows.append(
            [
                Paragraph(escape(r.get("served_on", "")), cell),
                Paragraph(f"{escape(str(r.get('hours', '')))}小时", cell),
                Paragraph(escape(content), cell),
                Paragraph(escape(r.get("beneficiaries", "")), cell),
                Paragraph(str(r.get("rating") or "—"), cell),
            ]
        )
    table = Table(rows, colWidths=[24 * mm, 18 * mm, 74 * mm, 36 * mm, 14 * mm], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#F3E0E0")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    story += [
        table,
        Spacer(1, 10 * mm),
        Paragraph("社区党组织（盖章）", right),
        Paragraph(timezone.localtime(letter.updated_at).strftime("%Y年%m月%d日"), right),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=20 * mm,
        bottomMargin=18 * mm,
        title=f"反馈函 {letter.member.name} {letter.period}",
        author="共治",
    )
    doc.build(story)
    return buf.getvalue()


def ranking_workbook(scheme: AssessmentScheme, results: Iterable[UnitAssessment]) -> bytes:
    wb = new_workbook()  # every cell through core.cells.safe_cell
    ws = wb.active
    ws.title = f"{scheme.year}年度单位考核"
    headers = ["排名", "单位名称", "统一社会信用代码", "报到社区", "得分", *INDICATORS.values()]
    _header(ws, headers, [7, 30, 22, 16, 9, *([14] * len(INDICATORS))])
    for r in results:
        ws.append(
            [
                r.rank,
                r.unit.name,
                r.unit.uscc,
                r.unit.community.name,
                float(r.score),
                *[(r.indicators.get(k) or {}).get("value", 0) for k in INDICATORS],
            ]
        )
    weights = wb.create_sheet("指标权重")
    _header(weights, ["指标", "权重"], [24, 10])
    for k, label in INDICATORS.items():
        weights.append([label, scheme.weights.get(k, 0)])
    return _save(wb)


# --- the downloads ------------------------------------------------------------------------------------


def feedback_letters_export(*, actor: Actor, period: str = "", unit_id: int | None = None) -> bytes:
    """The actor's letters (of ``period``, of the unit ``unit_id``) as xlsx; audited."""
    from gongzhi.party.models import Unit
    from gongzhi.places.selectors import place_holding_actor

    letters = list(
        evaluation_selectors.feedback_letter_list_for_actor(actor=actor, period=period, unit_id=unit_id)
    )
    content = letters_workbook(letters)
    unit = Unit.objects.filter(pk=unit_id).first() if unit_id else None
    downloads.feedback_letters_exported(
        actor=actor,
        target=unit or place_holding_actor(actor=actor) or actor,
        filters={"period": period, "unit_id": unit_id},
        count=len(letters),
    )
    return content


def feedback_letter_download(*, actor: Actor, letter_id: int) -> tuple[FeedbackLetter, bytes]:
    """A letter the actor may read (else 404) as the printable PDF; audited."""
    letter = evaluation_selectors.feedback_letter_get_for_actor(actor=actor, letter_id=letter_id)
    pdf = letter_pdf(letter)
    downloads.feedback_letter_downloaded(actor=actor, letter=letter)
    return letter, pdf


def ranking_export(
    *, actor: Actor, year: int, district_id: int | None = None
) -> tuple[AssessmentScheme, bytes]:
    """The year's ranking as the actor sees it, as xlsx; 404 when the year has no scheme; audited."""
    scheme, rows = evaluation_selectors.assessment_ranking_for_actor(
        actor=actor, year=year, district_id=district_id
    )
    if scheme is None:
        raise NotFound(f"{year}年度尚无单位考核方案")
    results = list(rows)
    content = ranking_workbook(scheme, results)
    downloads.ranking_exported(actor=actor, scheme=scheme, count=len(results))
    return scheme, content
