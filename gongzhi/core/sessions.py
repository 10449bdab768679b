"""Who is asking, in one query: the session, its user and the user's role assignments together.

Django's ``AuthenticationMiddleware`` reads the session row, then the user row, and the first
``scope_of`` reads the role assignments: three round trips and three ORM compilations before a view has
done anything, on every signed-in request. ``SessionActorMiddleware`` (in its place in ``MIDDLEWARE``)
reads the same three tables in one statement and then applies exactly the checks Django applies:

- the session row must exist and not have expired (``expire_date > now``), as ``SessionStore.load``;
- the decoded session must name this user and a backend listed in ``AUTHENTICATION_BACKENDS`` whose
  ``get_user`` is ``ModelBackend``'s, and the user must be allowed to authenticate (``is_active``);
- the session's auth hash must match the user's (a changed password signs every other session out).

Nothing is cached across requests but one fact that the database re-checks every time: which user a
session key belonged to last time (the query asks for that user's row, and a session whose data names
anyone else falls back). The session, the user and the roles are read fresh on every request, so a
logout, a deactivation, a password change or a revoked role takes effect on the very next request in
every process, as before.

Anything the fast path does not handle (no hint yet, another session engine or backend, a hash that only
matches a fallback secret, a missing row) goes to Django's own ``get_user``, unchanged.
"""

from __future__ import annotations

import threading
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import AuthenticationMiddleware
from django.contrib.auth.models import AnonymousUser
from django.db import connections, router
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from gongzhi.core.scope import ASSIGNMENT_COLUMNS, scope_from_assignments

DB_SESSIONS = "django.contrib.sessions.backends.db"
# A bounded per-process map; at the bound it is emptied (the next request of each session takes the
# ordinary path once and fills it again).
HINTS_MAX = 20_000

_lock = threading.Lock()
_user_of_session: dict[str, Any] = {}
_statements: dict[str, tuple[str, list[str], list[tuple[Any, list[Any]]]]] = {}
_model_backend: dict[str, bool] = {}


def forget_hints() -> None:
    with _lock:
        _user_of_session.clear()


def _remember(key: str, user_id: Any) -> None:
    with _lock:
        if len(_user_of_session) >= HINTS_MAX:
            _user_of_session.clear()
        _user_of_session[key] = user_id


def _statement(alias: str) -> tuple[str, list[str], list[tuple[Any, list[Any]]]]:
    """SELECT session data, the user's columns and their active assignments' scope columns: one row per
    assignment (one row with NULLs when there is none), nothing when the session is gone or expired."""
    cached = _statements.get(alias)
    if cached is not None:
        return cached
    from django.contrib.sessions.models import Session

    user_model = auth.get_user_model()
    assignment = apps.get_model("accounts", "RoleAssignment")
    quote = connections[alias].ops.quote_name
    user_fields = list(user_model._meta.concrete_fields)
    ra_columns = [assignment._meta.get_field(c).column for c in ASSIGNMENT_COLUMNS]
    # Only model metadata (quoted names) goes into the statement; the key, the user and the time are bound.
    sql = (  # noqa: S608
        "SELECT s.{data}, {user_cols}, {ra_cols} FROM {session} s "
        "JOIN {user} u ON u.{user_pk} = %s "
        "LEFT JOIN {ra} ra ON ra.{ra_user} = u.{user_pk} AND ra.{ra_active} "
        "WHERE s.{key} = %s AND s.{expire} > %s"
    ).format(
        data=quote(Session._meta.get_field("session_data").column),
        user_cols=", ".join(f"u.{quote(f.column)}" for f in user_fields),
        ra_cols=", ".join(f"ra.{quote(c)}" for c in ra_columns),
        session=quote(Session._meta.db_table),
        user=quote(user_model._meta.db_table),
        user_pk=quote(user_model._meta.pk.column),
        ra=quote(assignment._meta.db_table),
        ra_user=quote(assignment._meta.get_field("user").column),
        ra_active=quote(assignment._meta.get_field("active").column),
        key=quote(Session._meta.pk.column),
        expire=quote(Session._meta.get_field("expire_date").column),
    )
    # The converters the ORM applies to each user column read from this database (on SQLite: booleans
    # and aware datetimes), so the user object is exactly what ``User.objects.get`` would give.
    connection = connections[alias]
    converters = []
    for field in user_fields:
        col = field.get_col(user_model._meta.db_table)
        converters.append((col, connection.ops.get_db_converters(col) + col.get_db_converters(connection)))
    cached = _statements[alias] = (sql, [f.attname for f in user_fields], converters)
    return cached


def _plain_model_backend(path: str) -> bool:
    """Whether ``path`` is a listed backend whose ``get_user`` is ModelBackend's own (then the fast path
    may stand in for it)."""
    known = _model_backend.get(path)
    if known is None:
        known = path in settings.AUTHENTICATION_BACKENDS and (
            getattr(type(auth.load_backend(path)), "get_user", None) is ModelBackend.get_user
        )
        _model_backend[path] = known
    return known


def _fast_user(request: HttpRequest) -> Any:
    """The user by the one-query path, or None when it does not apply (the caller then asks Django)."""
    if settings.SESSION_ENGINE != DB_SESSIONS:
        return None
    session = request.session
    key = session.session_key
    if not key or hasattr(session, "_session_cache"):
        return None
    user_id = _user_of_session.get(key)
    if user_id is None:
        return None
    user_model = auth.get_user_model()
    alias = router.db_for_read(user_model)
    connection = connections[alias]
    sql, attnames, converters = _statement(alias)
    with connection.cursor() as cursor:
        cursor.execute(sql, [user_id, key, connection.ops.adapt_datetimefield_value(timezone.now())])
        rows = cursor.fetchall()
    if not rows:
        return None  # gone, expired or no such user: Django's path reaches the same end and says so
    data = session.decode(rows[0][0])
    if str(data.get(auth.SESSION_KEY)) != str(user_id) or not _plain_model_backend(
        str(data.get(auth.BACKEND_SESSION_KEY, ""))
    ):
        return None
    n = len(attnames)
    values = list(rows[0][1 : 1 + n])
    for i, (col, funcs) in enumerate(converters):
        for convert in funcs:
            values[i] = convert(values[i], col, connection)
    user = user_model.from_db(alias, attnames, values)
    if not ModelBackend().user_can_authenticate(user):
        return None
    session_hash = data.get(auth.HASH_SESSION_KEY)
    if not session_hash or not constant_time_compare(session_hash, user.get_session_auth_hash()):
        return None  # a fallback secret may still verify it, or the session is flushed: Django decides
    session._session_cache = data  # type: ignore[attr-defined]
    session.accessed = True  # as loading it would (the response then varies on the cookie)
    assignments = [r[1 + n :] for r in rows if r[1 + n] is not None]
    user._gongzhi_scope = scope_from_assignments(  # type: ignore[attr-defined]
        assignments, superuser=user.is_superuser
    )
    return user


def get_user(request: HttpRequest) -> Any:
    if not hasattr(request, "_cached_user"):
        user = _fast_user(request)
        if user is None:
            user = auth.get_user(request)
            key = request.session.session_key
            if key and not isinstance(user, AnonymousUser) and user.pk is not None:
                _remember(key, user.pk)
        request._cached_user = user  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class SessionActorMiddleware(AuthenticationMiddleware):
    """``AuthenticationMiddleware`` with the one-query read of session, user and scope."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: get_user(request))  # type: ignore[assignment]
