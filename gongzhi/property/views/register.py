"""Console pages of the register: property companies (the subdistrict property office registers, edits
and removes them; community staff read those serving their estates) and the sector's organisations."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.places.selectors import subdistrict_list_for_actor
from gongzhi.property.enums import OrganizationKind
from gongzhi.property.forms import CompanyForm, OrganizationForm
from gongzhi.property.selectors import register as sel
from gongzhi.property.services import register as svc


def _office_subdistricts(actor: Any) -> list[Any]:
    return [
        s for s in subdistrict_list_for_actor(actor=actor) if allowed(actor, "property.manage_company", s)
    ]


@console_login_required
@require_http_methods(["GET", "POST"])
def company_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    subdistricts = _office_subdistricts(actor)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = CompanyForm(request.POST)
        form = posted.values()
        try:
            company = svc.property_company_register(
                actor=actor, subdistrict_id=posted.number("subdistrict_id"), data=posted.company_input()
            )
        except ApplicationError as exc:
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已登记物业企业“%(name)s”") % {"name": company.name})
            return redirect("property:company", company_id=company.pk)
    q = request.GET.get("q", "")[:50].strip()
    rows = list(sel.company_list_for_actor(actor=actor, q=q, limit=500))
    return render(
        request,
        "property/console/companies.html",
        {"companies": rows, "q": q, "subdistricts": subdistricts, "form": form, "errors": errors},
        status=400 if errors else 200,
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def company_detail(request: HttpRequest, company_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        company = sel.company_get_for_actor(actor=actor, company_id=company_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    errors: dict[str, str] = {}
    if request.method == "POST":
        try:
            company = svc.property_company_update(
                actor=actor, company_id=company.pk, data=CompanyForm(request.POST).company_input()
            )
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已保存"))
            return redirect("property:company", company_id=company.pk)
    return render(
        request,
        "property/console/company.html",
        {
            "company": company,
            "estates": list(sel.company_estates(company=company)),
            "can_manage": allowed(actor, "property.manage_company", company),
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def company_deactivate(request: HttpRequest, company_id: int) -> HttpResponse:
    try:
        svc.property_company_deactivate(
            actor=actor_of(request), company_id=company_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(request, gettext("已移出名录"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("property:company", company_id=company_id)


@console_login_required
@require_http_methods(["GET", "POST"])
def organization_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if request.method == "POST":
        posted = OrganizationForm(request.POST)
        try:
            org = svc.property_organization_create(
                actor=actor, district_id=posted.number("district_id"), data=posted.organization_input()
            )
            messages.success(request, gettext("已设立“%(name)s”") % {"name": org.name})
        except ApplicationError as exc:
            refused(request, exc)
        return redirect("property:organizations")
    from gongzhi.places.models import District

    districts = [
        d for d in District.objects.order_by("code") if allowed(actor, "property.manage_organization", d)
    ]
    return render(
        request,
        "property/console/organizations.html",
        {
            "organizations": list(sel.organization_list_for_actor(actor=actor)),
            "kinds": OrganizationKind.choices,
            "subdistricts": [
                s
                for s in subdistrict_list_for_actor(actor=actor)
                if allowed(actor, "property.manage_organization", s)
            ],
            "districts": districts,
            "companies": list(sel.company_list_for_actor(actor=actor, limit=300)),
        },
    )
