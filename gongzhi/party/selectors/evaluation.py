"""Reads of evaluation and feedback with the actor's scope: feedback letters, the unit ranking, and the
serving figures of the console overview."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import Scope, scope_of
from gongzhi.party.enums import RecordStatus
from gongzhi.party.models import AssessmentScheme, FeedbackLetter, ServiceRecord, Unit, UnitAssessment

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _fmt(value: Decimal | int) -> str:
    return format(Decimal(value).normalize(), "f") if value else "0"


def feedback_letter_list_for_actor(
    *, actor: Actor, period: str = "", unit_id: int | None = None, limit: int | None = None
) -> QuerySet[FeedbackLetter]:
    """Staff: letters of members kept in their places; a liaison: their unit's; a member: their own."""
    scope = scope_of(actor)
    q = scope.place_q(POPULATION_ROLES, prefix="member__") | Q(member__user_id=actor.pk)
    units = list(Unit.objects.filter(liaison_id=actor.pk).values_list("id", flat=True))
    if units:
        q |= Q(unit_id__in=units) | Q(member__unit_id__in=units)
    qs = FeedbackLetter.objects.filter(q)
    if period:
        qs = qs.filter(period=period.strip().upper())
    if unit_id:
        qs = qs.filter(unit_id=unit_id)
    qs = qs.select_related("member", "unit").order_by("unit__name", "member__name", "period", "id")
    return qs[:limit] if limit else qs


def feedback_letter_get_for_actor(*, actor: Actor, letter_id: int) -> FeedbackLetter:
    letter = feedback_letter_list_for_actor(actor=actor).filter(pk=letter_id).first()
    if letter is None:
        raise NotFound()
    return letter


def assessment_ranking_for_actor(
    *, actor: Actor, year: int, district_id: int | None = None
) -> tuple[AssessmentScheme | None, QuerySet[UnitAssessment]]:
    """District staff see the whole ranking; community staff their community's units (with the
    district rank); a liaison their own unit's line."""
    from gongzhi.places.models import District

    scope = scope_of(actor)
    district = District.objects.filter(pk=district_id).first() if district_id else None
    if district is None:
        codes = sorted(scope.district_codes)
        for u in Unit.objects.filter(liaison_id=actor.pk).values_list("district_code", flat=True):
            codes.append(u)
        district = District.objects.filter(code__in=codes).order_by("code").first()
        if district is None and scope.superuser:
            district = District.objects.order_by("code").first()
    scheme = AssessmentScheme.objects.filter(district=district, year=year).first() if district else None
    if scheme is None:
        return None, UnitAssessment.objects.none()
    q = scope.place_q(POPULATION_ROLES, prefix="unit__") | Q(unit__liaison_id=actor.pk)
    qs = scheme.results.filter(q).select_related("unit", "unit__community").order_by("rank", "unit__name")
    return scheme, qs


def serving_figures(scope: Scope) -> dict[str, Any]:
    """Confirmed service records and hours in the scope's places (for the console overview)."""
    row = ServiceRecord.objects.filter(
        scope.place_q(POPULATION_ROLES), status=RecordStatus.CONFIRMED
    ).aggregate(n=Count("id"), h=Sum("hours"))
    pending = ServiceRecord.objects.filter(
        scope.place_q(POPULATION_ROLES), status=RecordStatus.PENDING
    ).count()
    return {
        "records_confirmed": row["n"] or 0,
        "hours_confirmed": _fmt(row["h"] or Decimal("0")),
        "records_pending": pending,
    }
