"""Reads of units and member registrations (报到), with the actor's scope: staff read by place (the
place readers), a unit liaison their own unit(s)' members and registrations, a member their own."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import PLACE_READERS
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import MemberKind
from gongzhi.party.models import MemberRegistration, PartyMember, Unit
from gongzhi.places.models import Community

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _place_readers_q(actor: Actor, prefix: str = "") -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    return scope.place_q(PLACE_READERS, prefix)


def unit_list_for_actor(
    *, actor: Actor, community_code: str = "", after: int | None = None, limit: int | None = None
) -> QuerySet[Unit]:
    qs = Unit.objects.filter(_place_readers_q(actor) | Q(liaison_id=actor.pk)).select_related(
        "community", "paired_grid", "liaison"
    )
    if community_code:
        qs = qs.filter(community_code=community_code)
    if after:
        qs = qs.filter(pk__gt=after)
    qs = qs.order_by("id")
    return qs[:limit] if limit else qs


def unit_get_for_actor(*, actor: Actor, unit_id: int) -> Unit:
    unit = unit_list_for_actor(actor=actor).filter(pk=unit_id).first()
    if unit is None:
        raise NotFound()
    return unit


def unit_choices_for_actor(*, actor: Actor) -> QuerySet[Unit]:
    """Units a member may name as their workplace: every registered unit of the actor's district(s)."""
    scope = scope_of(actor)
    qs = (
        Unit.objects.all() if scope.superuser else Unit.objects.filter(district_code__in=scope.district_codes)
    )
    return qs.order_by("name", "id").only("id", "name")


def registration_community_choices_for_actor(*, actor: Actor) -> QuerySet[Community]:
    """Communities a member may register with: every community of the actor's district(s)."""
    communities = Community.objects.order_by("code")
    if actor.is_superuser:
        return communities
    in_district = Q(pk__in=[])
    for code in sorted(scope_of(actor).district_codes):
        in_district |= Q(code__startswith=code)
    return communities.filter(in_district)


def _registration_scope_q(actor: Actor) -> Q:
    return _place_readers_q(actor) | Q(unit__liaison_id=actor.pk) | Q(member__user_id=actor.pk)


def registration_list_for_actor(
    *,
    actor: Actor,
    status: str = "",
    community_code: str = "",
    after: int | None = None,
    limit: int | None = None,
) -> QuerySet[MemberRegistration]:
    qs = MemberRegistration.objects.filter(_registration_scope_q(actor)).select_related(
        "member", "community", "unit", "grid"
    )
    if status:
        qs = qs.filter(status=status)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if after:
        qs = qs.filter(pk__gt=after)
    qs = qs.order_by("id")
    return qs[:limit] if limit else qs


def registration_get_for_actor(*, actor: Actor, registration_id: int) -> MemberRegistration:
    reg = registration_list_for_actor(actor=actor).filter(pk=registration_id).first()
    if reg is None:
        raise NotFound()
    return reg


def in_service_member_list_for_actor(*, actor: Actor, limit: int | None = None) -> QuerySet[PartyMember]:
    """In-service members: by place for staff, their unit's for a liaison, themself for a member."""
    qs = (
        PartyMember.objects.filter(kind=MemberKind.IN_SERVICE)
        .filter(_place_readers_q(actor) | Q(unit__liaison_id=actor.pk) | Q(user_id=actor.pk))
        .select_related("unit")
        .order_by("id")
    )
    return qs[:limit] if limit else qs
