"""Console pages: the party organisation tree with coverage figures, a community's branch proposal
(applied by its secretary or a district admin, after the diff against the branches in force), the
organisations edited by people (create, rename, secretary), and the printable coverage table."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path, reverse
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none, pdf_response, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of
from gongzhi.party.enums import BRANCH_KINDS
from gongzhi.party.selectors import organizations as selectors
from gongzhi.party.services import organizations as services
from gongzhi.places.models import Community, Grid, Subdistrict


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
            in_force = services.branch_layout_apply(
                actor=actor, community_id=community.pk, fingerprint=request.POST.get("fingerprint", "")[:32]
            )
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request, gettext("已应用：现有网格党支部（含联合党支部）%(n)s个") % {"n": len(in_force)}
            )
        return redirect("party:branch_proposal", code=community.code)
    proposal = services.branch_layout_propose(community_id=community.pk)
    data = proposal.as_dict()
    diff = services.branch_layout_diff(community_id=community.pk, proposal=proposal)
    return render(
        request,
        "party/console/organizations/proposal.html",
        {
            "community": community,
            "proposal": data,
            "grid_names": proposal.grid_names,
            "members_by_grid": sorted(proposal.members_by_grid.items()),
            "can_apply": can_apply,
            "diff": diff,
            "counts": diff.counts(),
            "labels": {k: gettext(v) for k, v in services.CHANGE_LABELS.items()},
        },
    )


_KINDS_NEW = {
    "working_committee": gettext_lazy("街道党工委"),
    "community_committee": gettext_lazy("社区党委"),
    "estate_branch": gettext_lazy("小区党支部"),
    "building_group": gettext_lazy("楼院党小组"),
}


@console_login_required
@require_http_methods(["GET", "POST"])
def org_new(request: HttpRequest) -> HttpResponse:
    """Create a 街道党工委, 社区党委, 小区党支部 or 楼院党小组 (grid and joint branches come from the
    community's branch proposal)."""
    actor = actor_of(request)
    scope_q = scope_of(actor).place_q(POPULATION_ROLES)
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        name = request.POST.get("name", "")
        target = int_or_none(request.POST.get("place", "")) or 0
        try:
            if kind == "working_committee":
                org = services.working_committee_create(actor=actor, subdistrict_id=target, name=name)
            elif kind == "community_committee":
                org = services.community_committee_create(actor=actor, community_id=target, name=name)
            elif kind == "estate_branch":
                org = services.estate_branch_create(actor=actor, community_id=target, name=name)
            elif kind == "building_group":
                org = services.building_group_create(actor=actor, branch_id=target, name=name)
            else:
                raise ApplicationError(gettext("请选择党组织类型"), fields={"kind": gettext("请选择")})
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                messages.error(request, gettext("所选上级不存在或不在您的管辖范围内"))
            else:
                messages.error(request, exc.message)
            return redirect(f"{reverse('party:org_new')}?kind={kind}")
        messages.success(request, gettext("已建立：%(name)s") % {"name": org.name})
        return redirect("party:org_edit", org_id=org.pk)
    kind = request.GET.get("kind", "community_committee")
    kind = kind if kind in _KINDS_NEW else "community_committee"
    if kind == "working_committee":
        places = list(
            Subdistrict.objects.filter(code__in=Grid.objects.filter(scope_q).values("subdistrict_code"))
            .order_by("code")
            .values_list("pk", "name")
        )
    elif kind == "building_group":
        places = list(
            selectors.org_list_for_actor(actor=actor)
            .filter(kind__in=BRANCH_KINDS)
            .values_list("pk", "name")[:500]
        )
    else:
        places = list(
            Community.objects.filter(code__in=Grid.objects.filter(scope_q).values("community_code"))
            .order_by("code")
            .values_list("pk", "name")
        )
    return render(
        request,
        "party/console/organizations/new.html",
        {"kind": kind, "kinds": _KINDS_NEW, "places": places},
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def org_edit(request: HttpRequest, org_id: int) -> HttpResponse:
    """Rename an organisation and set or change its secretary."""
    actor = actor_of(request)
    org = selectors.org_list_for_actor(actor=actor).filter(pk=org_id).first()
    if org is None:
        raise Http404
    if request.method == "POST":
        try:
            if request.POST.get("action") == "secretary":
                services.org_set_secretary(
                    actor=actor, org_id=org.pk, secretary_name=request.POST.get("secretary_name", "")
                )
                messages.success(request, gettext("已设置书记"))
            else:
                services.org_rename(actor=actor, org_id=org.pk, name=request.POST.get("name", ""))
                messages.success(request, gettext("已保存名称"))
        except NotFound as exc:
            raise Http404 from exc
        except ApplicationError as exc:
            messages.error(request, exc.message)
        return redirect("party:org_edit", org_id=org.pk)
    return render(
        request,
        "party/console/organizations/edit.html",
        {
            "org": org,
            "can_change": allowed(actor, "party.change_partyorganization", org),
            "children": list(org.children.filter(active=True).order_by("name")),
            "grids": list(org.grids.order_by("code").values_list("code", "name")),
        },
    )


def _coverage_community(request: HttpRequest, code: str) -> Community:
    try:
        return selectors.org_community_get_for_actor(actor=actor_of(request), code=code)
    except NotFound as exc:
        raise Http404 from exc


@console_login_required
def coverage_pdf(request: HttpRequest, code: str) -> HttpResponse:
    from gongzhi.party.coverage_table import coverage_pdf as render_pdf
    from gongzhi.party.coverage_table import coverage_table

    community = _coverage_community(request, code)
    return pdf_response(render_pdf(coverage_table(community)), f"{community.name}网格党组织覆盖情况表.pdf")


@console_login_required
def coverage_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    from gongzhi.party.coverage_table import coverage_table
    from gongzhi.party.coverage_table import coverage_xlsx as render_xlsx

    community = _coverage_community(request, code)
    return xlsx_response(render_xlsx(coverage_table(community)), f"{community.name}网格党组织覆盖情况表.xlsx")


urlpatterns = [
    path("organizations/", org_tree, name="org_tree"),
    path("communities/<str:code>/branches/", branch_proposal, name="branch_proposal"),
    path("organizations/new/", org_new, name="org_new"),
    path("organizations/<int:org_id>/", org_edit, name="org_edit"),
    path("communities/<str:code>/coverage.pdf", coverage_pdf, name="coverage_pdf"),
    path("communities/<str:code>/coverage.xlsx", coverage_xlsx, name="coverage_xlsx"),
]
