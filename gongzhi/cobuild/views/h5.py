"""Resident pages: raise a need or a micro-wish (微心愿) from the phone, see one's own needs, and the public
project list of a community that anyone can open (no personal data)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cobuild import selectors
from gongzhi.cobuild.enums import CATEGORIES, NeedSource, ProjectStatus
from gongzhi.cobuild.forms import ProjectEvaluateForm, ResidentNeedForm
from gongzhi.cobuild.models import Project
from gongzhi.cobuild.services import needs, projects
from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError


@h5_login_required
@require_http_methods(["GET", "POST"])
def need_raise(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    error: ApplicationError | None = None
    form = ResidentNeedForm(request.POST)
    data: dict[str, Any] = {k: form.text(k) for k in ("title", "category", "description", "beneficiaries")}
    if request.method == "POST":
        try:
            need = needs.need_raise(
                actor=actor,
                data=form.need_input(),
                source=NeedSource.RESIDENT,
            )
        except ApplicationError as exc:
            error = exc
        else:
            return redirect("cobuild_h5:need_done", need_id=need.pk)
    mine = list(selectors.need_list_for_actor(actor=actor).filter(raised_by_id=actor.pk)[:20])
    data["micro_wish"] = bool(form.cleaned_data.get("micro_wish"))
    return render(
        request,
        "cobuild/h5/need.html",
        {"categories": CATEGORIES, "data": data, "error": error, "mine": mine},
        status=error.status if error else 200,
    )


@h5_login_required
@require_GET
def need_done(request: HttpRequest, need_id: int) -> HttpResponse:
    """The page after a need is raised: what was sent and what happens next (the form does not return)."""
    actor = actor_of(request)
    need = selectors.need_list_for_actor(actor=actor).filter(pk=need_id, raised_by_id=actor.pk).first()
    if need is None:
        raise Http404
    return render(request, "cobuild/h5/need_done.html", {"need": need})


@require_GET
def public_projects(request: HttpRequest, community_code: str) -> HttpResponse:
    from gongzhi.places.models import Community

    community = Community.objects.filter(code=community_code).first()
    if community is None:
        raise Http404
    rows = selectors.public_projects(community_code=community_code)
    # Residents rate what was delivered: only a completed project offers the rating form.
    return render(
        request,
        "cobuild/h5/projects.html",
        {"community": community, "projects": rows, "delivered": ProjectStatus.COMPLETED.value},
    )


@require_GET
def public_communities(request: HttpRequest) -> HttpResponse:
    return render(request, "cobuild/h5/communities.html", {"communities": selectors.public_communities()})


@h5_login_required
@require_POST
def evaluate(request: HttpRequest, project_id: int) -> HttpResponse:
    form = ProjectEvaluateForm(request.POST)
    project = Project.objects.filter(pk=project_id).only("community_code").first()
    if project is None:
        raise Http404
    try:
        projects.project_evaluate(
            actor=actor_of(request),
            project_id=project_id,
            **form.project_evaluate_kwargs(),
        )
        messages.success(request, gettext("感谢您的评价"))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404 from exc
        messages.error(request, exc.message)
    return redirect("cobuild_h5:public_projects", community_code=project.community_code)
