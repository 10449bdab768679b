"""The rows of every register, scope applied: a row is the downloader's when its place codes fall under one
of their places as place staff or auditor (``permissions.REGISTER_READERS``). Personal data leaves as the
stored masked form only (``*_masked``): no query here reads an encrypted column. And the import records."""

from __future__ import annotations

from collections import Counter
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.core.scope import scope_of
from gongzhi.registers.models import RegisterImport
from gongzhi.registers.permissions import REGISTER_READERS

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _in_scope(actor: Actor, prefix: str = "") -> Q:
    return scope_of(actor).place_q(REGISTER_READERS, prefix)


def register_place_label(actor: Actor) -> str:
    """The name of the smallest place holding the downloader's places (the title row's place)."""
    from gongzhi.places.selectors import place_holding_actor

    place = place_holding_actor(actor=actor)
    return getattr(place, "name", "") or "全部辖区"


# --- party ----------------------------------------------------------------------------------------------


def member_registrations_for_register(*, actor: Actor) -> QuerySet[Any]:
    """在职党员信息资源库: accepted and pending 报到 of in-service members (returned ones are not on it)."""
    from gongzhi.party.enums import RegistrationStatus
    from gongzhi.party.models import MemberRegistration

    return (
        MemberRegistration.objects.filter(_in_scope(actor))
        .exclude(status=RegistrationStatus.RETURNED)
        .select_related("member", "community", "unit", "grid")
        .only(
            "id",
            "status",
            "card_number",
            "address",
            "skills",
            "classification",
            "services_offered",
            "available_times",
            "created_at",
            "decided_at",
            "member__name",
            "member__phone_masked",
            "member__workplace_org",
            "community__name",
            "unit__name",
            "grid__code",
            "grid__name",
        )
        .order_by("community_code", "grid_code", "id")
    )


def member_service_totals(member_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    """Per member: active or completed claims, and confirmed service hours."""
    from gongzhi.party.enums import ClaimStatus, RecordStatus
    from gongzhi.party.models import Claim, ServiceRecord

    claims = dict(
        Claim.objects.filter(member_id__in=member_ids)
        .exclude(status=ClaimStatus.WITHDRAWN)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    hours = dict(
        ServiceRecord.objects.filter(member_id__in=member_ids, status=RecordStatus.CONFIRMED)
        .values("member_id")
        .annotate(h=Sum("hours"))
        .values_list("member_id", "h")
    )
    return {m: (claims.get(m, 0), hours.get(m) or Decimal("0")) for m in member_ids}


def units_for_register(*, actor: Actor) -> QuerySet[Any]:
    from gongzhi.party.enums import MemberKind
    from gongzhi.party.models import Unit

    return (
        Unit.objects.filter(_in_scope(actor))
        .select_related("community", "paired_grid", "liaison")
        .annotate(in_service_members=Count("members", filter=Q(members__kind=MemberKind.IN_SERVICE)))
        .order_by("community_code", "name", "id")
    )


# --- co-building ----------------------------------------------------------------------------------------


def needs_for_register(*, actor: Actor) -> QuerySet[Any]:
    from gongzhi.cobuild.models import Need

    return (
        Need.objects.filter(_in_scope(actor))
        .select_related("community", "grid")
        .order_by("community_code", "id")
    )


def resources_for_register(*, actor: Actor) -> QuerySet[Any]:
    from gongzhi.cobuild.models import Resource

    return (
        Resource.objects.filter(_in_scope(actor))
        .select_related("community", "unit")
        .defer("contact_phone_encrypted")
        .order_by("community_code", "id")
    )


def projects_for_register(*, actor: Actor) -> QuerySet[Any]:
    from gongzhi.cobuild.models import Project

    return (
        Project.objects.filter(_in_scope(actor)).select_related("community").order_by("community_code", "id")
    )


# --- volunteers, patrols, indicators, grid teams ---------------------------------------------------------


def service_hours_for_register(*, actor: Actor, start: date, end: date) -> QuerySet[Any]:
    from gongzhi.volunteers.models import ServiceHours

    return (
        ServiceHours.objects.filter(_in_scope(actor), served_on__gte=start, served_on__lte=end)
        .select_related("volunteer", "team", "session__activity")
        .order_by("served_on", "id")
    )


def patrol_summary_for_register(*, actor: Actor, month: str) -> Any:
    from gongzhi.tickets.selectors.patrols import patrol_month_summary

    return patrol_month_summary(actor=actor, month=month)


def indicators_for_register(*, actor: Actor, start: date, end: date) -> tuple[Any, list[Any]]:
    """The downloader's place (their default one) and its children, each with the ticket indicators."""
    from gongzhi.tickets import indicators as ind

    level, code = ind.default_place(actor)
    total = ind.indicators_for(actor=actor, level=level, code=code, start=start, end=end)
    by = ind.CHILD_LEVEL.get(level, "")
    children = (
        ind.indicators_by_child(
            actor=actor, level=level, code=code, start=start, end=end, by=by, sort="reported"
        )
        if by
        else []
    )
    return total, children


def grid_team_for_register(*, actor: Actor) -> QuerySet[Any]:
    from gongzhi.places.models import GridTeamMember

    return (
        GridTeamMember.objects.filter(_in_scope(actor))
        .select_related("grid", "grid__community")
        .defer("phone_encrypted")
        .order_by("grid_code", "role", "id")
    )


def team_role_counts(members: list[Any]) -> dict[str, Counter[str]]:
    out: dict[str, Counter[str]] = {}
    for m in members:
        out.setdefault(m.grid_code, Counter())[m.role] += 1
    return out


# --- import records -------------------------------------------------------------------------------------


def register_import_list_for_actor(
    *, actor: Actor, kind: str = "", limit: int = 20
) -> QuerySet[RegisterImport]:
    qs = RegisterImport.objects.filter(Q(actor_id=actor.pk) | scope_of(actor).place_q(COMMUNITY_MANAGERS))
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-id")[:limit]


def register_import_get_for_actor(*, actor: Actor, import_id: int) -> RegisterImport:
    record = RegisterImport.objects.filter(
        Q(actor_id=actor.pk) | scope_of(actor).place_q(COMMUNITY_MANAGERS), pk=import_id
    ).first()
    if record is None:
        raise NotFound()
    return record
