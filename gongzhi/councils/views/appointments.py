"""Console pages of 党群提案 (the proposals of the grid branches, answered or made topics; figures per
branch) and 书记有约 (places, the monthly schedule, a session day with its demands and its callback list;
figures by type)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none, refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.councils import selectors
from gongzhi.councils.enums import CallbackResult, DemandType, ResidentOpinion, SecretaryKind
from gongzhi.councils.forms import ActionForm, CallbackForm, DemandForm, PlaceForm, ProposalForm, ScheduleForm
from gongzhi.councils.services import appointments, proposals
from gongzhi.places.selectors import community_list_for_actor


def _guard(request: HttpRequest, call: Callable[[], Any], ok: str) -> Any:
    try:
        out = call()
    except ApplicationError as exc:
        refused(request, exc)
        return None
    messages.success(request, ok)
    return out


def _branches(actor: Any) -> list[Any]:
    from gongzhi.core.scope import scope_of
    from gongzhi.party.models import PartyOrganization

    scope = scope_of(actor)
    return list(
        PartyOrganization.objects.filter(
            scope.place_q(COMMUNITY_MANAGERS), kind__in=proposals.BRANCH_KINDS, active=True
        ).order_by("community_code", "name")[:300]
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def proposal_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "councils.view_council"):
        raise Http404("无权查看")
    if request.method == "POST":
        form = ProposalForm(request.POST)
        _guard(
            request,
            lambda: proposals.proposal_submit(
                actor=actor,
                branch_id=int_or_none(form.text("branch_id")) or 0,
                title=form.text("title"),
                content=form.text("content"),
                proposers=form.text("proposers"),
            ),
            gettext("已提交提案“%(title)s”") % {"title": form.text("title")},
        )
        return redirect("councils:proposals")
    rows = list(selectors.proposal_list_for_actor(actor=actor).order_by("-id")[:300])
    return render(
        request,
        "councils/console/proposals.html",
        {
            "proposals": rows,
            "handles": {p.pk for p in rows if allowed(actor, "councils.handle_proposal", p)},
            "figures": selectors.proposal_figures_by_branch(actor=actor),
            "branches": _branches(actor),
            "councils": list(selectors.council_list_for_actor(actor=actor).filter(active=True)[:300]),
        },
    )


@console_login_required
@require_POST
def proposal_act(request: HttpRequest, proposal_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        row = selectors.proposal_get_for_actor(actor=actor, proposal_id=proposal_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = ActionForm(request.POST)
    if form.text("action") == "accept":
        _guard(
            request,
            lambda: proposals.proposal_accept(
                actor=actor, proposal_id=row.pk, council_id=int_or_none(form.text("council_id")) or 0
            ),
            gettext("提案已转为议题"),
        )
    elif form.text("action") == "answer":
        _guard(
            request,
            lambda: proposals.proposal_answer(actor=actor, proposal_id=row.pk, answer=form.text("answer")),
            gettext("已答复"),
        )
    else:
        raise Http404("操作不存在")
    return redirect("councils:proposals")


@console_login_required
@require_http_methods(["GET", "POST"])
def appointment_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "councils.view_council"):
        raise Http404("无权查看")
    if request.method == "POST":
        if "lines" in request.POST:
            form = ScheduleForm(request.POST)
            _guard(
                request,
                lambda: appointments.appointment_schedule(
                    actor=actor, place_id=int_or_none(form.text("place_id")) or 0, sessions=form.sessions()
                ),
                gettext("已排班"),
            )
        else:
            place_form = PlaceForm(request.POST)
            _guard(
                request,
                lambda: appointments.appointment_place_create(
                    actor=actor,
                    community_id=int_or_none(place_form.text("community_id")) or 0,
                    name=place_form.text("name"),
                    address=place_form.text("address"),
                ),
                gettext("已设立点位“%(name)s”") % {"name": place_form.text("name")},
            )
        return redirect("councils:appointments")
    today = timezone.localdate()
    sessions = selectors.appointment_session_list_for_actor(actor=actor)
    return render(
        request,
        "councils/console/appointments.html",
        {
            "places": list(selectors.appointment_place_list_for_actor(actor=actor).filter(active=True)[:200]),
            "upcoming": list(sessions.filter(date__gte=today).order_by("date", "id")[:60]),
            "recent": list(sessions.filter(date__lt=today).order_by("-date", "-id")[:30]),
            "figures": selectors.demand_figures_by_type(actor=actor, year=today.year),
            "year": today.year,
            "communities": [
                c
                for c in community_list_for_actor(actor=actor, roles=COMMUNITY_MANAGERS)[:300]
                if allowed(actor, "councils.manage_appointment", c)
            ],
            "secretary_kinds": SecretaryKind.choices,
        },
    )


@console_login_required
@require_GET
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = selectors.appointment_session_get_for_actor(actor=actor, session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    from gongzhi.places.models import Grid

    demands = list(session.demands.order_by("id"))
    progress = selectors.demand_progress(demands)
    return render(
        request,
        "councils/console/session_detail.html",
        {
            "session": session,
            "demands": [(d, progress[d.pk]) for d in demands],
            "callbacks": selectors.callback_list(session),
            "done_callbacks": list(session.callbacks.select_related("demand").order_by("id")),
            "types": DemandType.choices,
            "results": CallbackResult.choices,
            "opinions": ResidentOpinion.choices,
            "grids": list(Grid.objects.filter(community_code=session.community_code).order_by("code")),
            "councils": list(selectors.councils_for_community(session.community_code)),
            "can_manage": allowed(actor, "councils.manage_appointment", session),
            "is_today_or_past": session.date <= timezone.localdate(),
        },
    )


@console_login_required
@require_POST
def session_act(request: HttpRequest, session_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        session = selectors.appointment_session_get_for_actor(actor=actor, session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    action = ActionForm(request.POST)
    what = action.text("action")
    if what == "record":
        _guard(
            request,
            lambda: appointments.appointment_session_record(
                actor=actor,
                session_id=session.pk,
                visitors=int_or_none(action.text("visitors")) or 0,
                activities=action.text("activities"),
                notes=action.text("notes"),
            ),
            gettext("已记录接待情况"),
        )
    elif what == "demand":
        form = DemandForm(request.POST)
        _guard(
            request,
            lambda: appointments.appointment_demand_record(
                actor=actor, session_id=session.pk, data=form.demand_input()
            ),
            gettext("已登记诉求"),
        )
    elif what == "callback":
        cb = CallbackForm(request.POST)
        _guard(
            request,
            lambda: appointments.appointment_callback_record(
                actor=actor,
                demand_id=int_or_none(cb.text("demand_id")) or 0,
                session_id=session.pk,
                result=cb.text("result"),
                opinion=cb.text("opinion"),
                note=cb.text("note"),
            ),
            gettext("已记录回访"),
        )
    else:
        raise Http404("操作不存在")
    return redirect("councils:session_detail", session_id=session.pk)
