"""Console pages of visits and care visits: a grid's visits of a month, the visit form (made for a phone:
photos, the phone's location, a follow-up that raises a need or a ticket), a visit with its outcome, its
photos (served after the visit's scope check), and the care visits (慰问) with their form."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.care import selectors, services
from gongzhi.care.enums import FollowUp, Occasion, VisitMode
from gongzhi.care.forms import CareVisitForm, OutcomeForm, VisitForm
from gongzhi.care.views.rosters import _fail, _person, _reader
from gongzhi.core.access import console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none


def month_of(value: str) -> dt.date:
    try:
        return dt.datetime.strptime(value, "%Y-%m").date()
    except ValueError:
        return timezone.localdate().replace(day=1)


@console_login_required
@require_GET
def visit_list(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    month = month_of(request.GET.get("month", ""))
    grid_code = request.GET.get("grid_code", "")[:15]
    rows = list(selectors.visit_list_for_actor(actor=actor, grid_code=grid_code, month=month))
    return render(
        request,
        "care/console/visits.html",
        {
            "rows": rows,
            "month": month,
            "grid_code": grid_code,
            "figures": selectors.grid_figures_for_actor(actor=actor),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def visit_new(request: HttpRequest, person_id: int) -> HttpResponse:
    from gongzhi.cobuild.enums import CATEGORIES

    actor = _reader(request)
    p = _person(actor, person_id)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {
        "visited_on": timezone.localdate().isoformat(),
        "visitors": getattr(actor, "display_name", "") or actor.username,
        "mode": VisitMode.HOME,
        "follow_up": FollowUp.NONE,
    }
    if request.method == "POST":
        posted = VisitForm(request.POST)
        form = posted.values()
        try:
            visit = services.visit_record(
                actor=actor, data=posted.visit_input(p.pk), photos=request.FILES.getlist("photos")
            )
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, "走访已登记" + ("，已转入居民需求清单" if visit.need_id else ""))
            return redirect("care:visit_detail", visit_id=visit.pk)
    return render(
        request,
        "care/console/visit_new.html",
        {
            "person": p,
            "form": form,
            "errors": errors,
            "modes": VisitMode.choices,
            "follow_ups": FollowUp.choices,
            "categories": CATEGORIES,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def visit_detail(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        visit = selectors.visit_get_for_actor(actor=actor, visit_id=visit_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request, "care/console/visit_detail.html", {"visit": visit, "photos": list(visit.photos.all())}
    )


@console_login_required
@require_POST
def visit_outcome(request: HttpRequest, visit_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        visit = selectors.visit_get_for_actor(actor=actor, visit_id=visit_id)
        services.visit_outcome_set(
            actor=actor, visit_id=visit.pk, outcome=OutcomeForm(request.POST).text("outcome")
        )
    except ApplicationError as exc:
        _fail(request, exc)
    else:
        messages.success(request, gettext("已登记跟进结果"))
    return redirect("care:visit_detail", visit_id=visit_id)


@console_login_required
@require_GET
def photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    actor = _reader(request)
    try:
        p = selectors.visit_photo_get_for_actor(actor=actor, photo_id=photo_id)
    except NotFound as exc:
        raise Http404 from exc
    response = FileResponse(p.file.open("rb"), content_type=p.content_type)
    response["Cache-Control"] = "private, max-age=3600"
    return cast("HttpResponse", response)  # a streamed file; the decorators pass it through


@console_login_required
@require_http_methods(["GET", "POST"])
def care_visits(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"visited_on": timezone.localdate().isoformat()}
    if request.method == "POST":
        posted = CareVisitForm(request.POST)
        form = posted.values()
        try:
            row = services.care_visit_record(actor=actor, data=posted.care_visit_input())
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, gettext("已登记对%(name)s的慰问") % {"name": row.person.name})
            return redirect("care:care_visits")
    occasion = request.GET.get("occasion", "")
    occasion = occasion if occasion in Occasion.values else ""
    year = int_or_none(request.GET.get("year")) or timezone.localdate().year
    rows = list(selectors.care_visit_list_for_actor(actor=actor, occasion=occasion, year=year, limit=500))
    members = list(selectors.membership_list_for_actor(actor=actor)[:500])
    people = {m.person_id: m.person for m in members}
    return render(
        request,
        "care/console/care_visits.html",
        {
            "rows": rows,
            "occasion": occasion,
            "year": year,
            "occasions": Occasion.choices,
            "people": sorted(people.values(), key=lambda p: (p.grid_code, p.pk)),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )
