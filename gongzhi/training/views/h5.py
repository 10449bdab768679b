"""Trainee pages (H5): the QR check-in page a trainee opens by scanning a session's code, and one's own
training record with certificates to download."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import pdf_response
from gongzhi.training import certificate, selectors
from gongzhi.training.services import attendance


@h5_login_required
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, token: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = selectors.training_session_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    error: ApplicationError | None = None
    done = None
    if request.method == "POST":
        try:
            done = attendance.training_check_in_by_qr(actor=actor, token=token)
        except ApplicationError as exc:
            error = exc
    return render(
        request,
        "training/h5/scan.html",
        {"session": session, "done": done, "error": error, "token": token},
        status=error.status if error else 200,
    )


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    return render(request, "training/h5/mine.html", selectors.my_training(actor=actor_of(request)))


@h5_login_required
@require_GET
def certificate_pdf(request: HttpRequest, certificate_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        cert = selectors.completion_certificate_get_for_actor(actor=actor, certificate_id=certificate_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return pdf_response(
        certificate.certificate_pdf_download(actor=actor, certificate=cert), f"结业证书-{cert.number}.pdf"
    )
