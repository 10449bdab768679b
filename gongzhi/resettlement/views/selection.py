"""Console pages of the draw and the selection: the draw (commit, witnesses, run, the published record
and the canonical list to re-run it), the selection desk (whose turn, the free units, the choice), a
household (its units, the settlement statement PDF, the key handover), the public notice PDF, the close."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from gongzhi.core.access import console_login_required
from gongzhi.core.http import pdf_response
from gongzhi.core.permissions import allowed
from gongzhi.resettlement import documents, selectors
from gongzhi.resettlement.enums import MIN_WITNESSES, UnitKind
from gongzhi.resettlement.forms import ChoiceForm, HandoverForm, SeedForm, WitnessForm
from gongzhi.resettlement.services import allocation, draws
from gongzhi.resettlement.services.downloads import resettlement_document_downloaded
from gongzhi.resettlement.views._common import act, household_of, project_of, reader


def _back(name: str, **kwargs: int) -> str:
    return reverse(name, kwargs=kwargs)


@console_login_required
@require_GET
def draw_page(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    draw = selectors.draw_of(project=project)
    order = []
    if draw is not None and draw.drawn_at:
        order = list(selectors.eligible_household_list(project=project)[:5000])
    return render(
        request,
        "resettlement/console/draw.html",
        {
            "project": project,
            "draw": draw,
            "witnesses": list(draw.witnesses.order_by("id")) if draw else [],
            "order": order,
            "min_witnesses": MIN_WITNESSES,
            "can_manage": allowed(actor, "resettlement.manage_project", project),
        },
    )


@console_login_required
@require_POST
def draw_commit(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    seed = SeedForm(request.POST).text("seed")
    return act(
        request,
        lambda: draws.draw_commit(actor=actor, project_id=project.pk, seed=seed),
        gettext("名单已封存，承诺值已公布"),
        _back("resettlement:draw", project_id=project.pk),
    )


@console_login_required
@require_POST
def witness_create(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    form = WitnessForm(request.POST)
    return act(
        request,
        lambda: draws.draw_witness_add(
            actor=actor, project_id=project.pk, name=form.text("name"), capacity=form.text("capacity")
        ),
        gettext("已登记见证人"),
        _back("resettlement:draw", project_id=project.pk),
    )


@console_login_required
@require_POST
def draw_run(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    return act(
        request,
        lambda: draws.draw_run(actor=actor, project_id=project.pk),
        gettext("摇号完成，种子与顺序已公布"),
        _back("resettlement:draw", project_id=project.pk),
    )


@console_login_required
@require_GET
def draw_list(request: HttpRequest, project_id: int) -> HttpResponse:
    """The canonical list (no names) as text, to re-run the draw with the published seed."""
    actor = reader(request)
    project = project_of(actor, project_id)
    response = HttpResponse(
        selectors.canonical_list_of(project=project) + "\n", content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="draw-list-{project.pk}.txt"'
    return response


@console_login_required
@require_GET
def selection(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    turn = selectors.current_turn(project=project)
    return render(
        request,
        "resettlement/console/selection.html",
        {
            "project": project,
            "turn": turn,
            "turn_units": list(turn.units.order_by("kind", "number")) if turn else [],
            "free": list(selectors.housing_unit_list(project=project, free_only=True)[:1500]) if turn else [],
            "rows": list(selectors.eligible_household_list(project=project)[:5000]),
            "kinds": UnitKind.choices,
            "can_manage": allowed(actor, "resettlement.manage_project", project),
        },
    )


@console_login_required
@require_POST
def choose(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = reader(request)
    hh = household_of(actor, household_id)
    unit_id = ChoiceForm(request.POST).number("unit_id") or 0
    return act(
        request,
        lambda: allocation.unit_choose(actor=actor, household_id=hh.pk, unit_id=unit_id),
        gettext("%(key)s已选定") % {"key": hh.key},
        _back("resettlement:selection", project_id=hh.project_id),
    )


@console_login_required
@require_POST
def finish(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = reader(request)
    hh = household_of(actor, household_id)
    return act(
        request,
        lambda: allocation.household_choosing_finish(actor=actor, household_id=hh.pk),
        gettext("%(key)s已确认选房结果") % {"key": hh.key},
        _back("resettlement:selection", project_id=hh.project_id),
    )


@console_login_required
@require_GET
def household_detail(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = reader(request)
    hh = household_of(actor, household_id)
    statement = getattr(hh, "statement", None) if hasattr(hh, "statement") else None
    return render(
        request,
        "resettlement/console/household.html",
        {
            "hh": hh,
            "project": hh.project,
            "units": list(hh.units.order_by("kind", "number")),
            "statement": statement,
            "handover": getattr(hh, "handover", None) if hasattr(hh, "handover") else None,
            "can_manage": allowed(actor, "resettlement.manage_project", hh.project),
        },
    )


@console_login_required
@require_POST
def settlement_issue(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = reader(request)
    hh = household_of(actor, household_id)
    return act(
        request,
        lambda: allocation.settlement_issue(actor=actor, household_id=hh.pk),
        gettext("已出具面积差结算单"),
        _back("resettlement:household", household_id=hh.pk),
    )


@console_login_required
@require_GET
def statement_pdf(request: HttpRequest, household_id: int) -> HttpResponse:
    from django.http import Http404

    actor = reader(request)
    hh = household_of(actor, household_id)
    statement = getattr(hh, "statement", None) if hasattr(hh, "statement") else None
    if statement is None:
        raise Http404("该户尚未出具结算单")
    pdf = documents.render_statement(statement)
    resettlement_document_downloaded(actor=actor, target=statement, document="面积差结算单", rows=1)
    return pdf_response(pdf, f"面积差结算单-{statement.number}.pdf")


@console_login_required
@require_POST
def handover(request: HttpRequest, household_id: int) -> HttpResponse:
    actor = reader(request)
    hh = household_of(actor, household_id)
    kwargs = HandoverForm(request.POST).handover_kwargs()
    return act(
        request,
        lambda: allocation.key_handover_sign(actor=actor, household_id=hh.pk, **kwargs),
        gettext("钥匙已交付并签收"),
        _back("resettlement:household", household_id=hh.pk),
    )


@console_login_required
@require_GET
def notice_pdf(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    rows = list(selectors.eligible_household_list(project=project).prefetch_related("units")[:5000])
    pdf = documents.render_notice(project, selectors.draw_of(project=project), rows)
    resettlement_document_downloaded(
        actor=actor, target=project, document="摇号及选房结果公示", rows=len(rows)
    )
    return pdf_response(pdf, f"选房结果公示-{project.pk}.pdf")


@console_login_required
@require_POST
def project_close(request: HttpRequest, project_id: int) -> HttpResponse:
    actor = reader(request)
    project = project_of(actor, project_id)
    return act(
        request,
        lambda: allocation.resettlement_project_close(actor=actor, project_id=project.pk),
        gettext("安置项目已办结"),
        _back("resettlement:detail", project_id=project.pk),
    )
