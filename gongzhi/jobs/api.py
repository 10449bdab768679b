"""The background jobs API: my jobs, one job's status and progress, cancel, the result file."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.http import content_disposition_header
from ninja import Router, Schema

from gongzhi.core.api import ERRORS, ErrorOut, session_auth
from gongzhi.jobs import selectors, services
from gongzhi.jobs.enums import FINISHED

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.jobs.models import Job

router = Router(tags=["后台任务"], auth=session_auth)


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class JobOut(Schema):
    id: int
    kind: str
    label: str
    status: str
    status_label: str
    phase: str
    phase_label: str
    finished: bool
    rows_done: int
    rows_total: int
    percent: int
    eta_seconds: int | None = None
    error_count: int
    errors: list[dict[str, Any]]
    message: str
    result: dict[str, Any]
    result_file: str | None = None
    result_expires_at: dt.datetime | None = None
    cancel_requested: bool
    attempts: int
    created_at: dt.datetime
    started_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None


def job_body(job: Job) -> dict[str, Any]:
    c = selectors.job_context(job)
    return {
        "id": job.pk,
        "kind": job.kind,
        "label": job.label,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "phase": job.phase,
        "phase_label": str(job.get_phase_display()),
        "finished": job.status in FINISHED,
        "rows_done": job.rows_done,
        "rows_total": job.rows_total,
        "percent": c["percent"],
        "eta_seconds": c["eta_seconds"],
        "error_count": job.error_count,
        "errors": job.errors,
        "message": job.message,
        "result": job.result,
        "result_file": f"/api/v1/jobs/{job.pk}/result" if c["has_result"] else None,
        "result_expires_at": job.result_expires_at,
        "cancel_requested": job.cancel_requested,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
    }


@router.get("/", response={200: list[JobOut], **ERRORS}, summary="我发起的后台任务（最近50个）")
def job_list(request: HttpRequest):
    return [job_body(j) for j in selectors.job_list_for_actor(actor=_actor(request), limit=50)]


@router.get(
    "/{job_id}",
    response={200: JobOut, **ERRORS},
    summary="后台任务的状态与进度（已处理/总行数、预计剩余时间、错误）",
)
def job_detail(request: HttpRequest, job_id: int):
    return job_body(selectors.job_get_for_actor(actor=_actor(request), job_id=job_id))


@router.post("/{job_id}/cancel", response={200: JobOut, **ERRORS}, summary="取消后台任务（仅发起人）")
def job_cancel(request: HttpRequest, job_id: int):
    return job_body(services.job_cancel(actor=_actor(request), job_id=job_id))


@router.get(
    "/{job_id}/result",
    response={**ERRORS, 410: ErrorOut},
    openapi_extra={
        "responses": {200: {"description": "结果文件", "content": {"application/octet-stream": {}}}}
    },
    summary="下载后台任务的结果文件（仅发起人，在保留期内；留痕）",
)
def job_result(request: HttpRequest, job_id: int):
    f = services.job_result_download(actor=_actor(request), job_id=job_id)
    response = HttpResponse(bytes(f.content), content_type=f.content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, f.name) or "attachment"
    response["Cache-Control"] = "no-store"
    return response
