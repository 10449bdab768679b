"""Console pages for units and member registration (报到), and the member's own H5 registration page.

Thin: reads through the scoped selectors, writes through the services in ``gongzhi.party.registration``;
a refusal is shown as its Chinese message, a missing or forbidden object is a 404.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.http import content_disposition_header, urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.party import cards
from gongzhi.party import registration as reg
from gongzhi.party.enums import SKILLS, RegistrationStatus, UnitKind
from gongzhi.places.models import Grid

if TYPE_CHECKING:
    from gongzhi.accounts.models import User

PAGE_SIZE = 50


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _page(rows: list[Any]) -> tuple[list[Any], int | None]:
    return rows[:PAGE_SIZE], (rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None)


# --- units ---------------------------------------------------------------------------------------


@console_login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    units, next_after = _page(
        list(reg.unit_list_for_actor(actor=actor, after=_int(request.GET.get("after")), limit=PAGE_SIZE + 1))
    )
    return render(
        request,
        "party/console/registration/units.html",
        {
            "units": units,
            "next_after": next_after,
            "can_register": reg.registrar_communities(actor).exists(),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def unit_new(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    communities = list(reg.registrar_communities(actor)[:500])
    if not communities:
        raise Http404
    error: ApplicationError | None = None
    data = request.POST if request.method == "POST" else {}
    if request.method == "POST":
        try:
            unit = reg.unit_register(
                actor=actor,
                community_id=_int(request.POST.get("community_id")) or 0,
                name=request.POST.get("name", ""),
                uscc=request.POST.get("uscc", ""),
                kind=request.POST.get("kind", ""),
                address=request.POST.get("address", ""),
                party_org_name=request.POST.get("party_org_name", ""),
                paired_grid_code=request.POST.get("paired_grid_code", "").strip() or None,
                liaison_username=request.POST.get("liaison_username", "").strip() or None,
                liaison_display_name=request.POST.get("liaison_display_name", ""),
                liaison_phone=request.POST.get("liaison_phone", ""),
            )
        except NotFound:
            error = ApplicationError("请选择您负责的社区", fields={"community_id": "请选择您负责的社区"})
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, f"驻区单位“{unit.name}”已登记")
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
            reg.registration_list_for_actor(
                actor=actor,
                status="" if status == "all" else status,
                after=_int(request.GET.get("after")),
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
            "statuses": [*RegistrationStatus.choices, ("all", "全部")],
            "next_query": urlencode({"status": status, "after": str(next_after)}) if next_after else "",
        },
    )


def _detail(
    request: HttpRequest, registration_id: int, error: ApplicationError | None = None
) -> HttpResponse:
    actor = _actor(request)
    try:
        r = reg.registration_get_for_actor(actor=actor, registration_id=registration_id)
    except NotFound as exc:
        raise Http404 from exc
    return render(
        request,
        "party/console/registration/detail.html",
        {
            "r": r,
            "skills": reg.skill_labels(r.skills),
            "skill_choices": SKILLS,
            "can_decide": reg.can_decide(actor, r),
            "grids": list(Grid.objects.filter(community_id=r.community_id).order_by("code")),
            "error": error,
            "data": request.POST,
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
    try:
        r = reg.registration_accept(
            actor=_actor(request),
            registration_id=registration_id,
            classification=request.POST.get("classification", ""),
            grid_code=request.POST.get("grid_code", ""),
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _detail(request, registration_id, exc)
    messages.success(request, f"已接收，报到证编号 {r.card_number}")
    return redirect("party:registration_detail", registration_id)


@console_login_required
@require_POST
def registration_return(request: HttpRequest, registration_id: int) -> HttpResponse:
    try:
        reg.registration_return(
            actor=_actor(request), registration_id=registration_id, reason=request.POST.get("reason", "")
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        return _detail(request, registration_id, exc)
    messages.success(request, "已退回，退回原因将告知报到党员")
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
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        content_disposition_header(True, f"报到证_{registration_id}.pdf") or "attachment"
    )
    response["Cache-Control"] = "no-store"
    return response


# --- the member's own registration page (H5) ------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def h5_register(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.models import Community

    actor = _actor(request)
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            reg.member_register(
                actor=actor,
                community_id=_int(request.POST.get("community_id")) or 0,
                name=request.POST.get("name", ""),
                phone=request.POST.get("phone", ""),
                address=request.POST.get("address", ""),
                unit_id=_int(request.POST.get("unit_id")),
                workplace_org=request.POST.get("workplace_org", ""),
                skills=request.POST.getlist("skills"),
                services_offered=request.POST.get("services_offered", ""),
                available_times=request.POST.get("available_times", ""),
            )
        except NotFound:
            error = ApplicationError("请选择居住地所在社区", fields={"community_id": "请选择居住地所在社区"})
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, "报到已提交，社区接收后将通知您")
            return redirect("h5:party_register")
    from gongzhi.core.scope import scope_of

    districts = scope_of(actor).district_codes
    communities = Community.objects.order_by("code")
    if not actor.is_superuser:
        in_district = Q(pk__in=[])
        for code in sorted(districts):
            in_district |= Q(code__startswith=code)
        communities = communities.filter(in_district)
    mine = list(reg.registration_list_for_actor(actor=actor).filter(member__user_id=actor.pk).order_by("-id"))
    return render(
        request,
        "party/h5/register.html",
        {
            "communities": list(communities[:500]),
            "units": list(reg.unit_choices_for_actor(actor=actor)[:1000]),
            "skill_choices": SKILLS,
            "mine": mine,
            "data": request.POST,
            "chosen_skills": request.POST.getlist("skills"),
            "error": error,
        },
        status=error.status if error else 200,
    )


urlpatterns: list[URLPattern] = [
    path("units/", unit_list, name="units"),
    path("units/new/", unit_new, name="unit_new"),
    path("registrations/", registration_inbox, name="registrations"),
    path("registrations/<int:registration_id>/", registration_detail, name="registration_detail"),
    path("registrations/<int:registration_id>/accept/", registration_accept, name="registration_accept"),
    path("registrations/<int:registration_id>/return/", registration_return, name="registration_return"),
    path("registrations/<int:registration_id>/card.pdf", registration_card, name="registration_card"),
]
