"""The ticket page of the console: every field, the map pin, photos, supervision cards, the timeline,
and a form for each move the actor may try now.

Thin: reads through the scoped selectors, writes through ``services.ticket_move`` (the same code the API
runs).
A refused move renders the page again with the Chinese message and the field messages, with the
service's status (400 bad fields, 403, 409 illegal move), and nothing written.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import PLACE_STAFF
from gongzhi.tickets.enums import ExtensionStatus, Level, Satisfaction
from gongzhi.tickets.forms import TicketMoveForm
from gongzhi.tickets.models import LIMIT_UNITS, Ticket
from gongzhi.tickets.selectors import tickets as selectors
from gongzhi.tickets.services import ACTIONS, ticket_move
from gongzhi.tickets.services.reveal import may_reveal_reporter_phone, ticket_reporter_phone_reveal

ACTION_LABELS = {
    "accept": _("受理"),
    "decline": _("不予受理"),
    "merge": _("合并"),
    "dispatch": _("派遣"),
    "escalate": _("吹哨上报"),
    "respond": _("报到"),
    "return": _("退回"),
    "handle": _("提交处置结果"),
    "verify": _("现场核查"),
    "callback": _("回访"),
    "close": _("结案"),
    "extend": _("延期"),
}


def _map_data(ticket: Ticket) -> dict[str, Any]:
    from gongzhi.places.models import Grid

    boundary = None
    if ticket.grid_code:
        boundary = Grid.objects.filter(code=ticket.grid_code).values_list("boundary", flat=True).first()
    return {
        "pin": {"lng": ticket.lng, "lat": ticket.lat} if ticket.lng is not None else None,
        "boundary": boundary,
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }


def place_names(codes: set[str]) -> dict[str, str]:
    """Names of the places a ticket is dispatched or carded to, by code (shown instead of the code)."""
    from gongzhi.places.models import Community, District, Grid, Subdistrict

    codes = {c for c in codes if c}
    out: dict[str, str] = {}
    for model in (Grid, Community, Subdistrict, District):
        if codes - out.keys():
            out.update(model.objects.filter(code__in=sorted(codes - out.keys())).values_list("code", "name"))
    return out


def _handler_choices(ticket: Ticket) -> list[tuple[int, str]]:
    """Staff of the ticket's places, for the optional named handler (the service checks the level)."""
    from gongzhi.accounts.models import RoleAssignment

    codes = [
        c
        for c in (ticket.grid_code, ticket.community_code, ticket.subdistrict_code, ticket.district_code)
        if c
    ]
    rows = (
        RoleAssignment.objects.filter(active=True, role__in=sorted(PLACE_STAFF), place_code__in=codes)
        .select_related("user")
        .order_by("place_code", "user_id")[:100]
    )
    return [(r.user_id, f"{r.user.display_label}（{r.get_role_display()}）") for r in rows]


def _dispatch_options(ticket: Ticket) -> dict[str, Any]:
    from gongzhi.places.models import Department

    return {
        "levels": Level.choices,
        "departments": list(
            Department.objects.filter(district__code=ticket.district_code).order_by("code")[:200]
        ),
        "handlers": _handler_choices(ticket),
        "limit_units": LIMIT_UNITS,
    }


# A routing level and the ticket's own levels (the suggestion's one-click dispatch).
ROUTING_TO_TICKET_LEVEL = {"subdistrict": Level.SUBDISTRICT, "department": Level.DEPARTMENT}


def _routing_context(actor: Any, ticket: Ticket, actions: list[str]) -> dict[str, Any]:
    """The routing suggestion (top 3 with confidence, level, department type) and the probable duplicates,
    with what a one-click keep would post (docs/routing.md)."""
    from gongzhi.routing import selectors as routing_selectors
    from gongzhi.routing.enums import RoutingLevel
    from gongzhi.tickets.selectors import duplicates
    from gongzhi.tickets.services.handling import merged_callback_open

    suggestion = duplicates.routing_suggestion_of(ticket)
    merged_in = list(Ticket.objects.filter(duplicate_of_id=ticket.pk).order_by("id")[:100])
    for m in merged_in:
        m.callback_open = merged_callback_open(m, ticket) and allowed(  # type: ignore[attr-defined]
            actor, "tickets.callback_ticket", m
        )
    ctx: dict[str, Any] = {"suggestion": suggestion, "duplicates": [], "merged_in": merged_in}
    if ticket.status in ("reported", "accepted", "escalated", "returned"):
        ctx["duplicates"] = duplicates.ticket_duplicate_list_for_actor(actor=actor, ticket=ticket)
    if suggestion is None:
        return ctx
    ctx["suggestion_level_label"] = RoutingLevel(suggestion.level).label
    final = suggestion.final_level
    ctx["final_level_label"] = RoutingLevel(final).label if final in RoutingLevel.values else final
    if "dispatch" in actions:
        level = ROUTING_TO_TICKET_LEVEL.get(
            suggestion.level, Level.GRID if ticket.grid_code else Level.COMMUNITY
        )
        department = None
        if level == Level.DEPARTMENT:
            department = routing_selectors.department_for_type(
                district_code=ticket.district_code, department_type=suggestion.department_type
            )
        ctx["suggested_dispatch"] = {
            "level": level,
            "level_label": Level(level).label,
            "department": department,
            "ready": level != Level.DEPARTMENT or department is not None,
        }
    return ctx


def ticket_context(
    request: HttpRequest,
    ticket: Ticket,
    *,
    failed: str = "",
    error: ApplicationError | None = None,
) -> dict[str, Any]:
    actor = actor_of(request)
    staff = allowed(actor, "tickets.view_timeline", ticket)
    events = selectors.ticket_timeline(ticket=ticket) if staff else selectors.public_timeline(ticket=ticket)
    photos = selectors.ticket_photos(ticket=ticket)
    for p in photos:
        p.url = selectors.ticket_photo_url(p)  # type: ignore[attr-defined]
    for e in events:
        for p in e.photos.all():
            p.url = selectors.ticket_photo_url(p)  # type: ignore[attr-defined]
    actions = selectors.ticket_actions_for_actor(actor=actor, ticket=ticket)
    pending = ticket.extensions.filter(status=ExtensionStatus.PENDING).first()
    extend_mode = ""
    if "extend" in actions:
        if pending and allowed(actor, "tickets.decide_extension", ticket):
            extend_mode = "decide"
        elif not pending and allowed(actor, "tickets.handle_ticket", ticket):
            extend_mode = "request"
    supervisions = list(ticket.supervisions.select_related("department").order_by("-id"))
    assignments = list(
        ticket.assignments.filter(active=True).select_related("department", "handler").order_by("id")
    )
    names = place_names({a.place_code for a in assignments} | {s.handler_place_code for s in supervisions})
    for row in [*assignments, *supervisions]:
        code = getattr(row, "place_code", "") or getattr(row, "handler_place_code", "")
        row.place_name = names.get(code, code)  # type: ignore[attr-defined]
    ctx: dict[str, Any] = {
        "ticket": ticket,
        # the calendar's warning on the deadline only to whom can enter the calendar (the district admin)
        "calendar_fixer": allowed(actor, "workdays.change_holidayyear"),
        "events": events,
        "staff_view": staff,
        "photos": photos,
        "actions": actions,
        "action_labels": ACTION_LABELS,
        "supervisions": supervisions,
        "assignments": assignments,
        "pending_extension": pending,
        "extend_mode": extend_mode,
        "categories": selectors.category_tree() if {"accept", "dispatch"} & set(actions) else [],
        "satisfactions": Satisfaction.choices,
        "map_data": _map_data(ticket),
        "failed": failed,
        "error": error,
        "errors": (error.fields or {}) if error else {},
        "posted": TicketMoveForm(request.POST).values() if failed else {},
    }
    if "callback" in actions or ticket.status == "merged":
        ctx["may_reveal_phone"] = may_reveal_reporter_phone(actor, ticket)
    if staff:
        ctx.update(_routing_context(actor, ticket, actions))
    if "dispatch" in actions:
        ctx.update(_dispatch_options(ticket))
    elif "extend" in actions:
        ctx["limit_units"] = LIMIT_UNITS
    return ctx


@console_login_required
@require_GET
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    try:
        ticket = selectors.ticket_get_for_actor(actor=actor_of(request), ticket_id=ticket_id)
    except NotFound:
        raise Http404 from None
    return render(request, "tickets/console/detail.html", ticket_context(request, ticket))


@console_login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id: int, action: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        ticket = selectors.ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
    except NotFound:
        raise Http404 from None
    if action not in ACTIONS:
        raise Http404
    try:
        payload = TicketMoveForm(request.POST).move_in()
        ticket_move(
            actor=actor,
            ticket_id=ticket_id,
            action=action,
            data=payload,
            photos=request.FILES.getlist("photos"),
        )
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        # Nothing was written (one transaction); show the page as it is now with the message.
        ticket = selectors.ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
        return render(
            request,
            "tickets/console/detail.html",
            ticket_context(request, ticket, failed=action, error=exc),
            status=exc.status,
        )
    messages.success(request, gettext("已办理：%(action)s") % {"action": ACTION_LABELS[action]})
    return redirect("tickets:detail", ticket_id=ticket_id)


@console_login_required
@require_POST
def reporter_phone_reveal(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """The reporter's full number for the callback (回访): the ticket page again, not cached, with the number
    and a tel: link in the callback block; the service checks who may and writes the audit row."""
    actor = actor_of(request)
    try:
        ticket = selectors.ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
        phone = ticket_reporter_phone_reveal(actor=actor, ticket_id=ticket_id)
    except NotFound:
        raise Http404 from None
    except ApplicationError as exc:
        return render(
            request,
            "tickets/console/detail.html",
            ticket_context(request, ticket, failed="reveal", error=exc),
            status=exc.status,
        )
    ctx = ticket_context(request, ticket)
    ctx["revealed_phone"] = phone
    response = render(request, "tickets/console/detail.html", ctx)
    response["Cache-Control"] = "no-store"
    return response
