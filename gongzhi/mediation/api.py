"""The mediation API under /api/v1/mediation/: cases (parties masked), registering a case, a session,
the agreement, the week's warnings and their run, the figures and the public mediator pool.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.mediation import selectors
from gongzhi.mediation.services import cases, outcomes
from gongzhi.mediation.services import warnings as warning_services

router = Router(tags=["人民调解"], auth=session_auth)


class MediationPartyIn(Schema):
    side: str = Field(..., description="applicant / respondent")
    person_id: int | None = None
    name: str = Field("", max_length=50)
    id_number: str = Field("", max_length=18)
    phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)


class MediationCaseIn(Schema):
    committee_id: int
    source: str = Field(..., description="visit / screening / grid_worker / ticket / consultation / petition")
    kind: str = Field(..., description="neighbours / family / property / labour / land / consumer / other")
    title: str = Field(..., max_length=100)
    facts: str = Field(..., max_length=4000)
    amount: Decimal | None = None
    room_id: int | None = None
    registered_on: dt.date | None = None
    grid_code: str = Field("", max_length=15)
    ticket_id: int | None = None
    parties: list[MediationPartyIn] = Field(default_factory=list, max_length=20)


class MediationPartyOut(Schema):
    id: int
    side: str
    name: str
    id_number_masked: str
    phone_masked: str


class MediationCaseOut(Schema):
    id: int
    number: str
    committee_id: int
    title: str
    kind: str
    source: str
    status: str
    outcome: str
    registered_on: dt.date
    due_at: dt.datetime | None
    ticket_id: int | None
    agreement_number: str
    community_code: str


class MediationCaseDetailOut(MediationCaseOut):
    facts: str
    parties: list[MediationPartyOut]


class MediationCaseFilter(Schema):
    status: str = Field("", max_length=16)
    kind: str = Field("", max_length=16)
    limit: int = Field(100, ge=1, le=500)


class MediationSessionIn(Schema):
    held_on: dt.date
    place: str = Field("", max_length=100, description="不填时为服务阵地的名称")
    venue_id: int | None = Field(None, description="服务阵地；不填时为本案调解室所在的阵地")
    attendees: str = Field(..., max_length=300)
    record: str = Field(..., max_length=4000)
    next_step: str = Field("", max_length=300)


class MediationSessionOut(Schema):
    id: int
    held_on: dt.date
    place: str


class MediationAgreementIn(Schema):
    terms: str = Field(..., max_length=4000)
    performance: str = Field(..., max_length=300)
    on: dt.date | None = None


class MediationWarningOut(Schema):
    id: int
    kind: str
    week_start: dt.date
    subject: str
    count: int
    evidence: list[str]
    status: str
    community_code: str


class MediationRunIn(Schema):
    district_code: str = Field(..., max_length=6)
    week_start: dt.date | None = None


class MediationRunOut(Schema):
    total: int
    new: int
    repeat: int
    group: int
    neighbour_reopened: int
    agreement_broken: int


class MediationFigureOut(Schema):
    label: str
    cases: int
    concluded: int
    agreements: int
    success_rate: float | None
    transfers: int
    reported_up: int
    kept: int
    average_days: float | None


class MediatorPublicOut(Schema):
    name: str
    kind: str
    speciality: str
    committee: str


def _case_out(case: Any) -> dict[str, Any]:
    return {
        "id": case.pk,
        "number": case.number,
        "committee_id": case.committee_id,
        "title": case.title,
        "kind": case.kind,
        "source": case.source,
        "status": case.status,
        "outcome": case.outcome,
        "registered_on": case.registered_on,
        "due_at": case.due_at,
        "ticket_id": case.ticket_id,
        "agreement_number": case.agreement_number,
        "community_code": case.community_code,
    }


@router.get("/cases", response={200: list[MediationCaseOut], **ERRORS}, summary="纠纷案件")
def mediation_case_list(request: HttpRequest, filters: Query[MediationCaseFilter]):
    rows = selectors.case_list_for_actor(actor=actor_of(request), status=filters.status, kind=filters.kind)
    return [_case_out(c) for c in rows[: filters.limit]]


@router.post("/cases", response={201: MediationCaseDetailOut, **ERRORS}, summary="登记纠纷（含工单转入）")
def mediation_case_create(request: HttpRequest, payload: MediationCaseIn):
    case = cases.case_register(
        actor=actor_of(request),
        committee_id=payload.committee_id,
        data=cases.CaseInput(
            source=payload.source,
            kind=payload.kind,
            title=payload.title,
            facts=payload.facts,
            amount=payload.amount,
            room_id=payload.room_id,
            registered_on=payload.registered_on,
            disputants=[cases.DisputantInput(**p.dict()) for p in payload.parties],
        ),
        grid_code=payload.grid_code,
        ticket_id=payload.ticket_id,
    )
    return Status(201, _detail(case))


def _detail(case: Any) -> dict[str, Any]:
    return {
        **_case_out(case),
        "facts": case.facts,
        "parties": [
            {
                "id": d.pk,
                "side": d.side,
                "name": d.name,
                "id_number_masked": d.id_number_masked,
                "phone_masked": d.phone_masked,
            }
            for d in case.disputants.all()
        ],
    }


@router.get("/cases/{case_id}", response={200: MediationCaseDetailOut, **ERRORS}, summary="纠纷案件详情")
def mediation_case_detail(request: HttpRequest, case_id: int):
    return _detail(selectors.case_get_for_actor(actor=actor_of(request), case_id=case_id))


@router.post(
    "/cases/{case_id}/sessions", response={201: MediationSessionOut, **ERRORS}, summary="记录调解经过"
)
def mediation_session_create(request: HttpRequest, case_id: int, payload: MediationSessionIn):
    session = cases.session_record(actor=actor_of(request), case_id=case_id, **payload.dict())
    return Status(201, session)


@router.post("/cases/{case_id}/agreement", response={200: MediationCaseOut, **ERRORS}, summary="达成调解协议")
def mediation_case_agree(request: HttpRequest, case_id: int, payload: MediationAgreementIn):
    return _case_out(outcomes.case_agree(actor=actor_of(request), case_id=case_id, **payload.dict()))


@router.get("/warnings", response={200: list[MediationWarningOut], **ERRORS}, summary="矛盾纠纷预警清单")
def mediation_warning_list(request: HttpRequest, status: str = ""):
    return list(selectors.warning_list_for_actor(actor=actor_of(request), status=status[:12])[:500])


@router.post("/warnings/run", response={200: MediationRunOut, **ERRORS}, summary="生成本周预警（区级管理员）")
def mediation_warnings_run(request: HttpRequest, payload: MediationRunIn):
    return warning_services.warnings_run(
        actor=actor_of(request), district_code=payload.district_code, week_start=payload.week_start
    )


@router.get("/figures", response={200: list[MediationFigureOut], **ERRORS}, summary="调解统计")
def mediation_figures(request: HttpRequest, year: int = 0, by: str = "committee"):
    if by not in ("committee", "community", "subdistrict"):
        by = "committee"
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    rows = selectors.figures_for_actor(actor=actor_of(request), year=year, by=by)
    return [
        {
            **{
                k: getattr(r, k)
                for k in ("label", "cases", "concluded", "agreements", "transfers", "reported_up", "kept")
            },
            "success_rate": r.success_rate,
            "average_days": r.average_days,
        }
        for r in rows
    ]


@router.get(
    "/public/mediators",
    response={200: list[MediatorPublicOut], **ERRORS},
    auth=None,
    summary="公共调解员库（公开）",
)
def mediation_public_mediators(request: HttpRequest):
    return selectors.mediator_pool_public()
