"""Console pages of the three lists: needs (with suggestions), resources, projects (claim, sign, the
agreement PDF, milestones, deliveries, completion) and the yearly plan (generate → adjust → confirm).

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cobuild import agreement, matching, needs, plans, projects, selectors
from gongzhi.cobuild.enums import (
    CATEGORIES,
    RESOURCE_CATEGORIES,
    Frequency,
    NeedSource,
    NeedStatus,
    PlanStatus,
    ProjectStatus,
    ProviderKind,
    ResourceKind,
    Urgency,
)
from gongzhi.cobuild.models import MatchingPlanRow, Milestone
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.scope import scope_of

PAGE_SIZE = 100
SCHEDULES = [
    (0, "不限时间"),
    (matching.MASK_678, "“678”时段（周末及工作日晚上）"),
    (matching.WEEKDAY_DAYTIME, "工作日白天"),
    *[(matching.mask_of([(d, p) for p in range(3)]), f"每{day}") for d, day in enumerate(matching.DAYS)],
]


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    messages.error(request, exc.message)


def _communities(request: HttpRequest) -> list[Any]:
    """Communities in the actor's place scope (for forms and filters)."""
    from django.db.models import Q

    from gongzhi.places.models import Community

    scope = scope_of(actor_of(request))
    if scope.superuser:
        return list(Community.objects.order_by("code")[:300])
    codes = scope.codes(selectors.READERS)
    q = Q(code__in=sorted(codes["community"])) | Q(subdistrict__code__in=sorted(codes["subdistrict"]))
    for district in codes["district"]:
        q |= Q(code__startswith=district)
    return list(Community.objects.filter(q).order_by("code")[:300])


def _grids(request: HttpRequest, communities: list[Any]) -> list[Any]:
    """Grids where the actor may record a visit's need: their own grids, and those of their communities."""
    from django.db.models import Q

    from gongzhi.places.models import Grid

    scope = scope_of(actor_of(request))
    q = Q(code__in=sorted(scope.codes(needs.GRID_ROLES)["grid"])) | Q(community__in=communities)
    return list(Grid.objects.filter(q).order_by("code")[:300])


# --- needs ----------------------------------------------------------------------------------------


@console_login_required
@require_http_methods(["GET", "POST"])
def need_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _communities(request)
    grids = _grids(request, communities)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"category": "", "urgency": Urgency.NORMAL, "quantity": "1"}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in (
                "community_id",
                "title",
                "category",
                "description",
                "beneficiaries",
                "quantity",
                "quantity_unit",
                "urgency",
                "wanted_by",
                "schedule",
                "frequency",
                "grid_id",
            )
        }
        form["micro_wish"] = bool(request.POST.get("micro_wish"))
        try:
            need = needs.need_raise(
                actor=actor,
                data=needs.NeedInput(
                    title=form["title"],
                    category=form["category"],
                    description=form["description"],
                    micro_wish=form["micro_wish"],
                    beneficiaries=form["beneficiaries"],
                    quantity=_int(form["quantity"]) or 0,
                    quantity_unit=form["quantity_unit"] or "次",
                    urgency=form["urgency"] or Urgency.NORMAL,
                    frequency=form["frequency"] or Frequency.ONCE,
                    schedule=_int(form["schedule"]) or 0,
                    wanted_by=_date(form["wanted_by"]),
                ),
                # a need recorded in a grid is a grid worker's visit; otherwise the community's own
                source=NeedSource.GRID_WORKER if _int(form["grid_id"]) else NeedSource.COMMUNITY,
                grid_id=_int(form["grid_id"]),
                community_id=_int(form["community_id"])
                or (communities[0].pk if len(communities) == 1 else None),
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记需求“{need.title}”")
            return redirect("cobuild:need_detail", need_id=need.pk)
    f = {k: request.GET.get(k, "") for k in ("status", "category", "community_code", "q", "micro_wish")}
    rows = list(
        selectors.need_list_for_actor(
            actor=actor,
            status=f["status"] if f["status"] in NeedStatus.values else "",
            category=f["category"],
            community_code=f["community_code"],
            micro_wish=True if f["micro_wish"] == "1" else None,
            q=f["q"][:50],
            limit=PAGE_SIZE,
        )
    )
    return render(
        request,
        "cobuild/console/needs.html",
        {
            "needs": rows,
            "f": f,
            "statuses": NeedStatus.choices,
            "categories": CATEGORIES,
            "urgencies": Urgency.choices,
            "frequencies": Frequency.choices,
            "schedules": SCHEDULES,
            "communities": communities,
            "grids": grids,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def need_detail(request: HttpRequest, need_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        need = selectors.need_get_for_actor(actor=actor, need_id=need_id)
    except NotFound as exc:
        raise Http404 from exc
    suggestions = plans.need_suggestions(need) if need.status == NeedStatus.OPEN else []
    return render(
        request,
        "cobuild/console/need_detail.html",
        {
            "need": need,
            "schedule_label": matching.describe_mask(need.schedule),
            "suggestions": suggestions,
            "can_manage": selectors.can_manage(actor, need),
            "links": list(need.project_links.select_related("project")),
        },
    )


@console_login_required
@require_POST
def need_withdraw(request: HttpRequest, need_id: int) -> HttpResponse:
    try:
        needs.need_withdraw(actor=actor_of(request), need_id=need_id, reason=request.POST.get("reason", ""))
        messages.success(request, "需求已撤回")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("cobuild:need_detail", need_id=need_id)


@console_login_required
@require_http_methods(["GET", "POST"])
def need_from_ticket(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """转为居民需求: a ticket that is a request rather than a fault joins the needs list."""
    from gongzhi.tickets.selectors.tickets import ticket_get_for_actor

    actor = actor_of(request)
    try:
        ticket = ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    error, status = "", 200
    if request.method == "POST":
        try:
            need = needs.need_from_ticket(
                actor=actor,
                ticket_id=ticket_id,
                title=request.POST.get("title", "").strip(),
                category=request.POST.get("category", ""),
                note=request.POST.get("note", "").strip(),
            )
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(request, f"工单已转为居民需求（需求编号{need.pk}），并告知上报人")
            return redirect("cobuild:need_detail", need_id=need.pk)
    return render(
        request,
        "cobuild/console/need_from_ticket.html",
        {"ticket": ticket, "categories": CATEGORIES, "error": error, "post": request.POST},
        status=status,
    )


# --- resources ------------------------------------------------------------------------------------


def _providers(
    communities: list[Any], kinds: tuple[str, ...] = tuple(ProviderKind.values)
) -> list[tuple[str, str]]:
    """(``kind:id``, label) options for a provider or claimant select."""
    from gongzhi.party.models import PartyMember, Unit
    from gongzhi.volunteers.models import SocialOrganization, VolunteerTeam

    ids = [c.pk for c in communities]
    rows: dict[str, list[Any]] = {
        ProviderKind.UNIT: list(Unit.objects.filter(community_id__in=ids).order_by("name")[:300]),
        ProviderKind.MEMBER: list(
            PartyMember.objects.filter(kind="in_service", registrations__community_id__in=ids)
            .distinct()
            .order_by("name")[:300]
        ),
        ProviderKind.SOCIAL_ORGANIZATION: list(
            SocialOrganization.objects.filter(community_id__in=ids).order_by("name")[:300]
        ),
        ProviderKind.TEAM: list(VolunteerTeam.objects.filter(community_id__in=ids).order_by("name")[:300]),
    }
    labels = dict(ProviderKind.choices)
    return [(f"{k}:{p.pk}", f"{labels[k]} · {p}") for k in kinds for p in rows[k]]


@console_login_required
@require_http_methods(["GET", "POST"])
def resource_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _communities(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"categories": [], "capacity": "1", "radius_km": "3"}
    if request.method == "POST":
        form = {
            k: request.POST.get(k, "")
            for k in (
                "community_id",
                "provider",
                "title",
                "kind",
                "description",
                "capacity",
                "schedule",
                "schedule_note",
                "radius_km",
                "contact_name",
                "contact_phone",
            )
        }
        form["categories"] = request.POST.getlist("categories")
        kind, _sep, pid = form["provider"].partition(":")
        try:
            radius = float(form["radius_km"] or 3)
        except ValueError:
            radius = -1
        try:
            res = needs.resource_register(
                actor=actor,
                community_id=_int(form["community_id"])
                or (communities[0].pk if len(communities) == 1 else 0),
                provider_kind=kind,
                provider_id=_int(pid) or 0,
                data=needs.ResourceInput(
                    title=form["title"],
                    kind=form["kind"],
                    categories=form["categories"],
                    description=form["description"],
                    capacity=_int(form["capacity"]) or 0,
                    schedule=_int(form["schedule"]) or 0,
                    schedule_note=form["schedule_note"],
                    radius_km=radius,
                    contact_name=form["contact_name"],
                    contact_phone=form["contact_phone"],
                ),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已登记资源“{res.title}”")
            return redirect("cobuild:resources")
    f = {k: request.GET.get(k, "") for k in ("kind", "category", "community_code")}
    rows = list(
        selectors.resource_list_for_actor(
            actor=actor,
            kind=f["kind"],
            category=f["category"],
            community_code=f["community_code"],
            limit=PAGE_SIZE,
        )
    )[:PAGE_SIZE]
    held = selectors.used_capacity([r.pk for r in rows])
    for r in rows:
        r.used = held.get(r.pk, 0)  # type: ignore[attr-defined]
        r.schedule_label = r.schedule_note or matching.describe_mask(r.schedule)  # type: ignore[attr-defined]
    return render(
        request,
        "cobuild/console/resources.html",
        {
            "resources": rows,
            "f": f,
            "kinds": ResourceKind.choices,
            "categories": RESOURCE_CATEGORIES,
            "schedules": SCHEDULES,
            "communities": communities,
            "providers": _providers(communities) if communities else [],
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


# --- projects -------------------------------------------------------------------------------------


@console_login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = {k: request.GET.get(k, "") for k in ("status", "community_code", "year")}
    rows = list(
        selectors.project_list_for_actor(
            actor=actor,
            status=f["status"] if f["status"] in ProjectStatus.values else "",
            community_code=f["community_code"],
            year=_int(f["year"]),
            limit=PAGE_SIZE,
        )
    )
    return render(
        request,
        "cobuild/console/projects.html",
        {"projects": rows, "f": f, "statuses": ProjectStatus.choices, "communities": _communities(request)},
    )


@console_login_required
@require_POST
def project_create(request: HttpRequest) -> HttpResponse:
    need_id = _int(request.POST.get("need_id"))
    try:
        project = projects.project_create(
            actor=actor_of(request),
            need_ids=[need_id] if need_id else [],
            resource_ids=[i for i in (_int(v) for v in request.POST.getlist("resource_id")) if i],
            title=request.POST.get("title", ""),
        )
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("cobuild:need_detail", need_id=need_id) if need_id else redirect("cobuild:needs")
    messages.success(request, f"已制定共建项目“{project.title}”，等待认领")
    return redirect("cobuild:project_detail", project_id=project.pk)


@console_login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        project = selectors.project_get_for_actor(actor=actor, project_id=project_id)
    except NotFound as exc:
        raise Http404 from exc
    communities = [project.community]
    return render(
        request,
        "cobuild/console/project_detail.html",
        {
            "project": project,
            "need_links": list(project.need_links.select_related("need")),
            "resource_links": list(project.resource_links.select_related("resource")),
            "milestones": list(project.milestones.all()),
            "activities": list(project.activity_links.select_related("activity")),
            "activity_options": _activity_options(project),
            "evaluations": list(project.evaluations.order_by("-id")[:20]),
            "can_manage": selectors.can_manage(actor, project),
            "providers": _providers(communities, (ProviderKind.UNIT, ProviderKind.MEMBER, ProviderKind.TEAM)),
        },
    )


def _activity_options(project: Any) -> list[Any]:
    from gongzhi.volunteers.models import Activity

    linked = project.activity_links.values("activity_id")
    return list(
        Activity.objects.filter(community_id=project.community_id)
        .exclude(pk__in=linked)
        .order_by("-start_date")[:100]
    )


@console_login_required
@require_POST
def project_activity(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        "已关联活动",
        lambda: projects.project_activity_link(
            actor=actor_of(request),
            project_id=project_id,
            activity_id=_int(request.POST.get("activity_id")) or 0,
        ),
    )


def _project_action(request: HttpRequest, project_id: int, done: str, call: Any) -> HttpResponse:
    try:
        call()
        messages.success(request, done)
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("cobuild:project_detail", project_id=project_id)


@console_login_required
@require_POST
def project_claim(request: HttpRequest, project_id: int) -> HttpResponse:
    kind, _sep, pid = request.POST.get("claimant", "").partition(":")
    return _project_action(
        request,
        project_id,
        "已认领",
        lambda: projects.project_claim(
            actor=actor_of(request), project_id=project_id, claimant_kind=kind, claimant_id=_int(pid)
        ),
    )


@console_login_required
@require_POST
def project_sign(request: HttpRequest, project_id: int) -> HttpResponse:
    p = request.POST

    def call() -> None:
        starts, ends = _date(p.get("starts_on")), _date(p.get("ends_on"))
        if starts is None or ends is None:
            raise ApplicationError("请填写协议期限（开始和结束日期）", fields={"starts_on": "请填写日期"})
        projects.project_sign(
            actor=actor_of(request),
            project_id=project_id,
            terms=p.get("terms", ""),
            community_signatory=p.get("community_signatory", ""),
            claimant_signatory=p.get("claimant_signatory", ""),
            starts_on=starts,
            ends_on=ends,
        )

    return _project_action(request, project_id, "已签订共建协议", call)


@console_login_required
@require_GET
def project_agreement(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        number, pdf = agreement.agreement_pdf(actor=actor_of(request), project_id=project_id)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("cobuild:project_detail", project_id=project_id)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(False, f"共建协议书-{number}.pdf") or "inline"
    )
    response["Cache-Control"] = "no-store"
    return response


@console_login_required
@require_POST
def milestone_add(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        "已添加节点",
        lambda: projects.milestone_add(
            actor=actor_of(request),
            project_id=project_id,
            title=request.POST.get("title", ""),
            due_on=_date(request.POST.get("due_on")),
        ),
    )


@console_login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    ms = Milestone.objects.filter(pk=milestone_id).first()
    if ms is None:
        raise Http404
    return _project_action(
        request,
        ms.project_id,
        "节点已完成",
        lambda: projects.milestone_done(actor=actor_of(request), milestone_id=milestone_id),
    )


@console_login_required
@require_POST
def delivery(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        "已登记交付",
        lambda: projects.delivery_record(
            actor=actor_of(request),
            project_id=project_id,
            need_id=_int(request.POST.get("need_id")) or 0,
            quantity=_int(request.POST.get("quantity")) or 0,
        ),
    )


@console_login_required
@require_POST
def project_complete(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        "项目已完成",
        lambda: projects.project_complete(
            actor=actor_of(request), project_id=project_id, outcome=request.POST.get("outcome", "")
        ),
    )


@console_login_required
@require_POST
def project_cancel(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        "项目已取消",
        lambda: projects.project_cancel(
            actor=actor_of(request), project_id=project_id, reason=request.POST.get("reason", "")
        ),
    )


# --- the yearly plan ------------------------------------------------------------------------------


def _plan_places(request: HttpRequest) -> list[tuple[str, str]]:
    from gongzhi.places.models import Community, District, Subdistrict

    actor = actor_of(request)
    out: list[tuple[str, str]] = []
    for model in (District, Subdistrict, Community):
        for p in model.objects.order_by("code")[:300]:
            stub = plans._PlaceStub(
                {District: "district", Subdistrict: "subdistrict", Community: "community"}[model], p.code
            )
            if selectors.can_manage(actor, stub):
                out.append((p.code, p.name))
    return out


@console_login_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        try:
            plan = plans.matching_plan_generate(actor=actor, place_code=request.POST.get("place_code", ""))
        except ApplicationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已生成配对方案草案：{plan.rows.count()} 对，请审核调整后确认")
            return redirect("cobuild:plan_detail", plan_id=plan.pk)
    return render(
        request,
        "cobuild/console/plans.html",
        {"plans": list(selectors.plan_list_for_actor(actor=actor)), "places": _plan_places(request)},
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
    editable = plan.status == PlanStatus.DRAFT and selectors.can_manage(actor, plan)
    if editable:
        shown = rows[:200]
        options = plans.suggestions_for_needs([r.need for r in shown], limit=6)
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
    included = {"1": True, "0": False}.get(request.POST.get("included", ""))
    try:
        plans.matching_plan_row_update(
            actor=actor_of(request),
            row_id=row_id,
            included=included,
            resource_id=_int(request.POST.get("resource_id")),
        )
        messages.success(request, f"已调整“{row.need.title}”")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("cobuild:plan_detail", plan_id=row.plan_id)


@console_login_required
@require_POST
def plan_apply(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        ids = plans.matching_plan_apply(actor=actor_of(request), plan_id=plan_id)
    except ApplicationError as exc:
        _refused(request, exc)
        return redirect("cobuild:plan_detail", plan_id=plan_id)
    messages.success(request, f"方案已确认：生成 {len(ids)} 个待认领的共建项目")
    return redirect("cobuild:projects")


@console_login_required
@require_POST
def plan_discard(request: HttpRequest, plan_id: int) -> HttpResponse:
    try:
        plans.matching_plan_discard(actor=actor_of(request), plan_id=plan_id)
        messages.success(request, "方案已作废")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("cobuild:plan_detail", plan_id=plan_id)


urlpatterns: list[URLPattern] = [
    path("needs/", need_list, name="needs"),
    path("needs/<int:need_id>/", need_detail, name="need_detail"),
    path("needs/<int:need_id>/withdraw/", need_withdraw, name="need_withdraw"),
    path("needs/from-ticket/<int:ticket_id>/", need_from_ticket, name="need_from_ticket"),
    path("resources/", resource_list, name="resources"),
    path("projects/", project_list, name="projects"),
    path("projects/new/", project_create, name="project_create"),
    path("projects/<int:project_id>/", project_detail, name="project_detail"),
    path("projects/<int:project_id>/claim/", project_claim, name="project_claim"),
    path("projects/<int:project_id>/sign/", project_sign, name="project_sign"),
    path("projects/<int:project_id>/agreement.pdf", project_agreement, name="project_agreement"),
    path("projects/<int:project_id>/milestones/", milestone_add, name="milestone_add"),
    path("milestones/<int:milestone_id>/done/", milestone_done, name="milestone_done"),
    path("projects/<int:project_id>/deliveries/", delivery, name="delivery"),
    path("projects/<int:project_id>/complete/", project_complete, name="project_complete"),
    path("projects/<int:project_id>/cancel/", project_cancel, name="project_cancel"),
    path("projects/<int:project_id>/activities/", project_activity, name="project_activity"),
    path("plans/", plan_list, name="plans"),
    path("plans/<int:plan_id>/", plan_detail, name="plan_detail"),
    path("plan-rows/<int:row_id>/", plan_row, name="plan_row"),
    path("plans/<int:plan_id>/apply/", plan_apply, name="plan_apply"),
    path("plans/<int:plan_id>/discard/", plan_discard, name="plan_discard"),
]
