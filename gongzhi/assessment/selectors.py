"""Reads of the assessment, scope applied; a missing and a forbidden object are the same 404.

- Indicator sets and runs are read by the place readers (``PLACE_READERS``) of the set's place and of the
  places below it: a district's sets by everyone in the district, a subdistrict's by its office and its
  communities' staff.
- Results (the sheets) are read where the reader's place covers the subject's place: a community's staff
  read their community's sheet and its grids' and grid workers' sheets. A grid worker or grid head reads
  only their own sheet, of published runs (``my_sheet_list``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Q, QuerySet

from gongzhi.assessment.enums import RunStatus
from gongzhi.assessment.models import IndicatorSet, Result, Run
from gongzhi.core import codes
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import PLACE_READERS
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

_NOTHING = Q(pk__in=[])
FINAL = (RunStatus.PUBLISHED, RunStatus.SUPERSEDED)


def _sets_q(actor: Actor | None, prefix: str = "") -> Q:
    """Sets (or runs, with their set's codes) of the actor's places and the places above them."""
    scope = scope_of(actor)
    if scope.superuser:
        return Q()
    q = _NOTHING
    for role, level, code in scope.places:
        if role not in PLACE_READERS:
            continue
        if level == "district":
            q |= Q(**{f"{prefix}district_code": code})
            continue
        sub = code if level == "subdistrict" else codes.subdistrict_of(code[:12])
        q |= Q(**{f"{prefix}district_code": code[:6], f"{prefix}subdistrict_code__in": ["", sub]})
    return q


def set_visible_to(actor: Actor | None, obj: Any) -> bool:
    """Whether the actor reads the set (or run) ``obj`` (the system reads everything)."""
    if actor is None:
        return True
    return IndicatorSet.objects.filter(_sets_q(actor), pk=getattr(obj, "indicator_set_id", obj.pk)).exists()


def indicator_set_list_for_actor(*, actor: Actor, year: int | None = None) -> QuerySet[IndicatorSet]:
    qs = IndicatorSet.objects.filter(_sets_q(actor))
    if year:
        qs = qs.filter(year=year)
    return qs.order_by("-year", "subdistrict_code", "subject_kind", "pk")


def indicator_set_get_for_actor(*, actor: Actor, set_id: int) -> IndicatorSet:
    s = IndicatorSet.objects.filter(_sets_q(actor), pk=set_id).prefetch_related("lines").first()
    if s is None:
        raise NotFound()
    return s


def run_list_for_actor(*, actor: Actor, set_id: int | None = None) -> QuerySet[Run]:
    qs = Run.objects.filter(_sets_q(actor, "indicator_set__")).select_related("indicator_set")
    if set_id:
        qs = qs.filter(indicator_set_id=set_id)
    return qs.order_by("-pk")


def run_get_for_actor(*, actor: Actor, run_id: int) -> Run:
    run = (
        Run.objects.filter(_sets_q(actor, "indicator_set__"), pk=run_id)
        .select_related("indicator_set")
        .first()
    )
    if run is None:
        raise NotFound()
    return run


def _results_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    return scope.place_q(PLACE_READERS)


def result_list_for_actor(*, actor: Actor, run: Run) -> QuerySet[Result]:
    """The run's results the actor reads, ranked (the run itself already read through run_get_for_actor)."""
    return Result.objects.filter(_results_q(actor), run=run).order_by("rank", "subject_key")


def result_get_for_actor(*, actor: Actor, result_id: int) -> Result:
    """One sheet: in the reader's place, or the actor's own sheet of a published run."""
    own = Q(subject_user_id=getattr(actor, "pk", None), run__status__in=FINAL)
    r = (
        Result.objects.filter(_results_q(actor) | own, pk=result_id)
        .select_related("run__indicator_set")
        .first()
    )
    if r is None:
        raise NotFound()
    return r


def my_sheet_list(*, actor: Actor) -> QuerySet[Result]:
    """The actor's own sheets of published (and superseded) runs, newest first."""
    if getattr(actor, "pk", None) is None:
        return Result.objects.none()
    return (
        Result.objects.filter(subject_user_id=actor.pk, run__status__in=FINAL)
        .select_related("run__indicator_set")
        .order_by("-run__period_end", "-run__pk")
    )
