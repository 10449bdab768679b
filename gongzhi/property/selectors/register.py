"""Reads of the property companies and the sector's organisations.

Who sees a company: the staff and the auditor placed over the subdistrict (or district) that registered
it, and the staff of any place where it serves an estate (a community's staff see the companies of their
estates). The organisations: every staff role placed in their subdistrict or district.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.property.models import EstateService, PropertyCompany, PropertyOrganization

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def _district_subdistrict_q(actor: Actor) -> Q:
    """Rows registered at a district or subdistrict that the actor's staff places lie in or cover."""
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    codes = scope.codes(TICKET_READERS)
    q = Q(pk__in=[])
    if codes["district"]:
        q |= Q(district_code__in=sorted(codes["district"]))
    # the district's own rows (the property-sector party committee) to everyone placed in the district
    districts = {c[:6] for level in ("subdistrict", "community", "grid") for c in codes[level]}
    if districts:
        q |= Q(subdistrict_code="", district_code__in=sorted(districts))
    subs = set(codes["subdistrict"])
    subs |= {c[:9] + "000" for c in codes["community"]} | {g[:9] + "000" for g in codes["grid"]}
    if subs:
        q |= Q(subdistrict_code__in=sorted(subs))
    return q


def company_visible_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    serving = EstateService.objects.filter(scope.place_q(TICKET_READERS)).values("company_id")
    return scope.place_q(TICKET_READERS) | Q(pk__in=serving)


def company_list_for_actor(
    *,
    actor: Actor,
    active: bool | None = True,
    q: str = "",
    subdistrict_code: str = "",
    limit: int | None = None,
) -> QuerySet[PropertyCompany]:
    qs = PropertyCompany.objects.filter(company_visible_q(actor))
    if active is not None:
        qs = qs.filter(active=active)
    if q:
        qs = qs.filter(Q(name__contains=q) | Q(uscc=q.upper()))
    if subdistrict_code:
        qs = qs.filter(subdistrict_code=subdistrict_code)
    qs = qs.select_related("party_lead").order_by("subdistrict_code", "name", "id")
    return qs[:limit] if limit else qs


def company_get_for_actor(*, actor: Actor, company_id: int) -> PropertyCompany:
    company = company_list_for_actor(actor=actor, active=None).filter(pk=company_id).first()
    if company is None:
        raise NotFound("物业企业不存在或无权查看")
    return company


def company_estates(*, company: PropertyCompany) -> QuerySet[EstateService]:
    """The estates the company serves now."""
    return (
        EstateService.objects.filter(company=company, current=True)
        .select_related("estate", "estate__community")
        .order_by("community_code", "estate__name")
    )


def organization_list_for_actor(*, actor: Actor, kind: str = "") -> QuerySet[PropertyOrganization]:
    qs = PropertyOrganization.objects.filter(_district_subdistrict_q(actor), active=True)
    if kind:
        qs = qs.filter(kind=kind)
    return (
        qs.select_related("parent", "party_organization")
        .prefetch_related("companies")
        .order_by("subdistrict_code", "kind", "name")
    )


def organization_get_for_actor(*, actor: Actor, organization_id: int) -> PropertyOrganization:
    org = organization_list_for_actor(actor=actor).filter(pk=organization_id).first()
    if org is None:
        raise NotFound("组织不存在或无权查看")
    return org
