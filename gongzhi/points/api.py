"""The points API under /api/v1/points/: rules, claims and their review, a household's statement, the
shop and redemptions, the public board. Thin: every handler calls one service or selector."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Router, Schema, Status

from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.points import selectors
from gongzhi.points.enums import Channel
from gongzhi.points.services import claims, ledger, rules, shop

router = Router(tags=["积分制管理"], auth=session_auth)


class PointRuleOut(Schema):
    id: int
    code: str
    version: int
    name: str
    direction: str
    category: str
    points_min: int
    points_max: int
    unit: str
    evidence: str
    yearly_cap: int
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    community_code: str


class PointClaimIn(Schema):
    household_id: int | None = Field(None, description="网格员申报时填写；居民自报时为本人家庭")
    rule_id: int
    points: int
    quantity: int = 1
    description: str = Field(..., max_length=500)
    occurred_on: dt.date
    witness: str = Field("", max_length=50)
    lng: float | None = None
    lat: float | None = None


class PointClaimOut(Schema):
    id: int
    rule_id: int
    household_id: int
    source: str
    points: int
    quantity: int
    final_points: int | None
    description: str
    occurred_on: dt.date
    status: str
    decision_reason: str


class PointDecisionIn(Schema):
    meeting_id: int
    outcome: str = Field(..., description="approve / change / reject")
    points: int | None = None
    reason: str = Field("", max_length=300)


class PointLegOut(Schema):
    posted_at: dt.datetime
    memo: str
    amount: int


class PointStatementOut(Schema):
    household_id: int
    balance: int
    code: str
    legs: list[PointLegOut]


class PointGoodsOut(Schema):
    id: int
    name: str
    unit_label: str
    price: int
    stock: int
    household_limit: int
    community_code: str


class RedemptionIn(Schema):
    goods_id: int
    quantity: int = 1
    household_code: str = Field("", max_length=16, description="柜台兑换时扫描的家庭兑换码")
    channel: str = Field(Channel.H5, description="h5 / counter")


class RedemptionOut(Schema):
    id: int
    number: str
    goods_id: int
    household_id: int
    quantity: int
    points: int
    channel: str


class PointRuleRevisionIn(Schema):
    name: str = Field(..., max_length=100)
    direction: str = Field(..., description="award / deduct")
    category: str
    points_min: int
    points_max: int
    unit: str = "per_time"
    evidence: str = "none"
    yearly_cap: int = 0
    valid_from: dt.date = Field(..., description="新版本生效日期，应晚于现行版本")
    valid_to: dt.date | None = None
    source: str = "manual"


class PostingLegOut(Schema):
    account_id: int
    account_kind: str
    household_id: int | None
    amount: int


class PostingOut(Schema):
    id: int
    community_code: str
    seq: int
    kind: str
    memo: str
    rule_id: int | None
    reverses_id: int | None
    posted_at: dt.datetime
    hash: str
    legs: list[PostingLegOut]


class PostingReverseIn(Schema):
    reason: str = Field(..., max_length=150)


def _posting(p: object) -> dict:
    legs = p.legs.all()  # type: ignore[attr-defined]
    return {
        **{
            k: getattr(p, k)
            for k in ("id", "community_code", "seq", "kind", "memo", "rule_id", "reverses_id")
        },
        "posted_at": p.posted_at,  # type: ignore[attr-defined]
        "hash": p.hash,  # type: ignore[attr-defined]
        "legs": [
            {
                "account_id": leg.account_id,
                "account_kind": leg.account.kind,
                "household_id": leg.account.household_id,
                "amount": leg.amount,
            }
            for leg in legs
        ],
    }


class BoardRowOut(Schema):
    rank: int
    name: str
    grid: str
    points: int


@router.get("/rules", response={200: list[PointRuleOut], **ERRORS}, summary="积分规则")
def point_rules(request: HttpRequest, community_code: str = ""):
    return list(selectors.rule_list_for_actor(actor=actor_of(request), community_code=community_code)[:500])


@router.post(
    "/rules/{rule_id}/revise", response={201: PointRuleOut, **ERRORS}, summary="修订积分规则（发布新版本）"
)
def point_rule_revise(request: HttpRequest, rule_id: int, payload: PointRuleRevisionIn):
    data = rules.RuleInput(code="", **payload.dict())
    return Status(201, rules.rule_revise(actor=actor_of(request), rule_id=rule_id, data=data))


@router.get("/postings", response={200: list[PostingOut], **ERRORS}, summary="分录流水（新的在前）")
def point_postings(request: HttpRequest, community_code: str = "", before_seq: int | None = None):
    rows = selectors.posting_list_for_actor(
        actor=actor_of(request), community_code=community_code, before_seq=before_seq
    )
    return [_posting(p) for p in rows]


@router.post("/postings/{posting_id}/reverse", response={201: PostingOut, **ERRORS}, summary="冲正一笔分录")
def point_posting_reverse(request: HttpRequest, posting_id: int, payload: PostingReverseIn):
    actor = actor_of(request)
    original = selectors.posting_get_for_actor(actor=actor, posting_id=posting_id)
    reversal = ledger.posting_reverse(actor=actor, posting_id=original.pk, reason=payload.reason)
    return Status(
        201,
        _posting(
            selectors.posting_list_for_actor(
                actor=actor, community_code=reversal.community_code, before_seq=reversal.seq + 1, limit=1
            )[0]
        ),
    )


@router.get("/claims", response={200: list[PointClaimOut], **ERRORS}, summary="积分申报")
def point_claims(request: HttpRequest, status: str = ""):
    return list(selectors.point_claim_list_for_actor(actor=actor_of(request), status=status))


@router.post("/claims", response={201: PointClaimOut, **ERRORS}, summary="申报积分（网格员或居民自报）")
def point_claim_create(request: HttpRequest, payload: PointClaimIn):
    data = claims.ClaimInput(
        rule_id=payload.rule_id,
        points=payload.points,
        quantity=payload.quantity,
        description=payload.description,
        occurred_on=payload.occurred_on,
        witness=payload.witness,
        lng=payload.lng,
        lat=payload.lat,
    )
    actor = actor_of(request)
    if payload.household_id is None:
        return Status(201, claims.claim_report(actor=actor, data=data))
    return Status(201, claims.claim_propose(actor=actor, household_id=payload.household_id, data=data))


@router.post("/claims/{claim_id}/decide", response={200: PointClaimOut, **ERRORS}, summary="民主评议一条申报")
def point_claim_decide(request: HttpRequest, claim_id: int, payload: PointDecisionIn):
    return claims.claim_decide(
        actor=actor_of(request),
        claim_id=claim_id,
        meeting_id=payload.meeting_id,
        outcome=payload.outcome,
        points=payload.points,
        reason=payload.reason,
    )


@router.get("/statement", response={200: PointStatementOut, **ERRORS}, summary="本人家庭的积分明细")
def point_statement(request: HttpRequest):
    actor = actor_of(request)
    household = selectors.own_household(actor)
    if household is None:
        raise NotFound(gettext("您的账号还没有绑定家庭"))
    s = selectors.household_statement(actor=actor, household_id=household.pk)
    return {
        "household_id": household.pk,
        "balance": s["balance"],
        "code": s["account"].code if s["account"] else "",
        "legs": [
            {"posted_at": leg.posting.posted_at, "memo": leg.posting.memo, "amount": leg.amount}
            for leg in s["legs"]
        ],
    }


@router.get("/goods", response={200: list[PointGoodsOut], **ERRORS}, summary="积分超市商品")
def point_goods(request: HttpRequest):
    return list(selectors.goods_list_for_actor(actor=actor_of(request), active=True)[:500])


@router.post("/redemptions", response={201: RedemptionOut, **ERRORS}, summary="兑换商品")
def point_redeem(request: HttpRequest, payload: RedemptionIn):
    r = shop.redemption_make(
        actor=actor_of(request),
        goods_id=payload.goods_id,
        quantity=payload.quantity,
        household_code=payload.household_code,
        channel=payload.channel,
    )
    return Status(201, r)


@router.get(
    "/board/{community_code}", response={200: list[BoardRowOut], **ERRORS}, auth=None, summary="积分公示榜"
)
def point_board(request: HttpRequest, community_code: str):
    return selectors.public_board(community_code=community_code)
