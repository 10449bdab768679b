"""Console page of the 12345 hotline import: upload, result with counts and error report, history."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import actor_of
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.http import xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.sheets import max_file_bytes, max_rows
from gongzhi.jobs.selectors import job_context
from gongzhi.tickets import hotline
from gongzhi.tickets import hotline_sheets as hs
from gongzhi.tickets.hotline_jobs import hotline_import_enqueue

SHOWN_ERRORS = 200


@login_required
@require_http_methods(["GET", "POST"])
def hotline_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    context: dict[str, Any] = {
        "max_rows": max_rows(),
        "max_mb": max_file_bytes() // 1024 // 1024,
        "can_import": allowed(actor, "tickets.import_hotline"),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ApplicationError(gettext("请选择要上传的文件"))
            hs.check_upload(upload.name or "", upload.size or 0)
            if (upload.size or 0) > settings.JOBS_IMPORT_SYNC_BYTES:
                # A large file goes to the background: the job's page shows its progress.
                job = hotline_import_enqueue(actor=actor, file_name=upload.name or "", content=upload.read())
                if request.htmx:  # type: ignore[attr-defined]
                    return render(request, "jobs/partials/_progress.html", job_context(job))
                return redirect("jobs:detail", job_id=job.pk)
            record = hotline.hotline_import(actor=actor, file_name=upload.name or "", content=upload.read())
        except Forbidden as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            context.update(
                record=record,
                shown_errors=record.errors[:SHOWN_ERRORS],
                more_errors=max(len(record.errors) - SHOWN_ERRORS, 0),
                shown_skipped=record.skipped_rows[:50],
            )
    context["imports"] = list(hotline.hotline_import_list_for_actor(actor=actor, limit=20))
    # A refused file is a 400, as the API answers it, with the message on the page.
    return render(request, "tickets/intake/hotline.html", context, status=400 if "error" in context else 200)


@login_required
@require_GET
def hotline_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(hs.template_workbook(), "12345热线工单导入模板.xlsx")


@login_required
@require_GET
def hotline_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    try:
        record = hotline.hotline_import_get_for_actor(actor=actor_of(request), import_id=import_id)
    except NotFound as exc:
        raise Http404 from exc
    content = hotline.error_report(actor=actor_of(request), record=record)
    return xlsx_response(content, f"12345导入错误报告_{record.pk}.xlsx")
