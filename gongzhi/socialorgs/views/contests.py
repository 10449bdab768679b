"""Console pages of the yearly contest (项目大赛): the contests with the form to open one, a contest
(judges, entries, the scoring sheets of the signed-in judge, the ranking, winners and brand projects)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import refused
from gongzhi.core.permissions import allowed
from gongzhi.core.scope import scope_of
from gongzhi.socialorgs import selectors
from gongzhi.socialorgs.enums import ContestStatus
from gongzhi.socialorgs.forms import ContestForm, ScoreForm
from gongzhi.socialorgs.services import contests as svc


def _subdistricts(actor: Any) -> list[Any]:
    from gongzhi.places.models import Subdistrict

    scope = scope_of(actor)
    qs = Subdistrict.objects.order_by("code")
    if not scope.superuser:
        codes = scope.codes()
        qs = qs.filter(code__in=sorted(codes["subdistrict"])) | qs.filter(
            district__code__in=sorted(codes["district"])
        )
    return [s for s in qs[:100] if allowed(actor, "socialorgs.manage_contest", s)]


@console_login_required
@require_http_methods(["GET", "POST"])
def contest_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = 200
    if request.method == "POST":
        form = ContestForm(request.POST)
        try:
            contest = svc.contest_open(
                actor=actor,
                subdistrict_code=form.text("subdistrict_code"),
                year=form.number("year") or 0,
                title=form.text("title"),
                winners=form.number("winners") or 0,
            )
        except ApplicationError as exc:
            refused(request, exc)
            status = 400
        else:
            messages.success(
                request, gettext("已发布“%(title)s”，请添加评委和参赛项目") % {"title": contest.title}
            )
            return redirect("socialorgs:contest", contest_id=contest.pk)
    return render(
        request,
        "socialorgs/console/contests.html",
        {
            "rows": list(selectors.contest_list_for_actor(actor=actor)[:100]),
            "subdistricts": _subdistricts(actor),
            "year": timezone.localdate().year,
        },
        status=status,
    )


@console_login_required
@require_GET
def contest_detail(request: HttpRequest, contest_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        contest = selectors.contest_get_for_actor(actor=actor, contest_id=contest_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    entries = selectors.contest_entries(contest)
    judge = selectors.contest_judge_of(actor=actor, contest=contest)
    for e in entries:
        e.mine = next((s for s in e.sheets.all() if judge and s.judge_id == judge.pk), None)  # type: ignore[attr-defined]
        e.own = bool(judge and judge.organization_id == e.organization_id)  # type: ignore[attr-defined]
    orgs = [
        p.organization
        for p in selectors.organization_profile_list_for_actor(actor=actor, limit=300)
        if p.subdistrict_code == contest.subdistrict_code
        and allowed(actor, "socialorgs.enter_contest", p.organization)
    ]
    return render(
        request,
        "socialorgs/console/contest.html",
        {
            "contest": contest,
            "entries": entries,
            "judges": list(contest.judges.select_related("organization").order_by("id")),
            "judge": judge,
            "can_manage": allowed(actor, "socialorgs.manage_contest", contest),
            "organizations": orgs,
            "S": ContestStatus,
        },
    )


def _back(contest_id: int) -> HttpResponse:
    return redirect("socialorgs:contest", contest_id=contest_id)


@console_login_required
@require_POST
def contest_judge_add(request: HttpRequest, contest_id: int) -> HttpResponse:
    form = ContestForm(request.POST)
    try:
        j = svc.contest_judge_add(
            actor=actor_of(request),
            contest_id=contest_id,
            username=form.text("username"),
            name=form.text("name"),
            organization_id=form.number("organization_id"),
        )
        messages.success(request, gettext("已添加评委%(name)s") % {"name": j.name})
    except ApplicationError as exc:
        refused(request, exc)
    return _back(contest_id)


@console_login_required
@require_POST
def contest_entry_add(request: HttpRequest, contest_id: int) -> HttpResponse:
    form = ContestForm(request.POST)
    try:
        e = svc.contest_entry_add(
            actor=actor_of(request),
            contest_id=contest_id,
            organization_id=form.number("organization_id") or 0,
            title=form.text("title"),
            funded_project_id=form.number("funded_project_id"),
        )
        messages.success(request, gettext("已报名：%(title)s") % {"title": e.title})
    except ApplicationError as exc:
        refused(request, exc)
    return _back(contest_id)


@console_login_required
@require_POST
def contest_move(request: HttpRequest, contest_id: int, move: str) -> HttpResponse:
    actor = actor_of(request)
    try:
        if move == "start":
            svc.contest_scoring_start(actor=actor, contest_id=contest_id)
            messages.success(request, gettext("评审开始，评委可为参赛项目打分"))
        else:
            svc.contest_finish(actor=actor, contest_id=contest_id)
            messages.success(request, gettext("名次已揭晓"))
    except ApplicationError as exc:
        refused(request, exc)
    return _back(contest_id)


@console_login_required
@require_POST
def entry_score(request: HttpRequest, entry_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        entry = selectors.contest_entry_get_for_actor(actor=actor, entry_id=entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    contest = entry.contest
    try:
        sheet = svc.contest_entry_score(
            actor=actor, entry_id=entry.pk, scores=ScoreForm(request.POST).scores(contest.criteria)
        )
        messages.success(
            request,
            gettext("已为“%(title)s”评分：%(total)s分") % {"title": entry.title, "total": sheet.total},
        )
    except ApplicationError as exc:
        refused(request, exc)
    return _back(contest.pk)


@console_login_required
@require_POST
def entry_brand(request: HttpRequest, entry_id: int) -> HttpResponse:
    try:
        entry = selectors.contest_entry_get_for_actor(actor=actor_of(request), entry_id=entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    try:
        e = svc.contest_entry_brand(
            actor=actor_of(request), entry_id=entry.pk, brand=ContestForm(request.POST).text("brand") != "0"
        )
        messages.success(
            request,
            (gettext("“%(title)s”已评为品牌项目") if e.brand else gettext("“%(title)s”已取消品牌项目"))
            % {"title": e.title},
        )
    except ApplicationError as exc:
        refused(request, exc)
    return _back(entry.contest_id)
