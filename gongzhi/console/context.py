from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext


def _role_labels(request: HttpRequest) -> list[str]:
    from gongzhi.core.roles import Role
    from gongzhi.core.scope import scope_of

    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    labels = [str(Role(r).label) for r in Role.values if r in scope_of(user).roles]
    if user.is_superuser and not labels:
        labels = [gettext("超级管理员")]
    return labels


def console(request: HttpRequest) -> dict[str, Any]:
    """Lazy: a page that never shows the user's roles (error pages, the API) never queries for them."""
    return {
        "MAP_TILE_URL": settings.MAP_TILE_URL,
        "MAP_TILE_ATTRIBUTION": settings.MAP_TILE_ATTRIBUTION,
        "user_role_labels": SimpleLazyObject(lambda: _role_labels(request)),
    }
