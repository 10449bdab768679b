"""Console pages of the registry: the organisations (register one, complete the profile of one a volunteer
team named), an organisation (profile, incubation and milestones, yearly plans, its projects and workers),
the social workers and the figures per community."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import PLACE_READERS
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.socialorgs import selectors
from gongzhi.socialorgs.enums import (
    ENVOY_LEVELS,
    FIELDS,
    WORKER_LEVELS,
    IncubationStatus,
    LegalStatus,
    OrganizationKind,
    WorkerKind,
)
from gongzhi.socialorgs.forms import IncubationForm, PlanForm, ProfileForm, WorkerForm
from gongzhi.socialorgs.services import organizations as svc


def _communities(actor: Any) -> list[Any]:
    return [
        c
        for c in community_list_for_actor(actor=actor, roles=PLACE_READERS)[:300]
        if allowed(actor, "socialorgs.manage_organization", c)
    ]


def _choices() -> dict[str, Any]:
    return {
        "kinds": OrganizationKind.choices,
        "legal_statuses": LegalStatus.choices,
        "fields": FIELDS,
    }


@console_login_required
@require_http_methods(["GET", "POST"])
def organization_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = ProfileForm(request.POST)
        form = posted.values()
        try:
            profile = svc.socialorg_register(
                actor=actor,
                community_id=posted.number("community_id") or 0,
                name=posted.text("name"),
                uscc=posted.text("uscc"),
                description=posted.text("description"),
                data=posted.profile_input(),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"form": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(
                request, gettext("已登记社会组织“%(name)s”") % {"name": profile.organization.name}
            )
            return redirect("socialorgs:detail", organization_id=profile.organization_id)
    f = {k: request.GET.get(k, "")[:24] for k in ("community_code", "kind", "q")}
    rows = list(
        selectors.organization_profile_list_for_actor(
            actor=actor, community_code=f["community_code"], kind=f["kind"], q=f["q"], limit=500
        )
    )
    return render(
        request,
        "socialorgs/console/list.html",
        {
            "rows": rows,
            "f": f,
            "communities": _communities(actor),
            "unprofiled": selectors.unprofiled_organizations_for_actor(actor=actor),
            "form": form,
            "errors": errors,
            **_choices(),
        },
        status=400 if errors else 200,
    )


def _profile(actor: Any, organization_id: int) -> Any:
    try:
        return selectors.organization_profile_get_for_actor(actor=actor, organization_id=organization_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@console_login_required
@require_GET
def organization_detail(request: HttpRequest, organization_id: int) -> HttpResponse:
    actor = actor_of(request)
    profile = _profile(actor, organization_id)
    org = profile.organization
    return render(
        request,
        "socialorgs/console/detail.html",
        {
            "profile": profile,
            "org": org,
            "incubations": list(selectors.incubation_list_for_actor(actor=actor, organization_id=org.pk)),
            "plans": list(selectors.yearly_plan_list_for_actor(actor=actor, organization_id=org.pk)),
            "projects": list(selectors.funded_project_list_for_actor(actor=actor, organization_id=org.pk)),
            "workers": list(selectors.social_worker_list_for_actor(actor=actor, organization_id=org.pk)),
            "teams": list(org.teams.filter(active=True).order_by("name")[:50]),
            "can_manage": allowed(actor, "socialorgs.manage_organization", profile),
            "year": timezone.localdate().year,
            "incubating": IncubationStatus.INCUBATING,
            **_choices(),
        },
    )


@console_login_required
@require_POST
def organization_profile(request: HttpRequest, organization_id: int) -> HttpResponse:
    """Complete (from the list's 待补全 rows) or correct an organisation's profile."""
    try:
        svc.socialorg_profile_save(
            actor=actor_of(request),
            organization_id=organization_id,
            data=ProfileForm(request.POST).profile_input(),
        )
        messages.success(request, gettext("档案已保存"))
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("socialorgs:list")
    return redirect("socialorgs:detail", organization_id=organization_id)


@console_login_required
@require_POST
def incubation_enter(request: HttpRequest, organization_id: int) -> HttpResponse:
    form = IncubationForm(request.POST)
    try:
        svc.incubation_enter(
            actor=actor_of(request),
            organization_id=organization_id,
            cohort=form.text("cohort"),
            mentor_name=form.text("mentor_name"),
            entered_on=form.date("entered_on"),
        )
        messages.success(request, gettext("已入驻孵化平台"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("socialorgs:detail", organization_id=organization_id)


def _incubation(request: HttpRequest, incubation_id: int) -> Any:
    try:
        return selectors.incubation_get_for_actor(actor=actor_of(request), incubation_id=incubation_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@console_login_required
@require_POST
def milestone_add(request: HttpRequest, incubation_id: int) -> HttpResponse:
    inc = _incubation(request, incubation_id)
    form = IncubationForm(request.POST)
    try:
        svc.incubation_milestone_add(
            actor=actor_of(request),
            incubation_id=inc.pk,
            title=form.text("title"),
            due_on=form.date("due_on"),
            done_on=form.date("done_on"),
        )
        messages.success(request, gettext("已添加孵化节点"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("socialorgs:detail", organization_id=inc.organization_id)


@console_login_required
@require_POST
def milestone_done(request: HttpRequest, milestone_id: int) -> HttpResponse:
    form = IncubationForm(request.POST)
    try:
        step = svc.incubation_milestone_done(
            actor=actor_of(request), milestone_id=milestone_id, note=form.text("note")
        )
        messages.success(request, gettext("孵化节点“%(title)s”已完成") % {"title": step.title})
        return redirect("socialorgs:detail", organization_id=step.incubation.organization_id)
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("socialorgs:list")


@console_login_required
@require_POST
def incubation_end(request: HttpRequest, incubation_id: int) -> HttpResponse:
    inc = _incubation(request, incubation_id)
    form = IncubationForm(request.POST)
    end = svc.incubation_graduate if form.text("move") == "graduate" else svc.incubation_exit
    try:
        done = end(
            actor=actor_of(request),
            incubation_id=inc.pk,
            note=form.text("note"),
            ended_on=form.date("ended_on"),
        )
        messages.success(
            request, gettext("孵化%(get_status_display)s") % {"get_status_display": done.get_status_display()}
        )
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("socialorgs:detail", organization_id=inc.organization_id)


@console_login_required
@require_POST
def plan_file(request: HttpRequest, organization_id: int) -> HttpResponse:
    form = PlanForm(request.POST)
    try:
        plan = svc.yearly_plan_file(
            actor=actor_of(request),
            organization_id=organization_id,
            year=form.number("year") or 0,
            goals=form.text("goals"),
            planned_projects=form.number("planned_projects") or 0,
            planned_person_times=form.number("planned_person_times") or 0,
        )
        messages.success(request, gettext("%(year)s年度计划已备案") % {"year": plan.year})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("socialorgs:detail", organization_id=organization_id)


@console_login_required
@require_http_methods(["GET", "POST"])
def worker_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = WorkerForm(request.POST)
        form = posted.values()
        try:
            w = svc.social_worker_register(
                actor=actor, community_id=posted.number("community_id") or 0, data=posted.worker_input()
            )
        except ApplicationError as exc:
            errors = exc.fields or {"form": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                gettext("已登记%(get_kind_display)s%(name)s")
                % {"get_kind_display": w.get_kind_display(), "name": w.name},
            )
            return redirect("socialorgs:workers")
    f = {k: request.GET.get(k, "")[:24] for k in ("kind", "community_code")}
    rows = list(
        selectors.social_worker_list_for_actor(
            actor=actor, kind=f["kind"], community_code=f["community_code"]
        )[:500]
    )
    return render(
        request,
        "socialorgs/console/workers.html",
        {
            "rows": rows,
            "f": f,
            "today": timezone.localdate(),
            "kinds": WorkerKind.choices,
            "worker_levels": WORKER_LEVELS,
            "envoy_levels": ENVOY_LEVELS,
            "communities": _communities(actor),
            "organizations": [
                p.organization for p in selectors.organization_profile_list_for_actor(actor=actor, limit=300)
            ],
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = selectors.socialorg_figures(selectors.socialorg_place_q(actor))
    names = {c.code: c.name for c in community_list_for_actor(actor=actor, roles=PLACE_READERS)[:500]}
    for r in rows:
        r["name"] = names.get(r["community_code"], r["community_code"])
    return render(request, "socialorgs/console/figures.html", {"rows": rows})
