"""The stairwells API under /api/v1/stairwells/: the register, a stairwell, an inspection (JSON, no photos:
photos are sent from the console or H5 form), a household's vote, the red-captain claim, the figures.

Thin: every handler calls one service or selector; scope and permissions live there.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.stairwells import selectors
from gongzhi.stairwells.services import captains, inspections

router = Router(tags=["文明楼道"], auth=session_auth)


class StairwellOut(Schema):
    id: int
    label: str
    entrance: str
    building_id: int
    community_code: str
    grid_code: str
    title: str
    status: str
    passes_in_row: int
    fails_in_row: int
    last_inspected_on: dt.date | None
    named_on: dt.date | None
    revoked_on: dt.date | None
    next_due_on: dt.date | None
    pact_on_file: bool


class StairwellFilter(Schema):
    community_code: str = Field("", max_length=12)
    grid_code: str = Field("", max_length=15)
    status: str = Field("", max_length=10, description="none / named / revoked / overdue")
    limit: int = Field(200, ge=1, le=1000)


class StairwellInspectionIn(Schema):
    results: dict[str, bool] = Field(
        ..., description="hygiene / clutter / lighting / fire_safety / notice_board → passed"
    )
    inspected_on: dt.date | None = None
    note: str = Field("", max_length=500)


class StairwellInspectionOut(Schema):
    id: int
    stairwell_id: int
    inspected_on: dt.date
    results: dict[str, bool]
    passed: bool
    note: str
    status_after: str


class StairwellVoteIn(Schema):
    candidate_id: int


class StairwellVoteOut(Schema):
    id: int
    election_id: int
    household_id: int
    candidate_id: int


class StairwellCaptainOut(Schema):
    id: int
    stairwell_id: int
    kind: str
    name: str
    started_on: dt.date


class StairwellFiguresOut(Schema):
    community_code: str
    name: str
    stairwells: int
    named: int
    revoked: int
    overdue: int
    inspected_this_quarter: int
    captains: int
    red_captains: int


@router.get("/stairwells", response={200: list[StairwellOut], **ERRORS}, summary="楼道")
def stairwell_list(request: HttpRequest, filters: Query[StairwellFilter]):
    rows = selectors.stairwell_list_for_actor(
        actor=actor_of(request),
        community_code=filters.community_code,
        grid_code=filters.grid_code,
        status=filters.status,
    )
    return list(rows[: filters.limit])


@router.get("/stairwells/{stairwell_id}", response={200: StairwellOut, **ERRORS}, summary="楼道详情")
def stairwell_detail(request: HttpRequest, stairwell_id: int):
    return selectors.stairwell_get_for_actor(actor=actor_of(request), stairwell_id=stairwell_id)


@router.post(
    "/stairwells/{stairwell_id}/inspections",
    response={201: StairwellInspectionOut, **ERRORS},
    summary="检查楼道",
)
def stairwell_inspection(request: HttpRequest, stairwell_id: int, payload: StairwellInspectionIn):
    row = inspections.stairwell_inspect(
        actor=actor_of(request),
        stairwell_id=stairwell_id,
        results=payload.results,
        inspected_on=payload.inspected_on,
        note=payload.note,
    )
    return Status(201, row)


@router.post(
    "/elections/{election_id}/votes", response={201: StairwellVoteOut, **ERRORS}, summary="楼道长选举投票"
)
def election_vote(request: HttpRequest, election_id: int, payload: StairwellVoteIn):
    vote = captains.captain_vote_cast(
        actor=actor_of(request), election_id=election_id, candidate_id=payload.candidate_id
    )
    return Status(201, vote)


@router.post(
    "/stairwells/{stairwell_id}/red-captain",
    response={201: StairwellCaptainOut, **ERRORS},
    summary="认领红色楼长",
)
def red_captain(request: HttpRequest, stairwell_id: int):
    return Status(201, captains.red_captain_claim(actor=actor_of(request), stairwell_id=stairwell_id))


@router.get("/figures", response={200: list[StairwellFiguresOut], **ERRORS}, summary="各社区文明楼道数字")
def stairwell_figures(request: HttpRequest):
    return selectors.stairwell_figures(actor=actor_of(request))
