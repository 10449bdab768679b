"""Console pages for units and member registration (报到).

Thin: reads through the scoped selectors, writes through the services in
``gongzhi.party.services.registration``; a refusal is shown as its Chinese message, a missing or forbidden
object is a 404. The member's own registration page is in ``views/h5.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import int_or_none, pdf_response
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_MANAGERS
from gongzhi.party import cards
from gongzhi.party.enums import SKILLS, RegistrationStatus, UnitKind, skill_labels
from gongzhi.party.forms import ReasonForm, RegistrationAcceptForm, UnitForm, form_refusal
from gongzhi.party.selectors import registration as selectors
from gongzhi.party.services import registration as services
from gongzhi.party.transitions import REGISTRATION
from gongzhi.places.models import Grid
from gongzhi.places.selectors import community_list_for_actor

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def _page(rows: list[Any]) -> tuple[list[Any], int | None]:
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None)


def _registrar_communities(actor: User) -> Any:
    """Communities where the actor registers units and receives members."""
    return community_list_for_actor(actor=actor, roles=COMMUNITY_MANAGERS)


# --- units ---------------------------------------------------------------------------------------


@console_login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    units, next_after = _page(
        list(
            selectors.unit_list_for_actor(
                actor=actor, after=int_or_none(request.GET.get("after")), limit=PAGE_SIZE + 1
            )
        )
    )
    return render(
        request,
        "party/console/registration/units.html",
        {
            "units": units,
            "next_after": next_after,
            "can_register": _registrar_communities(actor).exists(),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    communities = list(_registrar_communities(actor)[:500])
    if not communities:
        raise Http404
    error: ApplicationError | None = None
    data: dict[str, Any] = {}
    if request.method == "POST":
        form = UnitForm(request.POST)
        data = form.values()
        try:
            if not form.is_valid():
                raise form_refusal(form)
            unit = services.unit_register(actor=actor, **form.service_kwargs())
        except NotFound:
            error = ApplicationError(
                gettext("请选择您负责的社区"), fields={"community_id": gettext("请选择您负责的社区")}
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, gettext("驻区单位“%(name)s”已登记") % {"name": unit.name})
            return redirect("party:units")
    grids = (
        Grid.objects.filter(community__in=communities).order_by("code").only("code", "name", "community_id")
    )
    return render(
        request,
        "party/console/registration/unit_new.html",
        {
            "communities": communities,
            "grids": list(grids[:2000]),
            "kinds": UnitKind.choices,
            "data": data,
            "error": error,
        },
        status=400 if error else 200,
    )


# --- registrations --------------------------------------------------------------------------------


@console_login_required
@require_GET
def registration_inbox(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    status = request.GET.get("status", RegistrationStatus.SUBMITTED)
    status = (
        status if status in RegistrationStatus.values or status == "all" else RegistrationStatus.SUBMITTED
    )
    rows, next_after = _page(
        list(
            selectors.registration_list_for_actor(
                actor=actor,
                status="" if status == "all" else status,
                after=int_or_none(request.GET.get("after")),
                limit=PAGE_SIZE + 1,
            )
        )
    )
    return render(
        request,
        "party/console/registration/inbox.html",
        {
            "registrations": rows,
            "status": status,
            "statuses": [*RegistrationStatus.choices, ("all", gettext("全部"))],
            "next_query": urlencode({"status": status, "after": str(next_after)}) if next_after else "",
        },
    )


def _detail(
    request: HttpRequest,
    registration_id: int,
    error: ApplicationError | None = None,
    data: dict[str, Any] | None = None,
) -> HttpResponse:
    actor = _actor(request)
    try:
        r = selectors.registration_get_for_actor(actor=actor, registration_id=registration_id)
    except NotFound as exc:
        raise Http404 from exc
    can_decide = REGISTRATION.can("accept", r.status) and allowed(
        actor, "party.receive_memberregistration", r.community
    )
    return render(
        request,
        "party/console/registration/detail.html",
        {
            "r": r,
            "skills": skill_labels(r.skills),
            "skill_choices": SKILLS,
            "can_decide": can_decide,
            "grids": list(Grid.objects.filter(community_id=r.community_id).order_by("code")),
            "error": error,
            "data": data or {},
        },
        status=(error.status if error else 200),
    )


@console_login_required
@require_GET
def registration_detail(request: HttpRequest, registration_id: int) -> HttpResponse:
    return _detail(request, registration_id)


@console_login_required
@require_POST
def registration_accept(request: HttpRequest, registration_id: int) -> HttpResponse:
    form = RegistrationAcceptForm(request.POST)
    try:
        if not form.is_valid():
            raise form_refusal(form)
        r = services.registration_accept(
            actor=_actor(request), registration_id=registration_id, **form.cleaned_data
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _detail(request, registration_id, exc, form.values())
    messages.success(request, gettext("已接收，报到证编号 %(card_number)s") % {"card_number": r.card_number})
    return redirect("party:registration_detail", registration_id)


@console_login_required
@require_POST
def registration_return(request: HttpRequest, registration_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise form_refusal(form)
        services.registration_return(
            actor=_actor(request), registration_id=registration_id, reason=form.cleaned_data["reason"]
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _detail(request, registration_id, exc, form.values())
    messages.success(request, gettext("已退回，退回原因将告知报到党员"))
    return redirect("party:registration_detail", registration_id)


@login_required
@require_GET
def registration_card(request: HttpRequest, registration_id: int) -> HttpResponse:
    """The card PDF; members download their own from the H5 page, so not console-only."""
    page_url = request.build_absolute_uri(reverse("party:registration_detail", args=[registration_id]))
    try:
        pdf = cards.registration_card_pdf(
            actor=_actor(request), registration_id=registration_id, page_url=page_url
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("party:registration_detail", registration_id)
    return pdf_response(pdf, f"报到证_{registration_id}.pdf", attachment=True)


urlpatterns: list[URLPattern] = [
    path("units/", unit_list, name="units"),
    path("units/new/", unit_new, name="unit_new"),
    path("registrations/", registration_inbox, name="registrations"),
    path("registrations/<int:registration_id>/", registration_detail, name="registration_detail"),
    path("registrations/<int:registration_id>/accept/", registration_accept, name="registration_accept"),
    path("registrations/<int:registration_id>/return/", registration_return, name="registration_return"),
    path("registrations/<int:registration_id>/card.pdf", registration_card, name="registration_card"),
]
