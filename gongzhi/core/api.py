"""Shared pieces for every app's ninja router: the one error shape, pagination, the session auth."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.http import HttpRequest
from ninja import Schema
from ninja.security import SessionAuth

T = TypeVar("T")


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, str] = {}


class Page(Schema, Generic[T]):
    items: list[T]
    next_after: int | None = None


class StaffSession(SessionAuth):
    """Cookie session with CSRF on unsafe methods; an inactive user is no user."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = super().authenticate(request, key)
        if user is not None and getattr(user, "is_active", False):
            return user
        return None


session_auth = StaffSession()

ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    429: ErrorOut,
}


def page_of(items: list[Any], limit: int) -> dict[str, Any]:
    """Keyset paging on id: the client sends back ``next_after`` to get the next page."""
    rows = list(items)
    next_after = rows[limit - 1].id if len(rows) > limit else None
    return {"items": rows[:limit], "next_after": next_after}
