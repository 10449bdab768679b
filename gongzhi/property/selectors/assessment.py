"""Reads of the quarterly assessment and the residents' ratings, and the overview's ``property`` figures.

Who sees the results: every staff role and the auditor placed in the subdistrict (or over it): a
community's staff see how their estates' companies, committees and branches rank in the subdistrict.
The ratings (with the residents' comments): the staff placed over the rated household's place.
"""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, QuerySet

from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.property.enums import CURRENT_COMMITTEE
from gongzhi.property.models import (
    EstateService,
    OwnersCommittee,
    PropertyAssessment,
    PropertyCompany,
    PropertyRating,
    TongxinqiaoBranch,
)
from gongzhi.property.selectors.register import _district_subdistrict_q

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def assessment_list_for_actor(
    *, actor: Actor, quarter: str, subdistrict_code: str = "", subject: str = ""
) -> QuerySet[PropertyAssessment]:
    qs = PropertyAssessment.objects.filter(_district_subdistrict_q(actor), quarter=quarter)
    if subdistrict_code:
        qs = qs.filter(subdistrict_code=subdistrict_code)
    if subject:
        qs = qs.filter(subject=subject)
    return qs.order_by("subdistrict_code", "subject", "rank", "subject_name", "id")


def assessed_quarters(*, actor: Actor) -> list[str]:
    return sorted(
        set(
            PropertyAssessment.objects.filter(_district_subdistrict_q(actor)).values_list(
                "quarter", flat=True
            )
        ),
        reverse=True,
    )


def subject_history(*, actor: Actor, subject: str, subject_id: int) -> QuerySet[PropertyAssessment]:
    return PropertyAssessment.objects.filter(
        _district_subdistrict_q(actor), subject=subject, subject_id=subject_id
    ).order_by("-quarter", "subdistrict_code")


def rating_list_for_actor(
    *, actor: Actor, quarter: str, estate_id: int | None = None, limit: int = 500
) -> QuerySet[PropertyRating]:
    qs = PropertyRating.objects.filter(scope_of(actor).place_q(TICKET_READERS), quarter=quarter)
    if estate_id:
        qs = qs.filter(estate_id=estate_id)
    return qs.select_related("estate", "household").order_by("-created_at", "-id")[:limit]


def rating_summary_for_actor(*, actor: Actor, quarter: str) -> list[dict[str, Any]]:
    """Per estate: how many households rated and the average of each score."""
    rows = (
        PropertyRating.objects.filter(scope_of(actor).place_q(TICKET_READERS), quarter=quarter)
        .values("estate_id", "estate__name", "community_code")
        .annotate(
            n=Count("id"),
            company=Avg("company_score"),
            committee=Avg("committee_score"),
            branch=Avg("branch_score"),
        )
        .order_by("community_code", "estate__name")
    )
    return [
        {
            "estate_id": r["estate_id"],
            "estate": r["estate__name"],
            "households": r["n"],
            **{
                k: None if r[k] is None else round(float(r[k]), 2) for k in ("company", "committee", "branch")
            },
        }
        for r in rows
    ]


def own_rating(*, household_id: int, quarter: str) -> PropertyRating | None:
    return PropertyRating.objects.filter(household_id=household_id, quarter=quarter).first()


def property_counts() -> dict[str, int]:
    """The overview's ``property`` figures, from records: property companies in the register, owners'
    committees in office (elected or filed), active 同心桥 branches, and estates covered — estates with a
    current property service (a company, owners' self-management or the community's hosting)."""
    return {
        "companies": PropertyCompany.objects.filter(active=True).count(),
        "owners_committees": OwnersCommittee.objects.filter(status__in=CURRENT_COMMITTEE).count(),
        "tongxinqiao_branches": TongxinqiaoBranch.objects.filter(active=True).count(),
        "estates_covered": EstateService.objects.filter(current=True).values("estate_id").distinct().count(),
    }


def ranking_by_subdistrict(rows: list[PropertyAssessment]) -> list[dict[str, Any]]:
    """The results grouped for the page: subdistrict → subject → ranked rows."""
    from gongzhi.places.models import Subdistrict
    from gongzhi.property.enums import Subject

    names = dict(
        Subdistrict.objects.filter(code__in=sorted({r.subdistrict_code for r in rows})).values_list(
            "code", "name"
        )
    )
    grouped: dict[str, dict[str, list[PropertyAssessment]]] = defaultdict(lambda: defaultdict(list))
    for r in rows:
        grouped[r.subdistrict_code][r.subject].append(r)
    return [
        {
            "code": code,
            "name": names.get(code, code),
            "subjects": [
                {"value": value, "label": str(label), "rows": grouped[code][value]}
                for value, label in Subject.choices
                if grouped[code][value]
            ],
        }
        for code in sorted(grouped)
    ]
