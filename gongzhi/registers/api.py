"""The registers (台账) over the API: the list, each register's xlsx, the imports of units and in-service
members (template, import with dry_run, record, error report). Thin: services and selectors do the work."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Schema, UploadedFile

from gongzhi.core.api import ERRORS, ErrorOut, session_auth
from gongzhi.core.errors import ApplicationError, Forbidden, ValidationFailed
from gongzhi.core.http import XLSX_CONTENT_TYPE, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.registers import exports, selectors, sheets
from gongzhi.registers.enums import ImportStatus
from gongzhi.registers.models import RegisterImport
from gongzhi.registers.services import imports

router = Router(tags=["台账"], auth=session_auth)

_XLSX = {
    200: {
        "description": "Excel文件（.xlsx）",
        "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _actor(request: HttpRequest) -> Any:
    return request.user


class RegisterOut(Schema):
    key: str
    title: str
    describe: str
    period: str
    url: str


class RegisterPeriod(Schema):
    year: int | None = None
    month: str = ""


class RegisterImportErrorOut(Schema):
    row: int | None
    column: str
    message: str


class RegisterImportOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    dry_run: bool
    file_name: str
    rows: int
    created: int
    updated: int
    unchanged: int
    error_count: int
    errors: list[RegisterImportErrorOut]
    report_url: str | None


class RegisterImportRejectedOut(ErrorOut):
    id: int | None = None
    kind: str = ""
    status: str = ImportStatus.REJECTED
    status_label: str = ""
    dry_run: bool = False
    file_name: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RegisterImportErrorOut] = []
    report_url: str | None = None


def _body(record: RegisterImport) -> dict[str, Any]:
    return {
        "id": record.pk,
        "kind": record.kind,
        "status": record.status,
        "status_label": str(record.get_status_display()),
        "dry_run": record.dry_run,
        "file_name": record.file_name,
        "rows": record.rows,
        "created": record.created,
        "updated": record.updated,
        "unchanged": record.unchanged,
        "error_count": record.error_count,
        "errors": record.errors,
        "report_url": reverse("api:register_import_errors", kwargs={"import_id": record.pk})
        if record.error_count
        else None,
    }


def _exporter(request: HttpRequest) -> Any:
    actor = _actor(request)
    if not allowed(actor, "registers.export_register"):
        raise Forbidden(gettext("您的角色不能导出台账"))
    return actor


@router.get("/", response={200: list[RegisterOut], **ERRORS}, summary="可导出的台账")
def register_list(request: HttpRequest):
    _exporter(request)
    return [
        {"key": r.key, "title": r.title, "describe": r.describe, "period": r.period,
         "url": reverse("api:register_export", kwargs={"key": r.key})}
        for r in exports.REGISTERS.values()
    ]  # fmt: skip


@router.get(
    "/import-templates/{kind}.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="下载台账导入模板（驻区单位 units、在职党员 members）",
)
def register_import_template(request: HttpRequest, kind: str):
    fmt = sheets.FORMATS.get(kind)  # type: ignore[call-overload]
    if fmt is None:
        raise ValidationFailed(gettext("没有这种台账"), fields={"kind": gettext("应为 units 或 members")})
    return xlsx_response(sheets.template(fmt), f"{fmt.sheet}导入模板.xlsx")


@router.post(
    "/import/{kind}",
    response={200: RegisterImportOut, **ERRORS, 400: RegisterImportRejectedOut},
    summary="从Excel导入驻区单位或在职党员（全部通过校验才写入；dry_run 仅校验）",
)
def register_import(
    request: HttpRequest,
    kind: str,
    file: UploadedFile | None = File(None, description="台账 .xlsx 文件"),  # noqa: B008
    dry_run: bool = Form(False, description="仅校验，不写入"),
):
    if file is None:
        raise ValidationFailed(gettext("请选择要上传的Excel文件"), fields={"file": gettext("请选择文件")})
    if kind not in sheets.FORMATS:
        raise ValidationFailed(gettext("没有这种台账"), fields={"kind": gettext("应为 units 或 members")})
    fmt = sheets.FORMATS[kind]  # type: ignore[index]
    # Name and size before reading a byte of it.
    from gongzhi.core.sheets import check_upload

    check_upload(file.name or "", file.size or 0, accepted=".xlsx 格式的Excel文件", save_as=".xlsx")
    record = imports.register_import(
        actor=_actor(request), kind=fmt.kind, file_name=file.name or "", content=file.read(), dry_run=dry_run
    )
    body = _body(record)
    if record.status == ImportStatus.REJECTED:
        raise ApplicationError(
            gettext("导入文件中有%(error_count)s处错误，未写入任何数据；请按错误报告修改后重新导入")
            % {"error_count": record.error_count},
            code="import_rejected",
            extra=body,
        )
    return body


@router.get("/imports/{import_id}", response={200: RegisterImportOut, **ERRORS}, summary="台账导入记录")
def register_import_detail(request: HttpRequest, import_id: int):
    return _body(selectors.register_import_get_for_actor(actor=_actor(request), import_id=import_id))


@router.get(
    "/imports/{import_id}/errors.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    url_name="register_import_errors",
    summary="下载台账导入错误报告（电话脱敏，留痕）",
)
def register_import_errors(request: HttpRequest, import_id: int):
    actor = _actor(request)
    record = selectors.register_import_get_for_actor(actor=actor, import_id=import_id)
    return xlsx_response(
        imports.import_report(actor=actor, record=record), f"台账导入错误报告_{record.pk}.xlsx"
    )


@router.get(
    "/{key}.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    url_name="register_export",
    summary="导出台账（Excel，仅脱敏信息，按数据范围，留痕）",
)
def register_export(request: HttpRequest, key: str, period: Query[RegisterPeriod]):
    name, content = exports.register_export(
        actor=_exporter(request), key=key, year=period.year, month=period.month
    )
    return xlsx_response(content, name)
