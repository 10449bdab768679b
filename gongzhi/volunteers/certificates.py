"""志愿服务证明 and the session's sign-in poster as printable PDFs (reportlab with the built-in CID font
STSong-Light, as the party cards). Issuing is ``services/certificates.py``, the register
``selectors/certificates.py``."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongzhi.core.pdf import chinese_font as _font
from gongzhi.volunteers.models import Certificate
from gongzhi.volunteers.services.downloads import certificate_downloaded
from gongzhi.volunteers.services.hours import star_label

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

TITLE = "志愿服务证明"
RED = colors.HexColor("#b52a1f")


def certificate_download(*, actor: Actor, certificate: Certificate, verify_url: str) -> bytes:
    """The PDF of a certificate the caller read through ``certificate_get_for_actor``; the download
    audited (``volunteers.certificate_downloaded``)."""
    pdf = render_certificate(certificate, verify_url)
    certificate_downloaded(actor=actor, certificate=certificate)
    return pdf


def render_certificate(cert: Certificate, verify_url: str) -> bytes:
    font = _font()
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"{TITLE} {cert.number}")
    c.setAuthor("共治")
    c.setStrokeColor(RED)
    c.setLineWidth(3)
    c.rect(14 * mm, 14 * mm, width - 28 * mm, height - 28 * mm)
    c.setFillColor(RED)
    c.setFont(font, 30)
    c.drawCentredString(width / 2, height - 50 * mm, TITLE)
    c.setFillColor(colors.black)
    c.setFont(font, 11)
    c.drawCentredString(width / 2, height - 60 * mm, f"编号：{cert.number}")
    start = f"{cert.period_start:%Y年%m月%d日}至" if cert.period_start else "截至"
    body = [
        f"兹证明 {cert.volunteer.name} 同志{start}{cert.period_end:%Y年%m月%d日}，",
        f"参加志愿服务 {cert.activity_count} 次，经活动组织方确认的服务时长累计",
        f"{format(cert.hours.normalize(), 'f')} 小时（不含往返路途时间），志愿者星级：{star_label(cert.star_level)}。",
        "服务时长按“谁组织谁记录”的原则，由活动组织方据签到、签退记录确认。",
        "特此证明。",
    ]
    c.setFont(font, 14)
    y = height - 85 * mm
    for line in body:
        c.drawString(28 * mm, y, line)
        y -= 11 * mm
    issued = timezone.localtime(cert.issued_at)
    c.setFont(font, 13)
    c.drawRightString(width - 30 * mm, 80 * mm, cert.issuer_name)
    c.drawRightString(width - 30 * mm, 70 * mm, f"{issued:%Y年%m月%d日}")
    qr = QrCodeWidget(verify_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 32 * mm
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(qr)
    renderPDF.draw(d, c, 28 * mm, 40 * mm)
    c.setFont(font, 9)
    c.drawString(28 * mm, 35 * mm, "扫码核验证书")
    c.showPage()
    c.save()
    return buf.getvalue()


def render_session_poster(session: object, scan_url: str) -> bytes:
    """The sign-in poster an organiser prints for one session: title, time, place and the QR code."""
    from gongzhi.volunteers.models import ActivitySession

    assert isinstance(session, ActivitySession)
    font = _font()
    buf = io.BytesIO()
    width, height = A4
    c = canvas.Canvas(buf, pagesize=A4)
    c.setTitle(f"签到码 {session.activity.title}")
    c.setFillColor(RED)
    c.setFont(font, 26)
    c.drawCentredString(width / 2, height - 40 * mm, session.activity.title)
    c.setFillColor(colors.black)
    c.setFont(font, 14)
    starts, ends = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
    c.drawCentredString(
        width / 2, height - 55 * mm, f"{starts:%Y年%m月%d日 %H:%M}–{ends:%H:%M}　{session.activity.venue}"
    )
    qr = QrCodeWidget(scan_url)
    x0, y0, x1, y1 = qr.getBounds()
    size = 120 * mm
    d = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    d.add(qr)
    renderPDF.draw(d, c, (width - size) / 2, height - 190 * mm)
    c.setFont(font, 16)
    c.drawCentredString(width / 2, height - 205 * mm, "志愿者请用手机扫码签到，离开时再扫一次签退")
    c.setFont(font, 10)
    c.drawCentredString(width / 2, height - 215 * mm, "无手机的志愿者请找组织者登记")
    c.showPage()
    c.save()
    return buf.getvalue()
