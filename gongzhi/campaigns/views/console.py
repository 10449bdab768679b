"""Console pages of campaigns: the register of campaigns and rounds (with the form to start one), a
campaign with its tallies per type, its findings and its inspectors' duties, the finding types, and the
missed rounds."""

from __future__ import annotations

from typing import Any, cast

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.campaigns import selectors
from gongzhi.campaigns.enums import CampaignKind, RoundKind
from gongzhi.campaigns.forms import CampaignForm, DutyForm, FindingTypeForm
from gongzhi.campaigns.services import campaigns, rounds
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import year_or_none
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import TICKET_READERS


def _reader(request: HttpRequest) -> Any:
    actor = actor_of(request)
    if not allowed(actor, "campaigns.view_campaign"):
        raise Http404("页面不存在")
    return actor


def _fail(request: HttpRequest, exc: ApplicationError) -> dict[str, str]:
    messages.error(request, exc.message)
    return exc.fields or {"form": exc.message}


def _places(actor: Any) -> list[tuple[str, str]]:
    """The subdistricts and communities the actor may start campaigns in."""
    from gongzhi.places.models import Subdistrict
    from gongzhi.places.selectors import community_list_for_actor

    communities = [
        c
        for c in community_list_for_actor(actor=actor, roles=TICKET_READERS)[:300]
        if allowed(actor, "campaigns.manage_campaign", c)
    ]
    subs = Subdistrict.objects.filter(code__in=sorted({c.subdistrict_code for c in communities})).order_by(
        "code"
    )
    out = [
        (s.code, gettext("%(name)s（街道）") % {"name": s.name})
        for s in subs
        if allowed(actor, "campaigns.manage_campaign", s)
    ]
    return out + [(c.code, c.name) for c in communities]


@console_login_required
@require_http_methods(["GET", "POST"])
def campaign_list(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.models import Department

    actor = _reader(request)
    errors: dict[str, str] = {}
    today = timezone.localdate()
    form: dict[str, Any] = {
        "starts_on": today.isoformat(),
        "ends_on": today.isoformat(),
        "kind": CampaignKind.JOINT,
    }
    if request.method == "POST":
        posted = CampaignForm(request.POST)
        form = posted.values()
        try:
            campaign = campaigns.campaign_create(actor=actor, data=posted.campaign_input())
        except ApplicationError as exc:
            errors = _fail(request, exc)
        else:
            messages.success(request, gettext("已发起“%(title)s”") % {"title": campaign.title})
            return redirect("campaigns:detail", campaign_id=campaign.pk)
    year = year_or_none(request.GET.get("year"))
    kind = request.GET.get("kind", "")[:12]
    places = _places(actor)
    return render(
        request,
        "campaigns/console/list.html",
        {
            "campaigns": list(selectors.campaign_list_for_actor(actor=actor, year=year, kind=kind)[:300]),
            "places": places,
            "departments": list(Department.objects.order_by("name")[:200]) if places else [],
            "kinds": CampaignKind.choices,
            "round_kinds": RoundKind.choices,
            "form": form,
            "errors": errors,
            "year": year or "",
            "kind": kind,
        },
        status=400 if errors else 200,
    )


def _campaign(actor: Any, campaign_id: int) -> Any:
    try:
        return selectors.campaign_get_for_actor(actor=actor, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


@console_login_required
@require_GET
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = _reader(request)
    campaign = _campaign(actor, campaign_id)
    can_manage = allowed(actor, "campaigns.manage_campaign", campaign)
    duties = list(selectors.duty_list_for_campaign(actor=actor, campaign_id=campaign.pk))
    return render(
        request,
        "campaigns/console/detail.html",
        _detail_context(actor, campaign, can_manage, duties, {}, {}),
    )


def _detail_context(
    actor: Any,
    campaign: Any,
    can_manage: bool,
    duties: list[Any],
    form: dict[str, Any],
    errors: dict[str, str],
) -> dict[str, Any]:
    return {
        "campaign": campaign,
        "tallies": selectors.campaign_tallies(campaign=campaign),
        "findings": list(selectors.finding_list_for_actor(actor=actor, campaign_id=campaign.pk)[:200]),
        "duties": duties,
        "today": timezone.localdate(),
        "departments": list(campaign.departments.all()),
        "grids": list(campaign.grids.all()),
        "can_manage": can_manage,
        "inspectors": selectors.inspector_candidates(campaign=campaign)
        if can_manage and campaign.kind == CampaignKind.INSPECTION
        else [],
        "form": form,
        "errors": errors,
    }


@console_login_required
@require_POST
def duty_create(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = _reader(request)
    campaign = _campaign(actor, campaign_id)
    posted = DutyForm(request.POST)
    try:
        duty = rounds.inspection_duty_assign(actor=actor, campaign_id=campaign.pk, **posted.duty_kwargs())
    except ApplicationError as exc:
        errors = _fail(request, exc)
        duties = list(selectors.duty_list_for_campaign(actor=actor, campaign_id=campaign.pk))
        can_manage = allowed(actor, "campaigns.manage_campaign", campaign)
        return render(
            request,
            "campaigns/console/detail.html",
            _detail_context(actor, campaign, can_manage, duties, posted.values(), errors),
            status=exc.status,
        )
    messages.success(
        request,
        gettext("已安排%(inspector_name)s：%(section)s")
        % {"inspector_name": duty.inspector_name, "section": duty.section},
    )
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@console_login_required
@require_POST
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    actor = _reader(request)
    campaign = _campaign(actor, campaign_id)
    try:
        campaigns.campaign_close(actor=actor, campaign_id=campaign.pk)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return render(
            request,
            "campaigns/console/detail.html",
            _detail_context(actor, campaign, False, [], {}, {"form": exc.message}),
            status=exc.status,
        )
    messages.success(request, gettext("行动已结束"))
    return redirect("campaigns:detail", campaign_id=campaign.pk)


@console_login_required
@require_GET
def finding_photo(request: HttpRequest, photo_id: int) -> HttpResponse:
    """A finding's photo, served after the finding's scope check."""
    actor = _reader(request)
    try:
        photo = selectors.finding_photo_get_for_actor(actor=actor, photo_id=photo_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(photo.file.open("rb"), content_type=photo.content_type)
    response["Cache-Control"] = "private, no-store"
    return cast("HttpResponse", response)  # a streamed file; the decorators pass it through


@console_login_required
@require_http_methods(["GET", "POST"])
def finding_types(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {}
    if request.method == "POST":
        posted = FindingTypeForm(request.POST)
        form = posted.values()
        try:
            row = campaigns.finding_type_create(
                actor=actor, code=posted.text("code"), name=posted.text("name")
            )
        except ApplicationError as exc:
            errors = _fail(request, exc)
            if exc.status == 404:
                raise Http404(exc.message) from exc
        else:
            messages.success(request, gettext("已新增问题类型“%(name)s”") % {"name": row.name})
            return redirect("campaigns:types")
    return render(
        request,
        "campaigns/console/types.html",
        {
            "types": list(selectors.finding_type_list()),
            "can_manage": allowed(actor, "campaigns.manage_findingtype"),
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_GET
def missed(request: HttpRequest) -> HttpResponse:
    actor = _reader(request)
    return render(
        request,
        "campaigns/console/missed.html",
        {
            "duties": list(selectors.missed_duty_list_for_actor(actor=actor)[:500]),
            "today": timezone.localdate(),
        },
    )
