"""Console pages of the committees (rooms, mediators, the four registers to print), the visitor and
legal-service entries, the weekly screenings and joint analyses, and the figures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import date_or_none, int_or_none, pdf_response, refused, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.mediation import books, selectors
from gongzhi.mediation.enums import ROOM_STANDARDS, CommitteeLevel, MediatorKind, MeetingLevel
from gongzhi.mediation.forms import (
    AnalysisForm,
    CommitteeForm,
    MediatorForm,
    RegisterEntryForm,
    RoomForm,
    ScreeningForm,
)
from gongzhi.mediation.services import organisation, registers
from gongzhi.venues.selectors import venue_list_for_actor


def _view_or_404(actor: Any) -> None:
    if not allowed(actor, "mediation.view_mediation"):
        raise Http404


@console_login_required
@require_GET
def committee_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _view_or_404(actor)
    committees = list(selectors.committee_list_for_actor(actor=actor))
    rooms = list(selectors.room_list_for_actor(actor=actor))
    mediators = list(selectors.mediator_list_for_actor(actor=actor))
    standards = dict(ROOM_STANDARDS)
    venues = list(venue_list_for_actor(actor=actor, limit=1000))
    for c in committees:
        c.venue_rows = [v for v in venues if _under(v, c)]  # type: ignore[attr-defined]
        c.room_rows = [r for r in rooms if r.committee_id == c.pk]  # type: ignore[attr-defined]
        for r in c.room_rows:  # type: ignore[attr-defined]
            r.standard_labels = [standards[k] for k in r.standards if k in standards]
        c.mediator_rows = [m for m in mediators if m.committee_id == c.pk]  # type: ignore[attr-defined]
        c.keeps = allowed(actor, "mediation.keep_register", c)  # type: ignore[attr-defined]
        c.manages = allowed(actor, "mediation.manage_committee", c)  # type: ignore[attr-defined]
    communities, subdistricts = _places_managed(actor)
    return render(
        request,
        "mediation/console/committees.html",
        {
            "committees": committees,
            "registers": [(kind, gettext(title)) for kind, title in books.REGISTERS.items()],
            "today": timezone.localdate(),
            "standards": ROOM_STANDARDS,
            "levels": CommitteeLevel.choices,
            "kinds": MediatorKind.choices,
            "communities": communities,
            "subdistricts": subdistricts,
        },
    )


def _under(venue: Any, committee: Any) -> bool:
    """A venue under the committee's place (its community, else subdistrict, else district)."""
    for level in ("community_code", "subdistrict_code", "district_code"):
        if getattr(committee, level):
            return bool(getattr(venue, level) == getattr(committee, level))
    return False


def _places_managed(actor: Any) -> tuple[list[Any], list[Any]]:
    """The communities and subdistricts the actor may set a committee up in (for the form's choices)."""
    from gongzhi.core.roles import PLACE_MANAGERS
    from gongzhi.core.scope import scope_of
    from gongzhi.places.models import Community, Subdistrict

    codes = scope_of(actor).codes(PLACE_MANAGERS)
    if not any(codes.values()):
        return [], []
    communities = Community.objects.filter(
        Q(code__in=sorted(codes["community"]))
        | Q(subdistrict__code__in=sorted(codes["subdistrict"]))
        | Q(subdistrict__district__code__in=sorted(codes["district"]))
    ).order_by("code")[:300]
    subdistricts = Subdistrict.objects.filter(
        Q(code__in=sorted(codes["subdistrict"])) | Q(district__code__in=sorted(codes["district"]))
    ).order_by("code")[:100]
    return list(communities), list(subdistricts)


def _done(request: HttpRequest, write: Any, success: str) -> HttpResponse:
    """Run one organisation service: a missing (or forbidden) row is the 404 page; a refusal shows its
    Chinese messages above the committees; success a message."""
    try:
        write()
    except ApplicationError as exc:
        refused(request, exc)
        for message in (exc.fields or {}).values():
            if message != exc.message:
                messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect("mediation:committees")


@console_login_required
@require_POST
def committee_new(request: HttpRequest) -> HttpResponse:
    f = CommitteeForm(request.POST)
    return _done(
        request,
        lambda: organisation.committee_create(
            actor=actor_of(request),
            name=f.text("name"),
            short_name=f.text("short_name"),
            level=f.text("level"),
            community_id=f.number("community_id"),
            subdistrict_id=f.number("subdistrict_id"),
            speciality=f.text("speciality"),
            chair=f.text("chair"),
        ),
        gettext("已设立调委会"),
    )


@console_login_required
@require_POST
def committee_edit(request: HttpRequest, committee_id: int) -> HttpResponse:
    f = CommitteeForm(request.POST)
    return _done(
        request,
        lambda: organisation.committee_update(
            actor=actor_of(request),
            committee_id=committee_id,
            name=f.text("name"),
            short_name=f.text("short_name"),
            speciality=f.text("speciality"),
            chair=f.text("chair"),
        ),
        gettext("已保存调委会"),
    )


@console_login_required
@require_POST
def committee_deactivate(request: HttpRequest, committee_id: int) -> HttpResponse:
    return _done(
        request,
        lambda: organisation.committee_deactivate(actor=actor_of(request), committee_id=committee_id),
        gettext("已停用调委会"),
    )


@console_login_required
@require_POST
def room_new(request: HttpRequest, committee_id: int) -> HttpResponse:
    f = RoomForm(request.POST)
    return _done(
        request,
        lambda: organisation.room_create(
            actor=actor_of(request),
            committee_id=committee_id,
            name=f.text("name"),
            place=f.text("place"),
            hours=f.text("hours"),
            standards=f.chosen(),
            venue_id=f.number("venue_id"),
        ),
        gettext("已设立调解室"),
    )


@console_login_required
@require_POST
def room_edit(request: HttpRequest, room_id: int) -> HttpResponse:
    f = RoomForm(request.POST)
    return _done(
        request,
        lambda: organisation.room_update(
            actor=actor_of(request),
            room_id=room_id,
            name=f.text("name"),
            place=f.text("place"),
            hours=f.text("hours"),
            standards=f.chosen(),
            venue_id=f.number("venue_id"),
        ),
        gettext("已保存调解室"),
    )


@console_login_required
@require_POST
def mediator_new(request: HttpRequest, committee_id: int) -> HttpResponse:
    f = MediatorForm(request.POST)
    return _done(
        request,
        lambda: organisation.mediator_add(
            actor=actor_of(request),
            committee_id=committee_id,
            name=f.text("name"),
            kind=f.text("kind"),
            speciality=f.text("speciality"),
            in_pool=f.flag("in_pool"),
            legal_service=f.flag("legal_service"),
            username=f.text("username"),
        ),
        gettext("已登记调解员"),
    )


@console_login_required
@require_POST
def mediator_deactivate(request: HttpRequest, mediator_id: int) -> HttpResponse:
    return _done(
        request,
        lambda: organisation.mediator_deactivate(actor=actor_of(request), mediator_id=mediator_id),
        gettext("调解员已离岗"),
    )


def _period(request: HttpRequest) -> tuple[dt.date | None, dt.date | None]:
    return date_or_none(request.GET.get("since", "")), date_or_none(request.GET.get("until", ""))


@console_login_required
@require_GET
def register_pdf(request: HttpRequest, committee_id: int, kind: str) -> HttpResponse:
    since, until = _period(request)
    try:
        name, pdf = books.register_pdf(
            actor=actor_of(request), committee_id=committee_id, kind=kind, since=since, until=until
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("mediation:committees")
    return pdf_response(pdf, name)


@console_login_required
@require_GET
def register_xlsx(request: HttpRequest, committee_id: int, kind: str) -> HttpResponse:
    since, until = _period(request)
    try:
        name, data = books.register_xlsx(
            actor=actor_of(request), committee_id=committee_id, kind=kind, since=since, until=until
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("mediation:committees")
    return xlsx_response(data, name)


@console_login_required
@require_POST
def register_entry(request: HttpRequest) -> HttpResponse:
    """A visitor (接访) or a legal consultation (法律服务) entered at a committee's room."""
    actor = actor_of(request)
    f = RegisterEntryForm(request.POST)
    try:
        if f.text("entry") == "consultation":
            registers.consultation_record(
                actor=actor,
                committee_id=f.number("committee_id") or 0,
                consulted_on=date_or_none(f.text("day")),
                visitor=f.text("visitor"),
                question=f.text("matter"),
                answer=f.text("handling"),
                staff=f.text("handler"),
                follow_up=f.text("follow_up"),
            )
        else:
            registers.visitor_record(
                actor=actor,
                committee_id=f.number("committee_id") or 0,
                visited_on=date_or_none(f.text("day")),
                visitor=f.text("visitor"),
                phone=f.text("phone"),
                matter=f.text("matter"),
                handling=f.text("handling"),
                handler=f.text("handler"),
                follow_up=f.text("follow_up"),
            )
    except ApplicationError as exc:
        refused(request, exc)
        for message in (exc.fields or {}).values():
            messages.error(request, message)
    else:
        messages.success(request, gettext("已登记"))
    return redirect("mediation:committees")


@console_login_required
@require_http_methods(["GET", "POST"])
def screening_list(request: HttpRequest) -> HttpResponse:
    """Weekly screenings of the actor's grids and the joint analyses of their places."""
    from gongzhi.core.roles import GRID_STAFF, PLACE_MANAGERS
    from gongzhi.core.scope import scope_of
    from gongzhi.places.models import Community, Grid, Subdistrict

    actor = actor_of(request)
    _view_or_404(actor)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "analysis":
                a = AnalysisForm(request.POST)
                registers.analysis_record(
                    actor=actor,
                    level=a.text("level"),
                    place_code=a.text("place_code"),
                    held_on=date_or_none(a.text("held_on")),
                    place=a.text("place"),
                    attendees=a.text("attendees"),
                    cases_reviewed=a.text("cases_reviewed"),
                    decisions=a.text("decisions"),
                    assignments=a.text("assignments"),
                )
            else:
                s = ScreeningForm(request.POST)
                registers.screening_fill(
                    actor=actor,
                    grid_id=s.number("grid_id") or 0,
                    week_start=date_or_none(s.text("week_start")),
                    disputes_found=int_or_none(s.text("disputes_found")) or 0,
                    findings=s.text("findings"),
                    risks=s.text("risks"),
                    warnings_reviewed=int_or_none(s.text("warnings_reviewed")) or 0,
                )
        except ApplicationError as exc:
            refused(request, exc)
            for message in (exc.fields or {}).values():
                messages.error(request, message)
        else:
            messages.success(request, gettext("已保存"))
            return redirect("mediation:screenings")
    scope = scope_of(actor)
    codes = scope.codes(PLACE_MANAGERS)
    grid_q = scope.place_q(GRID_STAFF | PLACE_MANAGERS)
    return render(
        request,
        "mediation/console/screenings.html",
        {
            "screenings": list(selectors.screening_list_for_actor(actor=actor)[:200]),
            "analyses": list(selectors.analysis_list_for_actor(actor=actor)[:100]),
            "grids": list(Grid.objects.filter(grid_q).order_by("code")[:300]) if grid_q else [],
            "communities": list(
                Community.objects.filter(
                    Q(code__in=sorted(codes["community"]))
                    | Q(subdistrict__code__in=sorted(codes["subdistrict"]))
                    | Q(subdistrict__district__code__in=sorted(codes["district"]))
                ).order_by("code")[:300]
            ),
            "subdistricts": list(Subdistrict.objects.filter(code__in=sorted(codes["subdistrict"])))
            if scope.roles & PLACE_MANAGERS
            else [],
            "levels": MeetingLevel.choices,
            "today": timezone.localdate(),
        },
    )


@console_login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _view_or_404(actor)
    year = int_or_none(request.GET.get("year", "")) or timezone.localdate().year
    by = request.GET.get("by", "committee")
    if by not in ("committee", "community", "subdistrict"):
        by = "committee"
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    return render(
        request,
        "mediation/console/figures.html",
        {"rows": selectors.figures_for_actor(actor=actor, year=year, by=by), "year": year, "by": by},
    )
