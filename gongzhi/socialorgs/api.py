"""The social-organisation API under /api/v1/socialorgs/: the registry, funded projects (apply, review,
decide, deliver, close), a contest with its ranking and a judge's scoring sheet, the social workers and
the figures per community. Money is a decimal string in yuan ("5000.50").

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.socialorgs import selectors
from gongzhi.socialorgs.services import contests, organizations, projects

router = Router(tags=["社会组织"], auth=session_auth)


class SocialOrgProfileIn(Schema):
    kind: str = Field(..., description="hub / sector / community_service")
    legal_status: str = Field(..., description="registered / filed")
    field: str = Field(..., max_length=20)
    filing_number: str = Field("", max_length=40)
    founded_on: dt.date | None = None
    members_count: int = 0
    leader_name: str = Field("", max_length=50)
    party_organization_id: int | None = None
    party_instructor: str = Field("", max_length=50)
    contact_name: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=20)


class SocialOrgIn(SocialOrgProfileIn):
    community_id: int
    name: str = Field(..., max_length=100)
    uscc: str = Field("", max_length=18)
    description: str = Field("", max_length=2000)


class SocialOrgOut(Schema):
    organization_id: int
    name: str
    uscc: str
    community_code: str
    kind: str
    legal_status: str
    filing_number: str
    field: str
    members_count: int
    leader_name: str
    party_organization_id: int | None
    party_instructor: str
    contact_name: str
    contact_phone_masked: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return obj.organization.name

    @staticmethod
    def resolve_uscc(obj: Any) -> str:
        return obj.organization.uscc


class SocialOrgFilter(Schema):
    community_code: str = Field("", max_length=12)
    kind: str = Field("", max_length=24)
    q: str = Field("", max_length=50)
    limit: int = Field(200, ge=1, le=1000)


class FundedProjectIn(Schema):
    organization_id: int
    year: int
    title: str = Field(..., max_length=100)
    summary: str = Field(..., max_length=4000)
    category: str = Field(..., max_length=24)
    beneficiaries: str = Field(..., max_length=100)
    requested_yuan: Decimal = Field(..., max_digits=12, decimal_places=2)


class FundedProjectOut(Schema):
    id: int
    organization_id: int
    year: int
    title: str
    category: str
    beneficiaries: str
    status: str
    requested_yuan: Decimal
    granted_yuan: Decimal | None
    person_times: int
    grade: str
    resource_id: int | None


class FundedProjectFilter(Schema):
    year: int | None = Field(None, ge=1900, le=2100)
    status: str = Field("", max_length=12)
    limit: int = Field(200, ge=1, le=1000)


class ProjectReviewIn(Schema):
    score: int
    comment: str = Field("", max_length=500)


class ProjectReviewOut(Schema):
    id: int
    project_id: int
    score: int
    comment: str


class FundingDecisionIn(Schema):
    approve: bool
    granted_yuan: Decimal | None = Field(None, max_digits=12, decimal_places=2)
    note: str = Field("", max_length=500)


class ProjectDeliveryIn(Schema):
    title: str = Field(..., max_length=100)
    person_times: int
    delivered_on: dt.date | None = None


class ProjectDeliveryOut(Schema):
    id: int
    project_id: int
    delivered_on: dt.date
    title: str
    person_times: int


class ProjectCloseIn(Schema):
    report: str = Field(..., max_length=8000)
    score: int


class ContestEntryOut(Schema):
    id: int
    title: str
    organization_id: int
    average: Decimal | None
    rank: int | None
    winner: bool
    brand: bool
    sheets: int

    @staticmethod
    def resolve_sheets(obj: Any) -> int:
        return len(obj.sheets.all())


class ContestOut(Schema):
    id: int
    year: int
    title: str
    status: str
    winners: int
    criteria: list[dict[str, Any]]
    entries: list[ContestEntryOut]


class ScoreSheetIn(Schema):
    scores: dict[str, Decimal] = Field(..., description="criterion key → points (whole or half)")


class ScoreSheetOut(Schema):
    id: int
    entry_id: int
    scores: dict[str, str]
    total: Decimal


class SocialWorkerOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    certificate_number: str
    issued_on: dt.date
    expires_on: dt.date | None
    community_code: str
    organization_id: int | None
    phone_masked: str


class SocialWorkerFilter(Schema):
    kind: str = Field("", max_length=24)
    community_code: str = Field("", max_length=12)
    limit: int = Field(200, ge=1, le=1000)


class SocialOrgFiguresOut(Schema):
    community_code: str
    organizations: int
    incubating: int
    funded_projects: int
    funds_yuan: Decimal
    person_times: int
    licensed_social_workers: int
    harmony_envoys: int


@router.get("/organizations", response={200: list[SocialOrgOut], **ERRORS}, summary="社会组织")
def organization_list(request: HttpRequest, filters: Query[SocialOrgFilter]):
    rows = selectors.organization_profile_list_for_actor(
        actor=actor_of(request), community_code=filters.community_code, kind=filters.kind, q=filters.q
    )
    return list(rows[: filters.limit])


@router.post("/organizations", response={201: SocialOrgOut, **ERRORS}, summary="登记社会组织")
def organization_create(request: HttpRequest, payload: SocialOrgIn):
    data = payload.dict()
    head = {k: data.pop(k) for k in ("community_id", "name", "uscc", "description")}
    profile = organizations.socialorg_register(
        actor=actor_of(request), data=organizations.ProfileInput(**data), **head
    )
    return Status(201, profile)


@router.get(
    "/organizations/{organization_id}", response={200: SocialOrgOut, **ERRORS}, summary="社会组织详情"
)
def organization_detail(request: HttpRequest, organization_id: int):
    return selectors.organization_profile_get_for_actor(
        actor=actor_of(request), organization_id=organization_id
    )


@router.get("/projects", response={200: list[FundedProjectOut], **ERRORS}, summary="公益创投项目")
def project_list(request: HttpRequest, filters: Query[FundedProjectFilter]):
    rows = selectors.funded_project_list_for_actor(
        actor=actor_of(request), year=filters.year, status=filters.status
    )
    return list(rows[: filters.limit])


@router.post("/projects", response={201: FundedProjectOut, **ERRORS}, summary="申报公益创投项目")
def project_create(request: HttpRequest, payload: FundedProjectIn):
    data = payload.dict()
    org = data.pop("organization_id")
    project = projects.funded_project_apply(
        actor=actor_of(request), organization_id=org, data=projects.FundedProjectInput(**data)
    )
    return Status(201, project)


@router.get("/projects/{project_id}", response={200: FundedProjectOut, **ERRORS}, summary="公益创投项目详情")
def project_detail(request: HttpRequest, project_id: int):
    return selectors.funded_project_get_for_actor(actor=actor_of(request), project_id=project_id)


@router.post(
    "/projects/{project_id}/reviews", response={201: ProjectReviewOut, **ERRORS}, summary="项目评审打分"
)
def project_review(request: HttpRequest, project_id: int, payload: ProjectReviewIn):
    review = projects.funded_project_review(
        actor=actor_of(request), project_id=project_id, score=payload.score, comment=payload.comment
    )
    return Status(201, review)


@router.post(
    "/projects/{project_id}/decision", response={200: FundedProjectOut, **ERRORS}, summary="立项决定"
)
def project_decision(request: HttpRequest, project_id: int, payload: FundingDecisionIn):
    return projects.funded_project_decide(
        actor=actor_of(request),
        project_id=project_id,
        approve=payload.approve,
        granted_yuan=payload.granted_yuan,
        note=payload.note,
    )


@router.post(
    "/projects/{project_id}/deliveries", response={201: ProjectDeliveryOut, **ERRORS}, summary="登记项目服务"
)
def project_delivery(request: HttpRequest, project_id: int, payload: ProjectDeliveryIn):
    row = projects.funded_project_deliver(
        actor=actor_of(request),
        project_id=project_id,
        title=payload.title,
        person_times=payload.person_times,
        delivered_on=payload.delivered_on,
    )
    return Status(201, row)


@router.post("/projects/{project_id}/close", response={200: FundedProjectOut, **ERRORS}, summary="项目结项")
def project_close(request: HttpRequest, project_id: int, payload: ProjectCloseIn):
    return projects.funded_project_close(
        actor=actor_of(request), project_id=project_id, report=payload.report, score=payload.score
    )


@router.get("/contests/{contest_id}", response={200: ContestOut, **ERRORS}, summary="项目大赛与名次")
def contest_detail(request: HttpRequest, contest_id: int):
    contest = selectors.contest_get_for_actor(actor=actor_of(request), contest_id=contest_id)
    return {
        "id": contest.pk,
        "year": contest.year,
        "title": contest.title,
        "status": contest.status,
        "winners": contest.winners,
        "criteria": contest.criteria,
        "entries": selectors.contest_entries(contest),
    }


@router.post("/entries/{entry_id}/score", response={201: ScoreSheetOut, **ERRORS}, summary="评委评分")
def entry_score(request: HttpRequest, entry_id: int, payload: ScoreSheetIn):
    sheet = contests.contest_entry_score(
        actor=actor_of(request), entry_id=entry_id, scores={k: str(v) for k, v in payload.scores.items()}
    )
    return Status(201, sheet)


@router.get("/workers", response={200: list[SocialWorkerOut], **ERRORS}, summary="持证社工与和谐使者")
def worker_list(request: HttpRequest, filters: Query[SocialWorkerFilter]):
    rows = selectors.social_worker_list_for_actor(
        actor=actor_of(request), kind=filters.kind, community_code=filters.community_code
    )
    return list(rows[: filters.limit])


@router.get("/figures", response={200: list[SocialOrgFiguresOut], **ERRORS}, summary="各社区社会组织数字")
def socialorg_figures(request: HttpRequest):
    return selectors.socialorg_figures(selectors.socialorg_place_q(actor_of(request)))
