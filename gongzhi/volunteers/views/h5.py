"""Resident pages (H5): activities to sign up for, the QR scan page, my service (hours, star level).

Thin: reads through the selectors, writes through the services; a refusal shows its Chinese message.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.volunteers.enums import HoursStatus, SignUpStatus
from gongzhi.volunteers.forms import SignupCancelForm
from gongzhi.volunteers.models import Attendance, SignUp
from gongzhi.volunteers.selectors import activities as activity_selectors
from gongzhi.volunteers.selectors.attendance import my_hours
from gongzhi.volunteers.selectors.certificates import certificate_list_for_actor
from gongzhi.volunteers.selectors.scope import own_volunteer_q
from gongzhi.volunteers.selectors.teams import volunteer_of
from gongzhi.volunteers.services import activities, attendance
from gongzhi.volunteers.services.hours import next_star, star_label

HOURS_PER_PAGE = 20  # the resident's hours page: one screen of records at a time


@h5_login_required
@require_GET
def activity_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    sessions = list(activity_selectors.open_session_list_for_actor(actor=actor))
    mine = {
        s.session_id: s
        for s in SignUp.objects.filter(own_volunteer_q(actor), session__in=sessions).exclude(
            status=SignUpStatus.CANCELLED
        )
    }
    for s in sessions:
        s.mine = mine.get(s.pk)  # type: ignore[attr-defined]
        s.places_left = max(0, s.capacity - s.signed_up_count)  # type: ignore[attr-defined]
    return render(request, "volunteers/h5/activities.html", {"sessions": sessions})


@h5_login_required
@require_POST
def signup(request: HttpRequest, session_id: int) -> HttpResponse:
    try:
        result = activities.signup_create(actor=actor_of(request), session_id=session_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        if result.status == SignUpStatus.SIGNED_UP:
            messages.success(
                request, gettext("报名成功：%(title)s") % {"title": result.session.activity.title}
            )
        else:
            messages.info(request, gettext("本场名额已满，您已进入候补名单，有人取消时按报名先后自动递补"))
    return redirect("volunteers_h5:activities")


@h5_login_required
@require_POST
def signup_cancel(request: HttpRequest, signup_id: int) -> HttpResponse:
    try:
        activities.signup_cancel(actor=actor_of(request), signup_id=signup_id)
        messages.success(request, gettext("已取消报名"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect(
        (SignupCancelForm(request.POST).back_to_mine() and "volunteers_h5:mine") or "volunteers_h5:activities"
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def scan(request: HttpRequest, token: str) -> HttpResponse:
    """Reached from the session's QR code: shows the session; the button checks in, later checks out."""
    actor = actor_of(request)
    try:
        session = activity_selectors.session_by_token(token)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    error = result = None
    if request.method == "POST":
        try:
            result = attendance.scan(actor=actor, token=token)
        except ApplicationError as exc:
            error = exc.message
    volunteer = volunteer_of(actor)
    mine = (
        Attendance.objects.filter(session=session, volunteer=volunteer).select_related("hours").first()
        if volunteer
        else None
    )
    signup = (
        SignUp.objects.filter(session=session, volunteer=volunteer)
        .exclude(status=SignUpStatus.CANCELLED)
        .first()
        if volunteer
        else None
    )
    return render(
        request,
        "volunteers/h5/scan.html",
        {"session": session, "attendance": mine, "signup": signup, "error": error, "result": result},
        status=409 if error else 200,
    )


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    volunteer = volunteer_of(actor)
    all_hours = my_hours(actor=actor, limit=None)
    page = Paginator(all_hours, HOURS_PER_PAGE).get_page(request.GET.get("page"))
    pending = all_hours.filter(status=HoursStatus.PENDING).aggregate(t=Sum("hours"))["t"] or Decimal("0")
    confirmed = (
        volunteer.hours.filter(status=HoursStatus.CONFIRMED).aggregate(t=Sum("hours"))["t"]
        if volunteer
        else None
    )
    total = volunteer.total_hours if volunteer else Decimal("0")
    return render(
        request,
        "volunteers/h5/mine.html",
        {
            "volunteer": volunteer,
            "total": total,
            "confirmed": confirmed or Decimal("0"),
            "pending": pending,
            "star": star_label(volunteer.star_level if volunteer else 0),
            "star_level": volunteer.star_level if volunteer else 0,
            "next_star": next_star(total),
            "hours": list(page.object_list),
            "page": page,
            "signups": list(activity_selectors.my_signups(actor=actor, limit=20)),
            "certificates": list(certificate_list_for_actor(actor=actor, limit=20)) if volunteer else [],
        },
    )
