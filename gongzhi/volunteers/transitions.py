"""The one table of allowed moves for sign-ups, attendance-derived hours and edit requests."""

from __future__ import annotations

from typing import Any

from gongzhi.core.errors import Conflict
from gongzhi.volunteers.enums import EditRequestStatus, HoursStatus, SignUpStatus

SIGNUP: dict[str, frozenset[str]] = {
    SignUpStatus.SIGNED_UP: frozenset({SignUpStatus.CANCELLED, SignUpStatus.ATTENDED}),
    SignUpStatus.WAITING: frozenset({SignUpStatus.SIGNED_UP, SignUpStatus.CANCELLED}),
    SignUpStatus.CANCELLED: frozenset(),
    SignUpStatus.ATTENDED: frozenset(),
}
HOURS: dict[str, frozenset[str]] = {
    HoursStatus.PENDING: frozenset({HoursStatus.CONFIRMED, HoursStatus.REJECTED}),
    HoursStatus.CONFIRMED: frozenset(),  # corrected only through an approved edit request
    HoursStatus.REJECTED: frozenset(),
}
EDIT_REQUEST: dict[str, frozenset[str]] = {
    EditRequestStatus.PENDING: frozenset({EditRequestStatus.APPROVED, EditRequestStatus.REJECTED}),
    EditRequestStatus.APPROVED: frozenset(),
    EditRequestStatus.REJECTED: frozenset(),
}


def check_move(table: dict[str, frozenset[str]], labels: Any, old: str, new: str) -> None:
    if new not in table.get(old, frozenset()):
        raise Conflict(
            f"当前状态为“{labels(old).label}”，不能改为“{labels(new).label}”",
            code="illegal_transition",
        )
