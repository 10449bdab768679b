"""The resident's ticket pages on the phone (随手拍 / 我的反映): report a problem, follow it, rate the result.

Thin: writes through ``gongzhi.tickets.services``, reads through the scoped selectors. A resident sees
only the tickets they reported (any other is a 404, the same as a missing one), and of those only the
public steps: never a staff note, a staff member's name or another resident's report.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core import ratelimit
from gongzhi.core.access import h5_login_required, is_visitor
from gongzhi.core.errors import ApplicationError, NotFound, field_error
from gongzhi.core.http import int_or_none
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import HANDLING, Move, PhotoStage, Satisfaction, TicketStatus
from gongzhi.tickets.forms import ResidentReportForm, TicketRateForm
from gongzhi.tickets.models import Ticket, TicketEvent, TicketPhoto
from gongzhi.tickets.selectors import public as public_selectors
from gongzhi.tickets.selectors import tickets as selectors

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

PAGE_SIZE = 20
S = TicketStatus

# The status as a resident reads it: what is happening, not which desk holds it.
RESIDENT_STATUS: dict[str, Any] = {
    S.REPORTED: gettext_lazy("待受理"),
    S.ACCEPTED: gettext_lazy("已受理，正在安排处置"),
    S.ESCALATED: gettext_lazy("已上报上级协调"),
    S.RETURNED: gettext_lazy("正在重新安排处置"),
    S.DISPATCHED: gettext_lazy("处置中"),
    S.IN_PROGRESS: gettext_lazy("处置中"),
    S.HANDLED: gettext_lazy("已处置，待现场核查"),
    S.VERIFIED: gettext_lazy("待您评价"),
    S.CALLED_BACK: gettext_lazy("已评价，待办结"),
    S.CLOSED: gettext_lazy("已办结"),
    S.DECLINED: gettext_lazy("不予受理"),
    S.MERGED: gettext_lazy("已合并办理"),
}
# A short heading for each public step of the timeline.
STEP_TITLE: dict[str, Any] = {
    Move.REPORT: gettext_lazy("提交反映"),
    Move.ACCEPT: gettext_lazy("已受理"),
    Move.DECLINE: gettext_lazy("不予受理"),
    Move.MERGE: gettext_lazy("合并办理"),
    Move.DISPATCH: gettext_lazy("已派遣"),
    Move.ESCALATE: gettext_lazy("上报协调"),
    Move.RESPOND: gettext_lazy("处置单位已接单"),
    Move.RETURN: gettext_lazy("重新安排"),
    Move.HANDLE: gettext_lazy("已处置"),
    Move.VERIFY: gettext_lazy("现场核查"),
    Move.CALLBACK: gettext_lazy("回访评价"),
    Move.CLOSE: gettext_lazy("已办结"),
    Move.EXTEND: gettext_lazy("办理期限调整"),
    Move.SUPERVISE: gettext_lazy("督办"),
    Move.NOTE: gettext_lazy("补充说明"),
}
# Fields of the report form that show their own message; any other refusal shows at the top only.
REPORT_FIELDS = ("description", "category", "photos", "location", "address")


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def resident_status(status: str) -> str:
    return str(RESIDENT_STATUS.get(status, S(status).label if status in S.values else status))


def _own_ticket(actor: User, ticket_id: int) -> Ticket:
    """The actor's own report; anything else (missing, someone else's, seen only as staff) is a 404."""
    try:
        ticket = selectors.ticket_get_for_actor(actor=actor, ticket_id=ticket_id)
    except NotFound:
        raise Http404("工单不存在或无权查看") from None
    if ticket.reporter_id != actor.pk:
        raise Http404("工单不存在或无权查看")
    return ticket


# --- 随手拍: report ---------------------------------------------------------------------------------


@h5_login_required
@require_http_methods(["GET", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    error: ApplicationError | None = None
    data: dict[str, Any] = {}
    if request.method == "POST":
        form = ResidentReportForm(request.POST)
        data = form.values()
        try:
            ratelimit.limit_resident_report(request, actor)
            ticket = svc.ticket_report(
                actor=actor, data=form.ticket_input(), photos=request.FILES.getlist("photos")
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                _("已提交，工单编号 %(number)s。处理进展会在这里告诉您。") % {"number": ticket.number},
            )
            return redirect("tickets_h5:detail", ticket_id=ticket.pk)
    fields = dict(error.fields) if error else {}
    page = render(
        request,
        "tickets/h5/report.html",
        {
            "categories": selectors.category_tree(public_only=True),
            "data": data,
            "error": error,
            "field_errors": {k: v for k, v in fields.items() if k in REPORT_FIELDS},
            "other_error": error is not None and not any(k in REPORT_FIELDS for k in fields),
            # A refused form comes back without the files: say so only when some were chosen.
            "photos_sent": len(request.FILES.getlist("photos")) if error else 0,
            "max_photos": 9,
            "map_data": report_map_data(actor, data),
            "visitor": is_visitor(actor),
        },
        status=error.status if error else 200,
    )
    return ratelimit.with_retry_after(page, error)


def _own_communities(actor: User) -> list[str]:
    from gongzhi.core.scope import scope_of
    from gongzhi.places.models import Household

    household_ids = sorted(scope_of(actor).household_ids)
    if not household_ids:
        return []
    return sorted(
        set(Household.objects.filter(pk__in=household_ids).values_list("community_code", flat=True))
    )


def _point(lng: Any, lat: Any) -> tuple[float, float] | None:
    try:
        point = float(lng), float(lat)
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in point) or not (-180 <= point[0] <= 180 and -90 <= point[1] <= 90):
        return None
    return point


def map_settings() -> dict[str, str]:
    from django.conf import settings

    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def report_map_data(actor: User, data: dict[str, Any]) -> dict[str, Any]:
    """The report form's map: the grids of the resident's community (every grid for a visitor, up to a
    limit) with their names, the pin where it was (a form sent back with an error keeps it)."""
    point = _point(data.get("lng"), data.get("lat"))
    return {
        "grids": public_selectors.map_grids(community_codes=_own_communities(actor)),
        "pin": {"lng": point[0], "lat": point[1]} if point else None,
        "pick": True,
        "nearby_url": reverse("tickets_h5:nearby"),
        **map_settings(),
    }


@h5_login_required
@require_GET
def nearby(request: HttpRequest) -> HttpResponse:
    """The pin moved: the grid it lies in and the open reports near it (a fragment of the report form)."""
    actor = _actor(request)
    point = _point(request.GET.get("lng"), request.GET.get("lat"))
    if point is None:
        return render(
            request,
            "tickets/h5/_nearby.html",
            {"error": _("位置不正确，请在地图上重新标注")},
            status=400,
        )
    return render(
        request,
        "tickets/h5/_nearby.html",
        {
            "place": public_selectors.locate(*point),
            "cards": public_selectors.nearby_open(lng=point[0], lat=point[1], exclude_reporter_id=actor.pk),
            "radius": public_selectors.NEARBY_METRES,
        },
    )


@h5_login_required
@require_POST
def join(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """这也是我的问题: follow a nearby report instead of filing a second one."""
    actor = _actor(request)
    try:
        ratelimit.limit_resident_report(request, actor)
        ticket = svc.ticket_join(actor=actor, into_id=ticket_id, note=request.POST.get("note", "")[:500])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return ratelimit.with_retry_after(redirect("tickets_h5:report"), exc)
    messages.success(
        request,
        _("已加入：您和其他居民反映的是同一问题，处理结果和回访会同时告诉您。您的工单编号 %(number)s。")
        % {"number": ticket.number},
    )
    return redirect("tickets_h5:detail", ticket_id=ticket.pk)


# --- 我的反映: the resident's own tickets ---------------------------------------------------------------


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    after = request.GET.get("after", "")
    rows = selectors.ticket_list_for_actor(
        actor=actor,
        filters=selectors.clean_filters(inbox="mine"),
        after_id=int_or_none(after),
        limit=PAGE_SIZE,
    )
    tickets = rows[:PAGE_SIZE]
    return render(
        request,
        "tickets/h5/mine.html",
        {
            "tickets": [(t, resident_status(t.status)) for t in tickets],
            "next_after": tickets[-1].pk if len(rows) > PAGE_SIZE else None,
        },
    )


# --- the reporter's ticket page ------------------------------------------------------------------------


@dataclass
class Step:
    at: datetime
    title: str
    text: str
    photos: list[TicketPhoto] = field(default_factory=list)


def _step(event: TicketEvent, *, photos: bool = True) -> Step:
    text = event.public_note
    return Step(
        at=event.at,
        title=str(STEP_TITLE.get(event.move, Move(event.move).label if event.move in Move.values else "")),
        text=text,
        photos=list(event.photos.all()) if photos else [],
    )


def _merged_callback_open(ticket: Ticket, source: Ticket | None) -> bool:
    from gongzhi.tickets.services.handling import merged_callback_open

    return merged_callback_open(ticket, source)


def _detail_context(actor: User, ticket: Ticket) -> dict[str, Any]:
    # A duplicate follows the ticket it was merged into: its result is the reporter's result.
    source = ticket
    if ticket.duplicate_of_id:
        source = Ticket.objects.filter(pk=ticket.duplicate_of_id).first() or ticket
    events = selectors.public_timeline(ticket=ticket)
    done = source.status in (S.HANDLED, S.VERIFIED, S.CALLED_BACK, S.CLOSED)
    # The result card shows the latest handling's photos; the report card the reporter's own. Their steps
    # do not repeat them.
    last_handle = next((e for e in reversed(events) if e.move == Move.HANDLE), None) if done else None
    result_photos = list(last_handle.photos.all()) if last_handle else []
    steps = [_step(e, photos=e.move != Move.REPORT and e is not last_handle) for e in events]
    steps.reverse()  # newest first: the phone shows where it stands now
    return {
        "ticket": ticket,
        "status_label": resident_status(ticket.status),
        "steps": steps,
        "report_photos": list(ticket.photos.filter(stage=PhotoStage.REPORT).order_by("id")),
        "result": source.result if done else "",
        "result_photos": result_photos,
        "promise": source.deadline if source.status in HANDLING else None,
        "overdue": source.is_overdue,
        "can_rate": ticket.reporter_id == actor.pk
        and (
            ticket.status == S.VERIFIED
            or _merged_callback_open(ticket, source if source is not ticket else None)
        ),
        "satisfaction_choices": Satisfaction.choices,
        "closed": ticket.status == S.CLOSED or (ticket.status == S.MERGED and source.status == S.CLOSED),
        "map_data": _ticket_map_data(ticket),
        "public_url": reverse("tickets_h5:public", args=[ticket.community_code])
        if ticket.community_code
        else "",
    }


def _ticket_map_data(ticket: Ticket) -> dict[str, Any] | None:
    """The reporter's own ticket on a map: its pin (where they put it) and its grid."""
    grids = public_selectors.map_grids(grid_codes=[ticket.grid_code]) if ticket.grid_code else []
    if ticket.lng is None and not grids:
        return None
    return {
        "grids": grids,
        "pin": {"lng": ticket.lng, "lat": ticket.lat} if ticket.lng is not None else None,
        **map_settings(),
    }


@h5_login_required
@require_GET
def detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    actor = _actor(request)
    ticket = _own_ticket(actor, ticket_id)
    return render(request, "tickets/h5/detail.html", _detail_context(actor, ticket))


@h5_login_required
@require_POST
def rate(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """回访 by the reporter: 满意 / 基本满意 / 不满意 with a comment."""
    actor = _actor(request)
    ticket = _own_ticket(actor, ticket_id)
    form = TicketRateForm(request.POST)
    satisfaction = form.text("satisfaction")
    try:
        if satisfaction not in Satisfaction.values:
            raise field_error("satisfaction", _("请选择满意、基本满意或不满意"))
        svc.ticket_callback(
            actor=actor, ticket_id=ticket.pk, satisfaction=satisfaction, note=form.text("note")
        )
    except ApplicationError as exc:
        context = _detail_context(actor, _own_ticket(actor, ticket_id))
        context.update(rate_error=exc, data=form.values())
        return render(request, "tickets/h5/detail.html", context, status=exc.status)
    if satisfaction == Satisfaction.DISSATISFIED:
        messages.info(request, _("感谢您的评价，我们已重新安排处置，请继续关注进展。"))
    else:
        messages.success(request, _("感谢您的评价！"))
    return redirect("tickets_h5:detail", ticket_id=ticket.pk)


@h5_login_required
@require_GET
def photo(request: HttpRequest, ticket_id: int, photo_id: int) -> HttpResponse:
    """A photo of the resident's own ticket; of the ticket it was merged into, only the staff's photos
    (another resident's report photos stay theirs)."""
    actor = _actor(request)
    ticket = _own_ticket(actor, ticket_id)
    p = TicketPhoto.objects.filter(pk=photo_id, ticket_id=ticket.pk).first()
    if p is None and ticket.duplicate_of_id:
        p = (
            TicketPhoto.objects.filter(pk=photo_id, ticket_id=ticket.duplicate_of_id)
            .exclude(stage=PhotoStage.REPORT)
            .first()
        )
    if p is None:
        raise Http404("照片不存在")
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return cast("HttpResponse", response)  # a streamed file; the decorators pass it through
