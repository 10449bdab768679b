"""Evaluation and feedback (评价反馈): per period, each in-service member's confirmed service is sent back to
their workplace as a feedback letter (in-app to the unit's liaison, as xlsx and as a printable PDF); once a
year units are assessed on weighted indicators and ranked.

Each service writes in one transaction, asks ``gongzhi.party.permissions`` and leaves one audit row. Reads
are in ``gongzhi.party.selectors.evaluation``, the files in ``gongzhi.party.exports``.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict, Forbidden, NotFound, ValidationFailed, field_error
from gongzhi.core.locks import lock_name
from gongzhi.core.permissions import require
from gongzhi.core.roles import COMMUNITY_MANAGERS, DISTRICT_ADMINS
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import ClaimStatus, MemberKind, RecordStatus, RegistrationStatus
from gongzhi.party.models import (
    AssessmentScheme,
    Claim,
    FeedbackLetter,
    MemberRegistration,
    PartyMember,
    ServiceRecord,
    Unit,
    UnitAssessment,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import District

# The indicators a unit is assessed on, in the order they are shown.
INDICATORS: dict[str, str] = {
    "members_registered": gettext_noop("报到党员数"),
    "share_served": gettext_noop("参与服务党员比例（%）"),
    "hours": gettext_noop("服务时长（小时）"),
    "projects_claimed": gettext_noop("认领项目数"),
    "projects_completed": gettext_noop("完成项目数"),
    "rating": gettext_noop("群众评价（平均分）"),
}

_TWO = Decimal("0.01")
_ISSUERS_ONLY = gettext_noop("只有社区工作人员或区级管理员可以出具反馈函")


# --- periods --------------------------------------------------------------------------------------

_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    key: str  # normalised: 2026, 2026-Q3, 2026-10
    start: dt.date
    end: dt.date  # inclusive
    label: str  # 2026年第三季度


_QUARTER_NAMES = "一二三四"


def parse_period(value: str) -> Period:
    text = (value or "").strip().upper()
    if m := _YEAR.match(text):
        y = int(m.group(1))
        period = Period(text, dt.date(y, 1, 1), dt.date(y, 12, 31), f"{y}年度")
    elif m := _QUARTER.match(text):
        y, q = int(m.group(1)), int(m.group(2))
        first = 3 * (q - 1) + 1
        end = dt.date(y, first + 2, calendar.monthrange(y, first + 2)[1])
        period = Period(f"{y}-Q{q}", dt.date(y, first, 1), end, f"{y}年第{_QUARTER_NAMES[q - 1]}季度")
    elif (m := _MONTH.match(text)) and 1 <= int(m.group(2)) <= 12:
        y, mo = int(m.group(1)), int(m.group(2))
        end = dt.date(y, mo, calendar.monthrange(y, mo)[1])
        period = Period(f"{y}-{mo:02d}", dt.date(y, mo, 1), end, f"{y}年{mo}月")
    else:
        raise field_error("period", gettext("期间格式应为 2026（年度）、2026-Q3（季度）或 2026-10（月份）"))
    if period.start.year < 2000:
        raise field_error("period", gettext("期间年份不正确"))
    if period.start > timezone.localdate():
        raise field_error("period", gettext("该期间尚未开始，不能出具反馈函"))
    return period


# --- feedback letters -----------------------------------------------------------------------------


def _fmt(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f") if value else "0"


def _letter_summary(member: PartyMember, period: Period, records: Sequence[ServiceRecord]) -> dict:
    hours = sum((r.hours for r in records), Decimal("0"))
    ratings = [r.rating for r in records if r.rating]
    items = list(dict.fromkeys(r.claim.item.title for r in records if r.claim_id and r.claim))
    communities = sorted({r.community_code for r in records})
    return {
        "period": period.key,
        "period_label": period.label,
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "member_name": member.name,
        "unit_name": member.unit.name if member.unit else "",
        "workplace_org": (member.unit.party_org_name if member.unit else "") or member.workplace_org,
        "hours": _fmt(hours),
        "count": len(records),
        "items": items,
        "ratings": {
            "count": len(ratings),
            "average": round(sum(ratings) / len(ratings), 2) if ratings else None,
        },
        "communities": communities,
        "records": [
            {
                "served_on": r.served_on.isoformat(),
                "hours": _fmt(r.hours),
                "content": r.content,
                "beneficiaries": r.beneficiaries,
                "item": r.claim.item.title if r.claim_id and r.claim else "",
                "rating": r.rating,
            }
            for r in records
        ],
    }


@dataclass
class IssueResult:
    period: str
    created: int
    updated: int
    unchanged: int

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def _issue_target(actor: Actor, community_id: int | None) -> tuple[Any, Q]:
    """The place the letters are issued for (the audit target) and the records it covers."""
    from gongzhi.places.models import Community, District

    scope = scope_of(actor)
    if community_id:
        community = Community.objects.filter(pk=community_id).first()
        if community is None or not (scope.superuser or scope.covers(community)):
            raise NotFound()
        require(actor, "party.issue_feedbackletter", community, error=Forbidden(gettext(_ISSUERS_ONLY)))
        return community, Q(community_code=community.code)
    require(actor, "party.issue_feedbackletter", error=Forbidden(gettext(_ISSUERS_ONLY)))
    q = scope.place_q(COMMUNITY_MANAGERS)
    codes = scope.codes(COMMUNITY_MANAGERS)
    if len(codes["community"]) == 1 and not codes["district"] and not codes["subdistrict"]:
        return Community.objects.get(code=next(iter(codes["community"]))), q
    district_codes = sorted(codes["district"]) or sorted(scope.district_codes)
    district = District.objects.filter(code__in=district_codes).first() or District.objects.first()
    if district is None:
        raise NotFound()
    return district, q


@transaction.atomic
def feedback_letters_issue(*, actor: Actor, period: str, community_id: int | None = None) -> IssueResult:
    """One letter per in-service member with confirmed service in the period; issuing again updates the
    letter (one per member and period), so it can be re-run after late confirmations."""
    p = parse_period(period)
    target, q = _issue_target(actor, community_id)
    # A first issue has no letters to lock: two issues of the period at once wait for each other here,
    # and the second finds the first's letters (and updates them) instead of creating them again.
    lock_name(f"party.letters:{p.key}")
    in_period = Q(status=RecordStatus.CONFIRMED, served_on__gte=p.start, served_on__lte=p.end)
    member_ids = list(
        ServiceRecord.objects.filter(q & in_period, member__kind=MemberKind.IN_SERVICE)
        .values_list("member_id", flat=True)
        .distinct()
    )
    members = PartyMember.objects.filter(pk__in=member_ids).select_related("unit").order_by("id")
    by_member: dict[int, list[ServiceRecord]] = defaultdict(list)
    for r in (
        ServiceRecord.objects.filter(in_period, member_id__in=member_ids)
        .select_related("claim__item")
        .order_by("served_on", "id")
    ):
        by_member[r.member_id].append(r)  # type: ignore[index]
    existing = {
        letter.member_id: letter
        for letter in FeedbackLetter.objects.select_for_update().filter(
            member_id__in=member_ids, period=p.key
        )
    }
    result = IssueResult(period=p.key, created=0, updated=0, unchanged=0)
    for member in members:
        summary = _letter_summary(member, p, by_member[member.pk])
        letter = existing.get(member.pk)
        if letter is None:
            FeedbackLetter.objects.create(member=member, unit=member.unit, period=p.key, summary=summary)
            result.created += 1
        elif letter.summary != summary or letter.unit_id != member.unit_id:
            letter.summary, letter.unit = summary, member.unit
            letter.save(update_fields=["summary", "unit", "updated_at"])
            result.updated += 1
        else:
            result.unchanged += 1
    audit_record(
        actor=actor,
        target=target,
        event="party.feedback_letters_issued",
        data={
            "period": p.key,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
    )
    return result


# --- unit assessment ------------------------------------------------------------------------------


def _district_for(actor: Actor, district_id: int | None, *, write: bool) -> District:
    from gongzhi.places.models import District

    scope = scope_of(actor)
    if district_id:
        district = District.objects.filter(pk=district_id).first()
    else:
        codes = sorted(scope.codes(DISTRICT_ADMINS)["district"]) or sorted(scope.district_codes)
        district = District.objects.filter(code__in=codes).first() if len(codes) == 1 else None
        if district is None and scope.superuser:
            district = District.objects.order_by("code").first()
    if district is None or not (
        scope.superuser or scope.covers(district) or district.code in scope.district_codes
    ):
        raise NotFound()
    if write:
        require(
            actor,
            "party.assess_unit",
            district,
            error=Forbidden(gettext("只有区级管理员可以设置和运行单位考核")),
        )
    return district


def _clean_weights(weights: Any) -> dict[str, float]:
    if not isinstance(weights, dict):
        raise field_error("weights", gettext("指标权重格式不正确"))
    unknown = [k for k in weights if k not in INDICATORS]
    if unknown:
        raise field_error(
            "weights", gettext("无法识别的考核指标：%(value)s") % {"value": "、".join(map(str, unknown))}
        )
    out: dict[str, float] = {}
    errors: dict[str, str] = {}
    for key, label in INDICATORS.items():
        raw = weights.get(key, 0)
        try:
            value = Decimal(str(raw if raw is not None else 0))
        except (InvalidOperation, ValueError):
            errors[f"weights.{key}"] = gettext("“%(label)s”的权重应为数字") % {"label": label}
            continue
        if not value.is_finite():
            errors[f"weights.{key}"] = gettext("“%(label)s”的权重应为数字") % {"label": label}
        elif value < 0:
            errors[f"weights.{key}"] = gettext("“%(label)s”的权重不能为负数") % {"label": label}
        else:
            out[key] = float(value)
    if errors:
        raise ValidationFailed(next(iter(errors.values())), fields=errors)
    total = sum(Decimal(str(v)) for v in out.values())
    if total != 100:
        raise ValidationFailed(
            gettext("各项指标权重之和应为100，当前为%(value)s") % {"value": _fmt(total)},
            fields={"weights": f"权重之和应为100（当前{_fmt(total)}）"},
        )
    return out


@transaction.atomic
def assessment_scheme_set(
    *, actor: Actor, year: int, weights: dict[str, Any], district_id: int | None = None
) -> AssessmentScheme:
    district = _district_for(actor, district_id, write=True)
    if not isinstance(year, int) or not 2000 <= year <= timezone.localdate().year + 1:
        raise field_error("year", gettext("考核年度不正确"))
    clean = _clean_weights(weights)
    lock_name(f"party.scheme:{district.pk}:{year}")  # the year's first scheme: no row to lock yet
    scheme = AssessmentScheme.objects.select_for_update().filter(district=district, year=year).first()
    old = dict(scheme.weights) if scheme else None
    if scheme is None:
        scheme = AssessmentScheme.objects.create(district=district, year=year, weights=clean)
    else:
        scheme.weights = clean
        scheme.save(update_fields=["weights", "updated_at"])
    audit_record(
        actor=actor,
        target=scheme,
        event="party.assessment_scheme_set",
        data={"district": district.code, "year": year, "from": old, "to": clean},
    )
    return scheme


def unit_indicators(*, district_code: str, year: int) -> dict[int, dict[str, float]]:
    """Each unit's raw indicator values for the year, computed from the records (no stored counters)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    units = list(Unit.objects.filter(district_code=district_code).values_list("id", flat=True))
    values: dict[int, dict[str, float]] = {u: dict.fromkeys(INDICATORS, 0.0) for u in units}
    registered: dict[int, set[int]] = defaultdict(set)
    for unit_id, member_id in (
        MemberRegistration.objects.filter(status=RegistrationStatus.ACCEPTED, member__unit_id__in=units)
        .values_list("member__unit_id", "member_id")
        .distinct()
    ):
        registered[unit_id].add(member_id)
    confirmed = ServiceRecord.objects.filter(
        status=RecordStatus.CONFIRMED, served_on__gte=start, served_on__lte=end
    )
    served: dict[int, set[int]] = defaultdict(set)
    for unit_id, member_id in (
        confirmed.filter(member__unit_id__in=units).values_list("member__unit_id", "member_id").distinct()
    ):
        served[unit_id].add(member_id)
    hours: dict[int, Decimal] = defaultdict(Decimal)
    rating_sum: dict[int, int] = defaultdict(int)
    rating_n: dict[int, int] = defaultdict(int)
    for by in ("unit_id", "member__unit_id"):
        for row in (
            confirmed.filter(**{f"{by}__in": units})
            .values(by)
            .annotate(h=Sum("hours"), rs=Sum("rating"), rn=Count("rating"))
        ):
            u = row[by]
            hours[u] += row["h"] or Decimal("0")
            rating_sum[u] += row["rs"] or 0
            rating_n[u] += row["rn"] or 0
    done_claims = set(confirmed.filter(claim__isnull=False).values_list("claim_id", flat=True))
    # A claim counts in the year it was made, and in any year the pledge was served.
    claims = Claim.objects.filter(Q(created_at__year=year) | Q(pk__in=done_claims)).exclude(
        status=ClaimStatus.WITHDRAWN
    )
    claimed: dict[int, int] = defaultdict(int)
    completed: dict[int, int] = defaultdict(int)
    for claim_id, status, unit_id, member_unit_id in claims.filter(
        Q(unit_id__in=units) | Q(member__unit_id__in=units)
    ).values_list("id", "status", "unit_id", "member__unit_id"):
        u = unit_id or member_unit_id
        claimed[u] += 1
        if status == ClaimStatus.COMPLETED or claim_id in done_claims:
            completed[u] += 1
    for u in units:
        n_registered = len(registered[u])
        v = values[u]
        v["members_registered"] = float(n_registered)
        v["share_served"] = (
            round(100.0 * len(served[u] & registered[u]) / n_registered, 2) if n_registered else 0.0
        )
        v["hours"] = float(hours[u])
        v["projects_claimed"] = float(claimed[u])
        v["projects_completed"] = float(completed[u])
        v["rating"] = round(rating_sum[u] / rating_n[u], 2) if rating_n[u] else 0.0
    return values


def score_units(
    values: dict[int, dict[str, float]], weights: dict[str, float]
) -> list[tuple[int, Decimal, int, dict[str, dict[str, float]]]]:
    """(unit, score, rank, indicators) best first. Each indicator is scaled so the best unit has 100;
    the score is the weighted mean of the scaled values; equal scores share a rank (1, 1, 3)."""
    best = {k: max((v[k] for v in values.values()), default=0.0) for k in INDICATORS}
    scored: list[tuple[int, Decimal, dict[str, dict[str, float]]]] = []
    for unit_id, v in values.items():
        detail: dict[str, dict[str, float]] = {}
        total = Decimal("0")
        for k in INDICATORS:
            scaled = Decimal(str(v[k])) * 100 / Decimal(str(best[k])) if best[k] > 0 else Decimal("0")
            detail[k] = {"value": v[k], "score": float(scaled.quantize(_TWO, ROUND_HALF_UP))}
            total += scaled * Decimal(str(weights.get(k, 0)))
        scored.append((unit_id, (total / 100).quantize(_TWO, ROUND_HALF_UP), detail))
    scored.sort(key=lambda t: (-t[1], t[0]))
    out: list[tuple[int, Decimal, int, dict[str, dict[str, float]]]] = []
    rank = 0
    for i, (unit_id, score, detail) in enumerate(scored):
        if i == 0 or score != scored[i - 1][1]:
            rank = i + 1
        out.append((unit_id, score, rank, detail))
    return out


@transaction.atomic
def units_assess(*, actor: Actor, year: int, district_id: int | None = None) -> AssessmentScheme:
    district = _district_for(actor, district_id, write=True)
    scheme = AssessmentScheme.objects.select_for_update().filter(district=district, year=year).first()
    if scheme is None:
        raise Conflict(
            gettext("尚未设置%(year)s年度的单位考核方案，请先设置指标权重") % {"year": year}, code="no_scheme"
        )
    values = unit_indicators(district_code=district.code, year=year)
    results = score_units(values, scheme.weights)
    replaced = scheme.results.count()
    scheme.results.all().delete()
    UnitAssessment.objects.bulk_create(
        UnitAssessment(scheme=scheme, unit_id=u, indicators=detail, score=score, rank=rank)
        for u, score, rank, detail in results
    )
    scheme.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        target=scheme,
        event="party.units_assessed",
        data={
            "district": district.code,
            "year": year,
            "units": len(results),
            "replaced": replaced,
            "weights": scheme.weights,
        },
    )
    return scheme
