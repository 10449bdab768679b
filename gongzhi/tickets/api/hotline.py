"""/api/v1/tickets/hotline-import…: the 12345 hotline batch import (mounted from config/api.py)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import File, Router, Schema, Status, UploadedFile

from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import ValidationFailed
from gongzhi.core.http import xlsx_response
from gongzhi.jobs.api import JobOut, job_body
from gongzhi.tickets import hotline
from gongzhi.tickets import hotline_sheets as hs
from gongzhi.tickets.hotline_jobs import hotline_import_enqueue
from gongzhi.tickets.models import HotlineImport

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["网格事件：12345热线导入"], auth=session_auth)

_XLSX = {
    200: {
        "description": "Excel文件（.xlsx）",
        "content": {hs.XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class RowErrorOut(Schema):
    row: int
    column: str
    message: str


class SkippedOut(Schema):
    row: int
    external_id: str
    ticket_id: int | None
    reason: str


class HotlineImportOut(Schema):
    id: int
    created_at: datetime
    file_name: str
    sha256: str
    importer: str
    rows: int
    created: int
    skipped: int
    unplaced: int
    error_count: int
    errors: list[RowErrorOut]
    skipped_rows: list[SkippedOut]
    error_report_url: str | None


class HotlineImportBrief(Schema):
    id: int
    created_at: datetime
    file_name: str
    importer: str
    rows: int
    created: int
    skipped: int
    unplaced: int
    error_count: int


def import_brief(r: HotlineImport) -> dict[str, Any]:
    return {
        "id": r.pk,
        "created_at": r.created_at,
        "file_name": r.file_name,
        "importer": r.actor.display_label if r.actor else "系统",
        "rows": r.rows,
        "created": r.created,
        "skipped": r.skipped,
        "unplaced": r.unplaced,
        "error_count": r.error_count,
    }


def import_body(r: HotlineImport) -> dict[str, Any]:
    return {
        **import_brief(r),
        "sha256": r.sha256,
        "errors": r.errors,
        "skipped_rows": r.skipped_rows,
        "error_report_url": f"/api/v1/tickets/hotline-imports/{r.pk}/errors.xlsx" if r.error_count else None,
    }


@router.post(
    "/tickets/hotline-import",
    response={200: HotlineImportOut, **ERRORS},
    summary="导入12345热线工单（xlsx 或 csv；校验通过的行建单，已存在的跳过，错误行返回错误报告）",
)
def hotline_import(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="12345工单导出文件 .xlsx 或 .csv（UTF-8/GBK）"),  # noqa: B008
):
    if file is None:
        raise ValidationFailed(gettext("请选择要上传的文件"), fields={"file": gettext("请选择文件")})
    hs.check_upload(file.name or "", file.size or 0)  # before reading a byte of it
    record = hotline.hotline_import(actor=_actor(request), file_name=file.name or "", content=file.read())
    return import_body(record)


@router.post(
    "/tickets/hotline-import-jobs",
    response={202: JobOut, **ERRORS},
    summary="在后台导入12345热线工单（大文件）：立即返回任务，进度见 GET /api/v1/jobs/{job_id}",
)
def hotline_import_job(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="12345工单导出文件 .xlsx 或 .csv（UTF-8/GBK）"),  # noqa: B008
):
    if file is None:
        raise ValidationFailed("请选择要上传的文件", fields={"file": "请选择文件"})
    hs.check_upload(file.name or "", file.size or 0)
    job = hotline_import_enqueue(actor=_actor(request), file_name=file.name or "", content=file.read())
    return Status(202, job_body(job))


@router.get(
    "/tickets/hotline-imports",
    response={200: list[HotlineImportBrief], **ERRORS},
    summary="12345热线导入记录",
)
def hotline_import_list(request: HttpRequest):
    return [import_brief(r) for r in hotline.hotline_import_list_for_actor(actor=_actor(request), limit=50)]


@router.get(
    "/tickets/hotline-imports/{import_id}", response={200: HotlineImportOut, **ERRORS}, summary="导入记录详情"
)
def hotline_import_detail(request: HttpRequest, import_id: int):
    return import_body(hotline.hotline_import_get_for_actor(actor=_actor(request), import_id=import_id))


@router.get(
    "/tickets/hotline-imports/{import_id}/errors.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="下载导入错误报告",
)
def hotline_import_errors(request: HttpRequest, import_id: int):
    record = hotline.hotline_import_get_for_actor(actor=_actor(request), import_id=import_id)
    content = hotline.error_report(actor=_actor(request), record=record)
    return xlsx_response(content, f"12345导入错误报告_{record.pk}.xlsx")


@router.get(
    "/tickets/hotline-import-template.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="下载12345热线导入模板",
)
def hotline_template(request: HttpRequest):
    return xlsx_response(hs.template_workbook(), "12345热线工单导入模板.xlsx")
