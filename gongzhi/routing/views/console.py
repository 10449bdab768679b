"""Console pages of routing (智能分拨), mounted at console/routing/: the accuracy of suggestions per month
and the uncertain tickets to review, the model versions and retraining, the department mapping table and
the candidate keywords. Thin: reads through the selectors, writes through the services. The suggestion of
one ticket is shown on the ticket's own page (tickets/console/_routing.html)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, ValidationFailed
from gongzhi.core.permissions import allowed
from gongzhi.routing import selectors
from gongzhi.routing.enums import KeywordStatus, RoutingLevel
from gongzhi.routing.forms import DecideForm, MappingForm, MineForm, RetrainForm, ReviewForm
from gongzhi.routing.services import keywords as keyword_services
from gongzhi.routing.services import mappings, suggestions, training
from gongzhi.routing.taxonomy import BY_CODE, DEPARTMENT_TYPES


def _need(request: HttpRequest, perm: str) -> None:
    if not allowed(actor_of(request), perm):
        raise PermissionDenied


def _fail(request: HttpRequest, exc: ApplicationError) -> None:
    if exc.status == 404:
        raise Http404 from exc
    messages.error(request, exc.message)


@console_login_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _need(request, "routing.view_suggestion")
    uncertain = list(selectors.suggestion_list_for_actor(actor=actor, uncertain_only=True, limit=100))
    for s in uncertain:
        s.level_label = RoutingLevel(s.level).label  # type: ignore[attr-defined]
    return render(
        request,
        "routing/console/overview.html",
        {
            "months": selectors.accuracy_by_month(actor=actor),
            "figures": selectors.routing_overview(actor=actor),
            "uncertain": uncertain,
            "versions": list(selectors.model_version_list()[:10]),
            "active_label": selectors.active_model()[0],
            "may_retrain": allowed(actor, "routing.retrain_model"),
            "may_review": allowed(actor, "routing.review_suggestion", uncertain[0]) if uncertain else False,
        },
    )


@console_login_required
@require_POST
def review(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = ReviewForm(request.POST)
    try:
        row = selectors.suggestion_get_for_actor(actor=actor, suggestion_id=form.number("suggestion_id") or 0)
        suggestions.suggestion_review(actor=actor, suggestion_id=row.pk)
        messages.success(request, gettext("已标记为已复核"))
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("routing:overview")


@console_login_required
@require_http_methods(["GET", "POST"])
def mapping(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _need(request, "routing.view_suggestion")
    if request.method == "POST":
        form = MappingForm(request.POST)
        try:
            if form.number("clear_id"):
                mappings.department_mapping_clear(actor=actor, mapping_id=form.number("clear_id") or 0)
                messages.success(request, gettext("已删除对照"))
            else:
                kwargs = form.mapping_kwargs()
                if not kwargs["district_code"]:
                    raise ValidationFailed(gettext("请选择区县"), fields={"district_code": gettext("必填项")})
                mappings.department_mapping_set(actor=actor, **kwargs)
                messages.success(request, gettext("已保存对照"))
        except ApplicationError as exc:
            if exc.status == 404:
                raise Http404 from exc
            messages.error(request, exc.message)
            return render(
                request, "routing/console/mapping.html", _mapping_context(request), status=exc.status
            )
        return redirect("routing:mapping")
    return render(request, "routing/console/mapping.html", _mapping_context(request))


def _mapping_context(request: HttpRequest) -> dict:
    from gongzhi.places.models import Department

    actor = actor_of(request)
    rows = list(selectors.mapping_list_for_actor(actor=actor))
    districts = sorted({r.district_code for r in rows} | set(selectors.district_codes_for_actor(actor=actor)))
    return {
        "rows": rows,
        "types": DEPARTMENT_TYPES,
        "districts": districts,
        "departments": list(
            Department.objects.filter(district__code__in=districts)
            .select_related("district")
            .order_by("code")[:300]
        ),
        "may_edit": any(allowed(actor, "routing.manage_mapping", _Probe(d)) for d in districts),
    }


class _Probe:
    """A district's place codes, for asking ``routing.manage_mapping`` before any row exists."""

    def __init__(self, district_code: str) -> None:
        self.district_code = district_code


@console_login_required
@require_GET
def keywords(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _need(request, "routing.manage_keyword")
    status = request.GET.get("status", KeywordStatus.PROPOSED)
    if status not in KeywordStatus.values:
        status = KeywordStatus.PROPOSED
    rows = list(selectors.keyword_candidate_list_for_actor(actor=actor, status=status))
    for r in rows:
        small = BY_CODE.get(r.code)
        r.class_label = f"{small.top} · {small.name}" if small else r.code  # type: ignore[attr-defined]
    return render(
        request,
        "routing/console/keywords.html",
        {
            "rows": rows,
            "status": status,
            "statuses": KeywordStatus.choices,
            "districts": selectors.district_codes_for_actor(actor=actor),
        },
    )


@console_login_required
@require_POST
def keywords_mine(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _need(request, "routing.manage_keyword")
    district = MineForm(request.POST).text("district_code")
    if district not in selectors.district_codes_for_actor(actor=actor):
        messages.error(request, gettext("请选择本人所在的区县"))
        return redirect("routing:keywords")
    try:
        n = keyword_services.keyword_candidates_mine(actor=actor, district_code=district)
        messages.success(request, gettext("已从纠正记录中发现 %(n)s 个候选关键词") % {"n": n})
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("routing:keywords")


@console_login_required
@require_POST
def keywords_decide(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    form = DecideForm(request.POST)
    try:
        row = selectors.keyword_candidate_get_for_actor(
            actor=actor, candidate_id=form.number("candidate_id") or 0
        )
        if form.text("decision") not in ("approve", "reject"):
            raise ValidationFailed(gettext("请选择采纳或驳回"), fields={"decision": gettext("必填项")})
        keyword_services.keyword_candidate_decide(
            actor=actor, candidate_id=row.pk, approve=form.text("decision") == "approve"
        )
        messages.success(
            request,
            gettext("已采纳，下次再训练时生效") if form.text("decision") == "approve" else gettext("已驳回"),
        )
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("routing:keywords")


@console_login_required
@require_POST
def retrain(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    _need(request, "routing.retrain_model")
    if RetrainForm(request.POST).text("confirm") != "yes":
        messages.error(request, gettext("请确认再训练"))
        return redirect("routing:overview")
    try:
        v = training.routing_model_retrain(actor=actor)
        (messages.success if v.deployed else messages.warning)(
            request, gettext("分拨模型 %(label)s：%(note)s") % {"label": v.label, "note": v.note}
        )
    except ApplicationError as exc:
        _fail(request, exc)
    return redirect("routing:overview")
