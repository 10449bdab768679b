"""Reads of routing, with the actor's scope applied; missing and forbidden are the same 404.

Suggestions follow their ticket's place codes: place staff and auditors (``TICKET_READERS``) read those of
their places. The department mapping, candidate keywords and model versions are the district's."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import TruncMonth
from django.utils.translation import gettext

from gongzhi.core.errors import NotFound
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.routing import classifier
from gongzhi.routing.enums import KeywordStatus
from gongzhi.routing.models import DepartmentMapping, KeywordCandidate, ModelVersion, Suggestion

if TYPE_CHECKING:
    from gongzhi.core.types import Actor
    from gongzhi.places.models import Department

SHIPPED = "shipped"

# --- the model in use -----------------------------------------------------------------------------------

_model_lock = threading.Lock()
_model_cache: dict[str, Any] = {}


def forget_model() -> None:
    """Drop this process's cached model (a deploy in this process calls it; others follow within
    ``ROUTING_MODEL_CACHE_SECONDS``)."""
    with _model_lock:
        _model_cache.clear()


def active_model() -> tuple[str, classifier.Model]:
    """(version label, model): the active retrained model, else the shipped one. Checked at most every
    ``ROUTING_MODEL_CACHE_SECONDS`` (60) per process, so an intake costs no query."""
    every = float(getattr(settings, "ROUTING_MODEL_CACHE_SECONDS", 60))
    now = time.monotonic()
    hit = _model_cache.get("model")
    if hit is not None and now - hit[0] < every:
        return hit[1], hit[2]
    row = ModelVersion.objects.filter(active=True).values_list("pk", flat=True).first()
    label = f"v{row}" if row else SHIPPED
    if hit is not None and hit[1] == label:
        model = hit[2]
    elif row:
        model = classifier.Model.loads(bytes(ModelVersion.objects.get(pk=row).blob))
    else:
        model = classifier.shipped_model()
    with _model_lock:
        _model_cache["model"] = (now, label, model)
    return label, model


# --- suggestions ----------------------------------------------------------------------------------------


def _suggestions_q(actor: Actor) -> Q:
    return scope_of(actor).place_q(TICKET_READERS)


def suggestion_for_ticket(*, ticket_id: int) -> Suggestion | None:
    """The suggestion of a ticket the caller has already found in scope (the tickets pages)."""
    return Suggestion.objects.filter(ticket_id=ticket_id).first()


def suggestion_of_ticket_for_actor(*, actor: Actor, ticket_id: int) -> Suggestion | None:
    """A ticket's suggestion if the actor reads tickets of its place (else None: the same 404)."""
    return Suggestion.objects.filter(_suggestions_q(actor), ticket_id=ticket_id).first()


def suggestion_list_for_actor(
    *, actor: Actor, uncertain_only: bool = False, open_only: bool = True, limit: int = 200
) -> QuerySet[Suggestion]:
    qs = Suggestion.objects.filter(_suggestions_q(actor))
    if uncertain_only:
        qs = qs.filter(uncertain=True)
        if open_only:
            qs = qs.filter(reviewed_at=None)
    return qs.order_by("-created_at", "-id")[:limit]


def suggestion_get_for_actor(*, actor: Actor, suggestion_id: int) -> Suggestion:
    row = Suggestion.objects.filter(_suggestions_q(actor), pk=suggestion_id).first()
    if row is None:
        raise NotFound(gettext("分拨建议不存在"))
    return row


@dataclass
class MonthFigure:
    month: str
    suggestions: int
    decided: int
    unchanged: int
    category_right: int

    @property
    def unchanged_share(self) -> float | None:
        return self.unchanged / self.decided if self.decided else None

    @property
    def category_share(self) -> float | None:
        return self.category_right / self.decided if self.decided else None


def accuracy_by_month(*, actor: Actor, months: int = 12) -> list[MonthFigure]:
    """Per month of the suggestion: how many were made, decided, accepted without change, and how many
    had the top-level category right."""
    base = Suggestion.objects.filter(_suggestions_q(actor))
    rows = (
        base.annotate(m=TruncMonth("created_at"))
        .values("m")
        .annotate(
            n=Count("id"),
            decided=Count("id", filter=Q(accepted_without_change__isnull=False)),
            unchanged=Count("id", filter=Q(accepted_without_change=True)),
            right=Count(
                "id", filter=Q(accepted_without_change__isnull=False) & Q(final_category=F("category"))
            ),
        )
        .order_by("-m")[:months]
    )
    return [
        MonthFigure(
            month=r["m"].strftime("%Y-%m") if r["m"] else "",
            suggestions=r["n"],
            decided=r["decided"],
            unchanged=r["unchanged"],
            category_right=r["right"],
        )
        for r in rows
    ]


def routing_overview(*, actor: Actor) -> dict[str, Any]:
    """Suggestions made in the actor's places, and the share of decided ones kept unchanged."""
    return _counts(Suggestion.objects.filter(_suggestions_q(actor)))


def routing_counts() -> dict[str, Any]:
    """The public overview's ``routing`` key (district-wide sums only)."""
    return _counts(Suggestion.objects.all())


def _counts(qs: QuerySet[Suggestion]) -> dict[str, Any]:
    agg = qs.aggregate(
        n=Count("id"),
        decided=Count("id", filter=Q(accepted_without_change__isnull=False)),
        unchanged=Count("id", filter=Q(accepted_without_change=True)),
    )
    share = round(agg["unchanged"] / agg["decided"], 4) if agg["decided"] else None
    return {"suggestions": agg["n"], "accepted_without_change_share": share}


# --- the district's tables ------------------------------------------------------------------------------


def district_codes_for_actor(*, actor: Actor) -> list[str]:
    scope = scope_of(actor)
    if scope.superuser:
        from gongzhi.places.models import District

        return list(District.objects.values_list("code", flat=True))
    return sorted(scope.district_codes)


def mapping_list_for_actor(*, actor: Actor) -> QuerySet[DepartmentMapping]:
    return (
        DepartmentMapping.objects.filter(district_code__in=district_codes_for_actor(actor=actor))
        .select_related("department")
        .order_by("district_code", "department_type")
    )


def department_for_type(*, district_code: str, department_type: str) -> Department | None:
    row = (
        DepartmentMapping.objects.filter(district_code=district_code, department_type=department_type)
        .select_related("department")
        .first()
    )
    return row.department if row else None


def type_of_department(*, department_id: int) -> str:
    """The department type a district mapped this department to ('' when unmapped)."""
    return (
        DepartmentMapping.objects.filter(department_id=department_id)
        .values_list("department_type", flat=True)
        .first()
        or ""
    )


def keyword_candidate_list_for_actor(
    *, actor: Actor, status: str = KeywordStatus.PROPOSED
) -> QuerySet[KeywordCandidate]:
    qs = KeywordCandidate.objects.filter(district_code__in=district_codes_for_actor(actor=actor))
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("code", "-support", "word")[:300]


def keyword_candidate_get_for_actor(*, actor: Actor, candidate_id: int) -> KeywordCandidate:
    row = KeywordCandidate.objects.filter(
        district_code__in=district_codes_for_actor(actor=actor), pk=candidate_id
    ).first()
    if row is None:
        raise NotFound(gettext("候选关键词不存在"))
    return row


def approved_keywords() -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for code, word in KeywordCandidate.objects.filter(status=KeywordStatus.APPROVED).values_list(
        "code", "word"
    ):
        out.setdefault(code, []).append(word)
    return {k: sorted(set(v)) for k, v in out.items()}


def model_version_list() -> QuerySet[ModelVersion]:
    return ModelVersion.objects.defer("blob").select_related("created_by").order_by("-id")[:50]
