"""Every read of tickets, with the actor's scope applied; missing and forbidden are the same 404.

A ticket is seen by the staff of its place (and the places above), the departments it is dispatched to
(lead or co-handling), its first responder, its named handler, and its reporter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from gongzhi.core.errors import NotFound, field_error
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import PLACE_STAFF, TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.core.textsearch import filter_text
from gongzhi.tickets.enums import (
    HANDLING,
    PLACE_LEVELS,
    TO_DISPATCH,
    AssignmentRole,
    Channel,
    Level,
    Move,
    TicketStatus,
)
from gongzhi.tickets.models import (
    Assignment,
    Category,
    Supervision,
    Ticket,
    TicketEvent,
    TicketPhoto,
    TicketPolicy,
)
from gongzhi.tickets.permissions import LEVEL_ROLES, roles_from
from gongzhi.tickets.selectors.policy import duties_separated
from gongzhi.tickets.transitions import TICKET

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_NOTHING = Q(pk__in=[])

INBOXES: dict[str, Any] = {
    "": gettext_lazy("全部"),
    "accept": gettext_lazy("待受理"),
    "dispatch": gettext_lazy("待派遣"),
    "handle": gettext_lazy("待处置"),
    "verify": gettext_lazy("待核查"),
    "callback": gettext_lazy("待回访"),
    "overdue": gettext_lazy("已超期"),
    "supervised": gettext_lazy("督办中"),
    "mine": gettext_lazy("我上报的"),
}
MAX_PAGE = 100


def _department_q(scope: Any) -> Q:
    """Tickets the actor's departments lead or co-handle.

    The lead is ``Ticket.department``: the services set it together with the active lead Assignment
    (dispatch) and clear both together (escalate, return, redispatch), so only co-handling needs the
    Assignment table. Asking it for every active assignment instead made PostgreSQL hash all of a
    department's tickets (≈200,000 at a million tickets) before returning the first page."""
    if not scope.department_ids:
        return _NOTHING
    deps = sorted(scope.department_ids)
    co = Assignment.objects.filter(department_id__in=deps, active=True, role=AssignmentRole.CO).values(
        "ticket_id"
    )
    return Q(department_id__in=deps) | Q(id__in=co)


def scope_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    q = scope.place_q(TICKET_READERS) if scope.roles & TICKET_READERS else _NOTHING
    q |= _department_q(scope)
    q |= Q(reporter_id=actor.pk) | Q(first_responder_id=actor.pk) | Q(handler_id=actor.pk)
    return q


def _handler_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    q = _department_q(scope) | Q(handler_id=actor.pk)
    for level in PLACE_LEVELS:
        codes = sorted({code for role, _lvl, code in scope.places if role in LEVEL_ROLES[level]})
        if codes:
            q |= Q(level=level, handler_place_code__in=codes)
    if scope.superuser:
        q = Q()
    return q


def _dispatcher_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    q = _NOTHING
    for level in PLACE_LEVELS:
        place = scope.place_q(roles_from(level))
        q |= Q(level=level) & place
    return q


def _worked_on_q(actor: Actor) -> Q:
    """The tickets the actor did the work on (``ticket_workers``): its named handler, or a handling result
    submitted by them in any round."""
    handled = TicketEvent.objects.filter(move=Move.HANDLE, actor_id=actor.pk).values("ticket_id")
    return Q(handler_id=actor.pk) | Q(id__in=handled)


def _kept_apart(own: Q) -> Q:
    """``own`` in the districts that keep duties apart (all but those whose admin switched it off,
    ``selectors.policy.duties_separated``): the 待核查 and 待回访 tabs do not offer the actor their own
    work, which the services would refuse (403 ``own_work``)."""
    off = list(
        TicketPolicy.objects.filter(separate_duties=False).values_list("district_code", flat=True).order_by()
    )
    return own & ~Q(district_code__in=off) if off else own


def inbox_q(actor: Actor, inbox: str, now: datetime | None = None) -> Q:
    scope = scope_of(actor)
    now = now or timezone.now()
    staff = scope.place_q(PLACE_STAFF) if (scope.superuser or scope.roles & PLACE_STAFF) else _NOTHING
    if inbox == "accept":
        return Q(status=TicketStatus.REPORTED) & staff
    if inbox == "dispatch":
        return Q(status__in=sorted(TO_DISPATCH)) & _dispatcher_q(actor)
    if inbox == "handle":
        return Q(status__in=sorted(HANDLING)) & _handler_q(actor)
    if inbox == "verify":
        mine = Q(reporter_id=actor.pk) | _worked_on_q(actor)
        return Q(status=TicketStatus.HANDLED) & (staff | Q(first_responder_id=actor.pk)) & ~_kept_apart(mine)
    if inbox == "callback":
        community = scope.place_q(roles_from(Level.COMMUNITY)) if not scope.superuser else Q()
        return (
            Q(status=TicketStatus.VERIFIED)
            & (community | Q(first_responder_id=actor.pk))
            & ~_kept_apart(_worked_on_q(actor))
        )
    if inbox == "overdue":
        return Q(status__in=sorted(HANDLING), deadline__lt=now)
    if inbox == "supervised":
        open_cards = Supervision.objects.filter(resolved_at=None).values("ticket_id")
        return Q(id__in=open_cards)
    if inbox == "mine":
        return Q(reporter_id=actor.pk)
    return Q()


@dataclass
class TicketFilters:
    inbox: str = ""
    status: list[str] | None = None
    category: str = ""
    channel: str = ""
    place: str = ""
    since: datetime | None = None
    until: datetime | None = None
    q: str = ""


def clean_filters(
    *,
    inbox: str = "",
    status: list[str] | str | None = None,
    category: str = "",
    channel: str = "",
    place: str = "",
    since: datetime | None = None,
    until: datetime | None = None,
    q: str = "",
) -> TicketFilters:
    if inbox not in INBOXES:
        raise field_error("inbox", gettext("未知的工作台分类"))
    statuses = [s for s in (status.split(",") if isinstance(status, str) else status or []) if s]
    bad = [s for s in statuses if s not in TicketStatus.values]
    if bad:
        raise field_error("status", f"未知的工单状态：{'、'.join(bad)}")
    if channel and channel not in Channel.values:
        raise field_error("channel", gettext("未知的来源渠道"))
    place = (place or "").strip()
    if place and (not place.isdigit() or len(place) not in (6, 12, 15)):
        raise field_error("place", gettext("区划代码应为6位（区县）、12位（街道/社区）或15位（网格）"))
    if since and until and since > until:
        raise field_error("since", gettext("开始时间不能晚于结束时间"))
    q = (q or "").strip()
    if len(q) > 50:
        raise field_error("q", gettext("搜索词不能超过50个字"))
    return TicketFilters(inbox, statuses, (category or "").strip(), channel, place, since, until, q)


def _place_filter(place: str) -> Q:
    if len(place) == 6:
        return Q(district_code=place)
    if len(place) == 15:
        return Q(grid_code=place)
    if place.endswith("000"):
        return Q(subdistrict_code=place)
    return Q(community_code=place)


def ticket_queryset_for_actor(
    *, actor: Actor, filters: TicketFilters, now: datetime | None = None
) -> QuerySet[Ticket]:
    qs = Ticket.objects.filter(scope_q(actor))
    if filters.inbox:
        qs = qs.filter(inbox_q(actor, filters.inbox, now))
    if filters.status:
        qs = qs.filter(status__in=filters.status)
    if filters.category:
        qs = qs.filter(Q(category__code=filters.category) | Q(category__parent__code=filters.category))
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.place:
        qs = qs.filter(_place_filter(filters.place))
    if filters.since:
        qs = qs.filter(created_at__gte=filters.since)
    if filters.until:
        qs = qs.filter(created_at__lt=filters.until)
    if filters.q:
        text = filters.q
        if text.replace("-", "").isdigit() and len(text) >= 8:
            # A ticket number (20261201-0000123) or a hotline number finds that ticket.
            tail = text.split("-")[-1]
            qs = qs.filter(Q(pk=int(tail[-9:])) if "-" in text else Q(external_id=text))
        else:
            qs = filter_text(qs, text, raw_fields=("title", "description", "address"))
    return qs


def ticket_list_for_actor(
    *,
    actor: Actor,
    filters: TicketFilters,
    after_id: int | None = None,
    limit: int = 50,
    now: datetime | None = None,
) -> list[Ticket]:
    """Newest first, keyset-paginated on id; ``limit + 1`` rows come back so the caller knows if there is more."""
    limit = max(1, min(int(limit), MAX_PAGE))
    qs = ticket_queryset_for_actor(actor=actor, filters=filters, now=now)
    if after_id:
        qs = qs.filter(id__lt=after_id)
    return list(qs.select_related("category", "department").order_by("-id")[: limit + 1])


def inbox_counts(*, actor: Actor, now: datetime | None = None) -> dict[str, int]:
    base = Ticket.objects.filter(scope_q(actor))
    return {key: base.filter(inbox_q(actor, key, now)).count() for key in INBOXES if key not in ("", "mine")}


def ticket_get_for_actor(*, actor: Actor, ticket_id: int) -> Ticket:
    ticket = (
        Ticket.objects.select_related(
            "category", "category__parent", "department", "first_responder", "handler"
        )
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None or not allowed(actor, "tickets.view_ticket", ticket):
        raise NotFound(gettext("工单不存在或无权查看"))
    return ticket


def ticket_timeline(*, ticket: Ticket, public_only: bool = False) -> list[TicketEvent]:
    """The caller has read ``ticket`` through a scoped selector."""
    qs = ticket.events.select_related("actor").prefetch_related(
        Prefetch("photos", queryset=TicketPhoto.objects.order_by("id"))
    )
    if public_only:
        qs = qs.exclude(public_note="")
    return list(qs.order_by("id"))


def public_timeline(*, ticket: Ticket) -> list[TicketEvent]:
    """What the reporter reads: their ticket's public steps, then — if it was merged — those of the
    ticket it joined, so the reporter still sees the problem fixed."""
    events = ticket_timeline(ticket=ticket, public_only=True)
    if ticket.duplicate_of_id:
        merged_into = Ticket.objects.filter(pk=ticket.duplicate_of_id).first()
        if merged_into is not None:
            later = [e for e in ticket_timeline(ticket=merged_into, public_only=True) if e.move != "report"]
            events += later
    return events


def ticket_photo_url(photo: TicketPhoto) -> str:
    """Where a photo is served: through the API, which checks the ticket's rules."""
    return f"/api/v1/tickets/photos/{photo.pk}"


def ticket_photos(*, ticket: Ticket) -> list[TicketPhoto]:
    return list(ticket.photos.order_by("id"))


def ticket_workers(ticket: Ticket) -> set[int]:
    """Who did the work on the ticket: its named handler and everyone who submitted a handling result
    (any round). They may not verify it nor call back about it (``core.duties``)."""
    handled = TicketEvent.objects.filter(ticket=ticket, move=Move.HANDLE, actor__isnull=False)
    out = set(handled.values_list("actor_id", flat=True))
    if ticket.handler_id:
        out.add(ticket.handler_id)
    return out


def ticket_actions_for_actor(*, actor: Actor, ticket: Ticket) -> list[str]:
    """The API action names this actor may try now (the services still decide)."""
    out: list[str] = []
    moves = {m.split("_")[0] for m in TICKET.allowed(ticket.status)}
    # action → the rules that let an actor try it (any of them)
    rules = {
        "accept": ("tickets.accept_ticket",),
        "decline": ("tickets.accept_ticket",),
        "merge": ("tickets.accept_ticket",),
        "dispatch": ("tickets.dispatch_ticket",),
        "respond": ("tickets.handle_ticket", "tickets.co_handle_ticket"),
        "return": ("tickets.handle_ticket",),
        "handle": ("tickets.handle_ticket",),
        "verify": ("tickets.verify_ticket",),
        "callback": ("tickets.callback_ticket",),
        "close": ("tickets.close_ticket",),
        "extend": ("tickets.handle_ticket", "tickets.decide_extension"),
        "escalate": ("tickets.escalate_ticket",),
    }
    for name, perms in rules.items():
        if name in moves and any(allowed(actor, perm, ticket) for perm in perms):
            out.append(name)
    if {"verify", "callback"} & set(out) and duties_separated(ticket.district_code):
        # Nobody checks their own work (core.duties): the services refuse it, the buttons are not offered
        # (unless the ticket's district switched the separation off: selectors/policy.py).
        workers = ticket_workers(ticket)
        own: dict[str, set[int | None]] = {"verify": {ticket.reporter_id, *workers}, "callback": {*workers}}
        out = [name for name in out if actor.pk not in own.get(name, set())]
    return out


def category_tree(*, include_inactive: bool = False, public_only: bool = False) -> list[Category]:
    qs = Category.objects.all()
    if not include_inactive:
        qs = qs.filter(active=True)
    if public_only:
        qs = qs.filter(public=True)
    rows = list(qs.order_by("order", "code"))
    by_parent: dict[int | None, list[Category]] = {}
    for c in rows:
        by_parent.setdefault(c.parent_id, []).append(c)
    majors = by_parent.get(None, [])
    for m in majors:
        m.kids = by_parent.get(m.pk, [])  # type: ignore[attr-defined]
    return majors


def supervision_list_for_actor(
    *, actor: Actor, open_only: bool = True, limit: int = 200
) -> list[Supervision]:
    scope = scope_of(actor)
    if scope.superuser:
        q = Q()
    else:
        q = scope.place_q(TICKET_READERS) if scope.roles & TICKET_READERS else _NOTHING
        if scope.department_ids:
            q |= Q(department_id__in=sorted(scope.department_ids))
    qs = Supervision.objects.filter(q)
    if open_only:
        qs = qs.filter(resolved_at=None)
    return list(qs.select_related("ticket", "department").order_by("-id")[:limit])


MAP_POINTS = 2000


def ticket_map_points_for_actor(*, actor: Actor, now: datetime | None = None) -> list[dict[str, Any]]:
    """The open tickets with a point in the actor's scope, for the grid map's ticket layer: newest first,
    at most ``MAP_POINTS``, each with whether it is overdue (the deadline passed while being handled)."""
    from gongzhi.tickets.enums import OPEN

    at = now or timezone.now()
    rows = (
        Ticket.objects.filter(scope_q(actor), status__in=sorted(OPEN), lng__isnull=False, lat__isnull=False)
        .order_by("-id")
        .values_list("pk", "created_at", "lng", "lat", "status", "deadline", "title")[:MAP_POINTS]
    )
    out = []
    for pk, created_at, lng, lat, status, deadline, title in rows:
        overdue = bool(deadline and status in HANDLING and deadline < at)
        out.append(
            {
                "id": pk,
                "number": Ticket(pk=pk, created_at=created_at).number,
                "lng": lng,
                "lat": lat,
                "overdue": overdue,
                "status": str(TicketStatus(status).label),
                "title": title,
            }
        )
    return out
