"""The printable documents of a committee (reportlab, the built-in CID font STSong-Light, as in
cobuild/agreement.py): the four registers (接访登记簿, 法律服务登记簿, 调解案件登记簿, 会议记录簿) as books
of one row per entry with a page header naming the committee and the period; the 调解协议书 (人民调解法
Art. 29: the parties, the facts and issues, the terms, how and when they are performed, signatures of the
parties and the mediators, the committee's seal); and the 卷宗 (case file) with the checklist of its
documents and its session records."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from gongzhi.core.errors import Conflict
from gongzhi.core.pdf import chinese_font as _font

RED = colors.HexColor("#b52a1f")


def _styles() -> dict[str, ParagraphStyle]:
    font = _font()
    return {
        "cell": ParagraphStyle("cell", fontName=font, fontSize=8.5, leading=11, wordWrap="CJK"),
        "body": ParagraphStyle("body", fontName=font, fontSize=11, leading=17, wordWrap="CJK"),
        "title": ParagraphStyle(
            "title", fontName=font, fontSize=20, leading=26, alignment=TA_CENTER, textColor=RED
        ),
        "sub": ParagraphStyle("sub", fontName=font, fontSize=10, leading=14, alignment=TA_CENTER),
        "h2": ParagraphStyle("h2", fontName=font, fontSize=13, leading=20, spaceBefore=6),
    }


def _p(text: Any, style: ParagraphStyle) -> Paragraph:
    safe = (
        str(text if text not in (None, "") else "—")
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
    )
    return Paragraph(safe.replace("\n", "<br/>"), style)


def _day(value: dt.date | None) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


def render_register(
    *,
    title: str,
    committee: str,
    period: tuple[dt.date, dt.date],
    header: Sequence[str],
    widths: Sequence[float],
    rows: Sequence[Sequence[Any]],
) -> bytes:
    """A register as a book: landscape A4, the header row repeated, every page headed with the register,
    the committee and the period and numbered."""
    styles = _styles()
    font = _font()
    buf = io.BytesIO()
    size = landscape(A4)
    doc = SimpleDocTemplate(
        buf,
        pagesize=size,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=22 * mm,
        bottomMargin=14 * mm,
        title=f"{committee}{title}",
        author="共治",
    )
    head = f"{committee}　{title}　{period[0]:%Y年%m月%d日}至{period[1]:%Y年%m月%d日}"

    def on_page(c: Any, d: Any) -> None:
        c.saveState()
        c.setFont(font, 10)
        c.drawString(12 * mm, size[1] - 12 * mm, head)
        c.drawRightString(size[0] - 12 * mm, size[1] - 12 * mm, f"第{d.page}页")
        c.setStrokeColor(RED)
        c.line(12 * mm, size[1] - 14 * mm, size[0] - 12 * mm, size[1] - 14 * mm)
        c.restoreState()

    data: list[list[Any]] = [[_p(h, styles["cell"]) for h in header]]
    for i, row in enumerate(rows, start=1):
        data.append([_p(i, styles["cell"]), *(_p(v, styles["cell"]) for v in row)])
    if not rows:
        data.append([_p("本期无登记", styles["cell"])] + [_p("", styles["cell"]) for _ in header[1:]])
    table = Table(data, colWidths=[w * mm for w in widths], repeatRows=1)
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
        [_p(title, styles["title"]), _p(head, styles["sub"]), Spacer(1, 4 * mm), table],
        onFirstPage=on_page,
        onLaterPages=on_page,
    )
    return buf.getvalue()


def _parties(case: Any, side: str) -> list[Any]:
    return [d for d in case.disputants.all() if d.side == side]


def render_agreement(case: Any) -> bytes:
    """调解协议书 of a case with an agreement: one copy per side and one for the committee."""
    if not case.agreement_seq:
        raise Conflict("案件尚未达成协议，暂无调解协议书", code="no_agreement")
    styles = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=f"人民调解协议书 {case.agreement_number}",
        author="共治",
    )
    story: list[Any] = [
        _p("人民调解协议书", styles["title"]),
        _p(f"编号：{case.agreement_number}", styles["sub"]),
        Spacer(1, 5 * mm),
    ]
    applicants, respondents = _parties(case, "applicant"), _parties(case, "respondent")
    for label, people in (("申请人", applicants), ("被申请人", respondents)):
        for d in people:
            story.append(
                _p(
                    f"{label}：{d.name}　身份证号码：{d.id_number_masked or '—'}　联系电话：{d.phone_masked or '—'}"
                    f"　住址：{d.address or '—'}",
                    styles["body"],
                )
            )
    story += [
        Spacer(1, 3 * mm),
        _p("纠纷主要事实、争议事项及各方责任：", styles["h2"]),
        _p(case.facts, styles["body"]),
        _p("经调解，自愿达成如下协议：", styles["h2"]),
        _p(case.agreement_terms, styles["body"]),
        _p("履行方式、时限：", styles["h2"]),
        _p(case.performance, styles["body"]),
        Spacer(1, 4 * mm),
        _p(
            f"本协议一式{len(applicants) + len(respondents) + 1}份，当事人各执一份，人民调解委员会留存一份，"
            "自各方当事人签名、盖章或按指印，人民调解员签名并加盖人民调解委员会印章之日起生效。",
            styles["body"],
        ),
        Spacer(1, 8 * mm),
    ]
    sign_rows = [
        [f"{'申请人' if d.side == 'applicant' else '被申请人'}（签名或按指印）：{d.name}", "日期："]
        for d in [*applicants, *respondents]
    ]
    mediators = [
        link.mediator.name + ("（主持）" if link.presiding else "") for link in case.mediator_links.all()
    ]
    sign_rows.append([f"人民调解员（签名）：{'、'.join(mediators) or '—'}", "日期："])
    sign_rows.append([f"{case.committee.name}（印章）", f"{case.agreed_on:%Y年%m月%d日}"])
    table = Table(
        [[_p(a, styles["body"]), _p(b, styles["body"])] for a, b in sign_rows], colWidths=[120 * mm, 50 * mm]
    )
    table.setStyle(TableStyle([("BOTTOMPADDING", (0, 0), (-1, -1), 10)]))
    story.append(table)
    doc.build(story)
    return buf.getvalue()


def case_file_checklist(case: Any) -> list[tuple[str, bool, bool]]:
    """The 卷宗's documents: (name, required, present)."""
    disputants = list(case.disputants.all())
    return [
        ("纠纷受理登记表（申请书）", True, True),
        ("当事人权利义务告知书", True, case.accepted_on is not None),
        (
            "当事人身份证明",
            True,
            bool(disputants) and all(d.id_number_masked or d.person_id for d in disputants),
        ),
        ("调解记录", True, case.sessions.exists()),
        ("调解协议书", case.outcome == "agreement", bool(case.agreement_seq)),
        (
            "终止调解告知书",
            case.outcome == "no_agreement",
            case.outcome == "no_agreement" and bool(case.end_note),
        ),
        ("移交函（三调联动）", case.outcome == "transfer", bool(case.transfer_body)),
        ("重大疑难纠纷上报及批复", bool(case.reported_up_on), bool(case.replied_on)),
        ("履行回访记录", case.outcome == "agreement", case.kept is not None),
        ("结案回访记录", case.status == "closed", bool(case.satisfaction)),
        ("卷宗封底", True, True),
    ]


def render_case_file(case: Any) -> bytes:
    """卷宗: the cover, the checklist of its documents, the parties and every session record."""
    styles = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=16 * mm,
        title=f"人民调解卷宗 {case.number}",
        author="共治",
    )
    presiding = next((link.mediator.name for link in case.mediator_links.all() if link.presiding), "—")
    story: list[Any] = [
        Spacer(1, 30 * mm),
        _p("人民调解卷宗", styles["title"]),
        Spacer(1, 10 * mm),
        _p(f"卷宗号：{case.number}", styles["sub"]),
        _p(f"案由：{case.title}（{case.get_kind_display()}）", styles["sub"]),
        _p(f"调解委员会：{case.committee.name}", styles["sub"]),
        _p(f"主持调解员：{presiding}", styles["sub"]),
        _p(f"受理日期：{_day(case.accepted_on)}　结案日期：{_day(case.closed_on)}", styles["sub"]),
        _p("保管期限：长期（10年）", styles["sub"]),
        PageBreak(),
        _p("卷内文件目录", styles["h2"]),
    ]
    rows = [
        [
            _p("序号", styles["cell"]),
            _p("文件名称", styles["cell"]),
            _p("要求", styles["cell"]),
            _p("是否在卷", styles["cell"]),
        ]
    ]
    for i, (name, required, present) in enumerate(case_file_checklist(case), start=1):
        rows.append(
            [
                _p(i, styles["cell"]),
                _p(name, styles["cell"]),
                _p("必备" if required else "视情况", styles["cell"]),
                _p("已在卷" if present else ("缺" if required else "无"), styles["cell"]),
            ]
        )
    table = Table(rows, colWidths=[15 * mm, 90 * mm, 25 * mm, 30 * mm], repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.4, colors.grey)]))
    story += [table, Spacer(1, 6 * mm), _p("当事人", styles["h2"])]
    for d in case.disputants.all():
        story.append(
            _p(
                f"{d.get_side_display()}：{d.name}　{d.id_number_masked or ''}　{d.phone_masked or ''}",
                styles["body"],
            )
        )
    story += [_p("纠纷事实", styles["h2"]), _p(case.facts, styles["body"]), _p("调解记录", styles["h2"])]
    for s in case.sessions.all():
        story.append(_p(f"{s.held_on:%Y年%m月%d日}　{s.place}　参加人员：{s.attendees}", styles["body"]))
        story.append(_p(s.record, styles["body"]))
        if s.next_step:
            story.append(_p(f"下一步：{s.next_step}", styles["body"]))
    if case.agreement_seq:
        story += [
            _p(f"调解协议书 {case.agreement_number}", styles["h2"]),
            _p(case.agreement_terms, styles["body"]),
        ]
    if case.kept is not None:
        story += [
            _p("履行回访", styles["h2"]),
            _p(f"{'已履行' if case.kept else '未履行'}：{case.follow_note}", styles["body"]),
        ]
    doc.build(story)
    return buf.getvalue()
