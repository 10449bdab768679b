"""The assessment's printable documents (reportlab, the built-in CID font STSong-Light, as in
mediation/documents.py): the run as the subdistrict submits it (title, period, the ranked table with
every indicator's score, signature lines) and one subject's sheet (each indicator's value, score and how
it was computed, with the subject's confirmation line)."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.assessment.exports import period_label, title_of
from gongzhi.assessment.models import Result, Run
from gongzhi.core.pdf import chinese_font as _font

RED = colors.HexColor("#b52a1f")


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8, leading=10, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=18, wordWrap="CJK"),
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=18, leading=24, alignment=TA_CENTER, textColor=RED
        ),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=TA_CENTER),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    safe = (
        str("—" if text in (None, "") else text)
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    return Paragraph(safe.replace("\n", "<br/>"), style)


def _table(data: list[list[Any]], widths: Sequence[float]) -> Table:
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f3e3e1")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def _build(story: list[Any], *, title: str, wide: bool) -> bytes:
    buf = io.BytesIO()
    size = landscape(A4) if wide else A4
    font = _font()
    doc = SimpleDocTemplate(
        buf,
        pagesize=size,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=18 * mm,
        bottomMargin=14 * mm,
        title=title,
        author="共治",
    )

    def on_page(c: Any, d: Any) -> None:
        c.saveState()
        c.setFont(font, 9)
        c.drawRightString(size[0] - 12 * mm, 8 * mm, f"第{d.page}页")
        c.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()


def _num(x: Any) -> str:
    return "—" if x is None else f"{x:g}" if isinstance(x, float) else str(x)


def render_run(run: Run, results: Sequence[Result], *, place: str) -> bytes:
    st = _styles()
    lines = run.lines
    header = ["排名", "考核对象", "所在", *[f"{x['label']}\n（权重{x['weight']}）" for x in lines], "总分"]
    data: list[list[Any]] = [[_p(h, st["cell"]) for h in header]]
    for r in results:
        cells = [r.rank, r.subject_name, r.place_name]
        for x in lines:
            v = r.values.get(x["indicator"], {})
            cells.append(
                f"{_num(v.get('value'))}{x['unit'] if v.get('value') is not None else ''}\n得分 {_num(v.get('score'))}"
            )
        cells.append(f"{r.total}")
        data.append([_p(c, st["cell"]) for c in cells])
    if not results:
        data.append([_p("本次考核没有对象", st["cell"])] + [_p("", st["cell"]) for _ in header[1:]])
    usable = 273.0
    rest = usable - 12 - 30 - 34 - 16
    each = rest / max(1, len(lines))
    widths = [12, 30, 34, *([each] * len(lines)), 16]
    story: list[Any] = [
        _p(f"{place}{title_of(run)}", st["title"]),
        _p(
            f"考核期：{period_label(run)}　　考核对象：{run.indicator_set.get_subject_kind_display()}　　共{run.subjects}个",
            st["sub"],
        ),
        Spacer(1, 4 * mm),
        _table(data, widths),
        Spacer(1, 10 * mm),
        _p(
            "填报单位（盖章）：____________________　　负责人（签字）：______________　　"
            "填报人（签字）：______________　　日期：______年____月____日",
            st["body"],
        ),
    ]
    return _build(story, title=title_of(run), wide=True)


def render_sheet(result: Result) -> bytes:
    run = result.run
    st = _styles()
    header = ["指标", "计算口径", "数值", "计分方法", "权重", "得分", "折算分"]
    data: list[list[Any]] = [[_p(h, st["cell"]) for h in header]]
    for x in run.lines:
        v = result.values.get(x["indicator"], {})
        value = v.get("value")
        shown = "—（无可计算数据，不计入）" if value is None else f"{_num(value)}{x['unit']}"
        if v.get("denominator") not in (None, 0) and value is not None:
            shown += f"（{_num(v.get('numerator'))}/{_num(v.get('denominator'))}）"
        rule = ("线性：" if x["rule"] == "linear" else "达标：") + f"保底{x['floor']}，目标{x['target']}"
        data.append(
            [
                _p(c, st["cell"])
                for c in (
                    x["label"],
                    x["how"],
                    shown,
                    rule,
                    x["weight"],
                    _num(v.get("score")),
                    _num(v.get("points")),
                )
            ]
        )
    story: list[Any] = [
        _p(f"{run.indicator_set.year}年{run.indicator_set.name}考核表", st["title"]),
        _p(
            f"{result.subject_name}（{result.place_name}）　考核期：{period_label(run)}　第{run.version}版",
            st["sub"],
        ),
        Spacer(1, 4 * mm),
        _table(data, [26, 62, 26, 30, 12, 14, 16]),
        Spacer(1, 4 * mm),
        _p(f"总分：{result.total}　　排名：第{result.rank}名（共{run.subjects}个）", st["body"]),
        _p(
            "说明：每项得分为0–100分，折算分＝得分×权重÷100；无可计算数据的指标不计入，总分按其余指标权重折算为百分制。",
            st["cell"],
        ),
        Spacer(1, 10 * mm),
        _p(
            "被考核人（签字）：______________　　考核单位（盖章）：____________________　　日期：______年____月____日",
            st["body"],
        ),
    ]
    return _build(story, title=f"{result.subject_name}考核表", wide=False)
