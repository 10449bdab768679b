"""Who sees the intake and patrol pages (console navigation and the views share these)."""

from __future__ import annotations

from typing import Any

from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of

HOTLINE_IMPORTERS = frozenset(
    {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_STAFF, Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY}
)
APPOINTMENT_TAKERS = frozenset({Role.COMMUNITY_WORKER, Role.COMMUNITY_SECRETARY})
PATROLLERS = frozenset({Role.GRID_WORKER, Role.GRID_HEAD})
CATEGORY_EDITORS = frozenset({Role.DISTRICT_ADMIN})


def _has(user: Any, roles: frozenset[str]) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    scope = scope_of(user)
    return scope.superuser or bool(scope.roles & roles)


def can_import_hotline(user: Any) -> bool:
    return _has(user, HOTLINE_IMPORTERS)


def can_take_appointment(user: Any) -> bool:
    return _has(user, APPOINTMENT_TAKERS)


def can_patrol(user: Any) -> bool:
    return _has(user, PATROLLERS)


def can_edit_categories(user: Any) -> bool:
    return _has(user, CATEGORY_EDITORS)
