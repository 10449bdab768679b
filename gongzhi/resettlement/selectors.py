"""Reads of resettlement projects with the actor's scope applied (``PLACE_READERS``: the managers of the
place and the auditor); missing and forbidden are the same 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import PLACE_READERS
from gongzhi.core.scope import scope_of
from gongzhi.resettlement import draw as drawing
from gongzhi.resettlement.enums import ProjectStatus, UnitKind
from gongzhi.resettlement.models import (
    Draw,
    EligibleHousehold,
    HousingUnit,
    ResettlementProject,
)

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place_q(actor: Actor, prefix: str = "") -> Q:
    return scope_of(actor).place_q(PLACE_READERS, prefix)


def resettlement_project_list_for_actor(*, actor: Actor) -> QuerySet[ResettlementProject]:
    return (
        ResettlementProject.objects.filter(_place_q(actor))
        .annotate(household_count=Count("households", distinct=True))
        .order_by("-id")
    )


def resettlement_project_get_for_actor(*, actor: Actor, project_id: int) -> ResettlementProject:
    project = ResettlementProject.objects.filter(_place_q(actor), pk=project_id).first()
    if project is None:
        raise NotFound("安置项目不存在或无权查看")
    return project


def eligible_household_list(*, project: ResettlementProject, q: str = "") -> QuerySet[EligibleHousehold]:
    qs = EligibleHousehold.objects.filter(project=project)
    if q:
        qs = qs.filter(Q(key__icontains=q) | Q(former_village__contains=q) | Q(head_name__contains=q))
    return qs.annotate(unit_count=Count("units")).order_by(
        "draw_position" if project.status != ProjectStatus.PREPARING else "key", "key"
    )


def eligible_household_get_for_actor(*, actor: Actor, household_id: int) -> EligibleHousehold:
    row = EligibleHousehold.objects.filter(_place_q(actor), pk=household_id).select_related("project").first()
    if row is None:
        raise NotFound("安置对象不存在或无权查看")
    return row


def housing_unit_list(
    *, project: ResettlementProject, kind: str = "", free_only: bool = False, building: str = ""
) -> QuerySet[HousingUnit]:
    qs = HousingUnit.objects.filter(project=project)
    if kind:
        qs = qs.filter(kind=kind)
    if free_only:
        qs = qs.filter(household__isnull=True)
    if building:
        qs = qs.filter(building=building)
    return qs.select_related("bundle", "household").order_by("kind", "building", "floor", "number")


def inventory_figures(*, project: ResettlementProject) -> list[dict[str, Any]]:
    rows = {
        r["kind"]: r
        for r in HousingUnit.objects.filter(project=project)
        .values("kind")
        .annotate(total=Count("id"), chosen=Count("id", filter=Q(household__isnull=False)), area=Sum("area"))
    }
    return [
        {
            "kind": kind,
            "label": str(label),
            "total": rows.get(kind, {}).get("total", 0),
            "chosen": rows.get(kind, {}).get("chosen", 0),
            "area": rows.get(kind, {}).get("area") or 0,
        }
        for kind, label in UnitKind.choices
    ]


def current_turn(*, project: ResettlementProject) -> EligibleHousehold | None:
    """The household whose turn it is: the first in draw order that has not finished choosing."""
    if project.status != ProjectStatus.DRAWN:
        return None
    return (
        EligibleHousehold.objects.filter(project=project, choosing_done=False, draw_position__isnull=False)
        .order_by("draw_position")
        .first()
    )


def canonical_list_of(*, project: ResettlementProject) -> str:
    """The project's canonical list as it stands now (``draw.py``, step 1)."""
    rows = EligibleHousehold.objects.filter(project=project).values_list(
        "key", "former_village", "entitled_area", "entitled_flats", "entitled_storage", "entitled_parking"
    )
    return drawing.canonical_list(rows)


def draw_of(*, project: ResettlementProject) -> Draw | None:
    return Draw.objects.filter(project=project).first()


def draw_order_of(*, project: ResettlementProject) -> list[str]:
    return list(
        EligibleHousehold.objects.filter(project=project, draw_position__isnull=False)
        .order_by("draw_position")
        .values_list("key", flat=True)
    )


def resettlement_counts() -> dict[str, int]:
    """The overview's figures: projects, flats in the inventories, flats chosen."""
    flats = HousingUnit.objects.filter(kind=UnitKind.FLAT).aggregate(
        n=Count("id"), chosen=Count("id", filter=Q(household__isnull=False))
    )
    return {
        "projects": ResettlementProject.objects.count(),
        "flats": flats["n"] or 0,
        "allocated": flats["chosen"] or 0,
    }
