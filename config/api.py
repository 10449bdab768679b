"""The JSON API under /api/v1/: one router per app, one error shape for all of them."""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.db import DataError, InterfaceError, OperationalError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import BaseModel

from gongzhi.core import bounds, unavailable
from gongzhi.core.errors import ApplicationError
from gongzhi.core.ratelimit import with_retry_after


class GongzhiAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Any) -> str:
        """``<module>_<function>`` as ninja makes it, with an app's main router module
        (``gongzhi/<app>/api/<app>.py``) named as the app's ``api`` itself, so that an ``api.py`` that
        became a package by sub-domain keeps its operation ids (clients generated from the document
        keep working)."""
        module = operation.view_func.__module__
        parts = module.split(".")
        if len(parts) == 4 and parts[0] == "gongzhi" and parts[2] == "api" and parts[3] == parts[1]:
            module = ".".join(parts[:3])
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = GongzhiAPI(
    title="共治 API",
    version="1",
    description="党建引领网格化基层治理平台 · JSON API。错误统一为 {code, message, fields}。",
    urls_namespace="api",
)


def held_to_bounds(view_func: Callable[..., Any]) -> Callable[..., Any]:
    """Every operation's arguments, once ninja has validated them, held to the input edges
    (gongzhi.core.bounds): integers within 64 bits (and a ``year`` within 1900–2100), dates within
    1900–2100, finite floats, lists of at most 1,000 items, text without control characters (stripped).
    A value out of range is a 400 in the one error shape with a Chinese message naming the field, before
    the view runs — never the ``OverflowError`` or ``DataError`` 500 it would cause further down. Query,
    path, JSON and form arguments alike: this is applied to every operation of every router."""

    @functools.wraps(view_func)
    def bounded(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        # A schema argument (``payload``, ``query``) is flattened by ninja: its fields are named alone.
        kwargs = {
            name: bounds.held(value, "" if isinstance(value, BaseModel) else name)
            for name, value in kwargs.items()
        }
        return view_func(request, *args, **kwargs)

    return bounded


api.add_decorator(held_to_bounds, mode="operation")


def _error(
    request: HttpRequest, status: int, code: str, message: str, fields: dict | None = None
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(ApplicationError)
def on_application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    response = api.create_response(request, exc.as_dict(), status=exc.status)
    return with_retry_after(response, exc)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for err in exc.errors:
        loc = [str(p) for p in err.get("loc", []) if p not in ("body", "query", "path", "form", "payload")]
        name = ".".join(loc) or "body"
        fields[name] = bounds.validation_message(err)
    first = next(iter(fields.items()), ("", ""))
    return _error(request, 400, "invalid", f"请求参数有误：{first[0]} {first[1]}".strip(), fields)


@api.exception_handler(RequestDataTooBig)
def on_too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    # Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (fields, JSON) or UPLOAD_MAX_REQUEST_BYTES
    # (multipart with files, gongzhi.core.uploads) before reading it; answer in the one shape.
    return _error(request, 400, "too_large", "请求内容过大，请减少数据或照片后重试")


@api.exception_handler(AuthenticationError)
def on_auth_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, 401, "unauthenticated", "请先登录")


@api.exception_handler(Http404)
def on_404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "not_found", "记录不存在或无权查看")


@api.exception_handler(PermissionDenied)
def on_403(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, 403, "forbidden", "没有权限执行此操作")


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """Input the database refuses (PostgreSQL: a NUL character in any text) is the client's, not a 500.
    Logged: anything but a NUL means a check is missing before the database."""
    if "NUL" in str(exc):
        return _error(request, 400, "invalid", "请求含有不允许的字符（NUL）")
    logging.getLogger("gongzhi.api").warning("DataError on %s: %s", request.path, exc)
    return _error(request, 400, "invalid", "请求数据超出允许的范围或格式")


@api.exception_handler(OverflowError)
def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number or date that overflowed further down (SQLite's 64-bit integers, date arithmetic) despite
    the bounds ``held_to_bounds`` holds every argument to: the client's input, a 400; logged, as a check
    is missing before it."""
    logging.getLogger("gongzhi.api").warning("OverflowError on %s: %s", request.path, exc)
    return _error(request, 400, "invalid", "数值超出范围")


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    messages = {
        400: "请求内容无法解析，请检查JSON格式",  # ninja's "Cannot parse request body" (also a JSON nested too deep)
        403: "CSRF校验失败或没有权限",
        405: "不支持的请求方法",
        413: "上传内容过大",
    }
    return _error(request, exc.status_code, "http_error", messages.get(exc.status_code, str(exc)))


@api.exception_handler(OperationalError)
@api.exception_handler(InterfaceError)
def on_database_down(request: HttpRequest, exc: Exception) -> HttpResponse:
    """The database is stopped or the connection was cut: 503, try again (see gongzhi.core.unavailable)."""
    unavailable.log(request, exc)
    response = api.create_response(request, unavailable.error_body(), status=503)
    response["Retry-After"] = str(unavailable.RETRY_AFTER_SECONDS)
    return response


from gongzhi.accounts.api import router as accounts_router  # noqa: E402
from gongzhi.assessment.api import router as assessment_router  # noqa: E402
from gongzhi.campaigns.api import router as campaigns_router  # noqa: E402
from gongzhi.care.api import router as care_router  # noqa: E402
from gongzhi.cobuild.api import router as cobuild_router  # noqa: E402
from gongzhi.cockpit.api import router as cockpit_router  # noqa: E402
from gongzhi.console.api import router as overview_router  # noqa: E402
from gongzhi.councils.api import router as councils_router  # noqa: E402
from gongzhi.devices.api import router as devices_router  # noqa: E402
from gongzhi.h5.api import router as resident_router  # noqa: E402
from gongzhi.jobs.api import router as jobs_router  # noqa: E402
from gongzhi.mediation.api import router as mediation_router  # noqa: E402
from gongzhi.party.api import router as party_router  # noqa: E402
from gongzhi.people.api import router as people_router  # noqa: E402
from gongzhi.places.api import router as places_router  # noqa: E402
from gongzhi.points.api import router as points_router  # noqa: E402
from gongzhi.property.api import router as property_router  # noqa: E402
from gongzhi.registers.api import router as registers_router  # noqa: E402
from gongzhi.resettlement.api import router as resettlement_router  # noqa: E402
from gongzhi.routing.api import router as routing_router  # noqa: E402
from gongzhi.socialorgs.api import router as socialorgs_router  # noqa: E402
from gongzhi.stairwells.api import router as stairwells_router  # noqa: E402
from gongzhi.tickets import api as tickets_api  # noqa: E402
from gongzhi.training.api import router as training_router  # noqa: E402
from gongzhi.venues.api import router as venues_router  # noqa: E402
from gongzhi.volunteers.api import router as volunteers_router  # noqa: E402
from gongzhi.workdays.api import router as workdays_router  # noqa: E402

api.add_router("/", overview_router)
api.add_router("/auth", accounts_router)
api.add_router("/", resident_router)
api.add_router("/", places_router)
api.add_router("/", people_router)
api.add_router("/jobs", jobs_router)
api.add_router("/party", party_router)
api.add_router("/workdays", workdays_router)
api.add_router("/", tickets_api.indicators_router)
# Before the tickets router: its /tickets/{ticket_id}[/{action}] would otherwise catch these paths.
api.add_router("/", tickets_api.hotline_router)
api.add_router("/", tickets_api.categories_router)
api.add_router("/", tickets_api.patrols_router)
api.add_router("/", tickets_api.tickets_router)
api.add_router("/volunteers", volunteers_router)
api.add_router("/cobuild", cobuild_router)
api.add_router("/care", care_router)
api.add_router("/mediation", mediation_router)
api.add_router("/venues", venues_router)
api.add_router("/training", training_router)
api.add_router("/points", points_router)
api.add_router("/devices", devices_router)
api.add_router("/routing", routing_router)
api.add_router("/socialorgs", socialorgs_router)
api.add_router("/stairwells", stairwells_router)
api.add_router("/campaigns", campaigns_router)
api.add_router("/resettlement", resettlement_router)
api.add_router("/councils", councils_router)
api.add_router("/property", property_router)
api.add_router("/registers", registers_router)
api.add_router("/cockpit", cockpit_router)
api.add_router("/assessment", assessment_router)
