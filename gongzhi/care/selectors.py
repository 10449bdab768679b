"""Reads of the care app, scope applied: rosters, the overdue list, visits, care visits, figures.

Population roles read the care rows of their places (``Scope.place_q(POPULATION_ROLES)``); the
need-to-know groups are left out of every list unless the caller asks for them after the reveal
(``services.sensitive_reveal``, audited), and then only in districts the account holds a grant for.
A missing row and a forbidden one are the same 404.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.cache import cache
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from gongzhi.care.enums import OPEN_GROUPS, CareGroup, MembershipStatus
from gongzhi.care.models import CareGrant, CareMembership, CareVisit, Visit, VisitPhoto
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of

if TYPE_CHECKING:
    from gongzhi.core.types import Actor

ACTIVE = MembershipStatus.ACTIVE


GRANT_NAV_KEY = "care:granted:{}"
GRANT_NAV_SECONDS = 300


def has_grant_for_nav(actor: Actor) -> bool:
    """Whether the console menu shows the need-to-know link: from the cache (every console page asks, so
    no query per page), filled from ``granted_districts`` and dropped when a grant is given or revoked.
    The page itself always reads the grants from the database."""
    if actor is None or not actor.is_authenticated:
        return False
    key = GRANT_NAV_KEY.format(actor.pk)
    held = cache.get(key)
    if held is None:
        held = bool(granted_districts(actor))
        cache.set(key, held, GRANT_NAV_SECONDS)
    return bool(held)


def granted_districts(actor: Actor) -> set[str]:
    if actor is None or not actor.is_authenticated:
        return set()
    return set(
        CareGrant.objects.filter(user_id=actor.pk, revoked_at__isnull=True).values_list(
            "district_code", flat=True
        )
    )


def _place_q(actor: Actor) -> Q:
    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        return Q(pk__in=[])
    return scope.place_q(POPULATION_ROLES)


def _sensitive_q(actor: Actor, include_sensitive: bool) -> Q:
    """Open rows always; need-to-know rows only when asked for (after the audited reveal) and granted."""
    if not include_sensitive:
        return Q(sensitive=False)
    return Q(sensitive=False) | Q(sensitive=True, district_code__in=sorted(granted_districts(actor)))


def membership_list_for_actor(
    *,
    actor: Actor,
    group: str = "",
    grid_code: str = "",
    community_code: str = "",
    person_id: int | None = None,
    include_sensitive: bool = False,
    only_sensitive: bool = False,
    active_only: bool = True,
) -> QuerySet[CareMembership]:
    qs = CareMembership.objects.filter(
        _place_q(actor), _sensitive_q(actor, include_sensitive or only_sensitive)
    )
    if only_sensitive:
        qs = qs.filter(sensitive=True)
    if active_only:
        qs = qs.filter(status=ACTIVE)
    if group:
        qs = qs.filter(group=group)
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if person_id:
        qs = qs.filter(person_id=person_id)
    return qs.select_related("person", "person__household", "carer").order_by(
        "grid_code", "group", "person_id"
    )


def membership_get_for_actor(*, actor: Actor, membership_id: int) -> CareMembership:
    row = (
        CareMembership.objects.filter(_place_q(actor), _sensitive_q(actor, True), pk=membership_id)
        .select_related("person", "carer")
        .first()
    )
    if row is None:
        raise NotFound()
    return row


def overdue_list_for_actor(
    *,
    actor: Actor,
    today: dt.date | None = None,
    carer_id: int | None = None,
    grid_code: str = "",
    limit: int = 200,
) -> list[CareMembership]:
    """Active members not visited within their frequency (``due_on`` before today), longest overdue
    first: an index range on (place, due_on) of the active rows, not a loop over persons."""
    today = today or timezone.localdate()
    qs = CareMembership.objects.filter(_place_q(actor), status=ACTIVE, sensitive=False, due_on__lt=today)
    if carer_id:
        qs = qs.filter(carer_id=carer_id)
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    return list(qs.select_related("person", "carer").order_by("due_on", "id")[:limit])


@dataclass
class OverdueCounts:
    mine: int = 0
    by_grid: list[tuple[str, int]] = field(default_factory=list)  # (grid code, overdue)
    total: int = 0


def overdue_counts_for_actor(*, actor: Actor, today: dt.date | None = None) -> OverdueCounts:
    """The worker's home page: their own overdue people (as carer) and the overdue per grid in scope."""
    today = today or timezone.localdate()
    qs = CareMembership.objects.filter(_place_q(actor), status=ACTIVE, sensitive=False, due_on__lt=today)
    rows = list(qs.values("grid_code").annotate(n=Count("id")).order_by("-n", "grid_code")[:50])
    mine = CareMembership.objects.filter(carer_id=actor.pk, status=ACTIVE, sensitive=False, due_on__lt=today)
    return OverdueCounts(
        mine=mine.count(),
        by_grid=[(r["grid_code"], r["n"]) for r in rows],
        total=sum(r["n"] for r in rows),
    )


def visit_list_for_actor(
    *,
    actor: Actor,
    grid_code: str = "",
    community_code: str = "",
    month: dt.date | None = None,
    person_id: int | None = None,
    limit: int | None = 500,
) -> QuerySet[Visit]:
    qs = Visit.objects.filter(_place_q(actor), _sensitive_q(actor, False))
    if grid_code:
        qs = qs.filter(grid_code=grid_code)
    if community_code:
        qs = qs.filter(community_code=community_code)
    if month:
        qs = qs.filter(visited_on__gte=month, visited_on__lt=_next_month(month))
    if person_id:
        qs = qs.filter(person_id=person_id)
    qs = qs.select_related("person", "household", "need", "ticket").order_by("-visited_on", "-id")
    return qs[:limit] if limit else qs


def visit_get_for_actor(*, actor: Actor, visit_id: int) -> Visit:
    visit = (
        Visit.objects.filter(_place_q(actor), _sensitive_q(actor, True), pk=visit_id)
        .select_related("person", "household", "need", "ticket", "recorded_by")
        .first()
    )
    if visit is None:
        raise NotFound()
    return visit


def visit_photo_get_for_actor(*, actor: Actor, photo_id: int) -> VisitPhoto:
    photo = VisitPhoto.objects.select_related("visit").filter(pk=photo_id).first()
    if photo is None:
        raise NotFound()
    visit_get_for_actor(actor=actor, visit_id=photo.visit_id)
    return photo


def care_visit_list_for_actor(
    *,
    actor: Actor,
    community_code: str = "",
    occasion: str = "",
    year: int | None = None,
    limit: int | None = 1000,
) -> QuerySet[CareVisit]:
    qs = CareVisit.objects.filter(_place_q(actor))
    if community_code:
        qs = qs.filter(community_code=community_code)
    if occasion:
        qs = qs.filter(occasion=occasion)
    if year:
        qs = qs.filter(visited_on__year=year)
    qs = qs.select_related("person", "person__household").order_by("-visited_on", "community_code", "id")
    return qs[:limit] if limit else qs


def care_person_choice_list_for_actor(*, actor: Actor, q: str = "", limit: int = 50) -> list:
    """Persons the actor may put into a group or visit: the population register in their editing scope."""
    from gongzhi.core.roles import POPULATION_EDITORS
    from gongzhi.people.models import Person

    scope = scope_of(actor)
    qs = Person.objects.filter(scope.place_q(POPULATION_EDITORS))
    if q:
        qs = qs.filter(name__contains=q.strip()[:20])
    return list(qs.select_related("household").order_by("grid_code", "id")[:limit])


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


@dataclass
class GridFigures:
    grid_code: str
    grid_name: str
    by_group: dict[str, int]
    people: int
    visited_this_month: int
    overdue: int

    @property
    def labelled(self) -> list[tuple[str, int]]:
        return [(str(GROUP_LABELS.get(k, k)), n) for k, n in sorted(self.by_group.items())]

    @property
    def rate(self) -> str:
        return f"{100 * self.visited_this_month / self.people:.0f}%" if self.people else "—"


def grid_figures_for_actor(*, actor: Actor, today: dt.date | None = None) -> list[GridFigures]:
    """Per grid in scope: people in each open group, visited this month (≥ 1 visit since the 1st), overdue.
    Three grouped queries, whatever the number of grids."""
    from gongzhi.places.models import Grid

    today = today or timezone.localdate()
    first = today.replace(day=1)
    active = CareMembership.objects.filter(_place_q(actor), status=ACTIVE, sensitive=False)
    grids: dict[str, GridFigures] = {}
    for row in active.values("grid_code", "group").annotate(n=Count("person_id", distinct=True)):
        g = grids.setdefault(row["grid_code"], GridFigures(row["grid_code"], "", {}, 0, 0, 0))
        g.by_group[row["group"]] = row["n"]
    for row in active.values("grid_code").annotate(n=Count("person_id", distinct=True)):
        grids[row["grid_code"]].people = row["n"]
    visited = (
        active.filter(last_visited_on__gte=first)
        .values("grid_code")
        .annotate(n=Count("person_id", distinct=True))
    )
    for row in visited:
        grids[row["grid_code"]].visited_this_month = row["n"]
    for row in active.filter(due_on__lt=today).values("grid_code").annotate(n=Count("id")):
        grids[row["grid_code"]].overdue = row["n"]
    names = dict(Grid.objects.filter(code__in=sorted(grids)).values_list("code", "name"))
    for g in grids.values():
        g.grid_name = names.get(g.grid_code, g.grid_code)
    return [grids[k] for k in sorted(grids)]


def care_counts(today: dt.date | None = None) -> dict[str, int]:
    """The district overview (``/api/v1/overview`` key ``care``), from the records."""
    today = today or timezone.localdate()
    active = CareMembership.objects.filter(status=ACTIVE)
    return {
        "people_in_care_groups": active.values("person_id").distinct().count(),
        "visits_this_month": Visit.objects.filter(
            visited_on__gte=today.replace(day=1), visited_on__lte=today
        ).count(),
        "visits_overdue": active.filter(due_on__lt=today).count(),
    }


GROUP_LABELS = dict(CareGroup.choices)
OPEN_GROUP_CHOICES = [(g, GROUP_LABELS[g]) for g in OPEN_GROUPS]


def home_overdue_for_actor(*, actor: Actor) -> OverdueCounts | None:
    """The console home page's care panel: None for an account without a population role."""
    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        return None
    counts = overdue_counts_for_actor(actor=actor)
    from gongzhi.places.models import Grid

    names = dict(Grid.objects.filter(code__in=[c for c, _n in counts.by_grid]).values_list("code", "name"))
    counts.by_grid = [(names.get(c, c), n) for c, n in counts.by_grid]  # shown by name
    return counts
