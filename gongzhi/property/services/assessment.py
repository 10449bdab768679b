"""The quarterly assessment (考核评价) of each property company, owners' committee and 同心桥 branch of a
subdistrict: the residents' ratings of the quarter, the property-category ticket figures of the subject's
estates (read through ``gongzhi.tickets.selectors.estates``), and the joint meetings' resolutions carried
out; weighted as the district set them (``scoring`` does the arithmetic); ranked per subdistrict and kind.
Running a quarter again replaces its results (late ratings, tickets closed since)."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from gongzhi.audit.services import audit_record
from gongzhi.core import bounds
from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import require
from gongzhi.property import scoring
from gongzhi.property.enums import (
    DEFAULT_WEIGHTS,
    INDICATORS,
    PROPERTY_CATEGORY_PREFIX,
    REPEAT_WINDOW_DAYS,
    Subject,
)
from gongzhi.property.models import (
    AssessmentScheme,
    EstateService,
    OwnersCommittee,
    PropertyAssessment,
    PropertyRating,
    TongxinqiaoBranch,
)
from gongzhi.property.services import _validation as v
from gongzhi.property.services.register import subdistrict_by_id

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import District, Subdistrict

_ASSESSORS_ONLY = "只有街道物业管理办公室（街道工作人员）或区级管理员可以运行考核"


# --- weights ----------------------------------------------------------------------------------------


def weights_for(district_code: str) -> dict[str, dict[str, float]]:
    scheme = AssessmentScheme.objects.filter(district__code=district_code).first()
    out = {s: {k: float(w) for k, w in DEFAULT_WEIGHTS[s].items()} for s in Subject.values}
    if scheme is not None:
        for s, table in scheme.weights.items():
            out[s] = {k: float(table.get(k, 0)) for k in INDICATORS}
    return out


def _clean_weights(weights: Any) -> dict[str, dict[str, float]]:
    if not isinstance(weights, dict):
        raise field_error("weights", "指标权重格式不正确")
    out: dict[str, dict[str, float]] = {}
    errors: dict[str, str] = {}
    for subject, subject_label in Subject.choices:
        table = weights.get(subject, DEFAULT_WEIGHTS[subject])
        if not isinstance(table, dict) or any(k not in INDICATORS for k in table):
            errors[f"weights.{subject}"] = f"{subject_label}的指标无法识别"
            continue
        clean: dict[str, float] = {}
        for key, label in INDICATORS.items():
            try:
                value = Decimal(str(table.get(key, 0) if table.get(key) not in (None, "") else 0))
            except (InvalidOperation, ValueError):
                errors[f"weights.{subject}.{key}"] = f"{subject_label}“{label}”的权重应为数字"
                continue
            if not value.is_finite() or value < 0 or value > 100:
                errors[f"weights.{subject}.{key}"] = f"{subject_label}“{label}”的权重应在0到100之间"
                continue
            clean[key] = float(value)
        total = sum((Decimal(str(x)) for x in clean.values()), Decimal(0))
        if (
            f"weights.{subject}" not in errors
            and not any(k.startswith(f"weights.{subject}.") for k in errors)
            and total != 100
        ):
            errors[f"weights.{subject}"] = f"{subject_label}各项权重之和应为100，当前为{total.normalize():f}"
        out[subject] = clean
    v.raise_all(errors)
    return out


@transaction.atomic
def property_assessment_weights_set(
    *, actor: Actor, district_id: int, weights: dict[str, Any]
) -> AssessmentScheme:
    from gongzhi.places.models import District

    district: District | None = (
        District.objects.filter(pk=district_id).first() if bounds.int_in_range(district_id) else None
    )
    if district is None:
        raise NotFound("区县不存在")
    require(actor, "property.set_scheme", district, error=Forbidden("只有区级管理员可以设置考核权重"))
    clean = _clean_weights(weights)
    lock_name(f"property.scheme:{district.pk}")
    scheme = AssessmentScheme.objects.select_for_update().filter(district=district).first()
    old = dict(scheme.weights) if scheme else None
    if scheme is None:
        scheme = AssessmentScheme.objects.create(district=district, weights=clean)
    else:
        scheme.weights = clean
        scheme.save(update_fields=["weights", "updated_at"])
    audit_record(actor=actor, target=scheme, event="property.weights_set", data={"from": old, "to": clean})
    return scheme


# --- the figures ------------------------------------------------------------------------------------


def _overlaps(start_field: str, end_field: str, q: v.Quarter) -> Q:
    return Q(**{f"{start_field}__lte": q.end}) & (
        Q(**{f"{end_field}__isnull": True}) | Q(**{f"{end_field}__gte": q.start})
    )


def subjects_of(sub: Subdistrict, q: v.Quarter) -> dict[tuple[str, int], tuple[str, set[int]]]:
    """(subject kind, id) → (name, the subject's estates in the subdistrict) during the quarter."""
    out: dict[tuple[str, int], tuple[str, set[int]]] = {}
    for estate_id, company_id, company_name in EstateService.objects.filter(
        _overlaps("starts_on", "ends_on", q), subdistrict_code=sub.code, company__isnull=False
    ).values_list("estate_id", "company_id", "company__name"):
        out.setdefault((Subject.COMPANY, company_id), (company_name, set()))[1].add(estate_id)
    for pk, estate_id, name in OwnersCommittee.objects.filter(
        _overlaps("elected_on", "ended_on", q), subdistrict_code=sub.code
    ).values_list("pk", "estate_id", "name"):
        out[(Subject.OWNERS_COMMITTEE, pk)] = (name, {estate_id})
    for pk, estate_id, name in TongxinqiaoBranch.objects.filter(
        active=True, founded_on__lte=q.end, subdistrict_code=sub.code
    ).values_list("pk", "estate_id", "name"):
        out[(Subject.BRANCH, pk)] = (name, {estate_id})
    return out


def _rating_figures(sub: Subdistrict, q: v.Quarter) -> dict[tuple[str, int], scoring.Figures]:
    out: dict[tuple[str, int], scoring.Figures] = defaultdict(scoring.Figures)
    rows = PropertyRating.objects.filter(quarter=q.key, subdistrict_code=sub.code).values_list(
        "company_id", "company_score", "committee_id", "committee_score", "branch_id", "branch_score"
    )
    for company, cs, committee, ms, branch, bs in rows.iterator(chunk_size=5000):
        for kind, pk, score in (
            (Subject.COMPANY, company, cs),
            (Subject.OWNERS_COMMITTEE, committee, ms),
            (Subject.BRANCH, branch, bs),
        ):
            if pk is not None and score is not None:
                f = out[(kind, pk)]
                f.rating_sum += score
                f.ratings += 1
    return out


def estate_figures(estate_ids: set[int], q: v.Quarter) -> dict[int, scoring.Figures]:
    """Per estate: its property tickets' figures and its resolutions, for the quarter."""
    from gongzhi.places.models import Estate
    from gongzhi.property.selectors.matters import resolution_figures
    from gongzhi.tickets.selectors.estates import EstateKey, estate_ticket_figures

    keys = [
        EstateKey(pk, code, name)
        for pk, code, name in Estate.objects.filter(pk__in=sorted(estate_ids)).values_list(
            "pk", "community_code", "name"
        )
    ]
    tickets = estate_ticket_figures(
        estates=keys,
        start=q.start,
        end=min(q.end, timezone.localdate()),
        category_prefix=PROPERTY_CATEGORY_PREFIX,
        repeat_days=REPEAT_WINDOW_DAYS,
    )
    resolutions = resolution_figures(estate_ids=estate_ids, start=q.start, end=q.end)
    out: dict[int, scoring.Figures] = {}
    for pk in estate_ids:
        t = tickets.get(pk)
        due, done = resolutions.get(pk, (0, 0))
        out[pk] = scoring.Figures(
            due=t.due if t else 0,
            on_time=t.on_time if t else 0,
            callbacks=t.callbacks if t else 0,
            satisfied=t.satisfied if t else 0,
            reported=t.reported if t else 0,
            repeats=t.repeats if t else 0,
            resolutions_due=due,
            resolutions_done=done,
        )
    return out


def compute_assessment(sub: Subdistrict, q: v.Quarter) -> list[PropertyAssessment]:
    """The quarter's results for the subdistrict, ranked, unsaved."""
    from gongzhi.places.models import Estate

    subjects = subjects_of(sub, q)
    estates = set().union(*(ids for _n, ids in subjects.values())) if subjects else set()
    per_estate = estate_figures(estates, q)
    names = dict(Estate.objects.filter(pk__in=sorted(estates)).values_list("pk", "name"))
    ratings = _rating_figures(sub, q)
    weights = weights_for(sub.district_code)
    rows: list[PropertyAssessment] = []
    for (kind, pk), (name, estate_ids) in sorted(
        subjects.items(), key=lambda kv: (kv[0][0], kv[1][0], kv[0][1])
    ):
        f = scoring.Figures()
        for e in estate_ids:
            f.add(per_estate[e])
        rated = ratings.get((kind, pk))
        if rated is not None:
            f.rating_sum, f.ratings = rated.rating_sum, rated.ratings
        values = scoring.indicators(f)
        row = PropertyAssessment(
            quarter=q.key,
            district_code=sub.district_code,
            subdistrict_code=sub.code,
            subject=kind,
            subject_id=pk,
            company_id=pk if kind == Subject.COMPANY else None,
            committee_id=pk if kind == Subject.OWNERS_COMMITTEE else None,
            branch_id=pk if kind == Subject.BRANCH else None,
            subject_name=name[:100],
            estates=sorted(names.get(e, "") for e in estate_ids),
            indicators=values,
            weights=weights[kind],
            score=scoring.weighted_score(values, weights[kind]),
            rank=0,
        )
        rows.append(row)
    for kind in Subject.values:
        mine = [r for r in rows if r.subject == kind]
        for r, rank in zip(mine, scoring.ranks([r.score for r in mine]), strict=True):
            r.rank = rank
    return rows


@transaction.atomic
def property_assessment_run(
    *, actor: Actor | None, subdistrict_id: int, quarter: str
) -> list[PropertyAssessment]:
    sub = subdistrict_by_id(subdistrict_id)
    require(actor, "property.assess_subdistrict", sub, error=Forbidden(_ASSESSORS_ONLY))
    q = v.parse_quarter(quarter)
    if q.start > timezone.localdate():
        raise field_error("quarter", "该季度尚未开始，不能考核")
    lock_name(f"property.assess:{sub.code}:{q.key}")
    rows = compute_assessment(sub, q)
    replaced, _ = PropertyAssessment.objects.filter(quarter=q.key, subdistrict_code=sub.code).delete()
    PropertyAssessment.objects.bulk_create(rows, batch_size=500)
    audit_record(
        actor=actor,
        target=sub,
        event="property.assessment_run",
        data={
            "quarter": q.key,
            "results": len(rows),
            "replaced": replaced,
            "by_subject": {s: sum(1 for r in rows if r.subject == s) for s in Subject.values},
        },
    )
    return rows
