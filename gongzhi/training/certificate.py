"""The certificate of completion (结业证书) as a printable PDF: reportlab with the built-in CID font
STSong-Light, as the co-building agreement and the volunteer certificates."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongzhi.training.services.downloads import training_certificate_downloaded

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.training.models import CompletionCertificate

FONT = "STSong-Light"
TITLE = "结业证书"
RED = colors.HexColor("#b52a1f")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def certificate_pdf_download(*, actor: Actor, certificate: CompletionCertificate) -> bytes:
    """The PDF of a certificate read through ``completion_certificate_get_for_actor``; the download audited."""
    pdf = render_completion_certificate(certificate)
    training_certificate_downloaded(actor=actor, certificate=certificate)
    return pdf


def render_completion_certificate(cert: CompletionCertificate) -> bytes:
    font = _font()
    buf = io.BytesIO()
    width, height = landscape(A4)
    c = canvas.Canvas(buf, pagesize=(width, height))
    c.setTitle(f"{TITLE} {cert.number}")
    c.setAuthor("共治")
    c.setStrokeColor(RED)
    c.setLineWidth(3)
    c.rect(12 * mm, 12 * mm, width - 24 * mm, height - 24 * mm)
    c.setFillColor(RED)
    c.setFont(font, 32)
    c.drawCentredString(width / 2, height - 45 * mm, TITLE)
    c.setFillColor(colors.black)
    c.setFont(font, 12)
    c.drawRightString(width - 25 * mm, height - 25 * mm, f"编号：{cert.number}")
    course, plan = cert.course, cert.course.plan
    c.setFont(font, 18)
    c.drawCentredString(width / 2, height - 80 * mm, f"{cert.trainee.name}同志：")
    c.setFont(font, 15)
    lines = [
        f"参加{plan.place_name}{plan.year}年度网格学院“{course.title}”（{course.get_format_display()}）培训，",
        f"完成全部课程共{cert.hours}学时，经考核合格，准予结业。",
    ]
    for i, line in enumerate(lines):
        c.drawCentredString(width / 2, height - (98 + 12 * i) * mm, line)
    c.setFont(font, 14)
    c.drawRightString(width - 40 * mm, 45 * mm, f"{plan.place_name}网格学院")
    c.drawRightString(width - 40 * mm, 35 * mm, f"{cert.issued_on:%Y年%m月%d日}")
    c.showPage()
    c.save()
    return buf.getvalue()
