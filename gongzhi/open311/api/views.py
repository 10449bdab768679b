"""The GeoReport v2 endpoints under /open311/v2/ (routed in ``api/urls.py``): a thin adapter over the ticket services and selectors.

Every view runs inside ``endpoint``: the format from the suffix, the api_key (required for POST,
optional for GET; a wrong one is always a 403), the key's rate limit, the audit row of every request
made with a key, and the one error shape — whatever goes wrong, the answer is an Open311 error body in
the requested format, never an HTML page and never a 500.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation
from django.db import DatabaseError, DataError
from django.db.models import OuterRef, Prefetch, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.http.multipartparser import MultiPartParserError
from django.views.decorators.csrf import csrf_exempt

from gongzhi.core import ratelimit
from gongzhi.core.errors import ApplicationError
from gongzhi.open311.api import formats, intake, mapping
from gongzhi.open311.api.params import (
    Open311Error,
    Params,
    bad,
    comma_list,
    flag,
    page_of,
    request_id,
    window,
)
from gongzhi.open311.models import ApiKey
from gongzhi.open311.selectors import apikey_find, public_context, require_active
from gongzhi.open311.services import apikey_count_request, apikey_request_record
from gongzhi.places.models import District
from gongzhi.tickets.enums import TERMINAL
from gongzhi.tickets.models import Category, Ticket, TicketEvent
from gongzhi.tickets.selectors.tickets import public_timeline

log = logging.getLogger("gongzhi.open311")

CHANGESET = "2026-12-01T00:00:00+08:00"
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
MAX_IDS = 1000
Handler = Callable[[HttpRequest, str, Params, "ApiKey | None", dict[str, Any]], HttpResponse]


def _jurisdiction(params: Params) -> None:
    """One endpoint serves every district here, so jurisdiction_id may be left out; when given it must
    name a district by its code (or the configured jurisdiction id)."""
    value = params.get("jurisdiction_id")
    if not value:
        return
    if (
        value == getattr(settings, "OPEN311_JURISDICTION_ID", "")
        or District.objects.filter(code=value).exists()
    ):
        return
    raise Open311Error(404, f"未知的jurisdiction_id“{value[:30]}”")


def _error_of(exc: ApplicationError) -> Open311Error:
    status = exc.status if exc.status in (400, 403, 404, 429) else 400
    if exc.fields:
        parts = [f"{intake.PARAM_NAMES.get(f, f)}：{m}" for f, m in exc.fields.items()]
        return Open311Error(status, "；".join(parts))
    return Open311Error(status, exc.message)


def endpoint(name: str, methods: dict[str, Handler]) -> Callable[..., HttpResponse]:
    @csrf_exempt
    def view(request: HttpRequest, fmt: str = "", **kwargs: Any) -> HttpResponse:
        out_fmt = formats.fmt_of(fmt)
        key: ApiKey | None = None
        audit: dict[str, Any] = {}
        try:
            if fmt.lower() not in formats.FORMATS:
                raise bad(f"不支持的格式“.{fmt[:10]}”，请使用 .xml 或 .json")
            method = "GET" if request.method == "HEAD" else (request.method or "GET")
            handler = methods.get(method)
            if handler is None:
                raise bad(f"该接口不支持{method[:10]}请求，可用：{'、'.join(methods)}")
            if any("\x00" in str(v) for v in kwargs.values()):
                raise Open311Error(404, "路径中不能包含空字符（\\0）")
            if method == "POST":  # before the body is read or a key looked up: also slows key guessing
                ratelimit.hit_request(request, "open311_ip")
            params = Params(request)
            params.check()
            raw_key = params.get("api_key")
            if raw_key or method == "POST":
                key = apikey_find(raw_key)  # from here on the request is audited, even with a revoked key
                require_active(key)
                apikey_count_request(key=key)
            _jurisdiction(params)
            response = handler(request, out_fmt, params, key, audit, **kwargs)
        except Open311Error as exc:
            response = formats.errors(out_fmt, exc.status, [(exc.status, exc.description)])
        except ApplicationError as exc:
            err = _error_of(exc)
            response = ratelimit.with_retry_after(
                formats.errors(out_fmt, err.status, [(err.status, err.description)]), exc
            )
        except (
            RequestDataTooBig,
            SuspiciousOperation,
            BadRequest,
            MultiPartParserError,
            UnreadablePostError,
        ):
            response = formats.errors(out_fmt, 400, [(400, "请求数据无法读取：格式不正确或超过大小限制")])
        except DataError:
            log.warning("open311 %s: data the database refused", name, exc_info=True)
            response = formats.errors(out_fmt, 400, [(400, "参数取值超出范围或格式不正确")])
        except DatabaseError:
            log.exception("open311 %s: database error", name)
            response = formats.errors(out_fmt, 503, [(503, "服务暂时繁忙，请稍后重试")])
        except Exception:
            log.exception("open311 %s: unexpected error", name)
            response = formats.errors(out_fmt, 400, [(400, "请求无法处理，请检查参数后重试")])
        if key is not None:
            try:
                apikey_request_record(
                    key=key,
                    method=request.method or "",
                    endpoint=f"{name}.{out_fmt}",
                    status=response.status_code,
                    data={"ip": request.META.get("REMOTE_ADDR", "")[:45], **audit},
                )
            except Exception:
                log.exception("open311: audit row of a keyed request not written")
        return response

    view.__name__ = f"open311_{name}"
    return view


# --- discovery and services -------------------------------------------------------------------------


def discovery(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict
) -> HttpResponse:
    base = getattr(settings, "OPEN311_BASE_URL", "") or request.build_absolute_uri("/open311/v2")
    body = {
        "changeset": CHANGESET,
        "contact": getattr(settings, "OPEN311_CONTACT", "") or "请联系所在区的区级管理员（共治平台）",
        "key_service": "接入密钥（api_key）由区级管理员在共治控制台“系统管理 → Open311接入”签发",
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": base.rstrip("/"),
                "changeset": CHANGESET,
                "type": "production",
                "formats": [formats.MIME["xml"], formats.MIME["json"]],
            }
        ],
        "privacy": "查询接口公开、无需密钥，但从不返回上报人信息（姓名、电话、邮箱）；照片仅限授权工作人员查看，"
        "media_url始终为空；地址最多到道路或小区，坐标约精确到百米；文字中的电话、身份证号、门牌号和住户姓名已隐去；"
        "涉及居民个人事务的工单只公开办理状态，不公开描述和办理说明，位置只到社区。",
    }
    return formats.render(fmt, "discovery", body)


def _services() -> QuerySet[Category]:
    return (
        Category.objects.filter(active=True, public=True, parent__isnull=False, parent__active=True)
        .select_related("parent")
        .order_by("order", "code")
    )


def services(request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict) -> HttpResponse:
    return formats.render(fmt, "services", [mapping.service(c) for c in _services()])


def service_for(code: str) -> Category:
    category = _services().filter(code=code.strip()).first() if code.strip() else None
    if category is None:
        raise Open311Error(404, f"未知的service_code“{code[:30]}”")
    return category


def service_definition(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict, service_code: str = ""
) -> HttpResponse:
    category = service_for(service_code)
    return formats.render(fmt, "service_definition", mapping.service_definition(category))


# --- requests ---------------------------------------------------------------------------------------


def _tickets() -> QuerySet[Ticket]:
    events = TicketEvent.objects.filter(ticket=OuterRef("pk")).order_by("-id")
    return Ticket.objects.select_related("category", "department").annotate(
        last_at=Subquery(events.values("at")[:1]),
        last_public=Subquery(events.exclude(public_note="").values("public_note")[:1]),
    )


def _requests(tickets: list[Ticket], *, extensions: bool) -> list[dict[str, Any]]:
    context = public_context(tickets)
    out = []
    for t in tickets:
        notes = None
        if extensions:
            notes = public_timeline(ticket=t) if t.duplicate_of_id else t.public_events  # type: ignore[attr-defined]
        out.append(
            mapping.request_fields(
                t,
                status_notes=t.last_public or "",  # type: ignore[attr-defined]
                updated=t.last_at,  # type: ignore[attr-defined]
                context=context,
                notes=notes,
            )
        )
    return out


def _with_notes(qs: QuerySet[Ticket], extensions: bool) -> QuerySet[Ticket]:
    if not extensions:
        return qs
    public = TicketEvent.objects.exclude(public_note="").order_by("id")
    return qs.prefetch_related(Prefetch("events", queryset=public, to_attr="public_events"))


def requests_list(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict
) -> HttpResponse:
    extensions = flag(params.get("extensions"))
    page = page_of(params)
    qs = _with_notes(_tickets(), extensions)
    ids_raw = params.get("service_request_id")
    if ids_raw:
        ids = [request_id(v) for v in comma_list(ids_raw)]
        if len(ids) > MAX_IDS:
            raise bad(f"service_request_id最多{MAX_IDS}个")
        qs = qs.filter(pk__in=ids)
    else:
        start, end = window(params)
        qs = qs.filter(created_at__gte=start, created_at__lte=end)
        codes = comma_list(params.get("service_code"))
        if codes:
            qs = qs.filter(category__code__in=codes)
        statuses = {s.lower() for s in comma_list(params.get("status"))}
        unknown = statuses - {"open", "closed"}
        if unknown:
            raise bad(f"status只能是open或closed（可用逗号分隔），收到“{'、'.join(sorted(unknown))[:30]}”")
        if statuses == {"open"}:
            qs = qs.exclude(status__in=sorted(TERMINAL))
        elif statuses == {"closed"}:
            qs = qs.filter(status__in=sorted(TERMINAL))
    rows = list(qs.order_by("-created_at", "-id")[page.offset : page.offset + page.size])
    return formats.render(fmt, "service_requests", _requests(rows, extensions=extensions))


def request_create(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict
) -> HttpResponse:
    assert key is not None  # the wrapper requires a key for every POST
    category = service_for(params.get("service_code")) if params.get("service_code") else None
    if category is None:
        raise bad("缺少service_code")
    ticket = intake.file_request(
        key=key, category=category, params=params, files=request.FILES.getlist("media")
    )
    audit["service_request_id"] = str(ticket.pk)
    body = [
        {
            "service_request_id": str(ticket.pk),
            "service_notice": f"已提交，工单编号{ticket.number}，正在等待受理",
            "account_id": params.get("account_id")[:100] or None,
        }
    ]
    return formats.render(fmt, "service_requests", body)


def request_detail(
    request: HttpRequest,
    fmt: str,
    params: Params,
    key: ApiKey | None,
    audit: dict,
    service_request_id: str = "",
) -> HttpResponse:
    try:
        pk = request_id(service_request_id)
    except Open311Error:
        raise Open311Error(404, f"服务请求“{service_request_id[:30]}”不存在") from None
    extensions = flag(params.get("extensions"))
    rows = list(_with_notes(_tickets(), extensions).filter(pk=pk))
    if not rows:
        raise Open311Error(404, f"服务请求“{service_request_id[:30]}”不存在")
    return formats.render(fmt, "service_requests", _requests(rows, extensions=extensions))


def token_detail(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict, token: str = ""
) -> HttpResponse:
    """Gongzhi creates the ticket at once, so a token is the service_request_id itself."""
    try:
        pk = request_id(token)
    except Open311Error:
        pk = 0
    if not pk or not Ticket.objects.filter(pk=pk).exists():
        raise Open311Error(404, f"token“{token[:30]}”不存在")
    return formats.render(fmt, "service_requests", [{"service_request_id": str(pk), "token": token}])


# --- service request updates (the FixMyStreet extension) ---------------------------------------------


def updates_list(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict
) -> HttpResponse:
    start, end = window(params)
    page = page_of(params)
    qs = (
        TicketEvent.objects.exclude(public_note="")
        .filter(at__gte=start, at__lte=end)
        .select_related("ticket__category")
        .order_by("at", "id")
    )
    ids_raw = params.get("service_request_id")
    if ids_raw:
        qs = qs.filter(ticket_id__in=[request_id(v) for v in comma_list(ids_raw)][:MAX_IDS])
    rows = list(qs[page.offset : page.offset + page.size])
    context = public_context({e.ticket_id: e.ticket for e in rows}.values())
    return formats.render(fmt, "service_request_updates", [mapping.request_update(e, context) for e in rows])


def update_create(
    request: HttpRequest, fmt: str, params: Params, key: ApiKey | None, audit: dict
) -> HttpResponse:
    assert key is not None
    event = intake.add_update(key=key, params=params)
    audit.update(service_request_id=str(event.ticket_id), update_id=str(event.pk))
    return formats.render(fmt, "service_request_updates", [{"update_id": str(event.pk)}])


def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    suffix = rest.rsplit(".", 1)[1] if "." in rest.rsplit("/", 1)[-1] else ""
    fmt = formats.fmt_of(suffix)
    return formats.errors(
        fmt,
        404,
        [
            (
                404,
                "没有这个接口：可用 discovery、services、requests、tokens、servicerequestupdates，路径以 .xml 或 .json 结尾",
            )
        ],
    )
