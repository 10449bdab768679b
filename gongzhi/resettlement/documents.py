"""The printable documents of a resettlement project (reportlab, the built-in CID font STSong-Light):
the settlement statement of a household (面积差结算单) and the public notice (公示) of the draw and the
allocation, whose names are masked (张*) and which carries the draw's hashes and seed so anyone can
re-run it."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.pdf import chinese_font as _font
from gongzhi.resettlement.enums import UnitKind

if TYPE_CHECKING:
    from gongzhi.resettlement.models import ResettlementProject, SettlementStatement


def _styles() -> dict[str, ParagraphStyle]:
    f = _font()
    return {
        "title": ParagraphStyle("t", fontName=f, fontSize=18, leading=26, alignment=TA_CENTER),
        "body": ParagraphStyle("b", fontName=f, fontSize=10.5, leading=16),
        "small": ParagraphStyle("s", fontName=f, fontSize=8, leading=11, wordWrap="CJK"),
        "cell": ParagraphStyle("c", fontName=f, fontSize=9, leading=12, wordWrap="CJK"),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


def _table(rows: list[list[Any]], widths: list[float], style: ParagraphStyle) -> Table:
    data = [[_p(c, style) for c in row] for row in rows]
    t = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f2f2f2")),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    return t


def yuan(value: Any) -> str:
    return f"{value:,.2f}"


def render_statement(statement: SettlementStatement) -> bytes:
    hh = statement.household
    project = hh.project
    s = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"面积差结算单 {statement.number}", author="共治")
    units = list(hh.units.order_by("kind", "number"))
    story: list[Any] = [
        _p(f"{project.name}", s["body"]),
        _p("安置房面积差结算单", s["title"]),
        Spacer(1, 4 * mm),
        _p(
            f"结算单号：{statement.number}　　安置编号：{hh.key}　　选房顺序号：{hh.draw_position or ''}",
            s["body"],
        ),
        _p(f"户主：{hh.head_name}　　原村（居）：{hh.former_village}　　安置人口：{hh.members}人", s["body"]),
        Spacer(1, 3 * mm),
        _table(
            [["类别", "编号", "楼号", "楼层", "户型", "面积（㎡）"]]
            + [
                [
                    u.get_kind_display(),
                    u.number,
                    u.building,
                    u.floor if u.floor is not None else "",
                    u.layout,
                    u.area,
                ]
                for u in units
            ],
            [22, 35, 22, 18, 40, 28],
            s["cell"],
        ),
        Spacer(1, 3 * mm),
        _p(
            f"应安置面积 {statement.entitled_area} ㎡，所选住房面积 {statement.chosen_area} ㎡，面积差 {statement.difference} ㎡。",
            s["body"],
        ),
        Spacer(1, 2 * mm),
        _table(
            [["价格档", "面积（㎡）", "单价（元/㎡）", "金额（元）"]]
            + [[x["label"], x["area"], x["price"], x["amount"]] for x in statement.lines],
            [55, 35, 40, 40],
            s["cell"],
        ),
        Spacer(1, 3 * mm),
        _p(
            (
                f"合计应缴：人民币 {yuan(statement.amount)} 元"
                if statement.amount > 0
                else f"合计应退：人民币 {yuan(-statement.amount)} 元"
                if statement.amount < 0
                else "面积无差额，无需结算。"
            ),
            s["body"],
        ),
        _p("金额按各档面积乘以单价、逐档四舍五入到分后相加（十进制计算）。", s["small"]),
        Spacer(1, 12 * mm),
        _p(
            "户主（签字）：________________　　结算经办人：________________　　日期：____年__月__日",
            s["body"],
        ),
        Spacer(1, 4 * mm),
        _p(f"{project.place_name} · 房屋结算组　出具时间：{statement.issued_at:%Y-%m-%d}", s["body"]),
    ]
    doc.build(story)
    return buf.getvalue()


def render_notice(project: ResettlementProject, draw: Any, rows: list[Any]) -> bytes:
    """公示: the draw's record and the allocation, one line per household, the head's name masked."""
    s = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, title=f"{project.name}选房结果公示", author="共治")
    story: list[Any] = [_p(f"{project.name}摇号及选房结果公示", s["title"]), Spacer(1, 4 * mm)]
    if draw is not None:
        witnesses = "、".join(f"{w.name}（{w.capacity}）" for w in draw.witnesses.all())
        story += [
            _p(f"摇号算法：{draw.algorithm}（安置编号的 HMAC-SHA256 排序，见系统说明）", s["small"]),
            _p(f"名单 SHA-256（封存时公布）：{draw.list_sha256}", s["small"]),
            _p(f"承诺值 SHA-256（种子+名单，封存时公布）：{draw.commitment}", s["small"]),
            _p(f"封存时间：{draw.committed_at:%Y-%m-%d %H:%M}　户数：{draw.households}", s["small"]),
            _p(f"种子（摇号后公布）：{draw.seed or '尚未摇号'}", s["small"]),
            _p(f"结果 SHA-256：{draw.result_sha256 or '尚未摇号'}", s["small"]),
            _p(f"见证人：{witnesses or '（未登记）'}", s["small"]),
            _p(
                "复核方法：python manage.py resettlement_draw_verify --seed <种子> --list <名单文件>",
                s["small"],
            ),
            Spacer(1, 3 * mm),
        ]
    labels = dict(UnitKind.choices)
    table = [["顺序号", "安置编号", "原村（居）", "户主", "选定房源"]]
    for hh in rows:
        chosen = "、".join(f"{labels[u.kind]}{u.number}" for u in hh.units.all())
        table.append([hh.draw_position or "", hh.key, hh.former_village, hh.head_name_masked, chosen])
    story.append(_table(table, [16, 24, 28, 18, 94], s["cell"]))
    story += [
        Spacer(1, 6 * mm),
        _p(f"公示单位：{project.place_name}　如有异议，请于公示期内向项目领导小组反映。", s["body"]),
    ]
    doc.build(story)
    return buf.getvalue()
