"""Console pages of indicator sets (考核方案): the list of sets with their runs, the set editor (new and
edit), and computing a run of a set."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.assessment import indicators, selectors
from gongzhi.assessment.enums import Rule, SubjectKind
from gongzhi.assessment.forms import IndicatorSetForm, RunForm
from gongzhi.assessment.models import IndicatorSet
from gongzhi.assessment.services import runs, sets
from gongzhi.assessment.views._common import or_404, place_label, writable_places
from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.http import refused, year_or_none
from gongzhi.core.permissions import allowed


@console_login_required
@require_GET
def set_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "assessment.view_assessment"):
        if allowed(actor, "assessment.view_own_sheet"):
            return redirect("assessment:mine")
        raise Http404
    year = year_or_none(request.GET.get("year"))
    found = list(selectors.indicator_set_list_for_actor(actor=actor, year=year).prefetch_related("lines"))
    all_runs: dict[int, list[Any]] = {}
    for run in selectors.run_list_for_actor(actor=actor).filter(indicator_set__in=found):
        all_runs.setdefault(run.indicator_set_id, []).append(run)
    rows = [
        {
            "set": s,
            "place": place_label(s),
            "runs": all_runs.get(s.pk, []),
            "can_manage": allowed(actor, "assessment.manage_set", s),
        }
        for s in found
    ]
    return render(
        request,
        "assessment/console/sets.html",
        {
            "rows": rows,
            "year": year,
            "can_create": bool(writable_places(actor)),
            "can_see_own": allowed(actor, "assessment.view_own_sheet"),
        },
    )


def _editor(request: HttpRequest, *, s: IndicatorSet | None, posted: dict[str, str] | None) -> HttpResponse:
    actor = actor_of(request)
    current = {x.indicator: x for x in s.lines.all()} if s else {}
    rows = []
    for ind in indicators.CATALOGUE.values():
        line = current.get(ind.key)
        if posted is not None:
            values = {p: posted.get(f"{p}_{ind.key}", "") for p in ("use", "w", "r", "f", "t")}
        else:
            values = {
                "use": "1" if line else "",
                "w": f"{line.weight.normalize():f}" if line else "",
                "r": line.rule if line else Rule.LINEAR,
                "f": f"{line.floor.normalize():f}" if line else ("0" if ind.direction == "higher" else ""),
                "t": f"{line.target.normalize():f}" if line else ("100" if ind.unit == "%" else ""),
            }
        rows.append(
            {
                "ind": ind,
                "kinds": [str(SubjectKind(k).label) for k in SubjectKind.values if k in ind.kinds],
                **values,
            }
        )
    head = posted or (
        {"name": s.name, "year": str(s.year), "subject_kind": s.subject_kind, "note": s.note}
        if s
        else {"year": str(timezone.localdate().year), "subject_kind": SubjectKind.GRID}
    )
    return render(
        request,
        "assessment/console/set_form.html",
        {
            "s": s,
            "head": head,
            "rows": rows,
            "places": writable_places(actor) if s is None else [],
            "place": place_label(s) if s else "",
            "kinds": SubjectKind.choices,
            "kinds_sep": _("、"),
            "rules": Rule.choices,
            "can_manage": s is None or allowed(actor, "assessment.manage_set", s),
        },
    )


@console_login_required
@require_http_methods(["GET", "POST"])
def set_new(request: HttpRequest) -> HttpResponse:
    if not writable_places(actor_of(request)):
        raise Http404
    if request.method == "GET":
        return _editor(request, s=None, posted=None)
    f = IndicatorSetForm(request.POST)
    try:
        s = sets.indicator_set_create(
            actor=actor_of(request), place_code=f.text("place_code"), data=f.set_input()
        )
    except ApplicationError as exc:
        refused(request, exc)
        return _editor(request, s=None, posted={k: f.text(k) for k in f.fields})
    messages.success(request, _("已保存考核方案"))
    return redirect("assessment:set", set_id=s.pk)


@console_login_required
@require_http_methods(["GET", "POST"])
def set_detail(request: HttpRequest, set_id: int) -> HttpResponse:
    actor = actor_of(request)
    s = or_404(lambda: selectors.indicator_set_get_for_actor(actor=actor, set_id=set_id))
    if request.method == "GET":
        return _editor(request, s=s, posted=None)
    f = IndicatorSetForm(request.POST)
    try:
        sets.indicator_set_update(actor=actor, set_id=s.pk, data=f.set_input())
    except ApplicationError as exc:
        refused(request, exc)
        return _editor(request, s=s, posted={k: f.text(k) for k in f.fields})
    messages.success(request, _("已保存考核方案，重新计算后生效（已发布的结果不变）"))
    return redirect("assessment:set", set_id=s.pk)


@console_login_required
@require_POST
def run_compute(request: HttpRequest, set_id: int) -> HttpResponse:
    f = RunForm(request.POST)
    start, end = f.period()
    try:
        run = runs.assessment_run_compute(
            actor=actor_of(request), set_id=set_id, period_start=start, period_end=end
        )
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("assessment:sets")
    messages.success(
        request, _("已计算第%(version)s版考核结果（草稿，发布后冻结）") % {"version": run.version}
    )
    return redirect("assessment:run", run_id=run.pk)
