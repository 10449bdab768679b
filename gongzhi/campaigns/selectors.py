"""Reads of campaigns with the actor's scope applied; missing and forbidden are the same 404.

- the staff of a place and the auditor (``TICKET_READERS``) read the campaigns of their places; a grid's
  staff also read the campaigns of the community or subdistrict their grid lies in (they record there);
- findings are read by the grid they lie in; tallies of a campaign count all its findings (figures only).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from gongzhi.campaigns.enums import CampaignStatus, FindingOutcome
from gongzhi.campaigns.models import (
    Campaign,
    Finding,
    FindingPhoto,
    FindingType,
    InspectionCheck,
    InspectionDuty,
)
from gongzhi.core import codes
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def place_codes_of(level: str, code: str) -> tuple[str, str]:
    """(community code, subdistrict code) of a place code at ``level`` (grid, community or subdistrict)."""
    if level == "grid":
        community = codes.community_of_grid(code)
        return community, codes.subdistrict_of(community)
    if level == "community":
        return code, codes.subdistrict_of(code)
    if level == "subdistrict":
        return "", code
    return "", ""


def _campaign_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    q = scope.place_q(TICKET_READERS)
    if scope.superuser:
        return q
    for role, level, code in scope.places:
        if role in TICKET_READERS and level == "grid":
            community, subdistrict = place_codes_of(level, code)
            q |= Q(community_code=community, grid_code="") | Q(
                subdistrict_code=subdistrict, community_code=""
            )
    return q


def campaign_list_for_actor(
    *, actor: Actor, year: int | None = None, kind: str = "", status: str = ""
) -> QuerySet[Campaign]:
    qs = Campaign.objects.filter(_campaign_q(actor))
    if year:
        qs = qs.filter(starts_on__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(finding_count=Count("findings")).order_by("-starts_on", "-id")


def campaign_get_for_actor(*, actor: Actor, campaign_id: int) -> Campaign:
    campaign = Campaign.objects.filter(_campaign_q(actor), pk=campaign_id).first()
    if campaign is None:
        raise NotFound("行动不存在或无权查看")
    return campaign


def campaigns_open_for_recorder(*, actor: Actor) -> list[Campaign]:
    """The active campaigns the actor may record findings in (the phone's list)."""
    today = timezone.localdate()
    return list(
        Campaign.objects.filter(
            _campaign_q(actor), status=CampaignStatus.ACTIVE, ends_on__gte=today
        ).order_by("-starts_on", "-id")[:50]
    )


def campaign_tallies(*, campaign: Campaign) -> dict[str, Any]:
    """Per finding type: findings, how many things, fixed on the spot, turned into tickets; and the total.
    Counted from the findings of the whole campaign (figures, no person)."""
    rows = (
        Finding.objects.filter(campaign=campaign)
        .values("type_id")
        .annotate(
            findings=Count("id"),
            quantity=Sum("quantity"),
            fixed=Count("id", filter=Q(outcome=FindingOutcome.FIXED)),
            tickets=Count("id", filter=Q(ticket__isnull=False)),
        )
    )
    by_type = {r["type_id"]: r for r in rows}
    types = FindingType.objects.filter(Q(active=True) | Q(pk__in=list(by_type))).order_by("sort", "id")
    out = []
    for t in types:
        r = by_type.get(t.pk, {})
        out.append(
            {
                "code": t.code,
                "name": t.name,
                "findings": r.get("findings", 0),
                "quantity": r.get("quantity") or 0,
                "fixed": r.get("fixed", 0),
                "tickets": r.get("tickets", 0),
            }
        )
    total = {k: sum(r[k] for r in out) for k in ("findings", "quantity", "fixed", "tickets")}
    return {"types": out, "total": total}


def finding_list_for_actor(*, actor: Actor, campaign_id: int, type_code: str = "") -> QuerySet[Finding]:
    campaign = campaign_get_for_actor(actor=actor, campaign_id=campaign_id)
    qs = Finding.objects.filter(scope_of(actor).place_q(TICKET_READERS), campaign=campaign)
    if type_code:
        qs = qs.filter(type__code=type_code)
    return (
        qs.select_related("type", "ticket", "recorded_by")
        .annotate(photo_count=Count("photos"))
        .order_by("-recorded_at", "-id")
    )


def finding_photo_get_for_actor(*, actor: Actor, photo_id: int) -> FindingPhoto:
    photo = (
        FindingPhoto.objects.filter(pk=photo_id)
        .filter(finding__in=Finding.objects.filter(scope_of(actor).place_q(TICKET_READERS)))
        .first()
    )
    if photo is None:
        raise NotFound("照片不存在或无权查看")
    return photo


def inspector_candidates(*, campaign: Campaign) -> list[Any]:
    """Accounts of the grid and community staff working in the campaign's place (to assign duties)."""
    from gongzhi.accounts.models import RoleAssignment
    from gongzhi.core.roles import PLACE_STAFF

    q = RoleAssignment.objects.filter(active=True, role__in=sorted(PLACE_STAFF))
    prefix = campaign.community_code or campaign.subdistrict_code[:9]
    users: dict[int, Any] = {}
    for ra in q.filter(place_code__startswith=prefix).select_related("user").order_by("place_code")[:300]:
        users[ra.user_id] = ra.user
    return list(users.values())


def finding_type_list() -> QuerySet[FindingType]:
    return FindingType.objects.order_by("sort", "id")


def duty_list_for_campaign(*, actor: Actor, campaign_id: int) -> QuerySet[InspectionDuty]:
    campaign = campaign_get_for_actor(actor=actor, campaign_id=campaign_id)
    return (
        InspectionDuty.objects.filter(campaign=campaign)
        .annotate(check_count=Count("checks"))
        .order_by("starts_at", "id")
    )


def my_duties(*, actor: Actor) -> list[InspectionDuty]:
    if actor is None or not getattr(actor, "pk", None):
        return []
    return list(
        InspectionDuty.objects.filter(
            inspector_id=actor.pk, active=True, campaign__status=CampaignStatus.ACTIVE
        )
        .select_related("campaign")
        .order_by("due_on", "starts_at", "id")
    )


def missed_duty_list_for_actor(*, actor: Actor) -> QuerySet[InspectionDuty]:
    """Duties of active rounds whose round was due before today and not walked (漏巡)."""
    today = timezone.localdate()
    return (
        InspectionDuty.objects.filter(
            scope_of(actor).place_q(TICKET_READERS),
            active=True,
            campaign__status=CampaignStatus.ACTIVE,
            campaign__ends_on__gte=today,
            due_on__lt=today,
        )
        .select_related("campaign")
        .order_by("due_on", "id")
    )


def check_list_for_duty(*, duty: InspectionDuty, limit: int = 30) -> list[InspectionCheck]:
    return list(InspectionCheck.objects.filter(duty=duty).order_by("-done_on")[:limit])


def campaign_counts(today: dt.date | None = None) -> dict[str, int]:
    """The overview's figures: campaigns begun this year, findings, findings turned into tickets."""
    year = (today or timezone.localdate()).year
    findings = Finding.objects.aggregate(n=Count("id"), t=Count("id", filter=Q(ticket__isnull=False)))
    return {
        "campaigns_this_year": Campaign.objects.filter(starts_on__year=year).count(),
        "findings": findings["n"] or 0,
        "findings_to_tickets": findings["t"] or 0,
    }
