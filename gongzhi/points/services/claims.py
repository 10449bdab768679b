"""Writes of claims (积分申报) and their daily review (民主评议): a grid worker proposes what they found on
patrol, a resident reports for their own household on H5 (photos through ``core.images``: sniffed,
dimensions checked before decoding, re-encoded without EXIF/GPS), the points group records its meeting
and decides each claim — approved, changed with the reason, or rejected; only an approved or changed
claim posts to the ledger, under the rule version it was made under."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.duties import refuse_own_work
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from gongzhi.core.images import CleanImage, clean_images, store_photo_rows
from gongzhi.core.permissions import require
from gongzhi.core.scope import scope_of
from gongzhi.core.workflow import check_move
from gongzhi.points.enums import (
    AccountKind,
    ClaimSource,
    ClaimStatus,
    Direction,
    Evidence,
    Outcome,
    PostingKind,
    RuleSource,
)
from gongzhi.points.models import Claim, ClaimPhoto, PointRule, ReviewMeeting
from gongzhi.points.services._validation import _text, _whole, raise_errors
from gongzhi.points.services.ledger import community_account, household_account, post_entry
from gongzhi.points.transitions import CLAIM

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Household


@dataclass
class ClaimInput:
    rule_id: Any
    points: Any
    description: str
    occurred_on: dt.date | None
    quantity: Any = 1
    person_id: int | None = None
    witness: str = ""
    lng: float | None = None
    lat: float | None = None


def rule_in_force(rule: PointRule, day: dt.date) -> bool:
    return rule.valid_from <= day and (rule.valid_to is None or day <= rule.valid_to)


def _rule_for(household: Household, rule_id: Any) -> PointRule | None:
    """A rule of the household's community or of its district (a district rule applies everywhere)."""
    try:
        pk = int(rule_id)
    except (TypeError, ValueError):
        return None
    rule = PointRule.objects.filter(pk=pk).first()
    if rule is None or rule.district_code != household.district_code:
        return None
    if rule.community_code and rule.community_code != household.community_code:
        return None
    return rule


def _clean_claim(household: Household, data: ClaimInput, photos: list[CleanImage]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    rule = _rule_for(household, data.rule_id)
    out: dict[str, Any] = {
        "description": _text(errors, "description", data.description, gettext("事由"), 500),
        "witness": _text(errors, "witness", data.witness, gettext("证明人"), 50, required=False),
        "points": _whole(errors, "points", data.points, gettext("分值"), 1),
        "quantity": _whole(errors, "quantity", data.quantity, gettext("数量"), 1, 366),
    }
    today = timezone.localdate()
    day = data.occurred_on
    if day is None or not bounds.date_in_range(day):
        errors["occurred_on"] = gettext("请填写发生日期")
    elif day > today:
        errors["occurred_on"] = gettext("发生日期不能晚于今天")
    if rule is None:
        errors["rule_id"] = gettext("积分规则不存在或不适用于本社区")
    else:
        if day is not None and "occurred_on" not in errors and not rule_in_force(rule, day):
            errors["rule_id"] = gettext("规则“%(name)s”在%(day)s不在有效期内") % {
                "name": rule.name,
                "day": format(day, "%Y年%m月%d日"),
            }
        if rule.source != RuleSource.MANUAL:
            errors["rule_id"] = gettext("规则“%(name)s”的积分由系统根据已确认记录生成，无需申报") % {
                "name": rule.name
            }
        if "points" not in errors and not rule.points_min <= out["points"] <= rule.points_max:
            errors["points"] = gettext("规则“%(name)s”的分值应在%(points_min)s到%(points_max)s之间") % {
                "name": rule.name,
                "points_min": rule.points_min,
                "points_max": rule.points_max,
            }
        if rule.evidence == Evidence.PHOTO and not photos:
            errors["photos"] = gettext("该规则需要上传现场照片")
        if rule.evidence == Evidence.WITNESS and not out["witness"]:
            errors["witness"] = gettext("该规则需要填写证明人")
    if data.person_id:
        from gongzhi.people.models import Person

        if not Person.objects.filter(pk=data.person_id, household_id=household.pk).exists():
            errors["person_id"] = gettext("该居民不属于此家庭")
    if (data.lng is None) != (data.lat is None) or (
        data.lng is not None and data.lat is not None and not (73 <= data.lng <= 136 and 3 <= data.lat <= 54)
    ):
        errors["lng"] = gettext("坐标不在中国境内，请检查经纬度")
    raise_errors(errors)
    out.update(rule=rule, occurred_on=day, person_id=data.person_id or None, lng=data.lng, lat=data.lat)
    return out


def _save_photos(claim: Claim, images: list[CleanImage]) -> None:
    store_photo_rows(images, folder=f"points/{claim.district_code}", model=ClaimPhoto, claim=claim)


def _household(household_id: Any) -> Household:
    from gongzhi.places.models import Household

    try:
        pk = int(household_id)
    except (TypeError, ValueError):
        pk = 0
    household = Household.objects.filter(pk=pk).first() if pk else None
    if household is None:
        raise ValidationFailed(gettext("请选择家庭"), fields={"household_id": gettext("家庭不存在")})
    return household


@transaction.atomic
def claim_propose(
    *, actor: Actor, household_id: Any, data: ClaimInput, photos: list[Any] | None = None
) -> Claim:
    """A grid worker's find on patrol (or the community's): for a household of their place."""
    household = _household(household_id)
    require(
        actor,
        "points.propose_claim",
        household,
        error=Forbidden(gettext("只能为本网格、本社区的家庭申报积分")),
    )
    images = clean_images(list(photos or []), max_count=3)
    return _claim_save(
        actor, household, _clean_claim(household, data, images), ClaimSource.GRID_WORKER, images
    )


@transaction.atomic
def claim_report(*, actor: Actor, data: ClaimInput, photos: list[Any] | None = None) -> Claim:
    """A resident's own report on H5, for their own household."""
    from gongzhi.places.models import Household

    own = sorted(scope_of(actor).household_ids)
    if not own:
        raise Forbidden(gettext("请先绑定本人家庭后再申报积分"))
    household = Household.objects.get(pk=own[0])
    images = clean_images(list(photos or []), max_count=3)
    return _claim_save(actor, household, _clean_claim(household, data, images), ClaimSource.RESIDENT, images)


def _claim_save(
    actor: Actor, household: Household, clean: dict[str, Any], source: str, images: list[CleanImage]
) -> Claim:
    claim = Claim(household=household, source=source, reported_by_id=actor.pk, **clean)
    claim.set_place_codes(grid_code=household.grid_code)
    claim.save()
    audit_record(
        actor=actor,
        target=claim,
        event="points.claim_reported",
        data={
            "rule": claim.rule.code,
            "version": claim.rule.version,
            "points": claim.points,
            "source": source,
        },
    )
    if images:
        _save_photos(claim, images)
    return claim


@transaction.atomic
def meeting_record(
    *, actor: Actor, community_id: int, held_on: dt.date | None, members_present: str, note: str = ""
) -> ReviewMeeting:
    """The daily review meeting's record: date and members present (one per community and day)."""
    from gongzhi.places.models import Community

    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        raise ValidationFailed(gettext("请选择社区"), fields={"community_id": gettext("社区不存在")})
    require(
        actor,
        "points.review_claim",
        community,
        error=Forbidden(gettext("只有社区积分管理小组可以召开评议会")),
    )
    errors: dict[str, str] = {}
    members = _text(errors, "members_present", members_present, gettext("参会人员"), 300)
    note = _text(errors, "note", note, gettext("会议记录"), 1000, required=False)
    if held_on is None or not bounds.date_in_range(held_on) or held_on > timezone.localdate():
        errors["held_on"] = gettext("请填写评议日期（不能晚于今天）")
    raise_errors(errors)
    assert held_on is not None
    if ReviewMeeting.objects.filter(community=community, held_on=held_on).exists():
        raise Conflict(gettext("当天的评议会已登记"))
    meeting = ReviewMeeting(
        community=community, held_on=held_on, members_present=members, note=note, recorded_by_id=actor.pk
    )
    meeting.set_place_codes(community_code=community.code)
    meeting.save()
    audit_record(actor=actor, target=meeting, event="points.meeting_recorded", data={"held_on": str(held_on)})
    return meeting


def _household_users(household_id: int) -> list[int]:
    from gongzhi.accounts.models import RoleAssignment

    return list(
        RoleAssignment.objects.filter(household_id=household_id, active=True).values_list(
            "user_id", flat=True
        )
    )


def _awarded_this_year(claim: Claim) -> int:
    year = claim.occurred_on.year
    return int(
        Claim.objects.filter(
            household_id=claim.household_id,
            rule__code=claim.rule.code,
            rule__community_code=claim.rule.community_code,
            status__in=(ClaimStatus.APPROVED, ClaimStatus.CHANGED),
            occurred_on__year=year,
        ).aggregate(s=Sum("final_points"))["s"]
        or 0
    )


@transaction.atomic
def claim_decide(
    *,
    actor: Actor | None,
    claim_id: int,
    meeting_id: int,
    outcome: str,
    points: Any = None,
    reason: str = "",
) -> Claim:
    """民主评议 of one claim: approve (posts the claimed points), change (posts ``points`` per unit, with the
    reason) or reject (with the reason). Nobody decides a claim they reported or that is for their own
    household."""
    claim = Claim.objects.select_for_update(of=("self",)).select_related("rule").filter(pk=claim_id).first()
    if claim is None:
        raise NotFound()
    require(actor, "points.review_claim", claim)
    refuse_own_work(
        actor,
        claim.reported_by_id,
        _household_users(claim.household_id),
        what=gettext("评议本人申报或本家庭的积分"),
    )
    meeting = ReviewMeeting.objects.filter(pk=meeting_id, community_code=claim.community_code).first()
    if meeting is None:
        raise ValidationFailed(
            gettext("请先登记本社区的评议会"), fields={"meeting_id": gettext("评议会不存在")}
        )
    targets: dict[str, str] = {
        Outcome.APPROVE: ClaimStatus.APPROVED,
        Outcome.CHANGE: ClaimStatus.CHANGED,
        Outcome.REJECT: ClaimStatus.REJECTED,
    }
    if outcome not in targets:
        raise ValidationFailed(
            gettext("评议结果应为通过、调整或不予通过"), fields={"outcome": gettext("评议结果无法识别")}
        )
    new = check_move(CLAIM, targets[outcome], claim.status)
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, gettext("评议意见"), 300, required=outcome != Outcome.APPROVE)
    per_unit = claim.points
    if outcome == Outcome.CHANGE:
        per_unit = _whole(errors, "points", points, gettext("调整后分值"), 0)
        if "points" not in errors and not claim.rule.points_min <= per_unit <= claim.rule.points_max:
            errors["points"] = gettext("调整后分值应在%(points_min)s到%(points_max)s之间") % {
                "points_min": claim.rule.points_min,
                "points_max": claim.rule.points_max,
            }
        if "points" not in errors and per_unit == claim.points:
            errors["points"] = gettext("调整后分值与申报分值相同，请选择“通过”")
    raise_errors(errors)
    total = per_unit * claim.quantity if outcome != Outcome.REJECT else 0
    if total and claim.rule.yearly_cap:
        had = _awarded_this_year(claim)
        if had + total > claim.rule.yearly_cap:
            raise Conflict(
                gettext(
                    "规则“%(name)s”每户每年最多%(yearly_cap)s分，本户已得%(had)s分，请调整分值（最多%(value)s分）"
                )
                % {
                    "name": claim.rule.name,
                    "yearly_cap": claim.rule.yearly_cap,
                    "had": had,
                    "value": max(claim.rule.yearly_cap - had, 0),
                }
            )
    if total:
        account = household_account(claim.household, lock=True)
        community = claim.household.grid.community
        issuer = community_account(community, AccountKind.ISSUER)
        if claim.rule.direction == Direction.DEDUCT:
            total = min(total, account.balance)  # a household never goes below zero
            legs = [(account, -total), (issuer, total)]
            kind = PostingKind.DEDUCT
        else:
            legs = [(account, total), (issuer, -total)]
            kind = PostingKind.AWARD
        if total:
            claim.posting = post_entry(
                actor=actor,
                community_code=claim.community_code,
                kind=kind,
                memo=f"{claim.rule.code} {claim.rule.name}"[:200],
                legs=legs,
                rule_id=claim.rule_id,
            )
    claim.status, claim.meeting, claim.decision_reason = new, meeting, reason
    claim.final_points = total if outcome != Outcome.REJECT else 0
    claim.decided_by_id, claim.decided_at = getattr(actor, "pk", None), timezone.now()
    claim.save(
        update_fields=[
            "status",
            "meeting",
            "decision_reason",
            "final_points",
            "decided_by",
            "decided_at",
            "posting",
            "updated_at",
        ]
    )
    audit_record(
        actor=actor,
        target=claim,
        event="points.claim_decided",
        data={"outcome": outcome, "points": claim.final_points, "meeting": meeting.pk, "reason": reason},
    )
    return claim
