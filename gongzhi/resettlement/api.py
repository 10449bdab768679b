"""The resettlement API under /api/v1/resettlement/: projects, the draw's public record (hashes, seed
after the draw, witnesses, the order by household key), and a household's choice at the selection desk.
Thin: one service or selector per handler."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.resettlement import selectors
from gongzhi.resettlement.services import allocation

router = Router(tags=["安置房分配"], auth=session_auth)


class ResettlementProjectOut(Schema):
    id: int
    name: str
    place_name: str
    estate_name: str
    buildings: str
    status: str


class ResettlementInventoryOut(Schema):
    kind: str
    label: str
    total: int
    chosen: int
    area: Decimal


class ResettlementProjectDetailOut(ResettlementProjectOut):
    households: int
    inventory: list[ResettlementInventoryOut]


class ResettlementWitnessOut(Schema):
    name: str
    capacity: str


class ResettlementDrawOut(Schema):
    algorithm: str
    households: int
    list_sha256: str
    commitment: str
    committed_at: dt.datetime
    seed: str = Field("", description="摇号后公布")
    drawn_at: dt.datetime | None
    result_sha256: str
    witnesses: list[ResettlementWitnessOut]
    order: list[str] = Field(..., description="摇号后：按顺序号排列的安置编号")


class ResettlementChoiceIn(Schema):
    unit_id: int


class ResettlementUnitOut(Schema):
    id: int
    kind: str
    number: str
    building: str
    floor: int | None
    area: Decimal


@router.get("/projects", response={200: list[ResettlementProjectOut], **ERRORS}, summary="安置项目")
def project_list(request: HttpRequest):
    return list(selectors.resettlement_project_list_for_actor(actor=actor_of(request))[:200])


@router.get(
    "/projects/{project_id}", response={200: ResettlementProjectDetailOut, **ERRORS}, summary="安置项目概况"
)
def project_detail(request: HttpRequest, project_id: int):
    project = selectors.resettlement_project_get_for_actor(actor=actor_of(request), project_id=project_id)
    return {
        **ResettlementProjectOut.from_orm(project).dict(),
        "households": project.households.count(),
        "inventory": selectors.inventory_figures(project=project),
    }


@router.get(
    "/projects/{project_id}/draw",
    response={200: ResettlementDrawOut, **ERRORS},
    summary="摇号记录（公布的摘要、种子与顺序）",
)
def draw_detail(request: HttpRequest, project_id: int):
    from gongzhi.core.errors import NotFound

    project = selectors.resettlement_project_get_for_actor(actor=actor_of(request), project_id=project_id)
    draw = selectors.draw_of(project=project)
    if draw is None:
        raise NotFound("该项目尚未封存名单")
    return {
        "algorithm": draw.algorithm,
        "households": draw.households,
        "list_sha256": draw.list_sha256,
        "commitment": draw.commitment,
        "committed_at": draw.committed_at,
        "seed": draw.seed,
        "drawn_at": draw.drawn_at,
        "result_sha256": draw.result_sha256,
        "witnesses": list(draw.witnesses.order_by("id")),
        "order": selectors.draw_order_of(project=project),
    }


@router.post(
    "/households/{household_id}/choices",
    response={201: list[ResettlementUnitOut], **ERRORS},
    summary="选房（按摇号顺序）",
)
def choice_create(request: HttpRequest, household_id: int, payload: ResettlementChoiceIn):
    actor = actor_of(request)
    selectors.eligible_household_get_for_actor(actor=actor, household_id=household_id)
    return Status(
        201, allocation.unit_choose(actor=actor, household_id=household_id, unit_id=payload.unit_id)
    )
