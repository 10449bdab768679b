"""Rate limits on the public doors (login, one-time codes, resident reports, Open311 POST).

Fixed-window counters in Django's cache: the first hit of a window is an atomic ``cache.add`` and
every further one an atomic ``cache.incr``, so two workers sharing the cache (Redis in production,
``REDIS_URL``) never lose a count. With the development LocMem cache each process counts alone.

The limits live in one settings dict, ``RATE_LIMITS`` (name → "count/seconds", each overridable by
an environment variable ``RATE_LIMIT_<NAME>``; "0" or "off" turns one off). A refusal is a
``RateLimited`` error: HTTP 429, the one error shape, a Chinese message naming the wait, and the
caller sets ``Retry-After`` from ``retry_after`` (the API does it for every ``ApplicationError``
that carries one).

The client's address is REMOTE_ADDR. Behind a reverse proxy set ``RATE_LIMIT_IP_HEADER`` (e.g.
``HTTP_X_FORWARDED_FOR``); only then is that header read, and of a list its last entry is taken,
the one the trusted proxy itself appended (earlier entries are whatever the client sent).
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import time
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext

from gongzhi.core.errors import ApplicationError


@dataclass(frozen=True)
class Limit:
    count: int
    seconds: int


class RateLimited(ApplicationError):
    status = 429
    code = "rate_limited"

    def __init__(self, retry_after: int, message: str = "") -> None:
        self.retry_after = max(1, int(retry_after))
        super().__init__(message or gettext("请求过于频繁，请 %(s)s 秒后再试") % {"s": self.retry_after})


def parse(spec: str | None) -> Limit | None:
    """ "10/60" → 10 requests per 60 seconds; "", "0" or "off" → no limit."""
    text = (spec or "").strip().lower()
    if text in ("", "0", "off", "none"):
        return None
    count, _, seconds = text.partition("/")
    limit = Limit(int(count), int(seconds or 60))
    if limit.count < 1 or limit.seconds < 1:
        raise ValueError(f"rate limit must be count/seconds with both ≥ 1, got {spec!r}")
    return limit


def limit_of(name: str) -> Limit | None:
    limits: dict[str, str] = getattr(settings, "RATE_LIMITS", {})
    if name not in limits:
        raise KeyError(f"no rate limit named {name!r} in settings.RATE_LIMITS")
    return parse(limits[name])


def client_ip(request: HttpRequest) -> str:
    header = getattr(settings, "RATE_LIMIT_IP_HEADER", "")
    if header:
        value = str(request.META.get(header, "")).split(",")[-1].strip()
        if _is_ip(value):
            return value
    return str(request.META.get("REMOTE_ADDR", "")) or "unknown"


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _clock() -> float:
    # One place that reads the time, so a test can move it without touching the time module.
    return time.time()


def _key(name: str, who: str, window: int) -> str:
    # Hashed: a phone number or user name never sits in the cache as itself, and keys stay short.
    digest = hashlib.sha256(f"{name}:{who}".encode()).hexdigest()[:32]
    return f"gz:rl:{name}:{window}:{digest}"


def _window(limit: Limit, now: float) -> tuple[int, int]:
    """The window's number and the seconds until the next one begins."""
    window = int(now // limit.seconds)
    return window, max(1, math.ceil((window + 1) * limit.seconds - now))


def check(name: str, who: str, *, now: float | None = None) -> None:
    """Refuses when ``who`` has used up this window already, without counting this request
    (for doors that count only failures, such as login)."""
    limit = limit_of(name)
    if limit is None:
        return
    window, retry = _window(limit, _clock() if now is None else now)
    if int(cache.get(_key(name, who, window), 0)) >= limit.count:
        raise RateLimited(retry)


def count(name: str, who: str, *, now: float | None = None) -> int:
    """One more for ``who`` in this window; the new count (0 when the limit is off)."""
    limit = limit_of(name)
    if limit is None:
        return 0
    window, _ = _window(limit, _clock() if now is None else now)
    key = _key(name, who, window)
    if cache.add(key, 1, timeout=limit.seconds + 1):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: this is the first of a fresh window
        cache.add(key, 1, timeout=limit.seconds + 1)
        return 1


def hit(name: str, who: str, *, now: float | None = None) -> None:
    """Counts this request and refuses it when it is past the limit of its window."""
    limit = limit_of(name)
    if limit is None:
        return
    at = _clock() if now is None else now
    if count(name, who, now=at) > limit.count:
        raise RateLimited(_window(limit, at)[1])


def hit_request(request: HttpRequest, name: str, who: str | None = None) -> None:
    """``hit`` keyed by the client's IP (or by ``who`` when given)."""
    hit(name, who if who is not None else client_ip(request))


def with_retry_after(response: HttpResponse, exc: Any) -> HttpResponse:
    retry = getattr(exc, "retry_after", None)
    if retry:
        response["Retry-After"] = str(int(retry))
    return response


def limit_resident_report(request: HttpRequest, actor: Any) -> None:
    """A ticket report by a resident (anyone without a staff scope): per person and per client IP.
    Staff filing many reports on a patrol or at the desk are not limited."""
    from gongzhi.core.scope import scope_of

    if getattr(actor, "is_authenticated", False) and scope_of(actor).is_staff_scope:
        return
    hit("report_user", str(getattr(actor, "pk", "") or "anonymous"))
    hit("report_ip", client_ip(request))
