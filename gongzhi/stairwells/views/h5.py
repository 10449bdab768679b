"""Resident pages: my stairwell (its standing, its captains), voting in the captain's election, claiming
the 红色楼长 post (a party member living there), and the captain's inspection on the phone with photos."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, h5_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.stairwells import selectors
from gongzhi.stairwells.enums import CHECKLIST, CaptainKind
from gongzhi.stairwells.forms import InspectionForm, VoteForm
from gongzhi.stairwells.services import captains, inspections


@h5_login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    own = sorted(scope_of(actor).household_ids)
    cards = []
    for sw in selectors.stairwell_list_for_actor(actor=actor, limit=10):
        posts = selectors.captains_of(sw)
        election = selectors.open_election(sw)
        households = [h.pk for h in selectors.stairwell_households(sw).filter(pk__in=own)]
        cards.append(
            {
                "sw": sw,
                "captain": posts[CaptainKind.CAPTAIN],
                "red_captain": posts[CaptainKind.RED_CAPTAIN],
                "election": election,
                "voted": bool(election and selectors.households_voted(election, households)),
                "can_vote": bool(election) and allowed(actor, "stairwells.vote_election", sw),
                "can_claim": posts[CaptainKind.RED_CAPTAIN] is None
                and allowed(actor, "stairwells.claim_red_post", sw),
                "can_inspect": allowed(actor, "stairwells.inspect_stairwell", sw),
                "inspections": selectors.inspection_list_for_stairwell(sw, limit=3),
            }
        )
    return render(request, "stairwells/h5/mine.html", {"cards": cards})


@h5_login_required
@require_POST
def vote(request: HttpRequest, election_id: int) -> HttpResponse:
    try:
        captains.captain_vote_cast(
            actor=actor_of(request),
            election_id=election_id,
            candidate_id=VoteForm(request.POST).number("candidate_id") or 0,
        )
        messages.success(request, gettext("投票成功，每户一票，感谢参与"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("stairwells_h5:mine")


@h5_login_required
@require_POST
def red_captain_claim(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    try:
        captains.red_captain_claim(actor=actor_of(request), stairwell_id=stairwell_id)
        messages.success(request, gettext("已认领红色楼长，感谢您为邻里服务"))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
    return redirect("stairwells_h5:mine")


@h5_login_required
@require_http_methods(["GET", "POST"])
def inspect(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        sw = selectors.stairwell_get_for_actor(actor=actor, stairwell_id=stairwell_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    if not allowed(actor, "stairwells.inspect_stairwell", sw):
        raise Http404("只有本楼道的楼道长可以检查")
    error: ApplicationError | None = None
    if request.method == "POST":
        form = InspectionForm(request.POST)
        try:
            row = inspections.stairwell_inspect(
                actor=actor,
                stairwell_id=sw.pk,
                results=form.results(),
                note=form.text("note"),
                photos=request.FILES.getlist("photos"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(
                request,
                gettext("检查已提交：%(result)s")
                % {"result": gettext("合格") if row.passed else gettext("不合格")},
            )
            return redirect("stairwells_h5:mine")
    return render(
        request,
        "stairwells/h5/inspect.html",
        {"sw": sw, "checklist": CHECKLIST, "error": error},
        status=400 if error else 200,
    )
