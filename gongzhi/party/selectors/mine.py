"""Reads of the in-service member's and the unit liaison's own pages (H5): my registration cards (报到证),
where I serve, the items I may claim, my claims and records and my hours; a liaison's unit with its
members, claims, records, feedback letters, resources, the needs it has taken on and its assessment.

Every read goes through the scoped selectors of serving, registration, evaluation and cobuild and is then
narrowed to the actor's own rows (the member rows linked to the account, the units it is liaison of).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.audit.models import AuditEvent
from gongzhi.audit.services import target_type_of
from gongzhi.party.enums import ClaimStatus, RecordStatus, RegistrationStatus, ServiceItemStatus
from gongzhi.party.models import (
    Claim,
    FeedbackLetter,
    MemberRegistration,
    ServiceItem,
    ServiceRecord,
    Unit,
    UnitAssessment,
)
from gongzhi.party.selectors.evaluation import feedback_letter_list_for_actor
from gongzhi.party.selectors.registration import registration_list_for_actor, unit_list_for_actor
from gongzhi.party.selectors.serving import (
    claim_list_for_actor,
    service_item_list_for_actor,
    service_record_list_for_actor,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from gongzhi.core.types import Actor
    from gongzhi.places.models import Community, Grid

# 共建 (cobuild) sits above party in the layer order: it registers its readers of a community's open projects
# and of a unit's resources and projects here (cobuild/apps.py), and party never imports it.
COBUILD_READERS: dict[str, Callable[..., list[Any]]] = {}


def register_cobuild_reader(name: str, reader: Callable[..., list[Any]]) -> None:
    COBUILD_READERS[name] = reader


def _cobuild(name: str, **kwargs: Any) -> list[Any]:
    reader = COBUILD_READERS.get(name)
    return reader(**kwargs) if reader else []


HOLDING = (ClaimStatus.ACTIVE, ClaimStatus.COMPLETED)


# --- the member ---------------------------------------------------------------------------------------


def my_registrations(*, actor: Actor) -> list[MemberRegistration]:
    """The actor's own registrations (报到), newest first, with the unit's address for the card."""
    return list(
        registration_list_for_actor(actor=actor)
        .filter(member__user_id=actor.pk)
        .select_related("unit", "unit__paired_grid", "unit__community", "member")
        .order_by("-id")
    )


@dataclass(frozen=True)
class ServingPlace:
    """Where the member serves: their unit's paired grid (帮包网格) by default, else the grid their
    community assigned at 报到, else the community they registered with."""

    community: Community
    grid: Grid | None
    source: str  # "paired" | "assigned" | "registered"


def serving_places(registrations: list[MemberRegistration]) -> list[ServingPlace]:
    out: list[ServingPlace] = []
    seen: set[tuple[int, int | None]] = set()
    for reg in registrations:
        if reg.status == RegistrationStatus.RETURNED:
            continue
        unit = reg.unit or reg.member.unit
        place: ServingPlace | None = None
        if unit is not None and unit.paired_grid is not None:
            place = ServingPlace(unit.paired_grid.community, unit.paired_grid, "paired")
        elif reg.status == RegistrationStatus.ACCEPTED and reg.grid is not None:
            place = ServingPlace(reg.community, reg.grid, "assigned")
        elif reg.status == RegistrationStatus.ACCEPTED:
            place = ServingPlace(reg.community, None, "registered")
        if place is not None and (place.community.pk, place.grid.pk if place.grid else None) not in seen:
            seen.add((place.community.pk, place.grid.pk if place.grid else None))
            out.append(place)
    return out


def my_item_list(*, actor: Actor, community_ids: list[int]) -> QuerySet[ServiceItem]:
    """Open posts and service items of the communities the member serves in, with the places taken."""
    return (
        service_item_list_for_actor(actor=actor, status=ServiceItemStatus.OPEN)
        .filter(community_id__in=community_ids)
        .annotate(taken=Count("claims", filter=Q(claims__status__in=HOLDING)))
        .order_by("-id")
    )


def open_projects(*, actor: Actor, community_code: str, limit: int = 20) -> list[Any]:
    """The community's co-building projects waiting to be claimed (项目清单), as the actor may read them."""
    return _cobuild("open_projects", actor=actor, community_code=community_code, limit=limit)


def my_claims(*, actor: Actor, limit: int = 100) -> list[Claim]:
    return list(
        claim_list_for_actor(actor=actor)
        .filter(member__user_id=actor.pk)
        .select_related("item__community")[:limit]
    )


def my_records(*, actor: Actor) -> QuerySet[ServiceRecord]:
    """The member's own service records, newest service first (the page pages through them)."""
    return (
        service_record_list_for_actor(actor=actor)
        .filter(member__user_id=actor.pk)
        .select_related("claim__item", "confirmed_by")
        .order_by("-served_on", "-id")
    )


def rejection_reasons(records: list[ServiceRecord]) -> dict[int, str]:
    """The reason each rejected record was given (the record has no column: its audit row carries it).
    The caller has read ``records`` through a scoped selector."""
    rejected = [r.pk for r in records if r.status == RecordStatus.REJECTED]
    if not rejected:
        return {}
    rows = AuditEvent.objects.filter(
        event_type="party.service_record_rejected",
        target_type=target_type_of(ServiceRecord()),
        target_id__in=[str(pk) for pk in rejected],
    ).order_by("id")
    return {int(e.target_id): str((e.data or {}).get("reason", "")) for e in rows}


@dataclass(frozen=True)
class Hours:
    year: int
    confirmed: Decimal
    pending: Decimal
    records: int


def hours_this_year(records: QuerySet[ServiceRecord], today: dt.date | None = None) -> Hours:
    year = (today or timezone.localdate()).year
    rows = records.filter(served_on__year=year)
    totals = {
        row["status"]: (row["h"], row["n"])
        for row in rows.order_by().values("status").annotate(h=Sum("hours"), n=Count("id"))
    }
    confirmed = totals.get(RecordStatus.CONFIRMED, (Decimal("0"), 0))
    pending = totals.get(RecordStatus.PENDING, (Decimal("0"), 0))
    return Hours(year, confirmed[0] or Decimal("0"), pending[0] or Decimal("0"), confirmed[1])


# --- the unit liaison -------------------------------------------------------------------------------


def my_units(*, actor: Actor) -> list[Unit]:
    """The units the actor is liaison of (through the unit selector's scope)."""
    return list(
        unit_list_for_actor(actor=actor)
        .filter(liaison_id=actor.pk)
        .select_related("community", "paired_grid")
        .order_by("name", "id")
    )


@dataclass
class UnitPage:
    unit: Unit
    registrations: list[MemberRegistration]
    claims: list[Claim]
    records: list[ServiceRecord]
    hours: Hours
    letters: list[FeedbackLetter]
    resources: list[Any]
    projects: list[Any]
    assessment: UnitAssessment | None


def unit_page(*, actor: Actor, unit: Unit, limit: int = 50) -> UnitPage:
    """Everything of one of the liaison's units (``unit`` comes from ``my_units``)."""
    of_unit = Q(unit=unit) | Q(member__unit=unit)
    registrations = list(
        registration_list_for_actor(actor=actor)
        .filter(of_unit)
        .exclude(status=RegistrationStatus.RETURNED)
        .select_related("member", "community", "grid")
        .order_by("member__name", "id")[:200]
    )
    claims = list(claim_list_for_actor(actor=actor).filter(of_unit).select_related("item__community")[:limit])
    all_records = service_record_list_for_actor(actor=actor, unit_id=unit.pk)
    records = list(all_records.select_related("confirmed_by").order_by("-served_on", "-id")[:limit])
    letters = list(
        feedback_letter_list_for_actor(actor=actor).filter(of_unit).order_by("-period", "id")[:limit]
    )
    resources = _cobuild("unit_resources", actor=actor, unit=unit, limit=limit)
    projects = _cobuild("unit_projects", actor=actor, unit=unit, limit=limit)
    assessment = (
        UnitAssessment.objects.filter(unit=unit).select_related("scheme").order_by("-scheme__year").first()
    )
    reasons = rejection_reasons(records)
    for r in records:
        r.reject_reason = reasons.get(r.pk, "")  # type: ignore[attr-defined]
    return UnitPage(
        unit=unit,
        registrations=registrations,
        claims=claims,
        records=records,
        hours=hours_this_year(all_records),
        letters=letters,
        resources=resources,
        projects=projects,
        assessment=assessment,
    )
