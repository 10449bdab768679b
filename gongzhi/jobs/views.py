"""Console pages of background jobs: my jobs, one job with its progress (htmx polls the partial every
second while it runs; no inline script), cancel, the result file, and the public banner of the demo's
background build shown on the login and home pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import refused
from gongzhi.jobs import selectors, services
from gongzhi.jobs.selectors import job_context

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.jobs.models import Job


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def _get(request: HttpRequest, job_id: int) -> Job:
    try:
        return selectors.job_get_for_actor(actor=_actor(request), job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@login_required
@require_GET
def job_list(request: HttpRequest) -> HttpResponse:
    jobs = list(selectors.job_list_for_actor(actor=_actor(request), limit=50))
    return render(request, "jobs/console/list.html", {"jobs": [job_context(j) for j in jobs]})


@login_required
@require_GET
def job_detail(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "jobs/console/detail.html", job_context(_get(request, job_id)))


@login_required
@require_GET
def job_progress(request: HttpRequest, job_id: int) -> HttpResponse:
    return render(request, "jobs/partials/_progress.html", job_context(_get(request, job_id)))


@login_required
@require_POST
def job_cancel(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        services.job_cancel(actor=_actor(request), job_id=job_id)
    except ApplicationError as exc:
        refused(request, exc)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "jobs/partials/_progress.html", job_context(_get(request, job_id)))
    return redirect("jobs:detail", job_id=job_id)


@login_required
@require_GET
def job_result(request: HttpRequest, job_id: int) -> HttpResponse:
    try:
        f = services.job_result_download(actor=_actor(request), job_id=job_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        return render(
            request,
            "jobs/console/detail.html",
            {**job_context(_get(request, job_id)), "error": exc.message},
            status=exc.status,
        )
    response = HttpResponse(bytes(f.content), content_type=f.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f.name) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


@require_GET
def system_banner(request: HttpRequest) -> HttpResponse:
    """The public progress of the system's own jobs (the demo district being built): no personal data."""
    return render(
        request, "jobs/partials/_system_banner.html", {"system_jobs": selectors.system_jobs_running()}
    )
