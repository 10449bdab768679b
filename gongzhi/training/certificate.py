"""The certificate of completion (结业证书) as a printable PDF: reportlab with the built-in CID font
STSong-Light, as the co-building agreement and the volunteer certificates."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas

from gongzhi.core.pdf import chinese_font as _font
from gongzhi.training.services.downloads import training_certificate_downloaded

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.jobs.models import Job
    from gongzhi.training.models import CompletionCertificate

TITLE = "结业证书"
RED = colors.HexColor("#b52a1f")


def certificate_pdf_download(*, actor: Actor, certificate: CompletionCertificate) -> bytes:
    """The PDF of a certificate read through ``completion_certificate_get_for_actor``; the download audited."""
    pdf = render_completion_certificate(certificate)
    training_certificate_downloaded(actor=actor, certificate=certificate)
    return pdf


def render_completion_certificate(cert: CompletionCertificate) -> bytes:
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A4))
    c.setTitle(f"{TITLE} {cert.number}")
    c.setAuthor("共治")
    _draw(c, cert)
    c.save()
    return buf.getvalue()


def render_completion_certificates(
    certs: Iterable[CompletionCertificate], title: str, each: Callable[[int], None] | None = None
) -> bytes:
    """Several certificates as one PDF to print, a page each (the page of ``render_completion_certificate``);
    ``each(n)`` after every page (a job's progress)."""
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=landscape(A4))
    c.setTitle(title)
    c.setAuthor("共治")
    for n, cert in enumerate(certs, start=1):
        _draw(c, cert)
        if each is not None:
            each(n)
    c.save()
    return buf.getvalue()


def _draw(c: canvas.Canvas, cert: CompletionCertificate) -> None:
    font = _font()
    width, height = landscape(A4)
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


# --- all certificates of a course as one PDF, in the background (gongzhi.jobs) ------------------------

JOB_KIND = "training.certificates_pdf"


def certificates_pdf_enqueue(*, actor: Actor, course_id: int) -> Job:
    """Starts the course's certificates as one PDF to print (a page each) as a background job; the PDF is
    the starter's result file. The course's managers only (those who issue the certificates)."""
    from gongzhi.core.errors import ApplicationError
    from gongzhi.core.permissions import require
    from gongzhi.jobs.services import job_start
    from gongzhi.training.selectors import completion_certificate_list_for_actor, course_get_for_actor

    course = course_get_for_actor(actor=actor, course_id=course_id)
    require(actor, "training.manage_training", course)
    count = completion_certificate_list_for_actor(actor=actor, course_id=course.pk).count()
    if not count:
        raise ApplicationError("本课程还没有发放结业证书", code="nothing_to_print")
    return job_start(
        actor=actor,
        kind=JOB_KIND,
        label=f"结业证书批量打印：{course.title[:80]}（{count}份）",
        params={"course_id": course.pk},
        rows_total=count,
    )


def certificates_pdf_job(ctx: Any) -> dict[str, Any]:
    """The job's runner: the certificates the starter still reads, in number order, one PDF."""
    from gongzhi.training.selectors import completion_certificate_list_for_actor, course_get_for_actor

    course = course_get_for_actor(actor=ctx.actor, course_id=int(ctx.params["course_id"]))
    certs = list(
        completion_certificate_list_for_actor(actor=ctx.actor, course_id=course.pk).order_by("number", "id")
    )
    total = len(certs)
    ctx.progress(0, total, phase="rendering", force=True)
    pdf = render_completion_certificates(
        certs, f"{TITLE} {course.title}", lambda n: ctx.progress(n, total, phase="rendering")
    )
    ctx.result_file(f"结业证书-{course.title[:60]}-{total}份.pdf", pdf, "application/pdf")
    return {"message": f"已生成 {total} 份结业证书（一个PDF，每份一页）", "rows": total, "pages": total}
