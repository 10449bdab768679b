"""Reads of patrols: a worker's own patrols, daily coverage per grid (每日一巡查) and the monthly summary
per grid and community (每月一总结). Figures come from the records with a fixed number of grouped queries,
whatever the number of grids in scope."""

from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext

from gongzhi.core.errors import Forbidden, NotFound, field_error
from gongzhi.core.roles import TICKET_READERS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import Grid
from gongzhi.tickets.enums import TicketStatus
from gongzhi.tickets.models import Patrol, PatrolCheckIn, Ticket

if TYPE_CHECKING:
    from gongzhi.core.types import Actor


def patrol_list_for_actor(*, actor: Actor, limit: int = 20) -> QuerySet[Patrol]:
    """The actor's own patrols, newest first, with their check-in and ticket counts."""
    return (
        Patrol.objects.filter(worker_id=actor.pk)
        .select_related("grid")
        .annotate(
            checkin_count=Count("checkins", distinct=True), ticket_count=Count("tickets", distinct=True)
        )
        .order_by("-started_at", "-id")[:limit]
    )


def patrol_get_for_actor(*, actor: Actor, patrol_id: int) -> Patrol:
    """A worker reads their own patrol; place staff read the patrols of their places."""
    scope = scope_of(actor)
    q = Q(worker_id=actor.pk) | scope.place_q(TICKET_READERS)
    patrol = Patrol.objects.filter(q, pk=patrol_id).select_related("grid", "worker").first()
    if patrol is None:
        raise NotFound(gettext("巡查记录不存在"))
    return patrol


def active_patrol_of(actor: Actor) -> Patrol | None:
    return Patrol.objects.filter(worker_id=actor.pk, status="active").select_related("grid").first()


def _place_q(place: str, prefix: str = "") -> Q:
    place = (place or "").strip()
    if not place:
        return Q()
    if not place.isdigit() or len(place) not in (6, 12, 15):
        raise field_error("place", gettext("区划代码应为6位（区县）、12位（街道/社区）或15位（网格）"))
    if len(place) == 6:
        level = "district"
    elif len(place) == 15:
        level = "grid"
    elif place.endswith("000"):
        level = "subdistrict"
    else:
        level = "community"
    return Q(**{f"{prefix}{level}_code": place})


def _scope_q(actor: Actor, place: str, prefix: str = "") -> Q:
    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & TICKET_READERS):
        raise Forbidden(gettext("只有网格、社区、街道和区级工作人员可以查看巡查统计"))
    return scope.place_q(TICKET_READERS, prefix) & _place_q(place, prefix)


def _grids(actor: Actor, place: str) -> list[Grid]:
    return list(
        Grid.objects.filter(_scope_q(actor, place))
        .select_related("community")
        .only("code", "name", "kind", "community__code", "community__name")
        .order_by("code")
    )


@dataclass
class GridCoverage:
    code: str
    name: str
    community_code: str
    community_name: str
    patrols: int = 0
    checkins: int = 0

    @property
    def covered(self) -> bool:
        """每日一巡查: the grid had a patrol with at least one check-in that day."""
        return self.checkins > 0


@dataclass
class Coverage:
    day: date
    grids: list[GridCoverage]

    @property
    def total(self) -> int:
        return len(self.grids)

    @property
    def covered(self) -> int:
        return sum(1 for g in self.grids if g.covered)

    @property
    def percent(self) -> float:
        return round(100.0 * self.covered / self.total, 1) if self.total else 0.0


def patrol_coverage(*, actor: Actor, day: date, place: str = "") -> Coverage:
    grids = _grids(actor, place)
    patrols = dict(
        Patrol.objects.filter(_scope_q(actor, place), day=day)
        .values("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
    )
    checkins = dict(
        PatrolCheckIn.objects.filter(_scope_q(actor, place, "patrol__"), patrol__day=day)
        .values("patrol__grid_code")
        .annotate(n=Count("id"))
        .values_list("patrol__grid_code", "n")
    )
    return Coverage(
        day=day,
        grids=[
            GridCoverage(
                code=g.code,
                name=g.name,
                community_code=g.community.code,
                community_name=g.community.name,
                patrols=patrols.get(g.code, 0),
                checkins=checkins.get(g.code, 0),
            )
            for g in grids
        ],
    )


def parse_month(month: str) -> tuple[date, date]:
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", (month or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12 or not 2000 <= int(m.group(1)) <= 2100:
        raise field_error("month", gettext("月份格式应为YYYY-MM，如 2026-11"))
    year, mon = int(m.group(1)), int(m.group(2))
    return date(year, mon, 1), date(year, mon, calendar.monthrange(year, mon)[1])


@dataclass
class SummaryRow:
    code: str
    name: str
    grids: int = 1
    grids_patrolled: int = 0
    patrol_days: int = 0  # days with a patrol that checked in at least once (summed over grids)
    patrols: int = 0
    checkins: int = 0
    tickets: int = 0
    closed: int = 0
    by_category: Counter[str] = field(default_factory=Counter)

    @property
    def categories(self) -> list[tuple[str, int]]:
        return self.by_category.most_common()


@dataclass
class MonthSummary:
    month: str
    first: date
    last: date
    grids: list[SummaryRow]
    communities: list[SummaryRow]

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


UNCATEGORISED = "未分类"


def patrol_month_summary(*, actor: Actor, month: str, place: str = "") -> MonthSummary:
    first, last = parse_month(month)
    grids = _grids(actor, place)
    in_month = {"day__gte": first, "day__lte": last}
    patrols = dict(
        Patrol.objects.filter(_scope_q(actor, place), **in_month)
        .values("grid_code")
        .annotate(n=Count("id"))
        .values_list("grid_code", "n")
    )
    checkins = {
        row["patrol__grid_code"]: row
        for row in PatrolCheckIn.objects.filter(
            _scope_q(actor, place, "patrol__"), patrol__day__gte=first, patrol__day__lte=last
        )
        .values("patrol__grid_code")
        .annotate(n=Count("id"), days=Count("patrol__day", distinct=True))
    }
    on_patrol = Ticket.objects.filter(
        _scope_q(actor, place, "patrol__"), patrol__day__gte=first, patrol__day__lte=last
    )
    tickets = {
        row["patrol__grid_code"]: row
        for row in on_patrol.values("patrol__grid_code").annotate(
            n=Count("id"), closed=Count("id", filter=Q(status=TicketStatus.CLOSED))
        )
    }
    by_category: dict[str, Counter[str]] = {}
    for cat in on_patrol.values("patrol__grid_code", "category__name").annotate(n=Count("id")):
        name = cat["category__name"] or UNCATEGORISED
        by_category.setdefault(cat["patrol__grid_code"], Counter())[name] += cat["n"]

    grid_rows: list[SummaryRow] = []
    communities: dict[str, SummaryRow] = {}
    for g in grids:
        c, t = checkins.get(g.code, {}), tickets.get(g.code, {})
        row = SummaryRow(
            code=g.code,
            name=g.name,
            patrol_days=c.get("days", 0),
            patrols=patrols.get(g.code, 0),
            checkins=c.get("n", 0),
            tickets=t.get("n", 0),
            closed=t.get("closed", 0),
            by_category=by_category.get(g.code, Counter()),
        )
        row.grids_patrolled = 1 if row.patrol_days else 0
        grid_rows.append(row)
        com = communities.setdefault(
            g.community.code, SummaryRow(code=g.community.code, name=g.community.name, grids=0)
        )
        com.grids += 1
        com.grids_patrolled += row.grids_patrolled
        com.patrol_days += row.patrol_days
        com.patrols += row.patrols
        com.checkins += row.checkins
        com.tickets += row.tickets
        com.closed += row.closed
        com.by_category.update(row.by_category)
    return MonthSummary(
        month=f"{first:%Y-%m}",
        first=first,
        last=last,
        grids=grid_rows,
        communities=list(communities.values()),
    )
