"""Resident pages: my estate's property service, owners' committee, 同心桥 branch and red captains; the
quarterly rating (once per household per quarter); the estate's property matters — give an opinion while
the 阳光议事 is open, rate a published result (both the deliberation engine's, ``councils``)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.masking import mask_public_text
from gongzhi.councils import services as engine
from gongzhi.councils.enums import Stance
from gongzhi.property.forms import OpinionForm, RatingForm, ResolutionRatingForm
from gongzhi.property.selectors.assessment import own_rating
from gongzhi.property.selectors.estates import estate_profiles, household_estate
from gongzhi.property.selectors.matters import MatterView, matter_public_list
from gongzhi.property.services._validation import quarter_containing
from gongzhi.property.services.ratings import property_rating_submit


def _render_home(
    request: HttpRequest, *, error: ApplicationError | None = None, data: dict | None = None
) -> HttpResponse:
    actor = actor_of(request)
    found = household_estate(actor=actor)
    q = quarter_containing(timezone.localdate())
    context: dict = {"q": q, "error": error, "data": data or {}, "stances": Stance.choices}
    if found is not None:
        household, estate = found
        context.update(
            estate=estate,
            p=estate_profiles([estate])[estate.pk],
            rated=own_rating(household_id=household.pk, quarter=q.key),
            matters=[_masked(m) for m in matter_public_list(estate_id=estate.pk)],
        )
    return render(request, "property/h5/home.html", context, status=error.status if error else 200)


def _masked(m: MatterView) -> dict:
    """What the estate's residents read of a matter: its free text through the public-text filter."""
    r = m.resolution
    return {
        "title": mask_public_text(m.matter.title),
        "proposer": m.proposer,
        "step_label": m.step_label,
        "status": m.topic.status if m.topic else "",
        "status_label": m.topic.get_status_display() if m.topic else "",
        "topic_id": m.topic.pk if m.topic else None,
        "resolution_id": r.pk if r else None,
        "resolution": mask_public_text(r.content) if r else "",
        "progress": r.progress if r else 0,
        "result": mask_public_text(r.result) if r else "",
    }


@h5_login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return _render_home(request)


@h5_login_required
@require_POST
def rate(request: HttpRequest) -> HttpResponse:
    form = RatingForm(request.POST)
    try:
        property_rating_submit(actor=actor_of(request), data=form.rating_input())
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        return _render_home(request, error=exc, data=form.values())
    messages.success(request, gettext("感谢您的评价！"))
    return redirect("property_h5:home")


@h5_login_required
@require_POST
def opinion(request: HttpRequest, topic_id: int) -> HttpResponse:
    f = OpinionForm(request.POST)
    try:
        engine.topic_opinion_give(
            actor=actor_of(request), topic_id=topic_id, stance=f.text("stance"), text_=f.text("opinion")
        )
        messages.success(request, gettext("已提交您的意见"))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("property_h5:home")


@h5_login_required
@require_POST
def result_rate(request: HttpRequest, resolution_id: int) -> HttpResponse:
    f = ResolutionRatingForm(request.POST)
    try:
        engine.resolution_rate(
            actor=actor_of(request),
            resolution_id=resolution_id,
            score=f.number("score") or 0,
            comment=f.text("comment"),
        )
        messages.success(request, gettext("感谢您的评议！"))
    except ApplicationError as exc:
        if exc.status == 404:
            raise Http404(exc.message) from exc
        messages.error(request, exc.message)
    return redirect("property_h5:home")
