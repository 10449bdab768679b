"""Console pages of runs (考核结果): the ranked table with every indicator, publishing, the xlsx and the PDF
a subdistrict submits, one subject's sheet (and its PDF), and a grid worker's own sheets (我的考核)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.assessment import documents, selectors
from gongzhi.assessment.enums import RunStatus
from gongzhi.assessment.exports import run_xlsx
from gongzhi.assessment.models import Result, Run
from gongzhi.assessment.services import runs
from gongzhi.assessment.services.downloads import run_downloaded
from gongzhi.assessment.views._common import or_404, page_period, page_title, place_label, shown_lines
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.http import pdf_response, refused, xlsx_response
from gongzhi.core.permissions import allowed


def _line_cells(run: Run, result: Result) -> list[dict[str, object]]:
    out = []
    for x in shown_lines(run):
        v = result.values.get(x["indicator"], {})
        out.append({**x, **v})
    return out


@console_login_required
@require_GET
def run_detail(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = or_404(lambda: selectors.run_get_for_actor(actor=actor, run_id=run_id))
    results = list(selectors.result_list_for_actor(actor=actor, run=run))
    rows = [{"r": r, "cells": _line_cells(run, r)} for r in results]
    versions = list(selectors.run_list_for_actor(actor=actor, set_id=run.indicator_set_id))
    return render(
        request,
        "assessment/console/run.html",
        {
            "run": run,
            "place": place_label(run),
            "period": page_period(run),
            "title": page_title(run),
            "lines": shown_lines(run),
            "rows": rows,
            "versions": versions,
            "can_publish": run.status == RunStatus.DRAFT and allowed(actor, "assessment.publish_run", run),
            "own_run": run.computed_by_id == actor.pk,
            "can_compute": allowed(actor, "assessment.compute_run", run.indicator_set),
        },
    )


@console_login_required
@require_POST
def run_publish(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = runs.assessment_run_publish(actor=actor_of(request), run_id=run_id)
        messages.success(request, _("已发布第%(version)s版考核结果，结果已冻结") % {"version": run.version})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("assessment:run", run_id=run_id)


@console_login_required
@require_GET
def run_export_xlsx(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = or_404(lambda: selectors.run_get_for_actor(actor=actor, run_id=run_id))
    results = list(selectors.result_list_for_actor(actor=actor, run=run))
    content = run_xlsx(run, results, place=place_label(run))
    run_downloaded(actor=actor, run=run, document="考核结果（Excel）", rows=len(results))
    return xlsx_response(content, f"考核结果-{run.indicator_set.year}-{run.pk}-v{run.version}.xlsx")


@console_login_required
@require_GET
def run_export_pdf(request: HttpRequest, run_id: int) -> HttpResponse:
    actor = actor_of(request)
    run = or_404(lambda: selectors.run_get_for_actor(actor=actor, run_id=run_id))
    results = list(selectors.result_list_for_actor(actor=actor, run=run))
    content = documents.render_run(run, results, place=place_label(run))
    run_downloaded(actor=actor, run=run, document="考核结果（PDF）", rows=len(results))
    return pdf_response(content, f"考核结果-{run.indicator_set.year}-{run.pk}-v{run.version}.pdf")


@console_login_required
@require_GET
def result_detail(request: HttpRequest, result_id: int) -> HttpResponse:
    actor = actor_of(request)
    r = or_404(lambda: selectors.result_get_for_actor(actor=actor, result_id=result_id))
    return render(
        request,
        "assessment/console/sheet.html",
        {
            "r": r,
            "run": r.run,
            "period": page_period(r.run),
            "cells": _line_cells(r.run, r),
            "can_see_run": allowed(actor, "assessment.view_assessment"),
        },
    )


@console_login_required
@require_GET
def result_pdf(request: HttpRequest, result_id: int) -> HttpResponse:
    actor = actor_of(request)
    r = or_404(lambda: selectors.result_get_for_actor(actor=actor, result_id=result_id))
    run_downloaded(actor=actor, run=r.run, document=f"考核表：{r.subject_name}", rows=1)
    return pdf_response(documents.render_sheet(r), f"考核表-{r.run.indicator_set.year}-{r.pk}.pdf")


@console_login_required
@require_GET
def my_sheets(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "assessment.view_own_sheet"):
        raise Http404
    sheets = list(selectors.my_sheet_list(actor=actor)[:50])
    latest = sheets[0] if sheets else None
    return render(
        request,
        "assessment/console/mine.html",
        {
            "sheets": sheets,
            "latest": latest,
            "cells": _line_cells(latest.run, latest) if latest else [],
            "period": page_period(latest.run) if latest else "",
        },
    )
