"""Resident pages: the venues of one's community with their hours and services, booking a room, and one's
own bookings (cancel one)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import dateformat, timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.permissions import allowed
from gongzhi.venues import hours, selectors
from gongzhi.venues.enums import BookerKind
from gongzhi.venues.forms import BookingForm
from gongzhi.venues.services import bookings


@h5_login_required
@require_GET
def venue_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    rows = list(selectors.venue_list_for_actor(actor=actor, limit=200))
    for v in rows:
        v.hours_text = hours.describe(v)  # type: ignore[attr-defined]
    mine = list(
        selectors.booking_list_for_actor(actor=actor, mine=True, day_from=timezone.localdate(), limit=50)
    )
    return render(request, "venues/h5/list.html", {"venues": rows, "mine": mine})


@h5_login_required
@require_http_methods(["GET", "POST"])
def venue_detail(request: HttpRequest, venue_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        venue = selectors.venue_get_for_actor(actor=actor, venue_id=venue_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    error: ApplicationError | None = None
    form = BookingForm(request.POST)
    if request.method == "POST":
        data = form.booking_input()
        if data.booker_kind == BookerKind.STAFF:
            data.booker_kind = BookerKind.RESIDENT
        try:
            b = bookings.booking_create(actor=actor, venue_id=venue.pk, data=data)
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                gettext("预约成功：%(value)s")
                % {"value": dateformat.format(timezone.localtime(b.starts_at), gettext("m月d日 H:i"))},
            )
            return redirect("venues_h5:list")
    day = timezone.localdate() + dt.timedelta(days=1)
    taken = list(
        selectors.booking_list_for_actor(
            actor=actor, venue_id=venue.pk, day_from=timezone.localdate(), limit=30
        )
    )
    return render(
        request,
        "venues/h5/detail.html",
        {
            "venue": venue,
            "hours_text": hours.describe(venue),
            "taken": taken,
            "can_book": allowed(actor, "venues.book_venue", venue) and venue.bookable,
            "error": error,
            "data": form.values()
            if request.method == "POST"
            else {
                "starts_at": f"{day:%Y-%m-%d}T19:00",
                "ends_at": f"{day:%Y-%m-%d}T20:00",
                "attendees": "1",
            },
        },
        status=error.status if error else 200,
    )


@h5_login_required
@require_POST
def booking_cancel(request: HttpRequest, booking_id: int) -> HttpResponse:
    try:
        bookings.booking_cancel(
            actor=actor_of(request), booking_id=booking_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(request, gettext("已取消预约"))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("venues_h5:list")
