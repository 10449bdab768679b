"""Console pages: the party organisation tree with coverage figures, a community's branch proposal
(applied by its secretary or a district admin), and the party member list."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.party.selectors import organizations as selectors
from gongzhi.party.services import organizations as services
from gongzhi.places.models import Community


@console_login_required
def org_tree(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    total, per = selectors.branch_coverage_for_actor(actor=actor)
    names = dict(Community.objects.filter(code__in=list(per)).values_list("code", "name"))
    return render(
        request,
        "party/console/organizations/tree.html",
        {
            "rows": selectors.org_tree_for_actor(actor=actor),
            "total": total,
            "communities": [(code, names.get(code, code), c) for code, c in per.items()],
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def branch_proposal(request: HttpRequest, code: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        community = selectors.org_community_get_for_actor(actor=actor, code=code)
    except NotFound as exc:  # a community outside the scope (or none) is the console's 404, not a 500
        raise Http404 from exc
    can_apply = allowed(actor, "party.apply_branchlayout", community)
    if request.method == "POST":
        if not can_apply:
            raise Http404
        try:
            created = services.branch_layout_apply(actor=actor, community_id=community.pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已应用：设立{len(created)}个网格党支部（含联合党支部）")
        return redirect("party:branch_proposal", code=community.code)
    proposal = services.branch_layout_propose(community_id=community.pk)
    data = proposal.as_dict()
    return render(
        request,
        "party/console/organizations/proposal.html",
        {
            "community": community,
            "proposal": data,
            "grid_names": proposal.grid_names,
            "members_by_grid": sorted(proposal.members_by_grid.items()),
            "can_apply": can_apply,
        },
    )


@console_login_required
def member_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    community_code = request.GET.get("community", "").strip()
    members = selectors.party_member_list_for_actor(actor=actor, community_code=community_code)
    return render(
        request,
        "party/console/organizations/members.html",
        {"members": members[:500], "count": members.count(), "community_code": community_code},
    )


urlpatterns = [
    path("organizations/", org_tree, name="org_tree"),
    path("communities/<str:code>/branches/", branch_proposal, name="branch_proposal"),
    path("members/", member_list, name="member_list"),
]
