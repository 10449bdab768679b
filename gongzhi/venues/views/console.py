"""Console pages of the venue register: the list with its registration form, a venue with its bookings
and inspections, and the 15-minute circle map. Thin: scoped selectors, services, refusals shown."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import POPULATION_ROLES
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.venues import coverage, hours, selectors
from gongzhi.venues.enums import SERVICES, BookerKind, LinkKind, StandardItem, VenueKind
from gongzhi.venues.forms import BookingForm, InspectionForm, VenueForm
from gongzhi.venues.services import bookings, venues

WEEKDAY_CHOICES = [(i, gettext_lazy(name)) for i, name in enumerate(hours.WEEKDAY_NAMES)]


def _communities(actor: Any) -> list[Any]:
    return [
        c
        for c in community_list_for_actor(actor=actor, roles=POPULATION_ROLES)[:300]
        if allowed(actor, "venues.manage_venue", c)
    ]


@console_login_required
@require_http_methods(["GET", "POST"])
def venue_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _communities(actor)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"opens_at": "09:00", "closes_at": "17:00", "capacity": "20"}
    if request.method == "POST":
        posted = VenueForm(request.POST)
        form = posted.values()
        try:
            venue = venues.venue_register(
                actor=actor, community_id=posted.number("community_id") or 0, data=posted.venue_input()
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已登记阵地“%(name)s”") % {"name": venue.name})
            return redirect("venues:detail", venue_id=venue.pk)
    f = {k: request.GET.get(k, "")[:24] for k in ("kind", "community_code")}
    rows = list(
        selectors.venue_list_for_actor(
            actor=actor, kind=f["kind"], community_code=f["community_code"], limit=500
        )
    )
    for v in rows:
        v.hours_text = hours.describe(v)  # type: ignore[attr-defined]
    return render(
        request,
        "venues/console/list.html",
        {
            "venues": rows,
            "f": f,
            "kinds": VenueKind.choices,
            "services": SERVICES,
            "weekdays": WEEKDAY_CHOICES,
            "communities": communities,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        venue = selectors.venue_get_for_actor(actor=actor, venue_id=venue_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    today = timezone.localdate()
    upcoming = list(
        selectors.booking_list_for_actor(actor=actor, venue_id=venue.pk, day_from=today, limit=200)
    )
    return render(
        request,
        "venues/console/detail.html",
        {
            "venue": venue,
            "hours_text": hours.describe(venue),
            "bookings": upcoming,
            "inspections": list(selectors.inspection_list_for_venue(actor=actor, venue_id=venue.pk)[:20]),
            "items": StandardItem.choices,
            "booker_kinds": BookerKind.choices,
            "link_kinds": [c for c in LinkKind.choices if c[0]],
            "can_manage": allowed(actor, "venues.manage_venue", venue),
            "can_book": allowed(actor, "venues.book_venue", venue) and venue.bookable and venue.active,
            "default_start": (timezone.localtime() + dt.timedelta(days=1))
            .replace(hour=9, minute=0)
            .strftime("%Y-%m-%dT%H:%M"),
            "default_end": (timezone.localtime() + dt.timedelta(days=1))
            .replace(hour=11, minute=0)
            .strftime("%Y-%m-%dT%H:%M"),
        },
    )


@console_login_required
@require_POST
def venue_book(request: HttpRequest, venue_id: int) -> HttpResponse:
    try:
        b = bookings.booking_create(
            actor=actor_of(request), venue_id=venue_id, data=BookingForm(request.POST).booking_input()
        )
        messages.success(
            request,
            gettext("已预约：%(value)s“%(purpose)s”")
            % {
                "value": dateformat.format(timezone.localtime(b.starts_at), gettext("m月d日 H:i")),
                "purpose": b.purpose,
            },
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        refused(request, exc)
    return redirect("venues:detail", venue_id=venue_id)


@console_login_required
@require_POST
def venue_inspect(request: HttpRequest, venue_id: int) -> HttpResponse:
    form = InspectionForm(request.POST)
    try:
        row = venues.venue_inspect(
            actor=actor_of(request), venue_id=venue_id, met_items=form.met(), note=form.text("note")
        )
        messages.success(
            request, gettext("已记录检查：%(met)s/%(total)s项达标") % {"met": row.met, "total": row.total}
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        refused(request, exc)
    return redirect("venues:detail", venue_id=venue_id)


@console_login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        booking = selectors.booking_get_for_actor(actor=actor, booking_id=booking_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        bookings.booking_cancel(
            actor=actor, booking_id=booking_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(request, gettext("已取消预约"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("venues:detail", venue_id=booking.venue_id)


@console_login_required
@require_GET
def circle_map(request: HttpRequest) -> HttpResponse:
    from django.urls import reverse

    actor = actor_of(request)
    code = request.GET.get("community", "")[:12]
    cov = selectors.coverage_for_actor(actor=actor, community_code=code)
    names = {c.code: c.name for c in community_list_for_actor(actor=actor, roles=POPULATION_ROLES)[:300]}
    rows = [
        {
            "code": c.community_code,
            "name": names.get(c.community_code, c.community_code),
            "households": c.households,
            "covered": c.covered,
            "share": c.share,
            "by_kind": [(str(VenueKind(k).label), n) for k, n in sorted(c.by_kind.items())],
        }
        for c in sorted(cov.communities.values(), key=lambda c: c.community_code)
    ]
    geo = reverse("api:venue_geojson") + (f"?community_code={code}" if code else "")
    grids = reverse("api:grid_geojson") + (f"?community_code={code}" if code else "")
    return render(
        request,
        "venues/console/map.html",
        {
            "coverage": cov,
            "rows": rows,
            "communities": sorted(names.items()),
            "community_code": code,
            "venues_url": geo,
            "grids_url": grids,
            "walk_metres": int(coverage.WALK_METRES),
            "detour": coverage.DETOUR_FACTOR,
        },
    )
