"""Heavy read-only selectors answered by a PostgreSQL streaming replica, when there is one.

``DATABASE_REPLICA_URL`` adds a database alias ``replica`` (config/settings.py). Nothing goes there by
itself: a read goes to the replica only inside ``reading_from_replica()`` (or a function decorated with
``replica_reads``), used by the selectors that are heavy and read-only — the ticket indicators, the
exports, the cockpit figures, the public overview and the person search. Everything else, and every
write, stays on the primary (``ReplicaRouter``).

Even inside that block a read goes to the primary when

- the replica lags more than ``REPLICA_MAX_LAG_SECONDS`` behind, or does not answer (``replica_state``:
  asked at most once every ``REPLICA_CHECK_SECONDS`` per process, on a short connect timeout);
- this request is pinned to the primary: it is itself a write (POST, PUT, PATCH, DELETE), or its client
  wrote in the last ``READ_YOUR_WRITES_SECONDS`` (``ReadYourWritesMiddleware`` marks the client with a
  cookie on every unsafe request), so whoever just wrote reads what they wrote on the next request;
- a transaction is open on the primary (its reads must see its own writes);
- the model is one of who-is-asking: sessions, users, role assignments and lockouts are read fresh,
  never from a copy that may be seconds old (a revoked role takes effect on the next request).

A replica that fails in the middle of a ``replica_reads`` function (stopped, restarted, network gone, a
query cancelled by recovery, a table a migration has not brought there yet) is marked down and the function is run again on the primary: the selectors are read-only, so running one
again changes nothing, and the person asking gets an answer, not a 500.

Lag is measured on the replica alone: zero while it has replayed everything it received from a streaming
primary (``pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn()``), otherwise the age of the last
transaction it replayed (``now() - pg_last_xact_replay_timestamp()``), and unknown (too old) when it has
replayed nothing yet. A replica that is not streaming is measured the same way, so a replica cut off from
its primary ages out after ``REPLICA_MAX_LAG_SECONDS``.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import DatabaseError, IntegrityError
from django.http import HttpRequest, HttpResponse

log = logging.getLogger("gongzhi.replica")

REPLICA = "replica"
# Read fresh from the primary always: who is asking and what they may do.
PRIMARY_ONLY_APPS = frozenset({"sessions", "accounts", "auth", "axes", "contenttypes", "admin"})
WRITE_COOKIE = "gz_wrote"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

_wanted: ContextVar[bool] = ContextVar("gongzhi_replica_wanted", default=False)
_pinned: ContextVar[bool] = ContextVar("gongzhi_replica_pinned", default=False)
# Set when a read of the current replica_reads call was sent to the replica: a failure is then its own.
_used: ContextVar[bool] = ContextVar("gongzhi_replica_used", default=False)

F = TypeVar("F", bound=Callable[..., Any])


def configured() -> bool:
    return REPLICA in settings.DATABASES


# --- the lag guard -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReplicaState:
    usable: bool
    lag: float | None  # seconds; None: unknown (down, or nothing replayed yet)
    checked_at: float  # time.monotonic()
    reason: str = ""


_LAG_SQL = """
SELECT pg_is_in_recovery(),
       pg_last_wal_receive_lsn() IS NOT NULL AND pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn(),
       EXTRACT(EPOCH FROM (now() - pg_last_xact_replay_timestamp()))
"""

_state_lock = threading.Lock()
_state: ReplicaState | None = None


def measure_lag() -> float | None:
    """Seconds the replica is behind (0.0 when it is not a standby at all), None when unknown."""
    conn = connections[REPLICA]
    with conn.cursor() as cursor:
        if conn.vendor != "postgresql":
            cursor.execute("SELECT 1")
            cursor.fetchone()
            return 0.0
        cursor.execute(_LAG_SQL)
        in_recovery, caught_up, age = cursor.fetchone()
    if not in_recovery:
        return 0.0
    if caught_up:
        return 0.0
    return None if age is None else max(0.0, float(age))


def _check() -> ReplicaState:
    now = time.monotonic()
    try:
        lag = measure_lag()
    except DatabaseError as exc:
        _close_quietly()
        return ReplicaState(False, None, now, f"replica unreachable: {str(exc).strip()[:200]}")
    limit = float(settings.REPLICA_MAX_LAG_SECONDS)
    if lag is None:
        return ReplicaState(False, None, now, "replica has replayed nothing yet")
    if lag > limit:
        return ReplicaState(False, lag, now, f"replica lags {lag:.1f}s > {limit:g}s")
    return ReplicaState(True, lag, now)


def replica_state(*, fresh: bool = False) -> ReplicaState:
    """The replica's state, asked at most once every REPLICA_CHECK_SECONDS in this process."""
    global _state
    with _state_lock:
        state = _state
        if (
            fresh
            or state is None
            or time.monotonic() - state.checked_at >= float(settings.REPLICA_CHECK_SECONDS)
        ):
            previous = state
            state = _state = _check()
            if previous is None or previous.usable != state.usable:
                log.info(
                    "read replica %s%s",
                    "in use" if state.usable else "not used",
                    f": {state.reason}" if state.reason else "",
                )
        return state


def mark_down(reason: str) -> None:
    """After a failure in the middle of a read: primary until the next check is due."""
    global _state
    with _state_lock:
        _state = ReplicaState(False, None, time.monotonic(), reason)
    _close_quietly()
    log.warning("read replica not used: %s", reason)


def forget_state() -> None:
    global _state
    with _state_lock:
        _state = None


def _close_quietly() -> None:
    with suppress(Exception):
        connections[REPLICA].close()


# --- choosing the database -----------------------------------------------------------------------------


def pinned_to_primary() -> bool:
    return _pinned.get()


def read_alias() -> str:
    """The alias the reads of this moment go to (raw SQL in a replica selector uses it)."""
    if not _wanted.get() or _pinned.get() or not configured():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return DEFAULT_DB_ALIAS
    if not replica_state().usable:
        return DEFAULT_DB_ALIAS
    _used.set(True)
    return REPLICA


@contextmanager
def reading_from_replica() -> Iterator[None]:
    """Reads inside go to the replica when it is configured, fresh enough and the request not pinned."""
    token = _wanted.set(True)
    try:
        yield
    finally:
        _wanted.reset(token)


@contextmanager
def primary_only() -> Iterator[None]:
    """Reads inside go to the primary, whatever the caller asked for."""
    token = _pinned.set(True)
    try:
        yield
    finally:
        _pinned.reset(token)


def replica_reads(fn: F) -> F:
    """``fn`` (read-only, returning materialised data) runs ``reading_from_replica``; if the replica fails
    while it runs, it runs once more on the primary."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not configured() or _pinned.get():
            return fn(*args, **kwargs)
        used = _used.set(False)
        try:
            with reading_from_replica():
                try:
                    return fn(*args, **kwargs)
                except IntegrityError:
                    raise  # a write of the function's own (an export's audit row): never the replica's
                except DatabaseError as exc:
                    # Down, restarted, a query cancelled by recovery, or a schema a migration ahead of it.
                    if not _used.get():
                        raise
                    mark_down(f"failed during {fn.__qualname__}: {str(exc).strip()[:200]}")
        finally:
            _used.reset(used)
        with primary_only():
            return fn(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


class ReplicaRouter:
    """Writes and migrations: the primary. Reads: the replica only inside ``reading_from_replica``."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label in PRIMARY_ONLY_APPS:
            return DEFAULT_DB_ALIAS
        alias = read_alias()
        return alias if alias != DEFAULT_DB_ALIAS else None

    def db_for_write(self, model: Any, **hints: Any) -> str | None:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool | None:
        return True  # the replica is a copy of the primary: the same rows

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool | None:
        return False if db == REPLICA else None


# --- read-your-writes ----------------------------------------------------------------------------------


class ReadYourWritesMiddleware:
    """A write pins its own request to the primary, and marks the client (cookie ``gz_wrote``, the time of
    the write) so that its requests of the next READ_YOUR_WRITES_SECONDS read from the primary too."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not configured():
            return self.get_response(request)
        unsafe = request.method not in SAFE_METHODS
        window = float(settings.READ_YOUR_WRITES_SECONDS)
        pin = unsafe or _recent(request.COOKIES.get(WRITE_COOKIE, ""), window)
        token = _pinned.set(pin)
        try:
            response = self.get_response(request)
        finally:
            _pinned.reset(token)
        if unsafe:
            response.set_cookie(
                WRITE_COOKIE,
                f"{time.time():.3f}",
                max_age=max(1, int(window) + 1),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response


def _recent(value: str, window: float) -> bool:
    try:
        at = float(value)
    except ValueError:
        return False
    # A clock a little ahead on another node still counts; a value far in the future is ignored.
    return -window <= time.time() - at <= window
