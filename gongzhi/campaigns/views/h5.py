"""The inspector's phone pages (H5): the campaigns open to record in and one's own duties; the finding
form (type, quantity, the phone's position or the grid, photos, fixed on the spot or a ticket); a round
walked."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.campaigns import selectors
from gongzhi.campaigns.enums import FindingOutcome
from gongzhi.campaigns.forms import CheckForm, FindingForm
from gongzhi.campaigns.services import findings, rounds
from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    return render(
        request,
        "campaigns/h5/mine.html",
        {
            "campaigns": selectors.campaigns_open_for_recorder(actor=actor),
            "duties": selectors.my_duties(actor=actor),
        },
    )


@h5_login_required
@require_http_methods(["GET", "POST"])
def record(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from gongzhi.places.selectors import grid_list_for_actor

    actor = actor_of(request)
    try:
        campaign = selectors.campaign_get_for_actor(actor=actor, campaign_id=campaign_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"quantity": "1", "outcome": FindingOutcome.FIXED}
    status = 200
    if request.method == "POST":
        posted = FindingForm(request.POST)
        form = posted.values()
        try:
            finding = findings.finding_record(
                actor=actor,
                campaign_id=campaign.pk,
                data=posted.finding_input(),
                photos=request.FILES.getlist("photos"),
            )
        except ApplicationError as exc:
            errors, status = exc.fields or {"form": exc.message}, exc.status
            errors.setdefault("form", exc.message)
        else:
            note = (
                gettext("，已转工单 %(number)s") % {"number": finding.ticket.number}
                if finding.ticket
                else gettext("（当场整改）")
            )
            messages.success(
                request,
                gettext("已记录：%(name)s %(quantity)s处%(note)s")
                % {"name": finding.type.name, "quantity": finding.quantity, "note": note},
            )
            return redirect("campaigns_h5:record", campaign_id=campaign.pk)
    grids = list(grid_list_for_actor(actor=actor).filter(subdistrict_code=campaign.subdistrict_code)[:100])
    if campaign.community_code:
        grids = [g for g in grids if g.community_code == campaign.community_code]
    return render(
        request,
        "campaigns/h5/record.html",
        {
            "campaign": campaign,
            "types": [t for t in selectors.finding_type_list() if t.active],
            "outcomes": FindingOutcome.choices,
            "grids": grids,
            "duties": [d for d in selectors.my_duties(actor=actor) if d.campaign_id == campaign.pk],
            "tallies": selectors.campaign_tallies(campaign=campaign),
            "form": form,
            "errors": errors,
        },
        status=status,
    )


@h5_login_required
@require_POST
def check(request: HttpRequest, duty_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        done = rounds.inspection_check_record(
            actor=actor, duty_id=duty_id, note=CheckForm(request.POST).text("note")
        )
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
        return render(
            request,
            "campaigns/h5/mine.html",
            {
                "campaigns": selectors.campaigns_open_for_recorder(actor=actor),
                "duties": selectors.my_duties(actor=actor),
                "error": exc.message,
            },
            status=exc.status,
        )
    messages.success(
        request,
        gettext("已记录%(day)s的巡查") % {"day": date_format(done.done_on, gettext("m月d日"))}
        + ("" if done.in_hours else gettext("（不在规定时段内）")),
    )
    return redirect("campaigns_h5:mine")
