"""Console pages of funded projects (公益创投): the list with the application form, a project (reviews,
the decision, deliveries, the closing report)."""

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
from gongzhi.core.http import date_or_none, refused, year_or_none
from gongzhi.core.permissions import allowed
from gongzhi.socialorgs import selectors
from gongzhi.socialorgs.enums import FundedProjectStatus
from gongzhi.socialorgs.forms import DecisionForm, ProjectForm
from gongzhi.socialorgs.services import projects as svc


def _categories() -> list[tuple[str, Any]]:
    from gongzhi.cobuild.enums import CATEGORIES

    return list(CATEGORIES)


@console_login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"year": str(timezone.localdate().year)}
    if request.method == "POST":
        posted = ProjectForm(request.POST)
        form = posted.values()
        try:
            project = svc.funded_project_apply(
                actor=actor,
                organization_id=posted.number("organization_id") or 0,
                data=posted.project_input(),
            )
        except ApplicationError as exc:
            errors = exc.fields or {"form": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已申报公益创投项目“%(title)s”") % {"title": project.title})
            return redirect("socialorgs:project", project_id=project.pk)
    year = year_or_none(request.GET.get("year"))
    status = request.GET.get("status", "")[:12]
    rows = list(selectors.funded_project_list_for_actor(actor=actor, year=year, status=status, limit=500))
    orgs = [
        p.organization
        for p in selectors.organization_profile_list_for_actor(actor=actor, limit=300)
        if allowed(actor, "socialorgs.apply_project", p.organization)
    ]
    return render(
        request,
        "socialorgs/console/projects.html",
        {
            "rows": rows,
            "year": year or "",
            "status": status,
            "statuses": FundedProjectStatus.choices,
            "organizations": orgs,
            "categories": _categories(),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        project = selectors.funded_project_get_for_actor(actor=actor, project_id=project_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    reviews = list(project.reviews.select_related("reviewer").order_by("created_at"))
    return render(
        request,
        "socialorgs/console/project.html",
        {
            "project": project,
            "reviews": reviews,
            "average": selectors.funded_project_average(project),
            "deliveries": list(project.deliveries.order_by("-delivered_on", "-id")),
            "reviewed": any(r.reviewer_id == actor.pk for r in reviews),
            "can_review": allowed(actor, "socialorgs.review_project", project),
            "can_decide": allowed(actor, "socialorgs.decide_project", project),
            "can_deliver": allowed(actor, "socialorgs.deliver_project", project),
            "category_label": dict(_categories()).get(project.category, project.category),
            "S": FundedProjectStatus,
        },
    )


def _score(form: DecisionForm) -> int:
    n = form.number("score")
    return -1 if n is None else n


def _back(project_id: int) -> HttpResponse:
    return redirect("socialorgs:project", project_id=project_id)


@console_login_required
@require_POST
def project_review(request: HttpRequest, project_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    try:
        svc.funded_project_review(
            actor=actor_of(request),
            project_id=project_id,
            score=_score(form),
            comment=form.text("comment"),
        )
        messages.success(request, gettext("评分已提交"))
    except ApplicationError as exc:
        refused(request, exc)
    return _back(project_id)


@console_login_required
@require_POST
def project_decide(request: HttpRequest, project_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    try:
        p = svc.funded_project_decide(
            actor=actor_of(request),
            project_id=project_id,
            approve=form.text("decision") == "approve",
            granted_yuan=form.text("granted_yuan"),
            note=form.text("note"),
        )
        messages.success(
            request, gettext("项目%(get_status_display)s") % {"get_status_display": p.get_status_display()}
        )
    except ApplicationError as exc:
        refused(request, exc)
    return _back(project_id)


@console_login_required
@require_POST
def project_deliver(request: HttpRequest, project_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    try:
        svc.funded_project_deliver(
            actor=actor_of(request),
            project_id=project_id,
            title=form.text("title"),
            person_times=form.number("person_times") or 0,
            delivered_on=date_or_none(form.text("delivered_on")),
        )
        messages.success(request, gettext("已登记服务"))
    except ApplicationError as exc:
        refused(request, exc)
    return _back(project_id)


@console_login_required
@require_POST
def project_close(request: HttpRequest, project_id: int) -> HttpResponse:
    form = DecisionForm(request.POST)
    try:
        p = svc.funded_project_close(
            actor=actor_of(request),
            project_id=project_id,
            report=form.text("report"),
            score=_score(form),
        )
        messages.success(request, gettext("已结项，等级%(grade)s") % {"grade": p.grade})
    except ApplicationError as exc:
        refused(request, exc)
    return _back(project_id)
