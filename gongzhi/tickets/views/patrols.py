"""Patrol pages: the grid worker's phone-width page (start, check in with the phone's location, report a
ticket found on the way, end) and the coverage and monthly summary pages for place staff."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, Forbidden
from gongzhi.core.http import date_or_none
from gongzhi.core.permissions import allowed
from gongzhi.tickets import services as svc
from gongzhi.tickets.forms import PatrolCheckInForm, PatrolEndForm, PatrolReportForm, PatrolStartForm
from gongzhi.tickets.selectors import patrols as sel
from gongzhi.tickets.selectors.tickets import category_tree
from gongzhi.tickets.services.patrols import patrol_check_in, patrol_end, patrol_start, patrols_grid_codes


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    details = "；".join(v for v in exc.fields.values() if v != exc.message)
    messages.error(request, f"{exc.message}{'：' + details if details else ''}")


@login_required
@require_GET
def patrol_page(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.models import Grid

    actor = actor_of(request)
    if not allowed(actor, "tickets.patrol"):
        raise Http404
    active = sel.active_patrol_of(actor)
    context: dict[str, Any] = {
        "active": active,
        "grids": list(Grid.objects.filter(code__in=patrols_grid_codes(actor)).order_by("code")),
        "recent": list(sel.patrol_list_for_actor(actor=actor, limit=10)),
    }
    if active is not None:
        context["checkins"] = list(active.checkins.order_by("-id"))
        context["tickets"] = list(active.tickets.order_by("-id"))
        context["categories"] = category_tree()
    return render(request, "tickets/intake/patrol.html", context)


@login_required
@require_POST
def patrol_start_view(request: HttpRequest) -> HttpResponse:
    try:
        patrol_start(actor=actor_of(request), grid_code=PatrolStartForm(request.POST).text("grid_code"))
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("巡查已开始，请沿途打卡"))
    return redirect("tickets:patrol")


@login_required
@require_POST
def patrol_check_in_view(request: HttpRequest, patrol_id: int) -> HttpResponse:
    try:
        patrol_check_in(
            actor=actor_of(request),
            patrol_id=patrol_id,
            **PatrolCheckInForm(request.POST).patrol_check_in_kwargs(),
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("打卡成功"))
    return redirect("tickets:patrol")


@login_required
@require_POST
def patrol_report_view(request: HttpRequest, patrol_id: int) -> HttpResponse:
    from gongzhi.tickets.models import Patrol

    actor = actor_of(request)
    # Without a position the ticket lands in the patrolled grid.
    grid_code = (
        Patrol.objects.filter(pk=patrol_id, worker_id=actor.pk).values_list("grid_code", flat=True).first()
    )
    try:
        ticket = svc.ticket_report(
            actor=actor,
            data=PatrolReportForm(request.POST).ticket_input(patrol_id=patrol_id, grid_code=grid_code or ""),
            photos=request.FILES.getlist("photos"),
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("已上报工单 %(number)s") % {"number": ticket.number})
    return redirect("tickets:patrol")


@login_required
@require_POST
def patrol_end_view(request: HttpRequest, patrol_id: int) -> HttpResponse:
    try:
        patrol_end(
            actor=actor_of(request), patrol_id=patrol_id, note=PatrolEndForm(request.POST).text("note")
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, _("巡查已结束"))
    return redirect("tickets:patrol")


def _day(value: str) -> date:
    return date_or_none(value) or timezone.localdate()


@login_required
@require_GET
def coverage_page(request: HttpRequest) -> HttpResponse:
    day = _day(request.GET.get("day", ""))
    place = request.GET.get("place", "").strip()[:15]
    context: dict[str, Any] = {"day": day, "place": place}
    try:
        context["coverage"] = sel.patrol_coverage(actor=actor_of(request), day=day, place=place)
    except Forbidden as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        context["error"] = exc.message
    return render(request, "tickets/intake/patrol_coverage.html", context)


@login_required
@require_GET
def summary_page(request: HttpRequest) -> HttpResponse:
    month = request.GET.get("month", "").strip()[:7] or f"{timezone.localdate():%Y-%m}"
    place = request.GET.get("place", "").strip()[:15]
    context: dict[str, Any] = {"month": month, "place": place}
    try:
        context["summary"] = sel.patrol_month_summary(actor=actor_of(request), month=month, place=place)
    except Forbidden as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        context["error"] = exc.message
    return render(request, "tickets/intake/patrol_summary.html", context)
