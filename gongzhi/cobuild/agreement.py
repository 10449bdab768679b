"""The co-building agreement (共驻共建协议书) as a printable PDF: reportlab with its built-in CID font
STSong-Light, so no font file ships and any PDF reader shows the Chinese text."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongzhi.cobuild.enums import PUBLIC_PROJECT_STATUSES
from gongzhi.cobuild.selectors import project_get_for_actor
from gongzhi.cobuild.services.downloads import agreement_downloaded
from gongzhi.core.errors import Conflict
from gongzhi.core.pdf import chinese_font as _font

if TYPE_CHECKING:
    from gongzhi.cobuild.models import Project
    from gongzhi.core.types import Actor

TITLE = "共驻共建协议书"
PARTY_RED = colors.HexColor("#b52a1f")


def _wrap(text: str, width: int) -> list[str]:
    out: list[str] = []
    for para in (text or "—").splitlines() or ["—"]:
        para = para.strip() or " "
        out.extend(para[i : i + width] for i in range(0, len(para), width))
    return out


def render_agreement(project: Project) -> bytes:
    if project.status not in PUBLIC_PROJECT_STATUSES or not project.agreement_number:
        raise Conflict("项目尚未签约，暂无共建协议书", code="not_signed")
    font = _font()
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{TITLE} {project.agreement_number}")
    c.setAuthor("共治")
    c.setFillColor(PARTY_RED)
    c.setFont(font, 22)
    c.drawCentredString(width / 2, height - 30 * mm, TITLE)
    c.setFillColor(colors.black)
    c.setFont(font, 10)
    c.drawCentredString(width / 2, height - 38 * mm, f"协议编号：{project.agreement_number}")
    needs = [link.need.title for link in project.need_links.select_related("need")]
    resources = [link.resource.title for link in project.resource_links.select_related("resource")]
    rows = [
        ("甲　　方", f"{project.community.name}党组织（社区）"),
        ("乙　　方", f"{project.claimant_name}（{project.get_claimant_kind_display()}）"),
        ("项目名称", project.title),
        ("对应需求", "、".join(needs)),
        ("投入资源", "、".join(resources)),
        ("协议期限", f"{project.starts_on:%Y年%m月%d日} 至 {project.ends_on:%Y年%m月%d日}"),
    ]
    y = height - 52 * mm
    x_label, x_value = 22 * mm, 48 * mm
    for label, value in rows:
        c.setFont(font, 11)
        c.drawString(x_label, y, f"{label}：")
        lines = _wrap(str(value), 34)[:3]
        for i, line in enumerate(lines):
            c.drawString(x_value, y - i * 6 * mm, line)
        y -= 8 * mm + 6 * mm * (len(lines) - 1)
    y -= 4 * mm
    c.setFont(font, 12)
    c.drawString(x_label, y, "协议条款")
    y -= 8 * mm
    c.setFont(font, 11)
    for line in _wrap(project.terms, 40)[:28]:
        c.drawString(x_label, y, line)
        y -= 6 * mm
    signed = timezone.localtime(project.signed_at) if project.signed_at else timezone.localtime()
    y = max(y - 10 * mm, 40 * mm)
    c.drawString(x_label, y, f"甲方代表（签字）：{project.community_signatory}")
    c.drawString(width / 2 + 5 * mm, y, f"乙方代表（签字）：{project.claimant_signatory}")
    c.drawString(x_label, y - 10 * mm, f"签订日期：{signed:%Y年%m月%d日}")
    c.drawString(width / 2 + 5 * mm, y - 10 * mm, f"签订日期：{signed:%Y年%m月%d日}")
    c.setFont(font, 8)
    c.drawCentredString(width / 2, 15 * mm, "本协议一式两份，甲乙双方各执一份，自签订之日起生效。")
    c.showPage()
    c.save()
    return buf.getvalue()


def agreement_pdf(*, actor: Actor, project_id: int) -> tuple[str, bytes]:
    """The agreement of a project the actor may read (missing or forbidden: 404); the download audited."""
    project = project_get_for_actor(actor=actor, project_id=project_id)
    pdf = render_agreement(project)
    agreement_downloaded(actor=actor, project=project)
    return project.agreement_number, pdf
