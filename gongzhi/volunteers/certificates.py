"""志愿服务证明: numbered certificates of confirmed service hours, the register, and the printable PDF
(reportlab with the built-in CID font STSong-Light, as the party cards)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from reportlab.graphics import renderPDF
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, field_error
from gongzhi.volunteers import access, clock
from gongzhi.volunteers.enums import HoursStatus, star_level_for
from gongzhi.volunteers.hours import star_label
from gongzhi.volunteers.models import Certificate, ServiceHours, Volunteer

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

FONT = "STSong-Light"
TITLE = "志愿服务证明"
RED = colors.HexColor("#b52a1f")


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


@transaction.atomic
def certificate_issue(
    *, actor: Actor, volunteer_id: int, period_end: dt.date | None = None, period_start: dt.date | None = None
) -> Certificate:
    """Certifies the volunteer's confirmed hours up to ``period_end`` (today by default). Numbered per
    community and year: ZYFW-<community code>-<year>-<sequence>."""
    from gongzhi.places.models import Community

    volunteer = Volunteer.objects.filter(pk=volunteer_id).first()
    visible = volunteer is not None and (
        access.can_read(actor, volunteer)
        or access.can_manage(actor, volunteer)
        or volunteer.pk == access.own_volunteer_id(actor)
    )
    if volunteer is None or not visible:
        raise NotFound("志愿者不存在或无权查看")
    access.require_manager(actor, volunteer, "只有志愿者所在社区的工作人员可以出具志愿服务证明")
    today = timezone.localdate(clock.now())
    period_end = period_end or today
    if period_end > today:
        raise field_error("period_end", "截止日期不能晚于今天")
    if period_start and period_start > period_end:
        raise field_error("period_start", "起始日期不能晚于截止日期")
    community = Community.objects.select_for_update().get(code=volunteer.community_code)
    rows = ServiceHours.objects.filter(
        volunteer=volunteer, status=HoursStatus.CONFIRMED, served_on__lte=period_end
    )
    if period_start:
        rows = rows.filter(served_on__gte=period_start)
    figures = rows.aggregate(total=Sum("hours"), n=Count("id"))
    total = figures["total"] or Decimal("0")
    if total <= 0:
        raise Conflict("该志愿者在此期间没有已确认的服务时长，不能出具证明", code="no_hours")
    year = period_end.year
    prefix = f"ZYFW-{community.code}-{year}-"
    seq = Certificate.objects.filter(number__startswith=prefix).count() + 1
    cert = Certificate(
        number=f"{prefix}{seq:05d}",
        volunteer=volunteer,
        period_start=period_start,
        period_end=period_end,
        hours=total,
        star_level=star_level_for(volunteer.total_hours),
        activity_count=figures["n"] or 0,
        issued_by_id=actor.pk,
        issuer_name=f"{community.name}居民委员会",
        issued_at=clock.now(),
    )
    cert.set_place_codes(community_code=community.code)
    cert.save()
    audit_record(
        actor=actor,
        target=cert,
        event="volunteers.certificate_issued",
        data={"volunteer": volunteer.pk, "hours": str(total), "number": cert.number},
    )
    return cert


def certificate_list_for_actor(*, actor: Actor, q: str = "", limit: int = 200) -> QuerySet[Certificate]:
    qs = Certificate.objects.filter(access.staff_q(actor) | access.own_q(actor))
    if q:
        q = q.strip()[:50]
        qs = qs.filter(Q(number__contains=q) | Q(volunteer__name__contains=q))
    return qs.select_related("volunteer").order_by("-issued_at", "-id")[:limit]


def certificate_get_for_actor(*, actor: Actor, certificate_id: int) -> Certificate:
    found = (
        Certificate.objects.filter(access.staff_q(actor) | access.own_q(actor), pk=certificate_id)
        .select_related("volunteer")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


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
