"""Suggestions: made at intake (the row goes into the ticket report's own batch, so a report stays one
statement on PostgreSQL), settled by the ticket's accept and dispatch, and reviewed when uncertain."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from gongzhi.audit.services import audit_record
from gongzhi.core.errors import Conflict
from gongzhi.core.permissions import require
from gongzhi.routing import selectors
from gongzhi.routing.enums import UNCERTAIN_MARGIN
from gongzhi.routing.models import Suggestion
from gongzhi.routing.normalise import normalise
from gongzhi.routing.taxonomy import top_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

TEXT_KEPT = 1000


def suggestion_build(
    *, ticket_id: int, title: str, text: str, channel: str, place: dict[str, str], at: datetime
) -> Suggestion:
    """The suggestion row of a new ticket, not yet saved: the intake writes it with the ticket (its
    audit row covers both). Phone and ID numbers are gone from the kept text (``normalise``)."""
    label, model = selectors.active_model()
    whole = f"{title}。{text}" if title and title not in text else text
    s = model.suggest(whole)
    return Suggestion(
        created_at=at,
        updated_at=at,
        ticket_id=ticket_id,
        channel=channel,
        text=normalise(whole, strip_boilerplate=False)[:TEXT_KEPT],
        model_version=label,
        code=s.code,
        category=s.category,
        top3=s.category_top3,
        level=s.level,
        department_type=s.department_type,
        confidence=round(s.confidence, 4),
        margin=round(s.margin, 4),
        uncertain=s.margin < UNCERTAIN_MARGIN,
        district_code=place.get("district_code", ""),
        subdistrict_code=place.get("subdistrict_code", ""),
        community_code=place.get("community_code", ""),
        grid_code=place.get("grid_code", ""),
    )


def suggestions_build_many(rows: Iterable[dict[str, Any]]) -> list[Suggestion]:
    """Unsaved rows for many tickets at once (the demo's and a backfill's bulk path): each dict has
    ticket_id, title, text, channel, the place codes and at."""
    out = []
    for r in rows:
        out.append(
            suggestion_build(
                ticket_id=r["ticket_id"],
                title=r.get("title", ""),
                text=r["text"],
                channel=r.get("channel", ""),
                place=r,
                at=r["at"],
            )
        )
    return out


def suggestion_settle(
    *,
    actor: Actor | None,
    ticket_id: int,
    code: str = "",
    level: str = "",
    department_type: str = "",
    at: datetime,
) -> Suggestion | None:
    """Record the final choice as the ticket's accept (``code``) or dispatch (``level`` and
    ``department_type``, and the category then in force) makes it. Part of that move: it runs in the
    move's transaction and the move's audit row tells it; a ticket without a suggestion (one reported
    before routing existed) is left alone. Accepted without change is known once level and department
    are: the same top-level category, level and department type as suggested. At the subdistrict level
    with no department named, ``department_type`` "" reads as its squad (城管) when 城管 was suggested,
    else 街道办."""
    by = actor.pk if actor is not None else None
    if code and not level:  # accept: the category alone, one statement
        Suggestion.objects.filter(ticket_id=ticket_id).update(
            final_code=code, final_category=top_of(code), decided_at=at, decided_by_id=by, updated_at=at
        )
        return None
    row = Suggestion.objects.select_for_update().filter(ticket_id=ticket_id).first()
    if row is None:
        return None
    if level == "subdistrict" and not department_type:
        # a subdistrict without a department named: its city-management squad when 城管 was suggested
        department_type = "城管" if row.department_type == "城管" else "街道办"
    fields = ["decided_at", "decided_by", "updated_at"]
    if code:
        row.final_code, row.final_category = code, top_of(code)
        fields += ["final_code", "final_category"]
    if level:
        row.final_level = level
        row.final_department_type = department_type
        fields += ["final_level", "final_department_type"]
    if row.final_level:
        final_category = row.final_category or row.category
        row.accepted_without_change = (
            final_category == row.category
            and row.final_level == row.level
            and row.final_department_type == row.department_type
        )
        fields.append("accepted_without_change")
    row.decided_at, row.decided_by_id = at, by
    row.updated_at = at
    row.save(update_fields=fields)
    return row


@transaction.atomic
def suggestion_review(*, actor: Actor | None, suggestion_id: int, now: datetime | None = None) -> Suggestion:
    """An uncertain suggestion looked at (the list of uncertain tickets empties as they are reviewed)."""
    at = now or timezone.now()
    row = Suggestion.objects.select_for_update().filter(pk=suggestion_id).first()
    if row is None:
        from gongzhi.core.errors import NotFound

        raise NotFound(gettext("分拨建议不存在"))
    require(actor, "routing.review_suggestion", row)
    if row.reviewed_at is not None:
        raise Conflict(gettext("该建议已复核"), code="already_reviewed")
    row.reviewed_at, row.reviewed_by_id = at, actor.pk if actor is not None else None
    row.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    audit_record(actor=actor, target=row, event="routing.review", data={"ticket_id": row.ticket_id})
    return row
