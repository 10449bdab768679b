"""Console pages of resettlement projects: the register (with the form to set one up), a project with its
groups, meetings, plan documents and price bands, the eligible households and the inventory with bundles."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import PLACE_READERS
from gongzhi.resettlement import selectors
from gongzhi.resettlement.enums import GroupKind, UnitKind
from gongzhi.resettlement.forms import (
    BandsForm,
    BundleForm,
    DocumentForm,
    GroupForm,
    HouseholdForm,
    MeetingForm,
    ProjectForm,
    UnitsForm,
)
from gongzhi.resettlement.services import households, projects
from gongzhi.resettlement.views._common import act, project_of, reader


def _places(actor: Any) -> list[tuple[str, str]]:
    from gongzhi.places.models import Subdistrict
    from gongzhi.places.selectors import community_list_for_actor

    communities = [
        c
        for c in community_list_for_actor(actor=actor, roles=PLACE_READERS)[:300]
        if allowed(actor, "resettlement.manage_project", c)
    ]
    subs = Subdistrict.objects.filter(code__in=sorted({c.subdistrict_code for c in communities})).order_by(
        "code"
    )
    out = [
        (s.code, gettext("%(name)s（街道）") % {"name": s.name})
        for s in subs
        if allowed(actor, "resettlement.manage_project", s)
    ]
    return out + [(c.code, c.name) for c in communities]


@console_login_required
@require_http_methods(["GET", "POST"])
def project_list(request: HttpRequest) -> HttpResponse:
    actor = reader(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = ProjectForm(request.POST)
        form = posted.values()
        try:
            project = projects.resettlement_project_create(actor=actor, **posted.project_kwargs())
        except ApplicationError as exc:
            messages.error(request, exc.message)
            errors = exc.fields or {"form": exc.message}
        else:
            messages.success(request, gettext("已建立安置项目“%(name)s”") % {"name": project.name})
            return redirect("resettlement:detail", project_id=project.pk)
    return render(
        request,
        "resettlement/console/projects.html",
        {
            "projects": list(selectors.resettlement_project_list_for_actor(actor=actor)[:200]),
            "places": _places(actor),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    return render(
        request,
        "resettlement/console/detail.html",
        {
            "project": project,
            "groups": list(project.groups.prefetch_related("members").order_by("id")),
            "meetings": list(project.meetings.order_by("-held_on", "-id")),
            "documents": list(project.documents.order_by("-issued_on", "-id")),
            "bands": list(project.bands.all()),
            "inventory": selectors.inventory_figures(project=project),
            "household_count": project.households.count(),
            "draw": selectors.draw_of(project=project),
            "group_kinds": GroupKind.choices,
            "can_manage": allowed(actor, "resettlement.manage_project", project),
        },
    )


def _back(name: str, project_id: int) -> str:
    return reverse(name, kwargs={"project_id": project_id})


@console_login_required
@require_POST
def group_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    kwargs = GroupForm(request.POST).group_kwargs()
    return act(
        request,
        lambda: projects.working_group_add(actor=actor, project_id=project.pk, **kwargs),
        gettext("已设立%(name)s") % {"name": kwargs["name"]},
        _back("resettlement:detail", project.pk),
    )


@console_login_required
@require_POST
def meeting_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    kwargs = MeetingForm(request.POST).meeting_kwargs()
    return act(
        request,
        lambda: projects.project_meeting_record(actor=actor, project_id=project.pk, **kwargs),
        gettext("已记录会议纪要"),
        _back("resettlement:detail", project.pk),
    )


@console_login_required
@require_POST
def document_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    kwargs = DocumentForm(request.POST).document_kwargs()
    return act(
        request,
        lambda: projects.plan_document_add(actor=actor, project_id=project.pk, **kwargs),
        gettext("已登记方案文件"),
        _back("resettlement:detail", project.pk),
    )


@console_login_required
@require_POST
def bands_set(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    bands = BandsForm(request.POST).band_inputs()
    return act(
        request,
        lambda: projects.price_bands_set(actor=actor, project_id=project.pk, bands=bands),
        gettext("已设置面积差结算价格档"),
        _back("resettlement:detail", project.pk),
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def household_list(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    if request.method == "POST":
        data = HouseholdForm(request.POST).household_input()
        return act(
            request,
            lambda: households.eligible_household_add(actor=actor, project_id=project.pk, data=data),
            gettext("已登记安置对象%(key)s") % {"key": data.key},
            _back("resettlement:households", project.pk),
        )
    q = request.GET.get("q", "")[:50]
    return render(
        request,
        "resettlement/console/households.html",
        {
            "project": project,
            "rows": list(selectors.eligible_household_list(project=project, q=q)[:2000]),
            "q": q,
            "can_manage": allowed(actor, "resettlement.manage_project", project),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def unit_list(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    if request.method == "POST":
        rows = UnitsForm(request.POST).unit_inputs()
        if not rows:
            rows = [households.UnitInput(kind="", number="", area="")]
        return act(
            request,
            lambda: households.housing_units_add_rows(actor=actor, project_id=project.pk, rows=rows),
            gettext("已登记%(rows)s个房源") % {"rows": len(rows)},
            _back("resettlement:units", project.pk),
        )
    kind = request.GET.get("kind", "")[:10]
    building = request.GET.get("building", "")[:20]
    return render(
        request,
        "resettlement/console/units.html",
        {
            "project": project,
            "units": list(
                selectors.housing_unit_list(
                    project=project, kind=kind, building=building, free_only=request.GET.get("free") == "1"
                )[:1000]
            ),
            "inventory": selectors.inventory_figures(project=project),
            "kinds": UnitKind.choices,
            "kind": kind,
            "building": building,
            "can_manage": allowed(actor, "resettlement.manage_project", project),
        },
    )


@console_login_required
@require_POST
def bundle_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    kwargs = BundleForm(request.POST).bundle_kwargs()
    return act(
        request,
        lambda: households.bundle_create(actor=actor, project_id=project.pk, **kwargs),
        gettext("已搭配%(code)s") % {"code": kwargs["code"]},
        _back("resettlement:units", project.pk),
    )
