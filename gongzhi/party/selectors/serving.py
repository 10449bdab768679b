"""Reads of serving (承诺践诺) with the actor's scope:

- community staff and the other place-scoped staff roles (core.roles.POPULATION_ROLES): the rows of their
  places;
- a unit liaison: their unit's claims and records and those of the unit's members;
- a party member: their own.

A missing row and a forbidden one are the same 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.party.models import Claim, PartyMember, ServiceItem, ServiceRecord, Unit

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _own_member_ids(actor: Actor) -> list[int]:
    return list(PartyMember.objects.filter(user_id=actor.pk).values_list("id", flat=True))


def _liaison_unit_ids(actor: Actor) -> list[int]:
    return list(Unit.objects.filter(liaison_id=actor.pk).values_list("id", flat=True))


def _claimant_q(actor: Actor, prefix: str = "") -> Q:
    """Rows of the actor as a claimant: their own member rows, their unit and the unit's members."""
    units = _liaison_unit_ids(actor)
    members = _own_member_ids(actor)
    q = Q(pk__in=[])
    if members:
        q |= Q(**{f"{prefix}member_id__in": members})
    if units:
        q |= Q(**{f"{prefix}unit_id__in": units}) | Q(**{f"{prefix}member__unit_id__in": units})
    return q


def service_item_list_for_actor(
    *, actor: Actor, status: str = "", community_code: str = "", limit: int | None = None
) -> QuerySet[ServiceItem]:
    """Staff see their places' items; members and liaisons the items of the communities they are
    placed in (role scope), where their unit is located, where they registered, or where the member's
    unit's paired grid lies."""
    scope = scope_of(actor)
    q = scope.place_q()
    units = Unit.objects.filter(liaison_id=actor.pk).values_list("community_id", flat=True)
    q |= Q(community_id__in=list(units))
    registered = PartyMember.objects.filter(user_id=actor.pk).values_list(
        "registrations__community_id", flat=True
    )
    q |= Q(community_id__in=[c for c in registered if c])
    # A member serves in their unit's paired grid (帮包网格) by default: its community's items too.
    paired = PartyMember.objects.filter(user_id=actor.pk, unit__paired_grid__isnull=False).values_list(
        "unit__paired_grid__community_id", flat=True
    )
    q |= Q(community_id__in=list(paired))
    qs = ServiceItem.objects.filter(q)
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    qs = qs.select_related("community").order_by("-id")
    return qs[:limit] if limit else qs


def service_item_get_for_actor(*, actor: Actor, item_id: int) -> ServiceItem:
    item = service_item_list_for_actor(actor=actor).filter(pk=item_id).first()
    if item is None:
        raise NotFound()
    return item


def claim_list_for_actor(*, actor: Actor, item_id: int | None = None) -> QuerySet[Claim]:
    scope = scope_of(actor)
    qs = Claim.objects.filter(scope.place_q(POPULATION_ROLES) | _claimant_q(actor))
    if item_id:
        qs = qs.filter(item_id=item_id)
    return qs.select_related("item", "member", "unit").order_by("-id")


def service_record_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    community_code: str = "",
    member_id: int | None = None,
    unit_id: int | None = None,
    after_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[ServiceRecord]:
    scope = scope_of(actor)
    qs = ServiceRecord.objects.filter(scope.place_q(POPULATION_ROLES) | _claimant_q(actor))
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if member_id:
        qs = qs.filter(member_id=member_id)
    if unit_id:
        qs = qs.filter(Q(unit_id=unit_id) | Q(member__unit_id=unit_id))
    if after_id:
        qs = qs.filter(id__gt=after_id)
    qs = qs.select_related("member", "member__unit", "unit", "claim__item").order_by("id")
    return qs[:limit] if limit else qs


def service_record_get_for_actor(*, actor: Actor, record_id: int) -> ServiceRecord:
    record = service_record_list_for_actor(actor=actor).filter(pk=record_id).first()
    if record is None:
        raise NotFound()
    return record
