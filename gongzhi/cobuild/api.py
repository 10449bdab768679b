"""The three lists API under /api/v1/cobuild/: needs, resources, projects, suggestions, the yearly plan.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.cobuild import agreement, selectors
from gongzhi.cobuild.enums import CATEGORY_LABELS, NeedSource
from gongzhi.cobuild.services import needs, plans, projects, resources
from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, page_of, session_auth
from gongzhi.core.http import pdf_response

router = Router(tags=["三张清单"], auth=session_auth)


# --- schemas --------------------------------------------------------------------------------------


class NeedIn(Schema):
    title: str = Field(..., max_length=100)
    category: str
    source: str = Field(NeedSource.COMMUNITY, description="resident / grid_worker / community / ticket")
    community_id: int | None = None
    grid_id: int | None = None
    source_ticket_id: int | None = None
    description: str = Field("", max_length=2000)
    micro_wish: bool = False
    beneficiaries: str = Field("", max_length=200)
    beneficiary_count: int = 1
    quantity: int = 1
    quantity_unit: str = Field("次", max_length=16)
    frequency: str = "once"
    schedule: int = Field(
        0, description="时段位图：第 day*3+period 位，day 0=周一，period 0 上午/1 下午/2 晚上"
    )
    urgency: str = "normal"
    wanted_by: dt.date | None = None
    lng: float | None = None
    lat: float | None = None


class NeedOut(Schema):
    id: int
    title: str
    description: str
    category: str
    category_label: str
    micro_wish: bool
    source: str
    source_ticket_id: int | None
    community_id: int
    community_code: str
    grid_code: str
    beneficiaries: str
    beneficiary_count: int
    quantity: int
    quantity_unit: str
    frequency: str
    schedule: int
    urgency: str
    wanted_by: dt.date | None
    status: str
    status_label: str
    committed: int
    delivered: int

    @staticmethod
    def resolve_category_label(obj: Any) -> str:
        return str(CATEGORY_LABELS.get(obj.category, obj.category))

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class NeedPage(Schema):
    items: list[NeedOut]
    next_after: int | None


class NeedFilter(Schema):
    status: str = ""
    category: str = ""
    community_code: str = ""
    micro_wish: bool | None = None
    q: str = Field("", max_length=50)
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class ReasonIn(Schema):
    reason: str = Field("", max_length=200)


class SuggestionOut(Schema):
    resource_id: int
    title: str
    provider_name: str
    score: float
    remaining: int
    reasons: list[str]


class ResourceIn(Schema):
    community_id: int
    provider_kind: str = Field(..., description="unit / member / social_organization / team")
    provider_id: int
    title: str = Field(..., max_length=100)
    kind: str = Field(..., description="skill / service / venue / funds / goods")
    categories: list[str]
    description: str = Field("", max_length=2000)
    capacity: int = 1
    schedule: int = 0
    schedule_note: str = Field("", max_length=100)
    lng: float | None = None
    lat: float | None = None
    radius_km: float = 3.0
    area_codes: list[str] = []
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class ResourceOut(Schema):
    id: int
    title: str
    kind: str
    categories: list[str]
    provider_kind: str
    provider_name: str
    community_code: str
    capacity: int
    schedule: int
    schedule_note: str
    radius_km: float
    contact_name: str
    contact_phone_masked: str
    active: bool


class ResourceFilter(Schema):
    kind: str = ""
    category: str = ""
    community_code: str = ""
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class ProjectIn(Schema):
    need_ids: list[int]
    resource_ids: list[int]
    title: str = Field("", max_length=100)
    description: str = Field("", max_length=2000)
    year: int | None = None


class ProjectOut(Schema):
    id: int
    title: str
    description: str
    year: int
    community_code: str
    status: str
    status_label: str
    claimant_kind: str
    claimant_name: str
    agreement_number: str
    starts_on: dt.date | None
    ends_on: dt.date | None
    signed_at: dt.datetime | None
    outcome: str

    @staticmethod
    def resolve_status_label(obj: Any) -> str:
        return str(obj.get_status_display())


class ProjectPage(Schema):
    items: list[ProjectOut]
    next_after: int | None


class ProjectFilter(Schema):
    status: str = ""
    community_code: str = ""
    year: int | None = None
    after: int | None = None
    limit: int = Field(50, ge=1, le=200)


class ProjectClaimIn(Schema):
    claimant_kind: str = Field("", description="unit / member / team；留空则由项目资源的提供方认领")
    claimant_id: int | None = None


class SignIn(Schema):
    terms: str = Field(..., max_length=5000)
    community_signatory: str = Field(..., max_length=50)
    claimant_signatory: str = Field(..., max_length=50)
    starts_on: dt.date
    ends_on: dt.date


class MilestoneIn(Schema):
    title: str = Field(..., max_length=100)
    due_on: dt.date | None = None


class MilestoneOut(Schema):
    id: int
    title: str
    due_on: dt.date | None
    done_on: dt.date | None
    note: str


class DoneIn(Schema):
    done_on: dt.date | None = None
    note: str = Field("", max_length=200)


class DeliveryIn(Schema):
    need_id: int
    quantity: int


class CompleteIn(Schema):
    outcome: str = Field(..., max_length=2000)


class ProjectActivityIn(Schema):
    activity_id: int


class EvaluationIn(Schema):
    rating: int
    comment: str = Field("", max_length=300)


class PublicProjectOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    claimant: str
    year: int
    avg_rating: float | None
    n_ratings: int


class PlanIn(Schema):
    place_code: str = Field(..., max_length=12, description="区、街道或社区代码")
    year: int | None = None


class PlanRowOut(Schema):
    id: int
    need_id: int
    need_title: str
    resource_id: int
    resource_title: str
    fit: float
    reasons: list[str]
    included: bool
    adjusted: bool

    @staticmethod
    def resolve_need_title(obj: Any) -> str:
        return obj.need.title

    @staticmethod
    def resolve_resource_title(obj: Any) -> str:
        return obj.resource.title


class PlanOut(Schema):
    id: int
    title: str
    year: int
    level: str
    place_code: str
    status: str
    needs_considered: int
    resources_considered: int
    total_fit: float
    greedy_total_fit: float
    seconds: float
    rows: list[PlanRowOut]

    @staticmethod
    def resolve_rows(obj: Any) -> list[Any]:
        return list(obj.rows.select_related("need", "resource").order_by("id"))


class RowIn(Schema):
    included: bool | None = None
    resource_id: int | None = None


class AppliedOut(Schema):
    project_ids: list[int]


# --- needs ----------------------------------------------------------------------------------------


@router.get("/needs", response={200: NeedPage, **ERRORS}, summary="需求清单")
def need_list(request: HttpRequest, filters: Query[NeedFilter]):
    rows = selectors.need_list_for_actor(
        actor=actor_of(request),
        status=filters.status,
        category=filters.category,
        community_code=filters.community_code,
        micro_wish=filters.micro_wish,
        q=filters.q,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.post("/needs", response={201: NeedOut, **ERRORS}, summary="提出需求（含微心愿）")
def need_create(request: HttpRequest, payload: NeedIn):
    data = payload.dict()
    place = {k: data.pop(k) for k in ("source", "community_id", "grid_id", "source_ticket_id")}
    need = needs.need_raise(actor=actor_of(request), data=needs.NeedInput(**data), **place)
    return Status(201, need)


@router.get("/needs/{need_id}", response={200: NeedOut, **ERRORS}, summary="需求详情")
def need_detail(request: HttpRequest, need_id: int):
    return selectors.need_get_for_actor(actor=actor_of(request), need_id=need_id)


@router.post("/needs/{need_id}/withdraw", response={200: NeedOut, **ERRORS}, summary="撤回需求")
def need_withdraw(request: HttpRequest, need_id: int, payload: ReasonIn):
    return needs.need_withdraw(actor=actor_of(request), need_id=need_id, reason=payload.reason)


@router.get(
    "/needs/{need_id}/suggestions", response={200: list[SuggestionOut], **ERRORS}, summary="为需求推荐资源"
)
def need_suggest(request: HttpRequest, need_id: int, limit: int = 10):
    out = selectors.need_suggestions_for_actor(
        actor=actor_of(request), need_id=need_id, limit=min(max(limit, 1), 50)
    )
    return [
        {
            "resource_id": s.resource.pk,
            "title": s.resource.title,
            "provider_name": s.resource.provider_name,
            "score": s.score,
            "remaining": s.remaining,
            "reasons": s.reasons,
        }
        for s in out
    ]


# --- resources ------------------------------------------------------------------------------------


@router.get("/resources", response={200: list[ResourceOut], **ERRORS}, summary="资源清单")
def resource_list(request: HttpRequest, filters: Query[ResourceFilter]):
    rows = selectors.resource_list_for_actor(
        actor=actor_of(request),
        kind=filters.kind,
        category=filters.category,
        community_code=filters.community_code,
        after_id=filters.after,
        limit=filters.limit,
    )
    return list(rows)[: filters.limit]


@router.post("/resources", response={201: ResourceOut, **ERRORS}, summary="登记资源")
def resource_create(request: HttpRequest, payload: ResourceIn):
    data = payload.dict()
    where = {k: data.pop(k) for k in ("community_id", "provider_kind", "provider_id")}
    res = resources.resource_register(actor=actor_of(request), data=resources.ResourceInput(**data), **where)
    return Status(201, res)


# --- projects -------------------------------------------------------------------------------------


@router.get("/projects", response={200: ProjectPage, **ERRORS}, summary="项目清单")
def project_list(request: HttpRequest, filters: Query[ProjectFilter]):
    rows = selectors.project_list_for_actor(
        actor=actor_of(request),
        status=filters.status,
        community_code=filters.community_code,
        year=filters.year,
        after_id=filters.after,
        limit=filters.limit + 1,
    )
    return page_of(list(rows), filters.limit)


@router.post("/projects", response={201: ProjectOut, **ERRORS}, summary="制定共建项目")
def project_create(request: HttpRequest, payload: ProjectIn):
    return Status(201, projects.project_create(actor=actor_of(request), **payload.dict()))


@router.get("/projects/{project_id}", response={200: ProjectOut, **ERRORS}, summary="项目详情")
def project_detail(request: HttpRequest, project_id: int):
    return selectors.project_get_for_actor(actor=actor_of(request), project_id=project_id)


@router.post("/projects/{project_id}/claim", response={200: ProjectOut, **ERRORS}, summary="认领项目")
def project_claim(request: HttpRequest, project_id: int, payload: ProjectClaimIn):
    return projects.project_claim(actor=actor_of(request), project_id=project_id, **payload.dict())


@router.post("/projects/{project_id}/sign", response={200: ProjectOut, **ERRORS}, summary="签订共建协议")
def project_sign(request: HttpRequest, project_id: int, payload: SignIn):
    return projects.project_sign(actor=actor_of(request), project_id=project_id, **payload.dict())


@router.get(
    "/projects/{project_id}/agreement.pdf",
    response={200: None, **ERRORS},
    openapi_extra={
        "responses": {
            200: {
                "description": "PDF",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    summary="共建协议书（PDF）",
)
def project_agreement(request: HttpRequest, project_id: int):
    number, pdf = agreement.agreement_pdf(actor=actor_of(request), project_id=project_id)
    return pdf_response(pdf, f"共建协议书-{number}.pdf", attachment=True)


@router.post(
    "/projects/{project_id}/milestones", response={201: MilestoneOut, **ERRORS}, summary="添加项目节点"
)
def milestone_add(request: HttpRequest, project_id: int, payload: MilestoneIn):
    return Status(
        201, projects.milestone_add(actor=actor_of(request), project_id=project_id, **payload.dict())
    )


@router.post(
    "/milestones/{milestone_id}/done", response={200: MilestoneOut, **ERRORS}, summary="完成项目节点"
)
def milestone_done(request: HttpRequest, milestone_id: int, payload: DoneIn):
    return projects.milestone_done(actor=actor_of(request), milestone_id=milestone_id, **payload.dict())


@router.post(
    "/projects/{project_id}/deliveries", response={200: ProjectOut, **ERRORS}, summary="登记需求交付"
)
def delivery(request: HttpRequest, project_id: int, payload: DeliveryIn):
    projects.delivery_record(actor=actor_of(request), project_id=project_id, **payload.dict())
    return selectors.project_get_for_actor(actor=actor_of(request), project_id=project_id)


@router.post("/projects/{project_id}/complete", response={200: ProjectOut, **ERRORS}, summary="确认项目完成")
def project_complete(request: HttpRequest, project_id: int, payload: CompleteIn):
    return projects.project_complete(actor=actor_of(request), project_id=project_id, outcome=payload.outcome)


@router.post("/projects/{project_id}/cancel", response={200: ProjectOut, **ERRORS}, summary="取消项目")
def project_cancel(request: HttpRequest, project_id: int, payload: ReasonIn):
    return projects.project_cancel(actor=actor_of(request), project_id=project_id, reason=payload.reason)


@router.post(
    "/projects/{project_id}/activities", response={200: ProjectOut, **ERRORS}, summary="关联志愿服务活动"
)
def project_activity(request: HttpRequest, project_id: int, payload: ProjectActivityIn):
    projects.project_activity_link(
        actor=actor_of(request), project_id=project_id, activity_id=payload.activity_id
    )
    return selectors.project_get_for_actor(actor=actor_of(request), project_id=project_id)


@router.post(
    "/projects/{project_id}/evaluations", response={201: dict[str, int], **ERRORS}, summary="居民评价"
)
def project_evaluate(request: HttpRequest, project_id: int, payload: EvaluationIn):
    ev = projects.project_evaluate(actor=actor_of(request), project_id=project_id, **payload.dict())
    return Status(201, {"id": ev.pk, "rating": ev.rating})


@router.get(
    "/public/projects",
    response={200: list[PublicProjectOut], **ERRORS},
    auth=None,
    summary="社区共建项目公示（无需登录，不含个人信息）",
)
def public_projects(request: HttpRequest, community_code: str):
    return selectors.public_projects(community_code=community_code)


# --- the yearly plan ------------------------------------------------------------------------------


@router.post("/plans", response={201: PlanOut, **ERRORS}, summary="生成碰头配对方案（草案）")
def plan_generate(request: HttpRequest, payload: PlanIn):
    return Status(201, plans.matching_plan_generate(actor=actor_of(request), **payload.dict()))


@router.get("/plans/{plan_id}", response={200: PlanOut, **ERRORS}, summary="配对方案")
def plan_detail(request: HttpRequest, plan_id: int):
    return selectors.plan_get_for_actor(actor=actor_of(request), plan_id=plan_id)


@router.patch("/plan-rows/{row_id}", response={200: PlanRowOut, **ERRORS}, summary="调整配对方案的一行")
def plan_row(request: HttpRequest, row_id: int, payload: RowIn):
    return plans.matching_plan_row_update(actor=actor_of(request), row_id=row_id, **payload.dict())


@router.post("/plans/{plan_id}/apply", response={200: AppliedOut, **ERRORS}, summary="确认实施配对方案")
def plan_apply(request: HttpRequest, plan_id: int):
    return {"project_ids": plans.matching_plan_apply(actor=actor_of(request), plan_id=plan_id)}


@router.post("/plans/{plan_id}/discard", response={200: PlanOut, **ERRORS}, summary="作废配对方案")
def plan_discard(request: HttpRequest, plan_id: int):
    return plans.matching_plan_discard(actor=actor_of(request), plan_id=plan_id)
