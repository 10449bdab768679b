"""The cockpit API: GET /api/v1/cockpit/figures?place=<code>, the same figures as the cockpit page, read
from the rollup rows and scoped like the page (a place outside the actor's scope is a 404)."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from gongzhi.cockpit.selectors.figures import cockpit_figures_for_actor
from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import allowed

router = Router(tags=["驾驶舱"], auth=session_auth)


class CockpitPlaceOut(Schema):
    code: str
    name: str
    level: str
    level_label: str


class CockpitTrailOut(Schema):
    code: str
    name: str


class CockpitRateOut(Schema):
    label: str
    value: float | None
    numerator: int
    denominator: int
    percent: str


class CockpitAttentionOut(Schema):
    key: str
    label: str
    value: int | float
    link: str


class CockpitTrendOut(Schema):
    months: list[str]
    reported: list[int | float]
    closed: list[int | float]


class CockpitChildOut(Schema):
    code: str
    name: str
    persons: int | float
    care_members: int | float
    care_overdue: int | float
    tickets_reported: int | float
    tickets_overdue: int | float
    warnings_open: int | float
    volunteers: int | float


class CockpitChildrenOut(Schema):
    level: str
    level_label: str
    rows: list[CockpitChildOut]


class CockpitFiguresOut(Schema):
    place: CockpitPlaceOut
    trail: list[CockpitTrailOut]
    year: int
    computed_at: str | None = Field(None, description="最近一次重算时间；未重算为空")
    figures: dict[str, int | float | None] = Field(
        ..., description="流量指标为本年累计，存量指标为最近一次重算时的状态；tickets.* 为工单计数"
    )
    rates: dict[str, CockpitRateOut]
    attention: list[CockpitAttentionOut]
    trend: CockpitTrendOut
    children: CockpitChildrenOut


@router.get("/figures", response={200: CockpitFiguresOut, **ERRORS}, summary="驾驶舱指标")
def cockpit_figures(request: HttpRequest, place: str = ""):
    actor = actor_of(request)
    if not allowed(actor, "cockpit.view_cockpit"):
        raise NotFound(_("区划不存在或无权查看"))
    return cockpit_figures_for_actor(actor=actor, code=place[:15])
