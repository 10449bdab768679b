"""Console pages of the devices: the registry with its figures and filters, a device, the offline list,
the events (and their snapshots, each view audited), the platforms and their signing keys, the
event-to-category table. Thin: scoped selectors read, services write; missing and forbidden are one 404."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.devices import selectors, signing
from gongzhi.devices.enums import DeviceKind, DeviceStatus, EventKind, EventOutcome
from gongzhi.devices.forms import DeviceForm, PlatformForm, RouteForm
from gongzhi.devices.models import Platform
from gongzhi.devices.services import platforms as platform_services
from gongzhi.devices.services import registry
from gongzhi.devices.services.snapshots import device_snapshot_open
from gongzhi.places.models import Community, Grid
from gongzhi.tickets.models import Category

PAGE_SIZE = 500


def _reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not allowed(actor, "devices.list_device"):
        raise Http404
    return actor


def _admin(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not allowed(actor, "devices.manage_platform"):
        raise Http404
    return actor


def _platforms_for(actor: Any) -> list[Platform]:
    """The platforms a manager may connect a device to: those placed in their places or above them."""
    from django.db.models import Q

    from gongzhi.core import codes
    from gongzhi.core.roles import PLACE_MANAGERS

    scope = scope_of(actor)
    qs = Platform.objects.order_by("name")
    if scope.superuser:
        return list(qs[:200])
    above: set[str] = set()
    for level, held in scope.codes(PLACE_MANAGERS).items():
        for code in held:
            above.add(code[:6])
            if level in ("community", "grid"):
                community = code[:12]
                above |= {codes.subdistrict_of(community), community}
    return list(qs.filter(scope.place_q(PLACE_MANAGERS) | Q(place_code__in=sorted(above)))[:200])


def _initial(device: Any = None, posted: dict[str, Any] | None = None) -> dict[str, str]:
    """The device form's values: what was posted (after a refusal), else the device's, else empty."""
    out = dict.fromkeys(DeviceForm.base_fields, "")
    if device is not None:
        for name in out:
            value = getattr(device, name, "")
            out[name] = "" if value is None else str(value)
        out["sign_posted_on"] = device.sign_posted_on.isoformat() if device.sign_posted_on else ""
        out["platform_id"] = str(device.platform_id or "")
    out.update({k: v for k, v in (posted or {}).items() if k in out})
    return out


def _fail(request: HttpRequest, exc: ApplicationError) -> dict[str, str]:
    if isinstance(exc, NotFound):
        raise Http404(exc.message) from exc
    messages.error(request, exc.message)
    return exc.fields or {"form": exc.message}


def _grids_for(actor: Any) -> list[Grid]:
    """The grids the actor may place a device in (as a manager of the place)."""
    from django.db.models import Q

    from gongzhi.core.roles import PLACE_MANAGERS

    scope = scope_of(actor)
    if scope.superuser:
        return list(Grid.objects.order_by("code")[:500])
    q = Q(pk__in=[])
    for level, codes in scope.codes(PLACE_MANAGERS).items():
        for code in codes:
            prefix = {"district": code[:6], "subdistrict": code[:9], "community": code, "grid": code}[level]
            q |= Q(code__startswith=prefix)
    return list(Grid.objects.filter(q).order_by("code")[:500])


@console_login_required
@require_http_methods(["GET", "POST"])
def device_registry(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = DeviceForm(request.POST)
        form = posted.values()
        try:
            device = registry.device_register(actor=actor, data=posted.device_input())
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, gettext("已登记设备“%(name)s”") % {"name": device.name})
            return redirect("devices:detail", device.pk)
    f = {k: request.GET.get(k, "")[:40] for k in ("kind", "status", "community_code", "grid_code", "q")}
    rows = selectors.device_list_for_actor(actor=actor, **f)
    total = rows.count()
    grids = _grids_for(actor)
    return render(
        request,
        "devices/console/registry.html",
        {
            "rows": list(rows[:PAGE_SIZE]),
            "total": total,
            "page_size": PAGE_SIZE,
            "f": f,
            "kinds": DeviceKind.choices,
            "statuses": DeviceStatus.choices,
            "figures": selectors.device_figures_for_actor(actor=actor),
            "communities": Community.objects.filter(
                code__in={fig.community_code for fig in selectors.device_figures_for_actor(actor=actor)}
            ).order_by("code"),
            "grids": grids,
            "platforms": _platforms_for(actor) if grids else [],
            "can_register": bool(grids),
            "form": _initial(None, form),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def device_detail(request: HttpRequest, device_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        device = selectors.device_get_for_actor(actor=actor, device_id=device_id)
    except NotFound as exc:
        raise Http404 from exc
    can_manage = allowed(actor, "devices.manage_device", device)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = DeviceForm(request.POST)
        form = posted.values()
        try:
            registry.device_update(actor=actor, device_id=device.pk, data=posted.device_input())
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, gettext("设备信息已保存"))
            return redirect("devices:detail", device.pk)
    return render(
        request,
        "devices/console/detail.html",
        {
            "d": device,
            "events": selectors.device_event_list_for_actor(actor=actor, device_id=device.pk, limit=100),
            "can_manage": can_manage,
            "kinds": DeviceKind.choices,
            "grids": _grids_for(actor) if can_manage else [],
            "platforms": _platforms_for(actor) if can_manage else [],
            "form": _initial(device, form),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def device_retire_view(request: HttpRequest, device_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        registry.device_retire(
            actor=actor, device_id=device_id, reason=ReasonForm(request.POST).text("reason")
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, gettext("设备已停用，不再接收其事件和心跳"))
    return redirect("devices:detail", device_id)


@console_login_required
@require_GET
def offline(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    rows = list(selectors.offline_list_for_actor(actor=actor)[:PAGE_SIZE])
    return render(request, "devices/console/offline.html", {"rows": rows})


@console_login_required
@require_GET
def event_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    kind = request.GET.get("kind", "")[:24]
    community_code = request.GET.get("community_code", "")[:12]
    return render(
        request,
        "devices/console/events.html",
        {
            "rows": selectors.device_event_list_for_actor(
                actor=actor, kind=kind, community_code=community_code
            ),
            "incidents": selectors.incident_list_for_actor(actor=actor, open_only=True, limit=100),
            "kind": kind,
            "kinds": EventKind.choices,
            "outcomes": dict(EventOutcome.choices),
        },
    )


@console_login_required
@require_GET
def event_detail(request: HttpRequest, event_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        event = selectors.device_event_get_for_actor(actor=actor, event_id=event_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "devices/console/event.html",
        {"e": event, "can_snapshot": event.snapshot_id and allowed(actor, "devices.view_snapshot", event)},
    )


@console_login_required
@require_GET
def snapshot(request: HttpRequest, event_id: int) -> HttpResponse:
    """The event's scene picture; each view writes an audit row (devices.snapshot_viewed)."""
    actor = _reader(request)
    try:
        photo = device_snapshot_open(actor=actor, event_id=event_id)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return cast("HttpResponse", response)  # a streamed file; the decorators pass it through


@console_login_required
@require_http_methods(["GET", "POST"])
def platforms(request: HttpRequest) -> HttpResponse:
    actor = _admin(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = PlatformForm(request.POST)
        form = posted.values()
        try:
            platform = platform_services.platform_create(
                actor=actor,
                name=posted.text("name"),
                place_code=posted.text("place_code"),
                vendor=posted.text("vendor"),
                note=posted.text("note"),
            )
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(
                request, gettext("已登记监控平台“%(name)s”，请为其签发签名密钥") % {"name": platform.name}
            )
            return redirect("devices:platforms")
    return render(
        request,
        "devices/console/platforms.html",
        {
            "platforms": selectors.platform_list_for_actor(actor=actor),
            "communities": Community.objects.filter(
                code__startswith=next(iter(sorted(scope_of(actor).district_codes)), "")
            ).order_by("code")[:500],
            "form": form,
            "errors": errors,
            "headers": (signing.HEADER_KEY, signing.HEADER_TIMESTAMP, signing.HEADER_SIGNATURE),
            "window": signing.WINDOW_SECONDS,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def key_issue(request: HttpRequest, platform_id: int) -> HttpResponse:
    actor = _admin(request)
    try:
        issued = platform_services.platform_key_issue(actor=actor, platform_id=platform_id)
    except ApplicationError as exc:
        _fail(request, exc)
        return redirect("devices:platforms")
    # The secret is shown on this answer only: never stored, never shown again, never cached.
    response = render(
        request,
        "devices/console/key_issued.html",
        {"key": issued.key, "secret": issued.secret, "window": signing.WINDOW_SECONDS},
    )
    response["Cache-Control"] = "no-store"
    return response


@console_login_required
@require_POST
def key_revoke(request: HttpRequest, key_id: int) -> HttpResponse:
    actor = _admin(request)
    try:
        key = platform_services.platform_key_revoke(actor=actor, key_id=key_id)
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, gettext("密钥 %(key_id)s 已停用") % {"key_id": key.key_id})
    return redirect("devices:platforms")


@console_login_required
@require_http_methods(["GET", "POST"])
def routes(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    can_edit = allowed(actor, "devices.edit_route")
    if request.method == "POST":
        if not can_edit:
            raise Http404
        posted = RouteForm(request.POST)
        try:
            platform_services.event_route_set(actor=actor, **posted.route_kwargs())
        except ApplicationError as exc:
            _fail(request, exc)
        else:
            messages.success(request, gettext("已保存"))
        return redirect("devices:routes")
    return render(
        request,
        "devices/console/routes.html",
        {
            "rows": selectors.route_table(),
            "labels": dict(EventKind.choices),
            "can_edit": can_edit,
            "categories": Category.objects.filter(active=True, parent__isnull=False).order_by("code")
            if can_edit
            else [],
        },
    )
