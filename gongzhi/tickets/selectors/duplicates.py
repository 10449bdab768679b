"""Probable duplicates of a ticket at intake, and repeat counts per place (docs/routing.md).

Candidates: the open tickets of the ticket's community (or, unplaced, its district) reported in the 30 days
before it, that the actor may see; each scored by ``routing.dedup`` (text, small class, distance, same
household or address). The window and the place keep the candidates few, so the exact score needs no
index here; ``bench/routing_dupes.py`` measures the banded-MinHash index for a city-wide window."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q

from gongzhi.routing import dedup
from gongzhi.routing import selectors as routing_selectors
from gongzhi.routing.models import Suggestion
from gongzhi.tickets.enums import OPEN, TicketStatus
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.selectors.tickets import scope_q

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

WINDOW_DAYS = 30
MAX_CANDIDATES = 300
SHOW_AT = 0.45  # shown to the handler from here; tickets_similar judges "same" at dedup.THRESHOLD


@dataclass
class Duplicate:
    ticket: Ticket
    score: float
    parts: dict[str, Any]


def _report(t: Ticket, code: str) -> dedup.Report:
    return dedup.Report(
        key=str(t.pk),
        text=f"{t.title}。{t.description}" if t.title and t.title not in t.description else t.description,
        code=code,
        point=(t.lng, t.lat) if t.lng is not None and t.lat is not None else None,
        household_id=t.household_id,
        building=(t.address or "").strip(),
    )


def ticket_duplicate_list_for_actor(*, actor: Actor, ticket: Ticket, limit: int = 5) -> list[Duplicate]:
    if ticket.status not in OPEN:
        return []
    since = ticket.created_at - timedelta(days=WINDOW_DAYS)
    place = (
        Q(community_code=ticket.community_code)
        if ticket.community_code
        else Q(district_code=ticket.district_code)
    )
    rows = list(
        Ticket.objects.filter(scope_q(actor), place, status__in=sorted(OPEN), created_at__gte=since)
        .filter(created_at__lte=ticket.created_at + timedelta(days=1))
        .exclude(pk=ticket.pk)
        .select_related("category")
        .only(
            "id",
            "title",
            "description",
            "lng",
            "lat",
            "household_id",
            "address",
            "status",
            "created_at",
            "category__code",
            "community_code",
            "grid_code",
        )
        .order_by("-created_at")[:MAX_CANDIDATES]
    )
    if not rows:
        return []
    # The routing suggestion stands in for a category not yet chosen: read only for those tickets.
    ids = [t.pk for t in (ticket, *rows) if not t.category_id]
    suggested = (
        dict(Suggestion.objects.filter(ticket_id__in=ids).values_list("ticket_id", "code")) if ids else {}
    )

    def code_of(t: Ticket) -> str:
        return (t.category.code if t.category_id and t.category else "") or suggested.get(t.pk, "")

    me = _report(ticket, code_of(ticket))
    out = []
    for r in rows:
        score, parts = dedup.score(me, _report(r, code_of(r)))
        if score >= SHOW_AT:
            out.append(Duplicate(ticket=r, score=score, parts=parts))
    out.sort(key=lambda d: (-d.score, -d.ticket.pk))
    return out[:limit]


def repeat_counts_for_actor(*, actor: Actor, since: datetime, limit: int = 20) -> list[dict[str, Any]]:
    """Tickets merged as repeats per community since a date (most first): where the same problem keeps
    being reported — the early-warning signal of 并单."""
    return list(
        Ticket.objects.filter(scope_q(actor), status=TicketStatus.MERGED, closed_at__gte=since)
        .values("community_code")
        .annotate(repeats=Count("id"))
        .order_by("-repeats", "community_code")[:limit]
    )


def routing_suggestion_of(ticket: Ticket) -> Suggestion | None:
    """The routing suggestion of a ticket the caller already found in scope."""
    return routing_selectors.suggestion_for_ticket(ticket_id=ticket.pk)
