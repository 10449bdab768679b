"""/api/v1/tickets/indicators: the figures of a place or department for a period, or of its children."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gongzhi.core.api import ERRORS, session_auth
from gongzhi.tickets import indicators as ind

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

router = Router(tags=["网格事件"], auth=session_auth)


class RateOut(Schema):
    value: float | None
    numerator: int
    denominator: int


class IndicatorsOut(Schema):
    level: str
    code: str
    name: str
    start: str
    end: str
    reported: int
    accepted: int
    declined: int
    merged: int
    dispatched: int
    returned: int
    escalated: int
    handled: int
    handling_seconds: int
    due: int
    on_time: int
    verifications: int
    reworked: int
    callbacks: int
    satisfied: int
    closed: int
    closure_rate: RateOut
    on_time_rate: RateOut
    rework_rate: RateOut
    return_rate: RateOut
    satisfaction_rate: RateOut
    avg_handling_hours: float | None
    rank: int | None = None


class IndicatorsPage(Schema):
    total: IndicatorsOut
    by: str = ""
    sort: str = ""
    min_sample: int = ind.MIN_SAMPLE
    children: list[IndicatorsOut] = []


class IndicatorsQuery(Schema):
    level: str = ""
    code: str = ""
    start: str = ""
    end: str = ""
    by: str = ""
    sort: str = "on_time_rate"


@router.get(
    "/tickets/indicators",
    response={200: IndicatorsPage, **ERRORS},
    summary="工单指标（按区划、部门和时段；by=下级分组并排名）",
    description=(
        "level: grid/community/subdistrict/district/department（部门的 code 为部门ID）；start/end: YYYY-MM-DD，"
        "缺省为本年至今；by: 下级层级（subdistrict/community/grid/department），按 sort 指标排名，"
        f"分母不足{ind.MIN_SAMPLE}件的不参与排名。比率无分母时为 null。"
    ),
)
def indicators(request: HttpRequest, query: Query[IndicatorsQuery]):
    actor = cast("User", request.user)
    if query.level or query.code:
        level, code = query.level, query.code
    else:
        level, code = ind.default_place(actor)
    start, end = ind.clean_period(query.start, query.end)
    total = ind.indicators_for(actor=actor, level=level, code=code, start=start, end=end)
    out: dict[str, Any] = {"total": total.as_dict()}
    if query.by:
        children = ind.indicators_by_child(
            actor=actor, level=level, code=code, start=start, end=end, by=query.by, sort=query.sort
        )
        out.update(by=query.by, sort=query.sort, children=[c.as_dict() for c in children])
    return out
