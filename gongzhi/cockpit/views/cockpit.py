"""The cockpit page (驾驶舱): a place's figures, trend and the ranking of the places below it."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.cockpit import services
from gongzhi.cockpit.selectors.figures import cockpit_figures_for_actor
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed


def _map_url() -> str:
    try:
        return reverse("cockpit:map")
    except NoReverseMatch:
        return ""


def chart_labels() -> dict[str, str]:
    """The words of the charts (the scripts hold none): the two trend lines and the ranking's axis."""
    return {"reported": _("受理"), "closed": _("结案"), "axis": _("受理事件")}


def figures_or_404(request: HttpRequest) -> dict:
    actor = actor_of(request)
    if not allowed(actor, "cockpit.view_cockpit"):
        raise Http404
    try:
        return cockpit_figures_for_actor(actor=actor, code=request.GET.get("place", ""))
    except ApplicationError as exc:
        raise Http404(exc.message) from exc


@console_login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    data = figures_or_404(request)
    chart = {
        "trend": data["trend"],
        "children": [
            {"code": r["code"], "name": r["name"], "value": r["tickets_reported"], "persons": r["persons"]}
            for r in data["children"]["rows"]
        ],
        "child_label": data["children"]["level_label"],
        "labels": chart_labels(),
    }
    return render(
        request,
        "cockpit/console/cockpit.html",
        {
            "data": data,
            "chart": chart,
            "map_url": _map_url(),
            "can_rebuild": allowed(actor_of(request), "cockpit.rebuild_rollup"),
        },
    )


@console_login_required
@require_POST
def rebuild(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    try:
        job = services.rollup_rebuild_start(actor=actor, place=request.POST.get("place", ""))
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("cockpit:index")
    messages.success(
        request, _("驾驶舱指标重算已交给后台任务 #%(job)s，完成后刷新本页即可看到新数字") % {"job": job.pk}
    )
    return redirect("jobs:detail", job_id=job.pk)
