"""The other console pages of the ticket loop: a staff report (新建工单: patrol, 书记有约, assigned),
the open supervision cards in scope (督办), and the category tree with time limits (read-only)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.tickets import services as svc
from gongzhi.tickets.enums import Channel, Level
from gongzhi.tickets.forms import NEW_FIELDS, TicketNewForm
from gongzhi.tickets.models import LIMIT_UNITS
from gongzhi.tickets.selectors import tickets as selectors
from gongzhi.tickets.views.console_ticket import place_names

# Grids drawn on the new-ticket map (a district admin's thousands are left to the typed point).
MAP_GRIDS = 60


def staff_channels(actor: Any) -> list[tuple[str, str]]:
    """The channels a staff member reports in from the console: patrol for grid workers only."""
    out: list[tuple[str, str]] = []
    if allowed(actor, "tickets.patrol"):
        out.append((Channel.PATROL, str(Channel.PATROL.label)))
    out += [
        (Channel.APPOINTMENT, str(Channel.APPOINTMENT.label)),
        (Channel.ASSIGNED, str(Channel.ASSIGNED.label)),
    ]
    return out


def _number(value: str, field: str, label: str) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValidationFailed(
            gettext("%(label)s应为数字") % {"label": label}, fields={field: gettext("应为数字")}
        ) from None


def _input(actor: Any, form: dict[str, str]) -> svc.TicketInput:
    if form["channel"] not in {c for c, _l in staff_channels(actor)}:
        raise ValidationFailed(gettext("请选择来源渠道"), fields={"channel": gettext("请选择来源渠道")})
    if form["channel"] == Channel.APPOINTMENT and not form["channel_source"]:
        raise ValidationFailed(
            gettext("书记有约请填写场次名称"),
            fields={"channel_source": gettext("请填写场次，如“银山社区书记有约第12期”")},
        )
    lng = _number(form["lng"], "location", gettext("经度"))
    lat = _number(form["lat"], "location", gettext("纬度"))
    return svc.TicketInput(
        description=form["description"],
        channel=form["channel"],
        channel_source=form["channel_source"],
        category_code=form["category_code"],
        lng=lng,
        lat=lat,
        coord_system="wgs84",
        address=form["address"],
        grid_code=form["grid_code"],
        reporter_name=form["reporter_name"],
        reporter_phone=form["reporter_phone"],
        urgent=form["urgent"] == "on",
    )


def _scope_bounds(actor: Any) -> list[list[float]] | None:
    """The box around every grid the actor may see: the map starts there when there are too many grids to
    draw (a district admin), never at a fixed point far from the district."""
    from django.db.models import Max, Min

    from gongzhi.places.selectors import grid_list_for_actor

    box = grid_list_for_actor(actor=actor).aggregate(
        w=Min("min_lng"), s=Min("min_lat"), e=Max("max_lng"), n=Max("max_lat")
    )
    if None in box.values():
        return None
    return [[box["s"], box["w"]], [box["n"], box["e"]]]


def _grids(actor: Any) -> list[Any]:
    from gongzhi.places.selectors import grid_list_for_actor

    grids = grid_list_for_actor(actor=actor).select_related(None).only("code", "name", "boundary")
    return list(grids.order_by("code")[: MAP_GRIDS + 1])


@console_login_required
@require_http_methods(["GET", "POST"])
def ticket_new(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "tickets.add_ticket"):
        raise Http404
    channels = staff_channels(actor)
    form: dict[str, str] = dict.fromkeys(NEW_FIELDS, "") | {"channel": channels[0][0], "urgent": ""}
    error: ApplicationError | None = None
    if request.method == "POST":
        form = TicketNewForm(request.POST).values()
        try:
            ticket = svc.ticket_report(
                actor=actor, data=_input(actor, form), photos=request.FILES.getlist("photos")
            )
        except NotFound:
            raise Http404 from None
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, gettext("已上报工单 %(number)s") % {"number": ticket.number})
            return redirect("tickets:detail", ticket_id=ticket.pk)
    grids = _grids(actor)
    map_grids = grids if len(grids) <= MAP_GRIDS else []
    return render(
        request,
        "tickets/console/new.html",
        {
            "form": form,
            "error": error,
            "errors": error.fields if error else {},
            "channels": channels,
            "categories": selectors.category_tree(),
            "grids": map_grids,
            "map_data": {
                "pick": True,
                "grids": [g.boundary for g in map_grids if g.boundary],
                "bounds": None if map_grids else _scope_bounds(actor),
                "pin": {"lng": float(form["lng"]), "lat": float(form["lat"])}
                if error and _is_point(form)
                else None,
                "tile_url": settings.MAP_TILE_URL,
                "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
            },
        },
        status=error.status if error else 200,
    )


def _is_point(form: dict[str, str]) -> bool:
    try:
        float(form["lng"]), float(form["lat"])
    except ValueError:
        return False
    return True


@console_login_required
@require_GET
def supervision_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    show_all = request.GET.get("all") == "1"
    cards = selectors.supervision_list_for_actor(actor=actor, open_only=not show_all)
    names = place_names({c.handler_place_code for c in cards})
    for c in cards:
        c.place_name = names.get(c.handler_place_code, c.handler_place_code)  # type: ignore[attr-defined]
    return render(request, "tickets/console/supervision.html", {"cards": cards, "show_all": show_all})


@console_login_required
@require_GET
def category_list(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.models import Department

    actor = actor_of(request)
    scope = scope_of(actor)
    majors = selectors.category_tree(include_inactive=True)
    districts = set(scope.district_codes)
    if scope.department_ids:
        districts |= set(
            Department.objects.filter(pk__in=sorted(scope.department_ids)).values_list(
                "district__code", flat=True
            )
        )
    deps = (
        Department.objects.all()
        if scope.superuser
        else Department.objects.filter(district__code__in=sorted(districts))
    )
    names = {d.code: d.name for d in deps.order_by("district_id", "code")}
    units = dict(LIMIT_UNITS)
    for major in majors:
        for c in [major, *major.kids]:  # type: ignore[attr-defined]
            c.department_name = names.get(c.department_code, "")
            c.limit_label = f"{c.limit_amount}{units.get(c.limit_unit, c.limit_unit)}"
            c.level_label = Level(c.default_level).label
    return render(request, "tickets/console/categories.html", {"majors": majors})


@console_login_required
@require_GET
def map_points(request: HttpRequest) -> HttpResponse:
    """The grid map's layer of open and overdue tickets in the user's scope (JSON)."""
    from django.http import JsonResponse
    from django.urls import reverse

    points = selectors.ticket_map_points_for_actor(actor=actor_of(request))
    for p in points:
        p["url"] = reverse("tickets:detail", args=[p["id"]])
    return JsonResponse({"points": points, "limit": selectors.MAP_POINTS})
