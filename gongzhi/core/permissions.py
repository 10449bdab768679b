"""The pieces every app's ``permissions.py`` is built from, and the one way a service asks.

An app registers its rules as ``<app>.<verb>_<model>`` in its own ``permissions.py``::

    rules.add_perm("party.accept_registration", holds_over(COMMUNITY_MANAGERS))

and the console, the API, the H5 pages, the admin and the services all ask the same name:
``actor.has_perm("party.accept_registration", registration)`` in a template or view, or
``require(actor, "party.accept_registration", registration)`` in a service. Role sets come from
``core/roles.py`` only. The actor ``None`` is the system (seed, management commands) and may do anything.
"""

from __future__ import annotations

from typing import Any

import rules

from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.scope import scope_of


def holds(roles: frozenset[str]) -> Any:
    """A predicate: the user holds one of ``roles`` somewhere (place-independent pages and actions)."""

    @rules.predicate(name=f"holds({','.join(sorted(roles))})")
    def _holds(user: Any) -> bool:
        if user is None or not getattr(user, "is_authenticated", False):
            return False
        scope = scope_of(user)
        return scope.superuser or bool(scope.roles & roles)

    return _holds


def holds_over(roles: frozenset[str]) -> Any:
    """A predicate: the user holds one of ``roles`` over the object's place (its place codes)."""

    @rules.predicate(name=f"holds_over({','.join(sorted(roles))})")
    def _holds_over(user: Any, obj: Any) -> bool:
        if obj is None or user is None or not getattr(user, "is_authenticated", False):
            return False
        scope = scope_of(user)
        return scope.superuser or scope.covers(obj, roles)

    return _holds_over


def allowed(actor: Any, perm: str, obj: Any = None) -> bool:
    """Whether ``actor`` may ``perm`` (on ``obj``); the system (``None``) may do anything."""
    if actor is None:
        return True
    return bool(rules.has_perm(perm, actor, obj))


def require(actor: Any, perm: str, obj: Any = None, *, error: ApplicationError | None = None) -> None:
    """Raise ``error`` unless ``actor`` may ``perm``; by default a 404, since a forbidden object looks
    missing (``error=Forbidden("只有本社区工作人员可以…")`` where the object is already visible)."""
    if not allowed(actor, perm, obj):
        raise error if error is not None else NotFound()
