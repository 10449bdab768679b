"""书记有约 intake form for community workers and secretaries."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import actor_of
from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.tickets.enums import Channel
from gongzhi.tickets.forms import AppointmentForm, add_errors
from gongzhi.tickets.selectors.tickets import clean_filters, ticket_list_for_actor
from gongzhi.tickets.services.appointments import AppointmentInput, appointment_ticket_report


@login_required
@require_http_methods(["GET", "POST"])
def appointment_page(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.selectors import grid_list_for_actor

    actor = actor_of(request)
    if not allowed(actor, "tickets.take_appointment"):
        raise Http404
    grids = [(g.code, g.name) for g in grid_list_for_actor(actor=actor).order_by("code")[:500]]
    if request.method == "POST":
        form = AppointmentForm(request.POST, grids=grids)
        if form.is_valid():
            d = form.cleaned_data
            try:
                ticket = appointment_ticket_report(
                    actor=actor,
                    data=AppointmentInput(
                        session_date=d["session_date"],
                        secretary=d["secretary"],
                        resident_name=d["resident_name"],
                        resident_phone=d["resident_phone"],
                        description=d["description"],
                        category_code=d["category_code"],
                        address=d["address"],
                        grid_code=d["grid_code"],
                    ),
                )
            except ApplicationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, _t("已登记为工单 %(number)s") % {"number": ticket.number})
                # Keep the session for the next resident of the same session.
                query = f"?date={d['session_date']:%Y-%m-%d}&secretary={d['secretary']}"
                return redirect(request.path + query)
    else:
        form = AppointmentForm(
            initial={
                "session_date": request.GET.get("date") or timezone.localdate(),
                "secretary": request.GET.get("secretary", "")[:20],
            },
            grids=grids,
        )
    recent = ticket_list_for_actor(
        actor=actor, filters=clean_filters(channel=Channel.APPOINTMENT), after_id=None, limit=20
    )[:20]
    return render(request, "tickets/intake/appointment.html", {"form": form, "recent": recent})
