"""Points test data through the services: a rule, a meeting, an approved claim, goods."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from gongzhi.points.enums import Direction, Outcome, RuleCategory
from gongzhi.points.services.claims import ClaimInput, claim_decide, claim_propose, meeting_record
from gongzhi.points.services.rules import RuleInput, rule_create
from gongzhi.points.services.shop import goods_create


def make_rule(
    d: Any, *, code: str = "A01", name: str = "门前三包", low: int = 1, high: int = 10, **kw: Any
) -> Any:
    data = RuleInput(
        code=code,
        name=name,
        direction=kw.pop("direction", Direction.AWARD),
        category=kw.pop("category", RuleCategory.ENVIRONMENT),
        points_min=low,
        points_max=high,
        valid_from=kw.pop("valid_from", timezone.localdate() - dt.timedelta(days=400)),
        **kw,
    )
    return rule_create(actor=d.user("community_worker"), community_id=d.communities["A1"].pk, data=data)


def meeting(d: Any, day: dt.date | None = None) -> Any:
    from gongzhi.points.models import ReviewMeeting

    day = day or timezone.localdate()
    found = ReviewMeeting.objects.filter(community=d.communities["A1"], held_on=day).first()
    return found or meeting_record(
        actor=d.user("community_secretary"),
        community_id=d.communities["A1"].pk,
        held_on=day,
        members_present="王书记、李委员、张代表",
    )


def award(d: Any, household: Any, points: int, rule: Any = None) -> Any:
    """A grid worker's claim approved by the secretary: ``points`` on the household's account."""
    rule = rule or make_rule(d, code=f"T{points}{household.pk}", high=max(points, 1))
    proposer = "grid_worker" if household.grid_id == d.grids["g1"].pk else "community_worker"
    claim = claim_propose(
        actor=d.user(proposer),
        household_id=household.pk,
        data=ClaimInput(
            rule_id=rule.pk, points=points, description="清理门前杂物", occurred_on=timezone.localdate()
        ),
    )
    return claim_decide(
        actor=d.user("community_secretary"),
        claim_id=claim.pk,
        meeting_id=meeting(d).pk,
        outcome=Outcome.APPROVE,
    )


def make_goods(d: Any, *, name: str = "洗衣液", price: int = 5, stock: int = 10, limit: int = 0) -> Any:
    return goods_create(
        actor=d.user("community_worker"),
        community_id=d.communities["A1"].pk,
        name=name,
        price=price,
        stock=stock,
        household_limit=limit,
        unit_label="瓶",
    )
