"""The care router (``/api/v1/care/``): the overdue list and the per-grid figures of the caller's scope.
Names and the grid only; the need-to-know groups are never in these answers."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.care import selectors
from gongzhi.core.access import actor_of
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import NotFound
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.core.scope import scope_of

router = Router(tags=["重点人群关爱"], auth=session_auth)


class CareOverdueOut(Schema):
    membership_id: int
    person_id: int
    name: str
    group: str
    grid_code: str
    carer: str
    last_visited_on: dt.date | None
    due_on: dt.date
    days_overdue: int


class CareGridFiguresOut(Schema):
    grid_code: str
    grid_name: str
    by_group: dict[str, int]
    people: int
    visited_this_month: int
    overdue: int


def _reader(request: HttpRequest):
    actor = actor_of(request)
    scope = scope_of(actor)
    if not (scope.superuser or scope.roles & POPULATION_ROLES):
        raise NotFound()
    return actor


@router.get("/overdue", response={200: list[CareOverdueOut], **ERRORS}, summary="应访未访名单（本人范围）")
def overdue(request: HttpRequest, mine: bool = False, grid_code: str = "", limit: int = 200):
    actor = _reader(request)
    today = dt.date.today()
    rows = selectors.overdue_list_for_actor(
        actor=actor,
        carer_id=actor.pk if mine else None,
        grid_code=grid_code[:15],
        limit=max(1, min(limit, 1000)),
    )
    return [
        {
            "membership_id": m.pk,
            "person_id": m.person_id,
            "name": m.person.name,
            "group": m.group,
            "grid_code": m.grid_code,
            "carer": (m.carer.display_name or m.carer.username) if m.carer else "",
            "last_visited_on": m.last_visited_on,
            "due_on": m.due_on,
            "days_overdue": (today - m.due_on).days,
        }
        for m in rows
    ]


@router.get(
    "/figures",
    response={200: list[CareGridFiguresOut], **ERRORS},
    summary="各网格：人群人数、本月走访、应访未访",
)
def figures(request: HttpRequest):
    actor = _reader(request)
    return [
        {
            "grid_code": g.grid_code,
            "grid_name": g.grid_name,
            "by_group": g.by_group,
            "people": g.people,
            "visited_this_month": g.visited_this_month,
            "overdue": g.overdue,
        }
        for g in selectors.grid_figures_for_actor(actor=actor)
    ]
