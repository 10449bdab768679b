"""The red-property API under /api/v1/property/: the company register, an estate's profile, the matters,
the quarterly assessment, and the residents' quarterly rating.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.property.selectors import assessment as assess_sel
from gongzhi.property.selectors import estates as estate_sel
from gongzhi.property.selectors import register as reg_sel
from gongzhi.property.selectors.matters import matter_get_for_actor
from gongzhi.property.services import ratings
from gongzhi.property.services import register as reg_svc
from gongzhi.property.services._validation import parse_quarter

router = Router(tags=["红色物业"], auth=session_auth)


class PropertyCompanyIn(Schema):
    subdistrict_id: int
    name: str = Field(..., max_length=100)
    uscc: str = Field(..., max_length=30)
    address: str = Field("", max_length=200)
    manager_name: str = Field("", max_length=50)
    phone: str = Field("", max_length=20)
    party_org_name: str = Field("", max_length=100)
    party_members: int = 0
    party_lead_name: str = Field("", max_length=50)
    red_brand: bool = False


class PropertyCompanyOut(Schema):
    id: int
    name: str
    uscc: str
    address: str
    manager_name: str
    phone_masked: str
    party_org_name: str
    party_members: int
    party_lead_name: str
    red_brand: bool
    subdistrict_code: str
    active: bool


class CompanyFilter(Schema):
    q: str = Field("", max_length=50)
    limit: int = Field(200, ge=1, le=1000)


class EstateProfileOut(Schema):
    estate_id: int
    name: str
    community_code: str
    households: int
    service: dict[str, Any] | None
    owners_committee: dict[str, Any] | None
    branch: dict[str, Any] | None
    captains: list[dict[str, Any]]


class PropertyMatterOut(Schema):
    id: int
    estate_id: int
    title: str
    proposer_kind: str
    proposer: str
    topic_id: int | None
    topic_status: str | None
    step: int
    step_label: str
    resolution_number: str | None
    created_at: dt.datetime


class PropertyAssessmentOut(Schema):
    quarter: str
    subdistrict_code: str
    subject: str
    subject_id: int
    subject_name: str
    estates: list[str]
    indicators: dict[str, dict[str, Any]]
    weights: dict[str, float]
    score: float
    rank: int


class AssessmentFilter(Schema):
    quarter: str = Field(..., max_length=7, description="2026-Q3")
    subdistrict_code: str = Field("", max_length=12)
    subject: str = Field("", description="company / owners_committee / branch")


class PropertyRatingIn(Schema):
    company_score: int | None = None
    committee_score: int | None = None
    branch_score: int | None = None
    comment: str = Field("", max_length=300)


class PropertyRatingOut(Schema):
    id: int
    quarter: str
    estate_id: int
    company_score: int | None
    committee_score: int | None
    branch_score: int | None


@router.get("/companies", response={200: list[PropertyCompanyOut], **ERRORS}, summary="物业企业名录")
def company_list(request: HttpRequest, filters: Query[CompanyFilter]):
    return list(reg_sel.company_list_for_actor(actor=actor_of(request), q=filters.q, limit=filters.limit))


@router.post(
    "/companies", response={201: PropertyCompanyOut, **ERRORS}, summary="登记物业企业（街道物业管理办公室）"
)
def company_register(request: HttpRequest, payload: PropertyCompanyIn):
    data = payload.dict()
    subdistrict_id = data.pop("subdistrict_id")
    company = reg_svc.property_company_register(
        actor=actor_of(request), subdistrict_id=subdistrict_id, data=reg_svc.CompanyInput(**data)
    )
    return Status(201, company)


@router.get("/companies/{company_id}", response={200: PropertyCompanyOut, **ERRORS}, summary="物业企业")
def company_get(request: HttpRequest, company_id: int):
    return reg_sel.company_get_for_actor(actor=actor_of(request), company_id=company_id)


@router.get("/estates/{estate_id}", response={200: EstateProfileOut, **ERRORS}, summary="小区红色物业概况")
def estate_profile(request: HttpRequest, estate_id: int):
    p = estate_sel.estate_profile_for_actor(actor=actor_of(request), estate_id=estate_id)
    s, c, b = p.service, p.committee, p.branch
    return {
        "estate_id": p.estate.pk,
        "name": p.estate.name,
        "community_code": p.estate.community_code,
        "households": p.households,
        "service": None
        if s is None
        else {
            "kind": s.kind,
            "company_id": s.company_id,
            "company": s.company.name if s.company else "",
            "starts_on": s.starts_on.isoformat(),
        },
        "owners_committee": None
        if c is None
        else {
            "id": c.committee.pk,
            "name": c.committee.name,
            "status": c.committee.status,
            "elected_on": c.committee.elected_on.isoformat(),
            "term_ends_on": c.committee.term_ends_on.isoformat(),
            "filed_on": c.committee.filed_on.isoformat() if c.committee.filed_on else None,
            "filing_overdue": c.filing_overdue,
            "members": [
                {"name": m.name, "post": m.post, "party_member": m.is_party_member} for m in c.members
            ],
        },
        "branch": None
        if b is None
        else {
            "id": b.branch.pk,
            "name": b.branch.name,
            "complete": b.complete,
            "representatives": [{"side": r.side, "name": r.name} for r in b.representatives],
        },
        "captains": [
            {
                "kind": x.kind,
                "holder_name": x.holder_name,
                "building": x.building.number if x.building else "",
            }
            for x in p.captains
        ],
    }


@router.get(
    "/matters/{matter_id}", response={200: PropertyMatterOut, **ERRORS}, summary="物业议事事项（四步议事）"
)
def matter_get(request: HttpRequest, matter_id: int):
    v = matter_get_for_actor(actor=actor_of(request), matter_id=matter_id)
    return {
        "id": v.matter.pk,
        "estate_id": v.matter.estate_id,
        "title": v.matter.title,
        "proposer_kind": v.matter.proposer_kind,
        "proposer": v.proposer,
        "topic_id": v.matter.topic_id,
        "topic_status": v.topic.status if v.topic else None,
        "step": v.step,
        "step_label": v.step_label,
        "resolution_number": v.resolution.number if v.resolution else None,
        "created_at": v.matter.created_at,
    }


@router.get(
    "/assessments", response={200: list[PropertyAssessmentOut], **ERRORS}, summary="季度考核结果与排名"
)
def assessment_list(request: HttpRequest, filters: Query[AssessmentFilter]):
    q = parse_quarter(filters.quarter)
    rows = assess_sel.assessment_list_for_actor(
        actor=actor_of(request),
        quarter=q.key,
        subdistrict_code=filters.subdistrict_code,
        subject=filters.subject,
    )
    return [
        {
            "quarter": r.quarter,
            "subdistrict_code": r.subdistrict_code,
            "subject": r.subject,
            "subject_id": r.subject_id,
            "subject_name": r.subject_name,
            "estates": r.estates,
            "indicators": r.indicators,
            "weights": r.weights,
            "score": float(r.score),
            "rank": r.rank,
        }
        for r in rows[:2000]
    ]


@router.post(
    "/ratings", response={201: PropertyRatingOut, **ERRORS}, summary="居民季度评价（每户每季度一次）"
)
def rating_submit(request: HttpRequest, payload: PropertyRatingIn):
    rating = ratings.property_rating_submit(
        actor=actor_of(request), data=ratings.RatingInput(**payload.dict())
    )
    return Status(201, rating)
