"""Console pages of the estates' red-property profiles: the list of estates with their property service,
owners' committee and 同心桥 branch; an estate's page with the forms that keep its profile; the registers of
owners' committees (filing alerts) and of 同心桥 branches."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.property.enums import BranchSide, CaptainKind, ProposerKind, ServiceKind
from gongzhi.property.forms import (
    BranchForm,
    CaptainForm,
    CommitteeForm,
    DayForm,
    MatterForm,
    RepresentativeForm,
    ServiceForm,
)
from gongzhi.property.selectors import estates as sel
from gongzhi.property.selectors import register as reg
from gongzhi.property.selectors.matters import matter_list_for_actor
from gongzhi.property.services import estates as svc
from gongzhi.property.services.matters import property_matter_propose


@console_login_required
@require_GET
def estate_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    q = request.GET.get("q", "")[:50].strip()
    community = request.GET.get("community", "")[:12]
    estates = list(sel.estate_list_for_actor(actor=actor, q=q, community_code=community, limit=1000))
    profiles = sel.estate_profiles(estates, captains=True)
    rows = [profiles[e.pk] for e in estates]
    communities = sorted({(e.community_code, e.community.name) for e in estates})
    return render(
        request,
        "property/console/estates.html",
        {
            "rows": rows,
            "q": q,
            "community": community,
            "communities": communities,
            "covered": sum(1 for r in rows if r.service),
            "with_committee": sum(1 for r in rows if r.committee),
            "with_branch": sum(1 for r in rows if r.branch),
        },
    )


def _estate_context(actor: Any, estate_id: int) -> dict[str, Any]:
    try:
        profile = sel.estate_profile_for_actor(actor=actor, estate_id=estate_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    estate = profile.estate
    can_manage = allowed(actor, "property.manage_estate", estate)
    return {
        "p": profile,
        "estate": estate,
        "can_manage": can_manage,
        "can_propose": allowed(actor, "property.propose_matter", estate),
        "history": list(sel.committee_history(estate=estate)[:10]),
        "matters": matter_list_for_actor(actor=actor, estate_id=estate.pk, limit=50),
        "companies": list(reg.company_list_for_actor(actor=actor, limit=300)) if can_manage else [],
        "alliances": list(reg.organization_list_for_actor(actor=actor, kind="alliance"))
        if can_manage
        else [],
        "buildings": list(estate.buildings.order_by("number")) if can_manage else [],
        "service_kinds": ServiceKind.choices,
        "captain_kinds": CaptainKind.choices,
        "sides": BranchSide.choices,
        "proposer_kinds": ProposerKind.choices,
        "today": timezone.localdate(),
    }


@console_login_required
@require_GET
def estate_detail(request: HttpRequest, estate_id: int) -> HttpResponse:
    return render(request, "property/console/estate.html", _estate_context(actor_of(request), estate_id))


def _post(request: HttpRequest, estate_id: int, done: str, action: Any) -> HttpResponse:
    try:
        action(actor_of(request))
        messages.success(request, done)
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("property:estate", estate_id=estate_id)


@console_login_required
@require_POST
def service_set(request: HttpRequest, estate_id: int) -> HttpResponse:
    f = ServiceForm(request.POST)
    return _post(
        request,
        estate_id,
        gettext("已更新物业服务"),
        lambda actor: svc.estate_service_set(
            actor=actor,
            estate_id=estate_id,
            kind=f.text("kind"),
            company_id=f.number("company_id"),
            starts_on=f.text("starts_on") or None,
        ),
    )


@console_login_required
@require_POST
def committee_elect(request: HttpRequest, estate_id: int) -> HttpResponse:
    data = CommitteeForm(request.POST).committee_input()
    return _post(
        request,
        estate_id,
        gettext("已登记新一届业委会，请在选举之日起30日内备案"),
        lambda actor: svc.owners_committee_elect(actor=actor, estate_id=estate_id, data=data),
    )


@console_login_required
@require_POST
def committee_file(request: HttpRequest, estate_id: int, committee_id: int) -> HttpResponse:
    day = DayForm(request.POST).text("day") or None
    return _post(
        request,
        estate_id,
        gettext("已备案"),
        lambda actor: svc.owners_committee_file(actor=actor, committee_id=committee_id, filed_on=day),
    )


@console_login_required
@require_POST
def committee_end(request: HttpRequest, estate_id: int, committee_id: int) -> HttpResponse:
    reason = ReasonForm(request.POST).text("reason")
    return _post(
        request,
        estate_id,
        gettext("该届业委会已终止"),
        lambda actor: svc.owners_committee_end(actor=actor, committee_id=committee_id, reason=reason),
    )


@console_login_required
@require_POST
def branch_found(request: HttpRequest, estate_id: int) -> HttpResponse:
    data = BranchForm(request.POST).branch_input()
    return _post(
        request,
        estate_id,
        gettext("已成立同心桥党支部"),
        lambda actor: svc.tongxinqiao_branch_found(actor=actor, estate_id=estate_id, data=data),
    )


@console_login_required
@require_POST
def representative_add(request: HttpRequest, estate_id: int, branch_id: int) -> HttpResponse:
    data = RepresentativeForm(request.POST).representative_input()
    return _post(
        request,
        estate_id,
        gettext("已增补代表"),
        lambda actor: svc.branch_representative_add(actor=actor, branch_id=branch_id, data=data),
    )


@console_login_required
@require_POST
def representative_remove(request: HttpRequest, estate_id: int, representative_id: int) -> HttpResponse:
    reason = ReasonForm(request.POST).text("reason")
    return _post(
        request,
        estate_id,
        gettext("已调整代表"),
        lambda actor: svc.branch_representative_remove(
            actor=actor, representative_id=representative_id, reason=reason
        ),
    )


@console_login_required
@require_POST
def captain_assign(request: HttpRequest, estate_id: int) -> HttpResponse:
    f = CaptainForm(request.POST)
    return _post(
        request,
        estate_id,
        gettext("已设立岗位"),
        lambda actor: svc.red_captain_post_assign(
            actor=actor,
            estate_id=estate_id,
            kind=f.text("kind"),
            holder_name=f.text("holder_name"),
            building_id=f.number("building_id"),
            since=f.text("since") or None,
        ),
    )


@console_login_required
@require_POST
def captain_end(request: HttpRequest, estate_id: int, post_id: int) -> HttpResponse:
    reason = ReasonForm(request.POST).text("reason")
    return _post(
        request,
        estate_id,
        gettext("已卸任"),
        lambda actor: svc.red_captain_post_end(actor=actor, post_id=post_id, reason=reason),
    )


@console_login_required
@require_POST
def matter_propose(request: HttpRequest, estate_id: int) -> HttpResponse:
    data = MatterForm(request.POST).matter_input()
    try:
        matter = property_matter_propose(actor=actor_of(request), estate_id=estate_id, data=data)
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("property:estate", estate_id=estate_id)
    messages.success(request, gettext("已提交联席会议，待列入议程"))
    return redirect("property:matter", matter_id=matter.pk)


@console_login_required
@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "property/console/committees.html",
        {
            "committees": sel.owners_committee_list_for_actor(actor=actor),
            "branches": sel.branch_list_for_actor(actor=actor),
        },
    )
