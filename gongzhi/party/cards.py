"""The registration card (报到证) as a printable PDF: reportlab with its built-in CID font STSong-Light,
so no font file ships and any PDF reader shows the Chinese text."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A5, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongzhi.core.errors import Conflict
from gongzhi.core.pdf import chinese_font as _font
from gongzhi.party.enums import RegistrationStatus, skill_labels
from gongzhi.party.selectors.registration import registration_get_for_actor
from gongzhi.party.services.downloads import registration_card_downloaded

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.party.models import MemberRegistration

TITLE = "在职党员报到证"
PARTY_RED = colors.HexColor("#b52a1f")


def _lines(text: str, width: int) -> list[str]:
    text = text or "—"
    return [text[i : i + width] for i in range(0, len(text), width)][:3]


def render_card(reg: MemberRegistration, page_url: str) -> bytes:
    """The card of an accepted registration; ``page_url`` goes into the QR code."""
    if reg.status != RegistrationStatus.ACCEPTED or not reg.card_number:
        raise Conflict("报到申请尚未接收，暂无报到证", code="not_accepted")
    font = _font()
    buf = io.BytesIO()
    width, height = landscape(A5)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(f"{TITLE} {reg.card_number}")
    c.setAuthor("共治")
    c.setStrokeColor(PARTY_RED)
    c.setLineWidth(2)
    c.rect(8 * mm, 8 * mm, width - 16 * mm, height - 16 * mm)
    c.setFillColor(PARTY_RED)
    c.setFont(font, 24)
    c.drawCentredString(width / 2, height - 26 * mm, TITLE)
    c.setFillColor(colors.black)
    c.setFont(font, 10)
    c.drawCentredString(width / 2, height - 33 * mm, f"编号：{reg.card_number}")

    member = reg.member
    decided = timezone.localtime(reg.decided_at) if reg.decided_at else timezone.localtime()
    rows = [
        ("姓　　名", member.name),
        ("工作单位", reg.unit.name if reg.unit else member.workplace_org),
        ("单位地址", reg.unit.address if reg.unit else ""),
        ("居住地址", reg.address),
        ("联系电话", member.phone_masked),
        ("特　　长", "、".join(skill_labels(reg.skills))),
        ("服务意向", reg.services_offered),
        ("报到社区", reg.community.name),
        ("所在网格", reg.grid.name if reg.grid else ""),
        ("报到日期", f"{decided:%Y年%m月%d日}"),
    ]
    y = height - 46 * mm
    x_label, x_value = 18 * mm, 42 * mm
    for label, value in rows:
        c.setFont(font, 11)
        c.drawString(x_label, y, f"{label}：")
        lines = _lines(str(value or "—"), 24)
        for i, line in enumerate(lines):
            c.drawString(x_value, y - i * 5 * mm, line)
        y -= 7 * mm + 5 * mm * (len(lines) - 1)

    qr = QrCodeWidget(page_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 36 * mm
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(qr)
    renderPDF.draw(d, c, width - 18 * mm - size, 22 * mm)
    c.setFont(font, 8)
    c.drawCentredString(width - 18 * mm - size / 2, 18 * mm, "扫码查看党员服务页面")
    c.setFont(font, 10)
    c.drawRightString(width - 18 * mm, height - 46 * mm, f"{reg.community.name}党组织")
    c.showPage()
    c.save()
    return buf.getvalue()


def registration_card_pdf(*, actor: Actor, registration_id: int, page_url: str) -> bytes:
    """The card, read through the scoped selector (missing or forbidden: 404); the download audited."""
    reg = registration_get_for_actor(actor=actor, registration_id=registration_id)
    pdf = render_card(reg, page_url)
    registration_card_downloaded(actor=actor, registration=reg)
    return pdf
