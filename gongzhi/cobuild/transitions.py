"""The one table of allowed status moves for needs, projects and matching plans."""

from __future__ import annotations

from typing import Any

from gongzhi.cobuild.enums import NeedStatus, PlanStatus, ProjectStatus
from gongzhi.core.errors import Conflict

NEED_MOVES: dict[str, frozenset[str]] = {
    NeedStatus.OPEN: frozenset({NeedStatus.MATCHED, NeedStatus.WITHDRAWN}),
    NeedStatus.MATCHED: frozenset({NeedStatus.IN_PROGRESS, NeedStatus.OPEN, NeedStatus.WITHDRAWN}),
    NeedStatus.IN_PROGRESS: frozenset({NeedStatus.FULFILLED, NeedStatus.OPEN}),
    NeedStatus.FULFILLED: frozenset(),
    NeedStatus.WITHDRAWN: frozenset(),
}
PROJECT_MOVES: dict[str, frozenset[str]] = {
    ProjectStatus.PROPOSED: frozenset({ProjectStatus.CLAIMED, ProjectStatus.CANCELLED}),
    ProjectStatus.CLAIMED: frozenset({ProjectStatus.SIGNED, ProjectStatus.CANCELLED}),
    ProjectStatus.SIGNED: frozenset({ProjectStatus.COMPLETED, ProjectStatus.CANCELLED}),
    ProjectStatus.COMPLETED: frozenset(),
    ProjectStatus.CANCELLED: frozenset(),
}
PLAN_MOVES: dict[str, frozenset[str]] = {
    PlanStatus.DRAFT: frozenset({PlanStatus.APPLIED, PlanStatus.DISCARDED}),
    PlanStatus.APPLIED: frozenset(),
    PlanStatus.DISCARDED: frozenset(),
}
# Needs that still hold a place in a project (a withdrawn or fulfilled one is done).
ACTIVE_PROJECT = (ProjectStatus.PROPOSED, ProjectStatus.CLAIMED, ProjectStatus.SIGNED)


def check_move(table: dict[str, frozenset[str]], labels: Any, old: str, new: str, what: str = "") -> None:
    if new not in table.get(old, frozenset()):
        raise Conflict(
            f"{what}当前状态为“{labels(old).label}”，不能改为“{labels(new).label}”",
            code="illegal_transition",
        )
