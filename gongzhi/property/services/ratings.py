"""Residents' quarterly ratings (H5): a household rates its estate's property company, owners' committee
and 同心桥 branch once per quarter (1–5 each). A second rating in the quarter is a 409; the unique
constraint (household, quarter) holds it against two submissions at once as well."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, NotFound, ValidationFailed, field_error
from gongzhi.core.permissions import require
from gongzhi.property.models import PropertyRating
from gongzhi.property.services import _validation as v

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

ALREADY_RATED = "本户本季度已经评价过，每户每季度只能评价一次"


def _score(value: Any, field: str, label: str, present: bool) -> int | None:
    if value in (None, ""):
        return None
    if not present:
        raise field_error(field, f"本小区没有{label}，无需评价")
    try:
        n = int(value)
    except (TypeError, ValueError) as exc:
        raise field_error(field, f"{label}评分应为1到5") from exc
    if not 1 <= n <= 5:
        raise field_error(field, f"{label}评分应为1到5")
    return n


@dataclass
class RatingInput:
    company_score: Any = None
    committee_score: Any = None
    branch_score: Any = None
    comment: str = ""


@transaction.atomic
def property_rating_submit(*, actor: Actor, data: RatingInput) -> PropertyRating:
    """The actor's household rates this quarter."""
    from gongzhi.property.selectors.estates import estate_profiles, household_estate

    found = household_estate(actor=actor)
    if found is None:
        raise NotFound("没有找到您所在的小区，请联系社区核对住户信息")
    household, estate = found
    require(actor, "property.rate_estate", estate)
    quarter = v.quarter_containing(timezone.localdate())
    profile = estate_profiles([estate], captains=False)[estate.pk]
    company = profile.service.company if profile.service else None
    committee = profile.committee.committee if profile.committee else None
    branch = profile.branch.branch if profile.branch else None
    errors: dict[str, str] = {}
    scores: dict[str, int | None] = {}
    for name, label, present in (
        ("company_score", "物业服务", company is not None),
        ("committee_score", "业委会", committee is not None),
        ("branch_score", "同心桥党支部", branch is not None),
    ):
        try:
            scores[name] = _score(getattr(data, name), name, label, present)
        except ValidationFailed as exc:
            errors.update(exc.fields)
    try:
        comment = v.text_optional(data.comment, "comment", "意见建议", 300)
    except ValidationFailed as exc:
        errors.update(exc.fields)
    v.raise_all(errors)
    if all(s is None for s in scores.values()):
        raise ValidationFailed("请至少为一项打分", fields={"company_score": "请至少为一项打分"})
    if PropertyRating.objects.filter(household=household, quarter=quarter.key).exists():
        raise Conflict(ALREADY_RATED, code="already_rated")
    rating = PropertyRating(
        household=household,
        estate=estate,
        quarter=quarter.key,
        rated_by_id=actor.pk,
        company=company,
        committee=committee,
        branch=branch,
        comment=comment,
        **scores,
    )
    rating.set_place_codes(grid_code=household.grid_code)
    try:
        with transaction.atomic():
            rating.save()
    except IntegrityError as exc:  # the other member of the household, at the same moment
        raise Conflict(ALREADY_RATED, code="already_rated") from exc
    audit_record(
        actor=actor,
        target=rating,
        event="property.rating_submitted",
        data={"quarter": quarter.key, "estate": estate.pk, **scores},
    )
    return rating


@transaction.atomic
def property_ratings_bulk_record(*, actor: Actor | None, ratings: list[PropertyRating]) -> int:
    """Ratings collected on paper at a quarter's 阳光议事 (or the demo's year), entered as one batch: each
    household once per quarter (the batch is refused whole if one is rated already)."""
    if not ratings:
        return 0
    seen: set[tuple[int, str]] = set()
    for i, r in enumerate(ratings, start=1):
        key = (r.household_id, r.quarter)
        if key in seen:
            raise Conflict(f"第{i}条：{ALREADY_RATED}", code="already_rated")
        seen.add(key)
        for name in ("company_score", "committee_score", "branch_score"):
            s = getattr(r, name)
            if s is not None and not 1 <= s <= 5:
                raise field_error(name, f"第{i}条：评分应为1到5")
        require(actor, "property.manage_estate", r)
    try:
        with transaction.atomic():
            PropertyRating.objects.bulk_create(ratings, batch_size=1000)
    except IntegrityError as exc:
        raise Conflict(ALREADY_RATED, code="already_rated") from exc
    audit_record(
        actor=actor,
        target=ratings[0].estate,
        event="property.ratings_recorded",
        data={"count": len(ratings), "quarters": sorted({r.quarter for r in ratings})},
    )
    return len(ratings)
