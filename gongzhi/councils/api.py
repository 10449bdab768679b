"""The co-governance API under /api/v1/councils/: councils, their topics, a topic proposed, a resident's
opinion, the figures (书记有约 by type, 党群提案 by branch) and the public page of a council. Thin: one
service or selector per handler."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.core.permissions import require
from gongzhi.councils import selectors
from gongzhi.councils.services import topics

router = Router(tags=["协商议事"], auth=session_auth)


class CouncilOut(Schema):
    id: int
    name: str
    kind: str
    pattern: str
    community_code: str
    estate_id: int | None
    term_start: dt.date | None
    term_end: dt.date | None
    active: bool


class CouncilTopicOut(Schema):
    id: int
    council_id: int
    title: str
    source_kind: str
    source_id: int | None
    status: str
    major: bool
    opinions_support: int
    opinions_oppose: int
    opinions_neutral: int


class CouncilTopicIn(Schema):
    title: str = Field(..., max_length=100)
    description: str = Field("", max_length=4000)
    major: bool = False
    source_kind: str = Field("staff", description="resident / member / staff / ticket / need / property")
    source_id: int | None = None


class CouncilOpinionIn(Schema):
    stance: str = Field(..., description="support / oppose / neutral")
    text: str = Field("", max_length=500)


class CouncilOpinionOut(Schema):
    id: int
    topic_id: int
    stance: str


class CouncilFiguresOut(Schema):
    demands_by_type: list[dict[str, Any]]
    proposals_by_branch: list[dict[str, Any]]


@router.get("/", response={200: list[CouncilOut], **ERRORS}, summary="议事会")
def council_list(request: HttpRequest):
    return list(selectors.council_list_for_actor(actor=actor_of(request))[:500])


@router.get("/{council_id}/topics", response={200: list[CouncilTopicOut], **ERRORS}, summary="议事会的议题")
def council_topics(request: HttpRequest, council_id: int):
    actor = actor_of(request)
    council = selectors.council_get_for_actor(actor=actor, council_id=council_id)
    return list(selectors.topic_list_for_actor(actor=actor).filter(council=council).order_by("-id")[:500])


@router.post("/{council_id}/topics", response={201: CouncilTopicOut, **ERRORS}, summary="提出议题")
def council_topic_propose(request: HttpRequest, council_id: int, payload: CouncilTopicIn):
    topic = topics.topic_propose(
        actor=actor_of(request),
        council_id=council_id,
        data=topics.TopicInput(title=payload.title, description=payload.description, major=payload.major),
        source_kind=payload.source_kind,
        source_id=payload.source_id,
    )
    return Status(201, topic)


@router.post(
    "/topics/{topic_id}/opinions",
    response={201: CouncilOpinionOut, **ERRORS},
    summary="居民发表意见（每人一次）",
)
def council_opinion_give(request: HttpRequest, topic_id: int, payload: CouncilOpinionIn):
    row = topics.topic_opinion_give(
        actor=actor_of(request), topic_id=topic_id, stance=payload.stance, text_=payload.text
    )
    return Status(201, row)


@router.get("/figures", response={200: CouncilFiguresOut, **ERRORS}, summary="书记有约与党群提案数字")
def council_figures(request: HttpRequest, year: int | None = None):
    actor = actor_of(request)
    require(actor, "councils.view_council", error=NotFound("无权查看"))
    return {
        "demands_by_type": selectors.demand_figures_by_type(actor=actor, year=year),
        "proposals_by_branch": selectors.proposal_figures_by_branch(actor=actor),
    }


@router.get(
    "/public/{council_id}", response={200: dict[str, Any], **ERRORS}, auth=None, summary="议事会公开页"
)
def council_public(request: HttpRequest, council_id: int):
    return selectors.council_public_page(selectors.council_public_get(council_id))
