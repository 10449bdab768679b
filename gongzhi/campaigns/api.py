"""The campaigns API under /api/v1/campaigns/: campaigns and rounds with their tallies, findings recorded
on the phone (JSON; photos through the H5 page), rounds walked, and the finding types. Thin."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.campaigns import selectors
from gongzhi.campaigns.services import campaigns, findings, rounds
from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth

router = Router(tags=["联合行动与巡查"], auth=session_auth)


class CampaignIn(Schema):
    place_code: str = Field(..., max_length=12, description="街道或社区代码")
    kind: str = Field(..., description="joint / inspection")
    title: str = Field(..., max_length=100)
    starts_on: dt.date
    ends_on: dt.date
    round_kind: str = Field("", description="waste_sorting / fire_lane / gas_pipe / sanitation / other")
    every_days: int = 1
    department_ids: list[int] = Field(default_factory=list, max_length=50)
    grid_codes: list[str] = Field(default_factory=list, max_length=500)
    streets: str = Field("", max_length=300)
    notes: str = Field("", max_length=2000)


class CampaignOut(Schema):
    id: int
    kind: str
    round_kind: str
    title: str
    place_name: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    every_days: int


class CampaignTallyOut(Schema):
    code: str
    name: str
    findings: int
    quantity: int
    fixed: int
    tickets: int


class CampaignTotalOut(Schema):
    findings: int
    quantity: int
    fixed: int
    tickets: int


class CampaignDetailOut(CampaignOut):
    tallies: list[CampaignTallyOut]
    total: CampaignTotalOut


class CampaignFindingIn(Schema):
    type_code: str = Field(..., max_length=40)
    outcome: str = Field(..., description="fixed / ticket")
    quantity: int = 1
    description: str = Field("", max_length=500)
    address: str = Field("", max_length=200)
    lng: float | None = None
    lat: float | None = None
    grid_code: str = Field("", max_length=15)
    duty_id: int | None = None


class CampaignFindingOut(Schema):
    id: int
    type_code: str
    quantity: int
    outcome: str
    grid_code: str
    ticket_number: str | None
    recorded_at: dt.datetime

    @staticmethod
    def resolve_type_code(obj: Any) -> str:
        return obj.type.code

    @staticmethod
    def resolve_ticket_number(obj: Any) -> str | None:
        return obj.ticket.number if obj.ticket_id else None


class CampaignCheckIn(Schema):
    note: str = Field("", max_length=500)
    done_on: dt.date | None = None


class CampaignCheckOut(Schema):
    id: int
    duty_id: int
    done_on: dt.date
    in_hours: bool


class CampaignFindingTypeOut(Schema):
    code: str
    name: str
    active: bool


@router.get("", response={200: list[CampaignOut], **ERRORS}, summary="联合行动与巡查轮次")
def campaign_list(request: HttpRequest, year: int | None = None, kind: str = ""):
    return list(selectors.campaign_list_for_actor(actor=actor_of(request), year=year, kind=kind[:12])[:500])


@router.post("", response={201: CampaignOut, **ERRORS}, summary="发起联合行动或巡查轮次")
def campaign_create(request: HttpRequest, payload: CampaignIn):
    return Status(
        201,
        campaigns.campaign_create(actor=actor_of(request), data=campaigns.CampaignInput(**payload.dict())),
    )


@router.get("/finding-types", response={200: list[CampaignFindingTypeOut], **ERRORS}, summary="问题类型")
def finding_type_list(request: HttpRequest):
    return list(selectors.finding_type_list())


@router.get("/{campaign_id}", response={200: CampaignDetailOut, **ERRORS}, summary="行动详情与分类统计")
def campaign_detail(request: HttpRequest, campaign_id: int):
    campaign = selectors.campaign_get_for_actor(actor=actor_of(request), campaign_id=campaign_id)
    tallies = selectors.campaign_tallies(campaign=campaign)
    out = CampaignOut.from_orm(campaign).dict()
    return {**out, "tallies": tallies["types"], "total": tallies["total"]}


@router.post("/{campaign_id}/close", response={200: CampaignOut, **ERRORS}, summary="结束行动")
def campaign_close(request: HttpRequest, campaign_id: int):
    selectors.campaign_get_for_actor(actor=actor_of(request), campaign_id=campaign_id)
    return campaigns.campaign_close(actor=actor_of(request), campaign_id=campaign_id)


@router.get("/{campaign_id}/findings", response={200: list[CampaignFindingOut], **ERRORS}, summary="发现问题")
def finding_list(request: HttpRequest, campaign_id: int, type_code: str = ""):
    return list(
        selectors.finding_list_for_actor(
            actor=actor_of(request), campaign_id=campaign_id, type_code=type_code[:40]
        )[:1000]
    )


@router.post("/{campaign_id}/findings", response={201: CampaignFindingOut, **ERRORS}, summary="记录发现问题")
def finding_create(request: HttpRequest, campaign_id: int, payload: CampaignFindingIn):
    actor = actor_of(request)
    selectors.campaign_get_for_actor(actor=actor, campaign_id=campaign_id)
    return Status(
        201,
        findings.finding_record(
            actor=actor, campaign_id=campaign_id, data=findings.FindingInput(**payload.dict())
        ),
    )


@router.post("/duties/{duty_id}/checks", response={201: CampaignCheckOut, **ERRORS}, summary="记录一次巡查")
def check_create(request: HttpRequest, duty_id: int, payload: CampaignCheckIn):
    return Status(
        201, rounds.inspection_check_record(actor=actor_of(request), duty_id=duty_id, **payload.dict())
    )
