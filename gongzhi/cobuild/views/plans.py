"""Console pages of the yearly matching meeting (碰头配对): generate a draft plan for a place, adjust its
pairs, confirm it (one proposed project per pair) or discard it.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its message.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cobuild import selectors
from gongzhi.cobuild.enums import PlanStatus
from gongzhi.cobuild.forms import PlanGenerateForm, PlanRowForm
from gongzhi.cobuild.models import MatchingPlanRow
from gongzhi.cobuild.services import plans
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed


@console_login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        try:
            plan = plans.matching_plan_generate(
                actor=actor, place_code=PlanGenerateForm(request.POST).text("place_code")
            )
        except ApplicationError as exc:
            refused(request, exc)
        else:
            messages.success(
                request,
                gettext("已生成配对方案草案：%(value)s 对，请审核调整后确认") % {"value": plan.rows.count()},
            )
            return redirect("cobuild:plan_detail", plan_id=plan.pk)
    return render(
        request,
        "cobuild/console/plans.html",
        {
            "plans": list(selectors.plan_list_for_actor(actor=actor)),
            "places": selectors.plan_place_list_for_actor(actor=actor),
        },
    )


@console_login_required
@require_GET
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        plan = selectors.plan_get_for_actor(actor=actor, plan_id=plan_id)
    except NotFound as exc:
        raise Http404 from exc
    rows = list(plan.rows.select_related("need", "resource").order_by("-included", "id")[:500])
    editable = plan.status == PlanStatus.DRAFT and allowed(actor, "cobuild.manage_plan", plan)
    if editable:
        shown = rows[:200]
        options = selectors.suggestions_for_needs([r.need for r in shown], limit=6)
        for row in shown:
            alternatives = [s for s in options[row.need_id] if s.resource.pk != row.resource_id]
            row.alternatives = alternatives  # type: ignore[attr-defined]
    return render(
        request,
        "cobuild/console/plan_detail.html",
        {
            "plan": plan,
            "rows": rows,
            "n_rows": plan.rows.count(),
            "n_included": plan.rows.filter(included=True).count(),
            "editable": editable,
            "gain": round(plan.total_fit - plan.greedy_total_fit, 2),
        },
    )


@console_login_required
@require_POST
def plan_row(request: HttpRequest, row_id: int) -> HttpResponse:
    row = MatchingPlanRow.objects.filter(pk=row_id).first()
    if row is None:
        raise Http404
    form = PlanRowForm(request.POST)
    try:
        plans.matching_plan_row_update(
            actor=actor_of(request), row_id=row_id, **form.matching_plan_row_update_kwargs()
        )
        messages.success(request, gettext("已调整“%(title)s”") % {"title": row.need.title})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("cobuild:plan_detail", plan_id=row.plan_id)


@console_login_required
@require_POST
def plan_apply(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        ids = plans.matching_plan_apply(actor=actor_of(request), plan_id=plan_id)
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("cobuild:plan_detail", plan_id=plan_id)
    messages.success(request, gettext("方案已确认：生成 %(n)s 个待认领的共建项目") % {"n": len(ids)})
    return redirect("cobuild:projects")


@console_login_required
@require_POST
def plan_discard(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plans.matching_plan_discard(actor=actor_of(request), plan_id=plan_id)
        messages.success(request, gettext("方案已作废"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("cobuild:plan_detail", plan_id=plan_id)
