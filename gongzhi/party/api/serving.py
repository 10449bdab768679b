"""Serving and evaluation API: items, claims, service records, feedback letters, unit assessment.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, page_of, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.core.http import XLSX_CONTENT_TYPE, pdf_response, xlsx_response
from gongzhi.party import exports
from gongzhi.party.selectors import evaluation as evaluation_selectors
from gongzhi.party.selectors import serving as serving_selectors
from gongzhi.party.services import evaluation, serving

router = Router(tags=["党建"], auth=session_auth)

_XLSX = {
    200: {
        "description": "Excel文件（.xlsx）",
        "content": {XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
    }
}
_PDF = {
    200: {
        "description": "PDF文件",
        "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
    }
}


# --- schemas --------------------------------------------------------------------------------------


class ItemIn(Schema):
    community_id: int
    kind: str = Field("post", description="post 服务岗位 / item 服务项目")
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=2000)
    skills: list[str] = []
    capacity: int = Field(1, ge=1, le=10000)


class ItemOut(Schema):
    id: int
    community_id: int
    community_code: str
    kind: str
    kind_label: str
    title: str
    description: str
    skills: list[str]
    capacity: int
    status: str
    status_label: str

    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class ItemFilter(Schema):
    status: str = ""
    community_code: str = ""
    limit: int = Field(100, ge=1, le=500)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class ClaimIn(Schema):
    item_id: int
    pledge: str = Field(..., max_length=500)
    member_id: int | None = None
    unit_id: int | None = None


class ClaimOut(Schema):
    id: int
    item_id: int
    item_title: str
    member_id: int | None
    member_name: str
    unit_id: int | None
    unit_name: str
    pledge: str
    status: str
    status_label: str

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return obj.item.title

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return obj.member.name if obj.member_id else ""

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name if obj.unit_id else ""

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class RecordIn(Schema):
    served_on: str = Field(..., description="服务日期，如 2026-10-01")
    hours: str | float = Field(..., description="服务时长（小时），0.5小时为单位，0 < 时长 ≤ 24")
    content: str = Field(..., max_length=500)
    beneficiaries: str = Field("", max_length=200)
    claim_id: int | None = None
    member_id: int | None = None
    unit_id: int | None = None


class RecordOut(Schema):
    id: int
    served_on: dt.date
    hours: str
    content: str
    beneficiaries: str
    status: str
    status_label: str
    rating: int | None
    claim_id: int | None
    item_title: str
    member_id: int | None
    member_name: str
    unit_id: int | None
    unit_name: str
    community_code: str

    @staticmethod
    def resolve_hours(obj: Any) -> str:
        return format(obj.hours.normalize(), "f")

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())

    @staticmethod
    def resolve_item_title(obj: Any) -> str:
        return obj.claim.item.title if obj.claim_id else ""

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return obj.member.name if obj.member_id else ""

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        if obj.unit_id:
            return obj.unit.name
        return obj.member.unit.name if obj.member_id and obj.member.unit_id else ""


class RecordPage(Schema):
    items: list[RecordOut]
    next_after: int | None


class RecordFilter(Schema):
    status: str = ""
    community_code: str = ""
    member_id: int | None = None
    unit_id: int | None = None
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class ConfirmIn(Schema):
    rating: int | None = Field(None, ge=1, le=5, description="群众评价 1–5（可选）")


class RejectIn(Schema):
    reason: str = Field(..., max_length=200)


class IssueIn(Schema):
    period: str = Field(..., description="2026（年度）、2026-Q3（季度）或 2026-10（月份）")
    community_id: int | None = None


class IssueOut(Schema):
    period: str
    created: int
    updated: int
    unchanged: int
    total: int


class LetterOut(Schema):
    id: int
    member_id: int
    member_name: str
    unit_id: int | None
    unit_name: str
    period: str
    summary: dict
    pdf_url: str

    @staticmethod
    def resolve_member_name(obj: Any) -> str:
        return obj.member.name

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name if obj.unit_id else ""

    @staticmethod
    def resolve_pdf_url(obj: Any) -> str:
        return f"/api/v1/party/letters/{obj.pk}.pdf"


class LetterFilter(Schema):
    period: str = ""
    unit_id: int | None = None


class SchemeIn(Schema):
    district_id: int | None = None
    year: int
    weights: dict[str, float]


class SchemeOut(Schema):
    id: int
    district_id: int
    year: int
    weights: dict[str, float]


class RunIn(Schema):
    year: int
    district_id: int | None = None


class RankingFilter(Schema):
    year: int
    district_id: int | None = None


class RankingRowOut(Schema):
    rank: int
    unit_id: int
    unit_name: str
    score: float
    indicators: dict

    @staticmethod
    def resolve_unit_name(obj: Any) -> str:
        return obj.unit.name

    @staticmethod
    def resolve_score(obj: Any) -> float:
        return float(obj.score)


class RankingOut(Schema):
    year: int
    weights: dict[str, float]
    labels: dict[str, str]
    results: list[RankingRowOut]


# --- items and claims -----------------------------------------------------------------------------


@router.get("/items", response={200: list[ItemOut], **ERRORS}, summary="服务岗位/项目列表（按数据范围）")
def item_list(request: HttpRequest, filters: Query[ItemFilter]):
    return list(
        serving_selectors.service_item_list_for_actor(
            actor=actor_of(request),
            status=filters.status,
            community_code=filters.community_code,
            limit=filters.limit,
        )
    )


@router.post("/items", response={201: ItemOut, **ERRORS}, summary="发布服务岗位/项目（社区工作人员）")
def item_publish(request: HttpRequest, payload: ItemIn):
    item = serving.service_item_publish(actor=actor_of(request), **payload.dict())
    return Status(201, item)


@router.post("/items/{item_id}/close", response={200: ItemOut, **ERRORS}, summary="关闭服务岗位/项目")
def item_close(request: HttpRequest, item_id: int, payload: ReasonIn | None = None):
    return serving.service_item_close(
        actor=actor_of(request), item_id=item_id, reason=payload.reason if payload else ""
    )


@router.get("/claims", response={200: list[ClaimOut], **ERRORS}, summary="认领列表（按数据范围）")
def claim_list(request: HttpRequest, item_id: int | None = None):
    return list(serving_selectors.claim_list_for_actor(actor=actor_of(request), item_id=item_id)[:500])


@router.post("/claims", response={201: ClaimOut, **ERRORS}, summary="认领岗位/项目并作出承诺")
def claim_create(request: HttpRequest, payload: ClaimIn):
    return Status(201, serving.claim_create(actor=actor_of(request), **payload.dict()))


@router.post("/claims/{claim_id}/withdraw", response={200: ClaimOut, **ERRORS}, summary="撤回认领")
def claim_withdraw(request: HttpRequest, claim_id: int, payload: ReasonIn | None = None):
    return serving.claim_withdraw(
        actor=actor_of(request), claim_id=claim_id, reason=payload.reason if payload else ""
    )


@router.post("/claims/{claim_id}/complete", response={200: ClaimOut, **ERRORS}, summary="确认认领已完成")
def claim_complete(request: HttpRequest, claim_id: int):
    return serving.claim_complete(actor=actor_of(request), claim_id=claim_id)


# --- records --------------------------------------------------------------------------------------


@router.post("/records", response={201: RecordOut, **ERRORS}, summary="登记服务记录（践诺）")
def record_submit(request: HttpRequest, payload: RecordIn):
    record = serving.service_record_submit(actor=actor_of(request), **payload.dict())
    return Status(
        201, serving_selectors.service_record_get_for_actor(actor=actor_of(request), record_id=record.pk)
    )


@router.get("/records", response={200: RecordPage, **ERRORS}, summary="服务记录（按数据范围）")
def record_list(request: HttpRequest, filters: Query[RecordFilter]):
    rows = serving_selectors.service_record_list_for_actor(
        actor=actor_of(request),
        status=filters.status,
        community_code=filters.community_code,
        member_id=filters.member_id,
        unit_id=filters.unit_id,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.post("/records/{record_id}/confirm", response={200: RecordOut, **ERRORS}, summary="确认服务记录")
def record_confirm(request: HttpRequest, record_id: int, payload: ConfirmIn | None = None):
    serving.service_record_confirm(
        actor=actor_of(request), record_id=record_id, rating=payload.rating if payload else None
    )
    return serving_selectors.service_record_get_for_actor(actor=actor_of(request), record_id=record_id)


@router.post("/records/{record_id}/reject", response={200: RecordOut, **ERRORS}, summary="退回服务记录")
def record_reject(request: HttpRequest, record_id: int, payload: RejectIn):
    serving.service_record_reject(actor=actor_of(request), record_id=record_id, reason=payload.reason)
    return serving_selectors.service_record_get_for_actor(actor=actor_of(request), record_id=record_id)


# --- feedback letters -----------------------------------------------------------------------------


@router.post("/letters/issue", response={200: IssueOut, **ERRORS}, summary="出具在职党员服务情况反馈函")
def letters_issue(request: HttpRequest, payload: IssueIn):
    result = evaluation.feedback_letters_issue(
        actor=actor_of(request), period=payload.period, community_id=payload.community_id
    )
    return {**result.__dict__, "total": result.total}


@router.get("/letters", response={200: list[LetterOut], **ERRORS}, summary="反馈函（按数据范围）")
def letter_list(request: HttpRequest, filters: Query[LetterFilter]):
    return list(
        evaluation_selectors.feedback_letter_list_for_actor(
            actor=actor_of(request), period=filters.period, unit_id=filters.unit_id, limit=1000
        )
    )


# Fixed paths before /letters/{id}.pdf.
@router.get(
    "/letters/export.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="导出反馈函汇总（Excel）",
)
def letter_export(request: HttpRequest, filters: Query[LetterFilter]):
    content = exports.feedback_letters_export(
        actor=actor_of(request), period=filters.period, unit_id=filters.unit_id
    )
    name = f"反馈函_{filters.period or timezone.localdate().strftime('%Y%m%d')}.xlsx"
    return xlsx_response(content, name)


@router.get(
    "/letters/{letter_id}.pdf",
    response=ERRORS,
    openapi_extra={"responses": _PDF},
    summary="下载反馈函（PDF）",
)
def letter_pdf(request: HttpRequest, letter_id: int):
    letter, pdf = exports.feedback_letter_download(actor=actor_of(request), letter_id=letter_id)
    return pdf_response(pdf, f"反馈函_{letter.member.name}_{letter.period}.pdf", attachment=True)


# --- unit assessment ------------------------------------------------------------------------------


@router.put("/assessment/scheme", response={200: SchemeOut, **ERRORS}, summary="设置年度单位考核指标权重")
def scheme_set(request: HttpRequest, payload: SchemeIn):
    return evaluation.assessment_scheme_set(
        actor=actor_of(request),
        district_id=payload.district_id,
        year=payload.year,
        weights=payload.weights,
    )


@router.post("/assessment/run", response={200: RankingOut, **ERRORS}, summary="计算年度单位考核结果")
def assessment_run(request: HttpRequest, payload: RunIn):
    actor = actor_of(request)
    scheme = evaluation.units_assess(actor=actor, year=payload.year, district_id=payload.district_id)
    return _ranking(request, payload.year, scheme.district_id)


def _ranking(request: HttpRequest, year: int, district_id: int | None) -> dict[str, Any]:
    scheme, rows = evaluation_selectors.assessment_ranking_for_actor(
        actor=actor_of(request), year=year, district_id=district_id
    )
    if scheme is None:
        raise NotFound(gettext("%(year)s年度尚无单位考核方案") % {"year": year})
    return {
        "year": scheme.year,
        "weights": scheme.weights,
        "labels": evaluation.INDICATORS,
        "results": list(rows),
    }


@router.get("/assessment/ranking", response={200: RankingOut, **ERRORS}, summary="年度单位考核排名")
def assessment_ranking(request: HttpRequest, filters: Query[RankingFilter]):
    return _ranking(request, filters.year, filters.district_id)


@router.get(
    "/assessment/ranking.xlsx",
    response=ERRORS,
    openapi_extra={"responses": _XLSX},
    summary="导出年度单位考核排名（Excel）",
)
def assessment_ranking_export(request: HttpRequest, filters: Query[RankingFilter]):
    scheme, content = exports.ranking_export(
        actor=actor_of(request), year=filters.year, district_id=filters.district_id
    )
    return xlsx_response(content, f"{scheme.year}年度驻区单位考核排名.xlsx")
