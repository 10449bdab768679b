"""/api/v1/tickets/patrols…: a grid worker's patrols (start, check in, end, list) and the coverage and
monthly summary figures. Tickets found on the way: ``POST /api/v1/tickets`` with channel "patrol" and
``patrol_id``."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gongzhi.core.api import ERRORS, session_auth
from gongzhi.tickets.models import Patrol
from gongzhi.tickets.selectors import patrols as sel
from gongzhi.tickets.services.patrols import patrol_check_in, patrol_end, patrol_start

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["网格事件：巡查"], auth=session_auth)


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


class StartIn(Schema):
    grid_code: str = Field(..., max_length=15)


class CheckInIn(Schema):
    lng: float
    lat: float
    coord_system: str = Field("wgs84", description="wgs84（GPS）、gcj02（高德/腾讯/微信）或 bd09（百度）")
    note: str = Field("", max_length=200)


class EndIn(Schema):
    note: str = Field("", max_length=500)


class CheckInOut(Schema):
    id: int
    at: datetime
    lng: float
    lat: float
    grid_code: str
    note: str


class PatrolOut(Schema):
    id: int
    grid_code: str
    grid_name: str
    status: str
    day: date
    started_at: datetime
    ended_at: datetime | None
    note: str
    checkins: int
    tickets: int


class PatrolDetailOut(PatrolOut):
    checkin_list: list[CheckInOut]


class GridCoverageOut(Schema):
    code: str
    name: str
    community_code: str
    community_name: str
    patrols: int
    checkins: int
    covered: bool


class PatrolCoverageOut(Schema):
    day: date
    total: int
    covered: int
    percent: float
    grids: list[GridCoverageOut]


class SummaryRowOut(Schema):
    code: str
    name: str
    grids: int
    grids_patrolled: int
    patrol_days: int
    patrols: int
    checkins: int
    tickets: int
    closed: int
    by_category: dict[str, int]


class SummaryOut(Schema):
    month: str
    days: int
    grids: list[SummaryRowOut]
    communities: list[SummaryRowOut]


def _count(p: Patrol, annotated: str, related: str) -> int:
    if hasattr(p, annotated):
        return int(getattr(p, annotated))
    return int(getattr(p, related).count())


def patrol_out(p: Patrol, *, checkins: int | None = None, tickets: int | None = None) -> dict[str, Any]:
    return {
        "id": p.pk,
        "grid_code": p.grid_code,
        "grid_name": p.grid.name,
        "status": p.status,
        "day": p.day,
        "started_at": p.started_at,
        "ended_at": p.ended_at,
        "note": p.note,
        "checkins": checkins if checkins is not None else _count(p, "checkin_count", "checkins"),
        "tickets": tickets if tickets is not None else _count(p, "ticket_count", "tickets"),
    }


def _detail(actor: User, patrol_id: int) -> dict[str, Any]:
    p = sel.patrol_get_for_actor(actor=actor, patrol_id=patrol_id)
    rows = list(p.checkins.all())
    return {
        **patrol_out(p, checkins=len(rows)),
        "checkin_list": [
            {"id": c.pk, "at": c.at, "lng": c.lng, "lat": c.lat, "grid_code": c.grid_code, "note": c.note}
            for c in rows
        ],
    }


def _row(r: sel.SummaryRow) -> dict[str, Any]:
    return {
        "code": r.code,
        "name": r.name,
        "grids": r.grids,
        "grids_patrolled": r.grids_patrolled,
        "patrol_days": r.patrol_days,
        "patrols": r.patrols,
        "checkins": r.checkins,
        "tickets": r.tickets,
        "closed": r.closed,
        "by_category": dict(r.categories),
    }


@router.post("/tickets/patrols", response={201: PatrolDetailOut, **ERRORS}, summary="开始巡查")
def start(request: HttpRequest, payload: StartIn):
    patrol = patrol_start(actor=_actor(request), grid_code=payload.grid_code)
    return Status(201, _detail(_actor(request), patrol.pk))


@router.get("/tickets/patrols", response={200: list[PatrolOut], **ERRORS}, summary="我的巡查记录")
def mine(request: HttpRequest, limit: int = Query(20, ge=1, le=100)):
    return [patrol_out(p) for p in sel.patrol_list_for_actor(actor=_actor(request), limit=limit)]


class CoverageQuery(Schema):
    day: date | None = Field(None, description="日期，默认今天")
    place: str = Field("", description="区县、街道、社区或网格代码")


@router.get(
    "/tickets/patrols/coverage",
    response={200: PatrolCoverageOut, **ERRORS},
    summary="每日一巡查：各网格巡查覆盖",
)
def coverage(request: HttpRequest, query: Query[CoverageQuery]):
    cov = sel.patrol_coverage(actor=_actor(request), day=query.day or timezone.localdate(), place=query.place)
    return {
        "day": cov.day,
        "total": cov.total,
        "covered": cov.covered,
        "percent": cov.percent,
        "grids": [{**g.__dict__, "covered": g.covered} for g in cov.grids],
    }


class SummaryQuery(Schema):
    month: str = Field("", description="月份 YYYY-MM，默认本月")
    place: str = Field("", description="区县、街道、社区或网格代码")


@router.get(
    "/tickets/patrols/summary",
    response={200: SummaryOut, **ERRORS},
    summary="每月一总结：各网格和社区巡查汇总",
)
def summary(request: HttpRequest, query: Query[SummaryQuery]):
    month = query.month or f"{timezone.localdate():%Y-%m}"
    s = sel.patrol_month_summary(actor=_actor(request), month=month, place=query.place)
    return {
        "month": s.month,
        "days": s.days,
        "grids": [_row(r) for r in s.grids],
        "communities": [_row(r) for r in s.communities],
    }


@router.get("/tickets/patrols/{patrol_id}", response={200: PatrolDetailOut, **ERRORS}, summary="巡查详情")
def detail(request: HttpRequest, patrol_id: int):
    return _detail(_actor(request), patrol_id)


@router.post(
    "/tickets/patrols/{patrol_id}/check-in",
    response={201: CheckInOut, **ERRORS},
    summary="巡查打卡（定位）",
)
def check_in(request: HttpRequest, patrol_id: int, payload: CheckInIn):
    c = patrol_check_in(
        actor=_actor(request),
        patrol_id=patrol_id,
        lng=payload.lng,
        lat=payload.lat,
        coord_system=payload.coord_system,
        note=payload.note,
    )
    return Status(
        201, {"id": c.pk, "at": c.at, "lng": c.lng, "lat": c.lat, "grid_code": c.grid_code, "note": c.note}
    )


@router.post(
    "/tickets/patrols/{patrol_id}/end", response={200: PatrolDetailOut, **ERRORS}, summary="结束巡查"
)
def end(request: HttpRequest, patrol_id: int, payload: EndIn):
    patrol_end(actor=_actor(request), patrol_id=patrol_id, note=payload.note)
    return _detail(_actor(request), patrol_id)
