"""Console pages of the stairwells: the register with its figures, a stairwell (its posts, election,
inspections, the inspection form usable on a phone), the printable register and its xlsx. Thin: scoped
selectors, services, refusals shown."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.forms import ReasonForm
from gongzhi.core.http import refused, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import TICKET_READERS
from gongzhi.places.selectors import community_list_for_actor
from gongzhi.stairwells import naming, registers, selectors
from gongzhi.stairwells.enums import CHECKLIST, CaptainKind, NamingStatus, Title
from gongzhi.stairwells.forms import CommunityForm, ElectionForm, InspectionForm, SettingsForm, VoteForm
from gongzhi.stairwells.services import captains, inspections, register


def _get(actor: Any, stairwell_id: int) -> Any:
    try:
        return selectors.stairwell_get_for_actor(actor=actor, stairwell_id=stairwell_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _communities(actor: Any) -> list[Any]:
    return list(community_list_for_actor(actor=actor, roles=TICKET_READERS)[:300])


@console_login_required
@require_GET
def stairwell_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    f = {k: request.GET.get(k, "")[:24] for k in ("community_code", "status", "q")}
    qs = selectors.stairwell_list_for_actor(
        actor=actor, community_code=f["community_code"], status=f["status"], q=f["q"], staff_only=True
    )
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    communities = _communities(actor)
    return render(
        request,
        "stairwells/console/list.html",
        {
            "page": page,
            "f": f,
            "statuses": [*NamingStatus.choices, ("overdue", gettext("复查逾期"))],
            "communities": communities,
            "manageable": [c for c in communities if allowed(actor, "stairwells.manage_stairwell", c)],
            "figures": selectors.stairwell_figures(actor=actor),
        },
    )


@console_login_required
@require_POST
def register_community(request: HttpRequest) -> HttpResponse:
    form = CommunityForm(request.POST)
    try:
        added = register.stairwells_register_community(
            actor=actor_of(request), community_id=form.number("community_id") or 0
        )
        messages.success(request, gettext("已按楼栋单元登记%(added)s个楼道") % {"added": added})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("stairwells:list")


@console_login_required
@require_GET
def stairwell_detail(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    actor = actor_of(request)
    sw = _get(actor, stairwell_id)
    posts = selectors.captains_of(sw)
    households = list(selectors.stairwell_households(sw))
    election = selectors.open_election(sw)
    voted = selectors.households_voted(election, [h.pk for h in households]) if election else set()
    from gongzhi.people.models import Person

    residents = list(Person.objects.filter(household__in=households).order_by("household__door", "id")[:200])
    return render(
        request,
        "stairwells/console/detail.html",
        {
            "sw": sw,
            "captain": posts[CaptainKind.CAPTAIN],
            "red_captain": posts[CaptainKind.RED_CAPTAIN],
            "households": households,
            "residents": residents,
            "election": election,
            "voted": voted,
            "elections": selectors.election_list_for_stairwell(sw),
            "inspections": selectors.inspection_list_for_stairwell(sw),
            "checklist": CHECKLIST,
            "titles": Title.choices,
            "overdue": naming.overdue(selectors.standing_of(sw), timezone.localdate()),
            "can_manage": allowed(actor, "stairwells.manage_stairwell", sw),
            "can_inspect": allowed(actor, "stairwells.inspect_stairwell", sw),
        },
    )


def _back(stairwell_id: int) -> HttpResponse:
    return redirect("stairwells:detail", stairwell_id=stairwell_id)


@console_login_required
@require_POST
def stairwell_inspect(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    form = InspectionForm(request.POST)
    try:
        row = inspections.stairwell_inspect(
            actor=actor_of(request),
            stairwell_id=stairwell_id,
            results=form.results(),
            inspected_on=form.day(),
            note=form.text("note"),
            photos=request.FILES.getlist("photos"),
        )
        messages.success(
            request,
            gettext("已记录检查：%(result)s；楼道%(status)s")
            % {
                "result": gettext("合格") if row.passed else gettext("不合格"),
                "status": row.get_status_after_display(),
            },
        )
    except ApplicationError as exc:
        refused(request, exc)
    return _back(stairwell_id)


@console_login_required
@require_POST
def stairwell_settings(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    form = SettingsForm(request.POST)
    try:
        register.stairwell_update(
            actor=actor_of(request),
            stairwell_id=stairwell_id,
            title=form.text("title"),
            pact_on_file=bool(form.text("pact_on_file")),
        )
        messages.success(request, gettext("已保存"))
    except ApplicationError as exc:
        refused(request, exc)
    return _back(stairwell_id)


@console_login_required
@require_POST
def election_open(request: HttpRequest, stairwell_id: int) -> HttpResponse:
    try:
        captains.captain_election_open(
            actor=actor_of(request),
            stairwell_id=stairwell_id,
            candidate_ids=ElectionForm(request.POST).candidates(),
        )
        messages.success(
            request, gettext("已发起楼道长选举，本楼道住户可在手机上投票，也可由工作人员录入纸质选票")
        )
    except ApplicationError as exc:
        refused(request, exc)
    return _back(stairwell_id)


@console_login_required
@require_POST
def election_paper_vote(request: HttpRequest, election_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        election = selectors.election_get_for_actor(actor=actor, election_id=election_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    form = VoteForm(request.POST)
    try:
        captains.captain_vote_record_paper(
            actor=actor,
            election_id=election_id,
            household_id=form.number("household_id") or 0,
            candidate_id=form.number("candidate_id") or 0,
        )
        messages.success(request, gettext("已录入纸质选票"))
    except ApplicationError as exc:
        refused(request, exc)
    return _back(election.stairwell_id)


@console_login_required
@require_POST
def election_close(request: HttpRequest, election_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        election = selectors.election_get_for_actor(actor=actor, election_id=election_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        done = captains.captain_election_close(actor=actor, election_id=election_id)
        messages.success(request, gettext("计票完成：%(result_note)s") % {"result_note": done.result_note})
    except ApplicationError as exc:
        refused(request, exc)
    return _back(election.stairwell_id)


@console_login_required
@require_POST
def post_end(request: HttpRequest, captain_id: int) -> HttpResponse:
    try:
        post = captains.captain_post_end(
            actor=actor_of(request), captain_id=captain_id, reason=ReasonForm(request.POST).text("reason")
        )
        messages.success(
            request,
            gettext("%(name)s已卸任%(get_kind_display)s")
            % {"name": post.name, "get_kind_display": post.get_kind_display()},
        )
        return _back(post.stairwell_id)
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("stairwells:list")


@console_login_required
@require_GET
def register_print(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    code = request.GET.get("community_code", "")[:12]
    rows = selectors.register_rows(actor=actor, community_code=code)
    return render(
        request,
        "stairwells/console/register.html",
        {"rows": rows, "community_code": code, "communities": _communities(actor)},
    )


@console_login_required
@require_GET
def register_xlsx(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    code = request.GET.get("community_code", "")[:12]
    rows = selectors.register_rows(actor=actor, community_code=code)
    content = registers.register_workbook(rows)
    register.stairwell_register_downloaded(actor=actor, community_code=code, rows=len(rows))
    return xlsx_response(content, "楼道台账.xlsx")


@console_login_required
@require_GET
def figures(request: HttpRequest) -> HttpResponse:
    rows = selectors.stairwell_figures(actor=actor_of(request))
    return render(request, "stairwells/console/figures.html", {"rows": rows})
