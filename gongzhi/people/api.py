from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.core.api import ERRORS, ErrorOut, page_of, session_auth
from gongzhi.core.errors import ApplicationError, ValidationFailed
from gongzhi.core.http import XLSX_CONTENT_TYPE, xlsx_response
from gongzhi.jobs.api import JobOut, job_body
from gongzhi.people import exports, imports, selectors, services, sheets
from gongzhi.people.enums import ImportStatus

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.people.models import PopulationImport

router = Router(tags=["人口"], auth=session_auth)

_XLSX = {
    200: {
        "description": "Excel文件（.xlsx）",
        "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class PersonOut(Schema):
    id: int
    name: str
    gender: str
    birth_date: str | None
    relation: str
    relation_label: str
    residence_type: str
    residence_type_label: str
    tags: list[str]
    id_number_masked: str
    phone_masked: str
    household_id: int | None
    address: str
    grid_code: str
    community_code: str

    @staticmethod
    def resolve_birth_date(obj: Any) -> str | None:
        return obj.birth_date.isoformat() if obj.birth_date else None

    @staticmethod
    def resolve_relation_label(obj: Any) -> str:
        return str(obj.get_relation_display())

    @staticmethod
    def resolve_residence_type_label(obj: Any) -> str:
        return str(obj.get_residence_type_display())

    @staticmethod
    def resolve_address(obj: Any) -> str:
        return obj.household.address if obj.household_id else ""


class PersonPage(Schema):
    items: list[PersonOut]
    next_after: int | None


class PersonFilter(Schema):
    q: str = Field("", max_length=50, description="姓名、拼音首字母、手机后4位、完整手机号或身份证号")
    grid_code: str = ""
    community_code: str = ""
    household_id: int | None = None
    tag: str = ""
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class PersonIn(Schema):
    household_id: int
    name: str = Field(..., max_length=50)
    id_number: str = ""
    phone: str = ""
    relation: str = "head"
    residence_type: str = "registered"
    tags: list[str] = []


class RevealIn(Schema):
    field: str = Field(..., description="id_number 或 phone")
    # Required and at most 200 characters, checked by the service (people.services.reveal_reason_checked)
    # so that a refusal names the limit; the document still says so.
    reason: str = Field(
        "", description="查看原因（必填，最多200字，记入操作记录）", json_schema_extra={"maxLength": 200}
    )


class RevealOut(Schema):
    field: str
    value: str


class PersonPatch(Schema):
    """Only the fields sent are changed; an empty ID number or phone keeps the registered one."""

    name: str | None = Field(None, max_length=50)
    id_number: str | None = Field(None, max_length=30)
    phone: str | None = Field(None, max_length=30)
    relation: str | None = None
    residence_type: str | None = None
    tags: list[str] | None = None


class HouseholdOut(Schema):
    id: int
    address: str
    entrance: str
    door: str
    grid_code: str
    community_code: str
    members: list[PersonOut]


class TimelineEventOut(Schema):
    id: int
    at: dt.datetime
    event: str
    label: str
    actor: str
    data: dict


class PersonImportErrorOut(Schema):
    row: int | None
    column: str
    message: str


class ImportOut(Schema):
    id: int
    status: str
    status_label: str
    dry_run: bool
    file_name: str
    rows: int
    created: int
    updated: int
    unchanged: int
    households_created: int
    error_count: int
    errors: list[PersonImportErrorOut]
    report_url: str | None


class ImportRejectedOut(ErrorOut):
    id: int | None = None
    status: str = ImportStatus.REJECTED
    status_label: str = ""
    dry_run: bool = False
    file_name: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    households_created: int = 0
    error_count: int = 0
    errors: list[PersonImportErrorOut] = []
    report_url: str | None = None


def import_body(record: PopulationImport) -> dict[str, Any]:
    return {
        "id": record.pk,
        "status": record.status,
        "status_label": str(record.get_status_display()),
        "dry_run": record.dry_run,
        "file_name": record.file_name,
        "rows": record.rows,
        "created": record.created,
        "updated": record.updated,
        "unchanged": record.unchanged,
        "households_created": record.households_created,
        "error_count": record.error_count,
        "errors": record.errors,
        "report_url": (
            reverse("api:person_import_errors", kwargs={"import_id": record.pk})
            if record.error_count
            else None
        ),
    }


@router.get("/persons", response={200: PersonPage, **ERRORS}, summary="人员列表与搜索（按数据范围）")
def person_list(request: HttpRequest, filters: Query[PersonFilter]):
    rows = selectors.person_list_for_actor(
        actor=_actor(request),
        q=filters.q,
        grid_code=filters.grid_code,
        community_code=filters.community_code,
        household_id=filters.household_id,
        tag=filters.tag,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


# Fixed paths first: they must not be taken for /persons/{person_id}.
@router.get(
    "/persons/export.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="导出人员名单（Excel，仅脱敏信息，留痕）",
)
def person_export(request: HttpRequest, filters: Query[PersonFilter]):
    content, _count = exports.persons_export(
        actor=_actor(request),
        q=filters.q,
        grid_code=filters.grid_code,
        community_code=filters.community_code,
        household_id=filters.household_id,
        tag=filters.tag,
    )
    return xlsx_response(content, f"实有人口_{timezone.localdate():%Y%m%d}.xlsx")


@router.get(
    "/persons/import-template.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="下载实有人口导入模板",
)
def person_import_template(request: HttpRequest):
    return xlsx_response(template_for(_actor(request)), "实有人口导入模板.xlsx")


def template_for(actor: User) -> bytes:
    from gongzhi.places.selectors import grid_list_for_actor

    grid = grid_list_for_actor(actor=actor, limit=1).first()
    return sheets.template_workbook(example_grid_code=grid.code if grid else "370115001001001")


@router.post(
    "/persons/import",
    response={200: ImportOut, **ERRORS, 400: ImportRejectedOut},
    summary="从Excel或CSV导入实有人口（全部通过校验才写入；dry_run 仅校验）",
)
def person_import(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="实有人口 .xlsx 或 .csv 文件（UTF-8 或 GBK）"),  # noqa: B008
    dry_run: bool = Form(False, description="仅校验，不写入"),
):
    if file is None:
        raise ValidationFailed(gettext("请选择要上传的Excel文件"), fields={"file": gettext("请选择文件")})
    sheets.check_upload(file.name or "", file.size or 0)  # before reading a byte of it
    record = imports.population_import(
        actor=_actor(request), file_name=file.name or "", content=file.read(), dry_run=dry_run
    )
    body = import_body(record)
    if record.status == ImportStatus.REJECTED:
        raise ApplicationError(
            gettext("导入文件中有%(error_count)s处错误，未写入任何数据；请按错误报告修改后重新导入")
            % {"error_count": record.error_count},
            code="import_rejected",
            extra=body,
        )
    return body


@router.post(
    "/persons/import-jobs",
    response={202: JobOut, **ERRORS},
    summary="在后台导入实有人口（大文件）：立即返回任务，进度见 GET /api/v1/jobs/{job_id}",
)
def person_import_job(
    request: HttpRequest,
    file: UploadedFile | None = File(None, description="实有人口 .xlsx 或 .csv 文件（UTF-8 或 GBK）"),  # noqa: B008
    dry_run: bool = Form(False, description="仅校验，不写入"),
):
    if file is None:
        raise ValidationFailed(gettext("请选择要上传的Excel文件"), fields={"file": gettext("请选择文件")})
    sheets.check_upload(file.name or "", file.size or 0)
    job = imports.population_import_enqueue(
        actor=_actor(request), file_name=file.name or "", content=file.read(), dry_run=dry_run
    )
    return Status(202, job_body(job))


@router.get("/persons/imports/{import_id}", response={200: ImportOut, **ERRORS}, summary="导入记录")
def person_import_detail(request: HttpRequest, import_id: int):
    return import_body(selectors.population_import_get_for_actor(actor=_actor(request), import_id=import_id))


@router.get(
    "/persons/imports/{import_id}/errors.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    url_name="person_import_errors",
    summary="下载导入错误报告",
)
def person_import_errors(request: HttpRequest, import_id: int):
    actor = _actor(request)
    record = selectors.population_import_get_for_actor(actor=actor, import_id=import_id)
    return xlsx_response(
        exports.population_import_report(actor=actor, record=record), f"导入错误报告_{record.pk}.xlsx"
    )


@router.get(
    "/households/{household_id}", response={200: HouseholdOut, **ERRORS}, summary="住户及成员（脱敏）"
)
def household_detail(request: HttpRequest, household_id: int):
    household, members = selectors.household_with_members_get_for_actor(
        actor=_actor(request), household_id=household_id
    )
    return {
        "id": household.pk,
        "address": household.address,
        "entrance": household.entrance,
        "door": household.door,
        "grid_code": household.grid_code,
        "community_code": household.community_code,
        "members": members,
    }


@router.get(
    "/persons/{person_id}/timeline",
    response={200: list[TimelineEventOut], **ERRORS},
    summary="人员操作记录（审计时间线）",
)
def person_timeline(request: HttpRequest, person_id: int):
    _person, events = selectors.person_timeline_for_actor(actor=_actor(request), person_id=person_id)
    return [
        {
            "id": e.pk,
            "at": e.created_at,
            "event": e.event_type,
            "label": str(EVENT_LABELS.get(e.event_type, e.event_type)),
            "actor": e.actor_label,
            "data": e.data,
        }
        for e in events
    ]


@router.patch("/persons/{person_id}", response={200: PersonOut, **ERRORS}, summary="修改人员信息")
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatch):
    actor = _actor(request)
    current = selectors.person_get_for_actor(actor=actor, person_id=person_id)
    data = services.PersonInput(
        name=current.name if payload.name is None else payload.name,
        id_number=payload.id_number or "",
        phone=payload.phone or "",
        relation=current.relation if payload.relation is None else payload.relation,
        residence_type=current.residence_type if payload.residence_type is None else payload.residence_type,
        tags=list(current.tags or []) if payload.tags is None else payload.tags,
    )
    services.person_update(actor=actor, person_id=person_id, data=data)
    return selectors.person_get_for_actor(actor=actor, person_id=person_id)


@router.get("/persons/{person_id}", response={200: PersonOut, **ERRORS}, summary="人员详情（脱敏）")
def person_detail(request: HttpRequest, person_id: int):
    return selectors.person_get_for_actor(actor=_actor(request), person_id=person_id)


@router.post("/persons", response={201: PersonOut, **ERRORS}, summary="登记人员")
def person_create(request: HttpRequest, payload: PersonIn):
    data = services.PersonInput(
        name=payload.name,
        id_number=payload.id_number,
        phone=payload.phone,
        relation=payload.relation,
        residence_type=payload.residence_type,
        tags=payload.tags,
    )
    person = services.person_create(actor=_actor(request), household_id=payload.household_id, data=data)
    return Status(201, person)


@router.post(
    "/persons/{person_id}/reveal",
    response={200: RevealOut, **ERRORS},
    summary="查看完整身份证号或电话（留痕）",
)
def person_reveal(request: HttpRequest, person_id: int, payload: RevealIn):
    value = services.person_reveal(
        actor=_actor(request), person_id=person_id, field_name=payload.field, reason=payload.reason
    )
    return {"field": payload.field, "value": value}
