"""The minutes of a meeting (会议纪要) and the resolution notice (决议公示) as printable PDFs: reportlab
with its built-in CID font STSong-Light (no font file ships; poppler's pdftotext reads the text back).

The minutes name the members present and their votes: staff only, every download audited
(``services.downloads``). The notice is public: its free text passes ``core.masking.mask_public_text``."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongzhi.core.errors import Conflict
from gongzhi.core.masking import mask_public_text
from gongzhi.core.pdf import chinese_font as _font

if TYPE_CHECKING:
    from gongzhi.councils.models import Meeting, Resolution

PARTY_RED = colors.HexColor("#b52a1f")
WIDTH, HEIGHT = A4


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    for para in (text or "—").splitlines() or ["—"]:
        para = para.rstrip() or " "
        out.extend(para[i : i + width] for i in range(0, len(para), width))
    return out


class _Page:
    """Lines down an A4 page, a new page when one is full."""

    def __init__(self, title: str) -> None:
        self.buf = io.BytesIO()
        self.c = canvas.Canvas(self.buf, pagesize=A4)
        self.c.setTitle(title)
        self.c.setAuthor("共治")
        self.font = _font()
        self.y = HEIGHT - 25 * mm

    def heading(self, text: str, size: int = 20) -> None:
        self.c.setFillColor(PARTY_RED)
        self.c.setFont(self.font, size)
        self.c.drawCentredString(WIDTH / 2, self.y, text)
        self.c.setFillColor(colors.black)
        self.y -= 12 * mm

    def line(self, text: str, size: int = 11, indent: float = 0) -> None:
        if self.y < 20 * mm:
            self.c.showPage()
            self.y = HEIGHT - 20 * mm
        self.c.setFont(self.font, size)
        self.c.drawString(20 * mm + indent, self.y, text)
        self.y -= 6.5 * mm if size <= 11 else 8 * mm

    def para(self, text: str, width: int = 42, indent: float = 0) -> None:
        for chunk in _wrap(text, width):
            self.line(chunk, indent=indent)

    def gap(self) -> None:
        self.y -= 3 * mm

    def done(self) -> bytes:
        self.c.setFont(self.font, 8)
        self.c.drawCentredString(
            WIDTH / 2, 12 * mm, f"共治 · 生成于{timezone.localtime():%Y年%m月%d日 %H:%M}"
        )
        self.c.showPage()
        self.c.save()
        return self.buf.getvalue()


def render_minutes(meeting: Meeting) -> bytes:
    """会议纪要: the meeting, who came, each topic with its decision and the votes by member, the minutes."""
    from gongzhi.councils.models import AgendaItem, Attendance, Vote

    if meeting.status != "held":
        raise Conflict("会议尚未记录纪要", code="not_held")
    page = _Page(f"会议纪要 {meeting.title}")
    page.heading(f"{meeting.council.name}")
    page.heading("会 议 纪 要", 18)
    starts = timezone.localtime(meeting.starts_at)
    page.line(f"会议名称：{meeting.title}")
    page.line(f"时　　间：{starts:%Y年%m月%d日 %H:%M}")
    page.line(f"地　　点：{meeting.location}")
    page.line(f"主 持 人：{meeting.host or '—'}　　记录人：{meeting.recorder or '—'}")
    attendance = list(
        Attendance.objects.filter(meeting=meeting)
        .select_related("member")
        .order_by("member__category", "member_id")
    )
    present = [a for a in attendance if a.checked_in_at]
    absent = [a for a in attendance if not a.checked_in_at]
    page.para(
        "出席：" + "、".join(f"{a.member.name}（{a.member.get_category_display()}）" for a in present)
        or "出席：—"
    )
    if absent:
        page.para("缺席：" + "、".join(a.member.name for a in absent))
    page.gap()
    votes: dict[int, list[Vote]] = {}
    for v in Vote.objects.filter(item__meeting=meeting).select_related("member").order_by("member_id"):
        votes.setdefault(v.item_id, []).append(v)
    for n, item in enumerate(AgendaItem.objects.filter(meeting=meeting).select_related("topic"), start=1):
        page.line(f"议题{n}：{item.topic.title}", size=12)
        page.para(
            f"表决结果：{item.get_decision_display()}（赞成{item.votes_for}票，反对{item.votes_against}票，"
            f"弃权{item.votes_abstain}票）",
            indent=4 * mm,
        )
        by_choice: dict[str, list[str]] = {}
        for v in votes.get(item.pk, []):
            by_choice.setdefault(v.get_choice_display(), []).append(v.member.name)
        for choice, names in by_choice.items():
            page.para(f"{choice}：{'、'.join(names)}", indent=4 * mm)
        resolution = getattr(item.topic, "resolution", None) if item.decision == "adopted" else None
        if resolution is not None:
            page.para(f"决议（{resolution.number}）：{resolution.content}", indent=4 * mm)
        page.gap()
    page.line("会议记录", size=12)
    page.para(meeting.minutes)
    return page.done()


def render_notice(resolution: Resolution) -> bytes:
    """决议公示: the resolution as the public reads it (no member's vote, free text masked)."""
    if resolution.notice_published_at is None:
        raise Conflict("决议尚未公示", code="not_published")
    topic = resolution.topic
    page = _Page(f"决议公示 {resolution.number}")
    page.heading(topic.council.name)
    page.heading("决 议 公 示", 18)
    page.line(f"决议编号：{resolution.number}")
    page.line(f"议　　题：{mask_public_text(topic.title)}")
    item = resolution.meeting.agenda.filter(topic=topic).first()
    page.line(
        f"会议：{resolution.meeting.title}（{timezone.localtime(resolution.meeting.starts_at):%Y年%m月%d日}）"
    )
    if item is not None:
        page.line(f"表决：赞成{item.votes_for}票，反对{item.votes_against}票，弃权{item.votes_abstain}票")
    if topic.opinions_total:
        page.line(
            f"居民意见：赞成{topic.opinions_support}，反对{topic.opinions_oppose}，其他{topic.opinions_neutral}"
        )
    page.gap()
    page.line("决议内容", size=12)
    page.para(mask_public_text(resolution.content))
    page.gap()
    page.line(f"责任单位：{mask_public_text(resolution.owner_name) or '—'}")
    if resolution.due_on:
        page.line(f"完成时限：{resolution.due_on:%Y年%m月%d日}")
    page.line(f"实施进度：{resolution.progress}%")
    if resolution.result_published_at:
        page.gap()
        page.line("实施结果", size=12)
        page.para(mask_public_text(resolution.result))
    page.gap()
    published = timezone.localtime(resolution.notice_published_at)
    page.line(f"公示日期：{published:%Y年%m月%d日}　　如有异议，请向社区居委会反映。")
    return page.done()
