"""The database is down (stopped, restarting, connection cut): answer 503 "try again", not a 500 page.

Django turns an exception that escapes a view or a middleware into ``handler500``; this one looks at the
exception being handled and, when it is the database's ``OperationalError`` or ``InterfaceError``, answers
503 with ``Retry-After`` — the API's one JSON error shape for API paths and JSON clients, a Chinese page
otherwise. Nothing here touches the database. The next request reconnects by itself
(``CONN_HEALTH_CHECKS``), so the service recovers when the database is back, without a restart.
"""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.views.defaults import server_error as django_server_error

CODE = "database_unavailable"
MESSAGE = "系统暂时无法连接数据库，请稍后重试"
RETRY_AFTER_SECONDS = 5
JSON_PREFIXES = ("/api/", "/open311/")
logger = logging.getLogger("gongzhi.unavailable")


def log(request: HttpRequest, exc: BaseException) -> None:
    logger.warning("database unavailable on %s %s: %s", request.method, request.path, str(exc)[:200])


def is_database_down(exc: BaseException | None) -> bool:
    return isinstance(exc, OperationalError | InterfaceError)


def error_body() -> dict[str, object]:
    return {"code": CODE, "message": MESSAGE, "fields": {}}


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith(JSON_PREFIXES) or "application/json" in request.headers.get("Accept", "")


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if wants_json(request):
        response = JsonResponse(error_body(), status=503, json_dumps_params={"ensure_ascii": False})
    else:
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def server_error(request: HttpRequest) -> HttpResponse:
    """``handler500``: a 503 when the database is what failed, Django's 500 page otherwise."""
    exc = sys.exc_info()[1]
    if exc is not None and is_database_down(exc):
        log(request, exc)
        return unavailable_response(request)
    return django_server_error(request)
