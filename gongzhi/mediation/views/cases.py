"""Console pages of the cases: the list with the registration form, a case with its parties (masked; the
full value revealed to the committee with a reason, audited), sessions and the moves of its workflow,
the agreement and the case file.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its message.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import pdf_response, refused
from gongzhi.core.permissions import allowed
from gongzhi.mediation import books, selectors
from gongzhi.mediation.enums import CaseSource, CaseStatus, DisputeKind, Satisfaction, TransferKind
from gongzhi.mediation.forms import CaseForm, CaseMoveForm, DisputantForm, RevealForm
from gongzhi.mediation.services import cases, outcomes
from gongzhi.mediation.transitions import CASE
from gongzhi.venues.selectors import venue_list_for_actor

PAGE_SIZE = 200


def _grids(actor: Any) -> list[Any]:
    from gongzhi.core.roles import GRID_STAFF
    from gongzhi.core.scope import scope_of
    from gongzhi.places.models import Grid

    codes = sorted(scope_of(actor).codes(GRID_STAFF)["grid"])
    return list(Grid.objects.filter(code__in=codes).order_by("code")[:50])


@console_login_required
@require_http_methods(["GET", "POST"])
def case_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "mediation.view_mediation"):
        raise Http404
    committees = list(selectors.committee_list_for_actor(actor=actor))
    form: dict[str, Any] = {}
    errors: dict[str, str] = {}
    if request.method == "POST":
        posted = CaseForm(request.POST)
        form = posted.values()
        try:
            case = cases.case_register(
                actor=actor,
                committee_id=posted.number("committee_id") or 0,
                data=posted.case_input(),
                grid_code=posted.text("grid_code"),
                ticket_id=posted.number("ticket_id"),
            )
        except ApplicationError as exc:
            refused(request, exc)
            errors = exc.fields or {}
        else:
            messages.success(request, gettext("已登记纠纷案件%(number)s") % {"number": case.number})
            return redirect("mediation:case_detail", case_id=case.pk)
    f = {k: request.GET.get(k, "") for k in ("status", "kind", "q")}
    rows = list(
        selectors.case_list_for_actor(actor=actor, status=f["status"], kind=f["kind"], q=f["q"][:50])[
            :PAGE_SIZE
        ]
    )
    return render(
        request,
        "mediation/console/cases.html",
        {
            "cases": rows,
            "f": f,
            "statuses": CaseStatus.choices,
            "kinds": DisputeKind.choices,
            "sources": CaseSource.choices,
            "committees": [c for c in committees if c.active],
            "rooms": list(selectors.room_list_for_actor(actor=actor)),
            "grids": _grids(actor),
            "form": form,
            "errors": errors,
            "overdue": list(selectors.overdue_reports_for_actor(actor=actor)[:50]),
        },
    )


@console_login_required
@require_GET
def case_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        case = selectors.case_get_for_actor(actor=actor, case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    handles = allowed(actor, "mediation.handle_case", case)
    moves = {m for m, table in CASE.moves.items() if case.status in table} if handles else set()
    return render(
        request,
        "mediation/console/case_detail.html",
        {
            "case": case,
            "disputants": list(case.disputants.all()),
            "mediator_links": list(case.mediator_links.select_related("mediator")),
            "sessions": list(case.sessions.all()),
            "handles": handles,
            "moves": moves,
            "can_reply": case.status == CaseStatus.REPORTED and allowed(actor, "mediation.reply_case", case),
            "mediators": list(selectors.mediator_list_for_actor(actor=actor, committee_id=case.committee_id))
            if handles
            else [],
            "venues": list(venue_list_for_actor(actor=actor, community_code=case.community_code, limit=200))
            if handles and case.community_code
            else [],
            "transfer_kinds": TransferKind.choices,
            "satisfactions": Satisfaction.choices,
        },
    )


MOVES = {
    "admit": lambda a, cid, f: cases.case_admit(
        actor=a, case_id=cid, mediator_ids=f.ids(), presiding_id=f.number("presiding_id"), on=f.day("on")
    ),
    "refuse": lambda a, cid, f: cases.case_refuse(actor=a, case_id=cid, reason=f.text("reason")),
    "session": lambda a, cid, f: cases.session_record(
        actor=a,
        case_id=cid,
        held_on=f.day("held_on"),
        place=f.text("place"),
        attendees=f.text("attendees"),
        record=f.text("record"),
        next_step=f.text("next_step"),
        venue_id=f.number("venue_id"),
    ),
    "extend": lambda a, cid, f: cases.case_extend(
        actor=a, case_id=cid, working_days=f.number("working_days") or 0, reason=f.text("reason")
    ),
    "report-up": lambda a, cid, f: cases.case_report_up(actor=a, case_id=cid, reason=f.text("reason")),
    "reply": lambda a, cid, f: cases.case_report_reply(actor=a, case_id=cid, reply=f.text("reply")),
    "agree": lambda a, cid, f: outcomes.case_agree(
        actor=a, case_id=cid, terms=f.text("terms"), performance=f.text("performance"), on=f.day("on")
    ),
    "fail": lambda a, cid, f: outcomes.case_end_unresolved(actor=a, case_id=cid, note=f.text("note")),
    "transfer": lambda a, cid, f: outcomes.case_transfer(
        actor=a, case_id=cid, kind=f.text("kind"), body=f.text("body"), on=f.day("on"), note=f.text("note")
    ),
    "follow-up": lambda a, cid, f: outcomes.case_follow_up(
        actor=a, case_id=cid, kept=f.text("kept") == "1", note=f.text("note")
    ),
    "close": lambda a, cid, f: outcomes.case_close(
        actor=a, case_id=cid, satisfaction=f.text("satisfaction"), note=f.text("note")
    ),
}


@console_login_required
@require_POST
def case_move(request: HttpRequest, case_id: int, move: str) -> HttpResponse:
    actor = actor_of(request)
    action = MOVES.get(move)
    if action is None:
        raise Http404
    try:
        action(actor, case_id, CaseMoveForm(request.POST))
    except ApplicationError as exc:
        refused(request, exc)
        for message in (exc.fields or {}).values():
            messages.error(request, message)
    else:
        messages.success(request, gettext("已保存"))
    return redirect("mediation:case_detail", case_id=case_id)


@console_login_required
@require_POST
def disputant_add(request: HttpRequest, case_id: int) -> HttpResponse:
    actor = actor_of(request)
    try:
        cases.disputant_add(actor=actor, case_id=case_id, data=DisputantForm(request.POST).disputant_input())
    except ApplicationError as exc:
        refused(request, exc)
        for message in (exc.fields or {}).values():
            messages.error(request, message)
    else:
        messages.success(request, gettext("已添加当事人"))
    return redirect("mediation:case_detail", case_id=case_id)


@console_login_required
@require_POST
def disputant_reveal(request: HttpRequest, disputant_id: int) -> HttpResponse:
    """The full ID or phone of a party, on a page of its own that is not cached; the service checks
    need-to-know and writes the audit row."""
    from gongzhi.mediation.models import Disputant

    actor = actor_of(request)
    form = RevealForm(request.POST)
    disputant = Disputant.objects.filter(pk=disputant_id).select_related("case").first()
    try:
        value = outcomes.disputant_reveal(
            actor=actor, disputant_id=disputant_id, field_name=form.text("field"), reason=form.text("reason")
        )
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        refused(request, exc)
        assert disputant is not None
        return redirect("mediation:case_detail", case_id=disputant.case_id)
    response = render(
        request,
        "mediation/console/revealed.html",
        {
            "disputant": disputant,
            "field": gettext("身份证号码") if form.text("field") == "id_number" else gettext("联系电话"),
            "value": value,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


@console_login_required
@require_GET
def case_agreement(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        name, pdf = books.agreement_pdf(actor=actor_of(request), case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    except ApplicationError as exc:
        refused(request, exc)
        return redirect("mediation:case_detail", case_id=case_id)
    return pdf_response(pdf, name)


@console_login_required
@require_GET
def case_file(request: HttpRequest, case_id: int) -> HttpResponse:
    try:
        name, pdf = books.case_file_pdf(actor=actor_of(request), case_id=case_id)
    except NotFound as exc:
        raise Http404 from exc
    return pdf_response(pdf, name)
