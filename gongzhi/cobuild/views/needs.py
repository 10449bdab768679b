"""Console pages of the needs list: record a need (a grid worker's visit or the community's own), a need
with the resources suggested for it, withdraw, and a ticket turned into a need.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.cobuild import matching, selectors
from gongzhi.cobuild.enums import CATEGORIES, Frequency, NeedSource, NeedStatus, Urgency
from gongzhi.cobuild.forms import SCHEDULES, NeedForm, NeedFromTicketForm
from gongzhi.cobuild.services import needs
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import GRID_STAFF
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

PAGE_SIZE = 100


def _grids(actor: Actor, communities: list[Any]) -> list[Any]:
    """Grids where the actor may record a visit's need: their own grids, and those of their communities."""
    from gongzhi.places.models import Grid

    q = Q(code__in=sorted(scope_of(actor).codes(GRID_STAFF)["grid"])) | Q(community__in=communities)
    return list(Grid.objects.filter(q).order_by("code")[:300])


@console_login_required
@require_http_methods(["GET", "POST"])
def need_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = selectors.community_choice_list_for_actor(actor=actor)
    grids = _grids(actor, communities)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"category": "", "urgency": Urgency.NORMAL, "quantity": "1"}
    if request.method == "POST":
        posted = NeedForm(request.POST)
        form = posted.values()
        grid_id = posted.number("grid_id")
        try:
            need = needs.need_raise(
                actor=actor,
                data=posted.need_input(),
                # a need recorded in a grid is a grid worker's visit; otherwise the community's own
                source=NeedSource.GRID_WORKER if grid_id else NeedSource.COMMUNITY,
                grid_id=grid_id,
                community_id=posted.number("community_id")
                or (communities[0].pk if len(communities) == 1 else None),
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已登记需求“%(title)s”") % {"title": need.title})
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
    suggestions = selectors.need_suggestions(need) if need.status == NeedStatus.OPEN else []
    return render(
        request,
        "cobuild/console/need_detail.html",
        {
            "need": need,
            "schedule_label": matching.describe_mask(need.schedule),
            "suggestions": suggestions,
            "can_manage": allowed(actor, "cobuild.manage_need", need),
            "links": list(need.project_links.select_related("project")),
        },
    )


@console_login_required
@require_POST
def need_withdraw(request: HttpRequest, need_id: int) -> HttpResponse:
    try:
        needs.need_withdraw(
            actor=actor_of(request), need_id=need_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(request, gettext("需求已撤回"))
    except ApplicationError as exc:
        refused(request, exc)
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
    posted: dict[str, Any] = {}
    if request.method == "POST":
        form = NeedFromTicketForm(request.POST)
        posted = form.values()
        try:
            need = needs.need_from_ticket(actor=actor, ticket_id=ticket_id, **form.need_from_ticket_kwargs())
        except NotFound as exc:
            raise Http404(exc.message) from exc
        except ApplicationError as exc:
            error, status = exc.message, exc.status
        else:
            messages.success(
                request, gettext("工单已转为居民需求（需求编号%(pk)s），并告知上报人") % {"pk": need.pk}
            )
            return redirect("cobuild:need_detail", need_id=need.pk)
    return render(
        request,
        "cobuild/console/need_from_ticket.html",
        {"ticket": ticket, "categories": CATEGORIES, "error": error, "post": posted},
        status=status,
    )
