"""The routing API under /api/v1/routing/: a suggestion for a text (nothing stored), the suggestion of a
ticket, and the monthly accuracy. Thin: every handler calls one selector."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import Forbidden, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.routing import selectors

router = Router(tags=["智能分拨"], auth=session_auth)


class RoutingCandidateOut(Schema):
    category: str = Field(..., description="15个大类之一")
    code: str = Field(..., description="小类编码")
    name: str
    confidence: float


class RoutingClassifyIn(Schema):
    title: str = Field("", max_length=100)
    text: str = Field(..., min_length=1, max_length=4000)


class RoutingSuggestionOut(Schema):
    category: str
    category_top3: list[RoutingCandidateOut]
    level: str = Field(..., description="grid / subdistrict / department")
    department_type: str
    confidence: float
    model_version: str


class RoutingTicketSuggestionOut(RoutingSuggestionOut):
    ticket_id: int
    uncertain: bool
    final_category: str
    final_level: str
    final_department_type: str
    accepted_without_change: bool | None


class RoutingMonthOut(Schema):
    month: str
    suggestions: int
    decided: int
    unchanged: int
    unchanged_share: float | None
    category_share: float | None


def _reader(request: HttpRequest) -> None:
    if not allowed(actor_of(request), "routing.view_suggestion"):
        raise Forbidden(gettext("只有网格、社区、街道和区级工作人员可以查看分拨建议"))


@router.post(
    "/classify", response={200: RoutingSuggestionOut, **ERRORS}, summary="按文字给出分拨建议（不保存）"
)
def routing_classify(request: HttpRequest, payload: RoutingClassifyIn):
    _reader(request)
    label, model = selectors.active_model()
    text = f"{payload.title}。{payload.text}" if payload.title else payload.text
    s = model.suggest(text)
    return {**s.as_json(), "model_version": label}


@router.get(
    "/tickets/{ticket_id}/suggestion",
    response={200: RoutingTicketSuggestionOut, **ERRORS},
    summary="一件工单的分拨建议与最终选择",
)
def routing_ticket_suggestion(request: HttpRequest, ticket_id: int):
    _reader(request)
    row = selectors.suggestion_of_ticket_for_actor(actor=actor_of(request), ticket_id=ticket_id)
    if row is None:
        raise NotFound(gettext("分拨建议不存在"))
    return {
        "ticket_id": row.ticket_id,
        "category": row.category,
        "category_top3": row.top3,
        "level": row.level,
        "department_type": row.department_type,
        "confidence": row.confidence,
        "model_version": row.model_version,
        "uncertain": row.uncertain,
        "final_category": row.final_category,
        "final_level": row.final_level,
        "final_department_type": row.final_department_type,
        "accepted_without_change": row.accepted_without_change,
    }


@router.get("/accuracy", response={200: list[RoutingMonthOut], **ERRORS}, summary="建议原样采纳率（按月）")
def routing_accuracy(request: HttpRequest):
    _reader(request)
    return [
        {
            "month": m.month,
            "suggestions": m.suggestions,
            "decided": m.decided,
            "unchanged": m.unchanged,
            "unchanged_share": m.unchanged_share,
            "category_share": m.category_share,
        }
        for m in selectors.accuracy_by_month(actor=actor_of(request))
    ]
