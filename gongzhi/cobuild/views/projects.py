"""Console pages of the project list: a project from a need and its resources, claim (认领), sign the
co-building agreement and its PDF, milestones, deliveries, linked activities, completion or cancellation.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.cobuild import agreement, selectors
from gongzhi.cobuild.enums import ProjectStatus, ProviderKind
from gongzhi.cobuild.forms import (
    DeliveryForm,
    MilestoneForm,
    ProjectActivityForm,
    ProjectClaimForm,
    ProjectCompleteForm,
    ProjectForm,
    ProjectSignForm,
)
from gongzhi.cobuild.models import Milestone
from gongzhi.cobuild.services import projects
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import date_or_none, pdf_response, refused, year_or_none
from gongzhi.core.permissions import allowed

PAGE_SIZE = 100


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
            year=year_or_none(f["year"]),
            limit=PAGE_SIZE,
        )
    )
    return render(
        request,
        "cobuild/console/projects.html",
        {
            "projects": rows,
            "f": f,
            "statuses": ProjectStatus.choices,
            "communities": selectors.community_choice_list_for_actor(actor=actor),
        },
    )


@console_login_required
@require_POST
def project_create(request: HttpRequest) -> HttpResponse:
    form = ProjectForm(request.POST)
    need_id = form.number("need_id")
    try:
        project = projects.project_create(
            actor=actor_of(request),
            need_ids=[need_id] if need_id else [],
            resource_ids=form.resource_ids(),
            title=form.text("title"),
        )
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("cobuild:need_detail", need_id=need_id) if need_id else redirect("cobuild:needs")
    messages.success(request, gettext("已制定共建项目“%(title)s”，等待认领") % {"title": project.title})
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
            "can_manage": allowed(actor, "cobuild.manage_project", project),
            "providers": selectors.provider_option_list(
                communities, (ProviderKind.UNIT, ProviderKind.MEMBER, ProviderKind.TEAM)
            ),
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
        gettext("已关联活动"),
        lambda: projects.project_activity_link(
            actor=actor_of(request),
            project_id=project_id,
            **ProjectActivityForm(request.POST).project_activity_link_kwargs(),
        ),
    )


def _project_action(request: HttpRequest, project_id: int, done: str, call: Any) -> HttpResponse:
    try:
        call()
        messages.success(request, done)
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("cobuild:project_detail", project_id=project_id)


@console_login_required
@require_POST
def project_claim(request: HttpRequest, project_id: int) -> HttpResponse:
    form = ProjectClaimForm(request.POST)
    return _project_action(
        request,
        project_id,
        gettext("已认领"),
        lambda: projects.project_claim(
            actor=actor_of(request), project_id=project_id, **form.project_claim_kwargs()
        ),
    )


@console_login_required
@require_POST
def project_sign(request: HttpRequest, project_id: int) -> HttpResponse:
    form = ProjectSignForm(request.POST)

    def call() -> None:
        starts, ends = date_or_none(form.text("starts_on")), date_or_none(form.text("ends_on"))
        if starts is None or ends is None:
            raise ApplicationError(
                gettext("请填写协议期限（开始和结束日期）"), fields={"starts_on": gettext("请填写日期")}
            )
        projects.project_sign(
            actor=actor_of(request),
            project_id=project_id,
            terms=form.text("terms"),
            community_signatory=form.text("community_signatory"),
            claimant_signatory=form.text("claimant_signatory"),
            starts_on=starts,
            ends_on=ends,
        )

    return _project_action(request, project_id, gettext("已签订共建协议"), call)


@console_login_required
@require_GET
def project_agreement(request: HttpRequest, project_id: int) -> HttpResponse:
    try:
        number, pdf = agreement.agreement_pdf(actor=actor_of(request), project_id=project_id)
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("cobuild:project_detail", project_id=project_id)
    return pdf_response(pdf, f"共建协议书-{number}.pdf")


@console_login_required
@require_POST
def milestone_add(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        gettext("已添加节点"),
        lambda: projects.milestone_add(
            actor=actor_of(request),
            project_id=project_id,
            **MilestoneForm(request.POST).milestone_add_kwargs(),
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
        gettext("节点已完成"),
        lambda: projects.milestone_done(actor=actor_of(request), milestone_id=milestone_id),
    )


@console_login_required
@require_POST
def delivery(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        gettext("已登记交付"),
        lambda: projects.delivery_record(
            actor=actor_of(request),
            project_id=project_id,
            **DeliveryForm(request.POST).delivery_record_kwargs(),
        ),
    )


@console_login_required
@require_POST
def project_complete(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        gettext("项目已完成"),
        lambda: projects.project_complete(
            actor=actor_of(request),
            project_id=project_id,
            outcome=ProjectCompleteForm(request.POST).text("outcome"),
        ),
    )


@console_login_required
@require_POST
def project_cancel(request: HttpRequest, project_id: int) -> HttpResponse:
    return _project_action(
        request,
        project_id,
        gettext("项目已取消"),
        lambda: projects.project_cancel(
            actor=actor_of(request), project_id=project_id, reason=ReasonForm(request.POST).text("reason")
        ),
    )
