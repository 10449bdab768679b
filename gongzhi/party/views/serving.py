"""Console pages for serving and evaluation: service items (publish, close), service records to confirm,
feedback letters (issue, xlsx, PDF) and the unit ranking.

Thin: reads through the scoped selectors, writes through the services; a refusal shows its Chinese
message on the page. Missing and forbidden rows are the same 404.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.http import pdf_response, refused, xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import COMMUNITY_STAFF
from gongzhi.core.scope import scope_of
from gongzhi.party import exports
from gongzhi.party.enums import SKILLS, RecordStatus, ServiceItemKind, ServiceItemStatus
from gongzhi.party.forms import (
    AssessmentForm,
    LetterIssueForm,
    ReasonForm,
    RecordConfirmForm,
    ServiceItemForm,
    YearForm,
    form_refusal,
)
from gongzhi.party.selectors import evaluation as evaluation_selectors
from gongzhi.party.selectors import serving as serving_selectors
from gongzhi.party.services import evaluation, serving
from gongzhi.places.selectors import community_list_for_actor

PAGE_SIZE = 100


def _staff_communities(request: HttpRequest) -> list[Any]:
    """Communities where the actor is community staff (where they can publish and issue)."""
    return list(community_list_for_actor(actor=actor_of(request), roles=COMMUNITY_STAFF)[:300])


@console_login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _staff_communities(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"kind": ServiceItemKind.POST, "capacity": "1", "skills": []}
    if request.method == "POST":
        posted = ServiceItemForm(request.POST)
        # What was typed, shown again above a refusal.
        form = posted.values()
        try:
            if not posted.is_valid():
                raise form_refusal(posted)
            d = posted.cleaned_data
            community_id = d["community_id"] or (communities[0].pk if len(communities) == 1 else None)
            if community_id is None:
                raise ApplicationError(gettext("请选择社区"), fields={"community_id": gettext("请选择社区")})
            if d["capacity"] is None:
                raise ApplicationError(
                    gettext("计划人数应为整数"), fields={"capacity": gettext("计划人数应为整数")}
                )
            item = serving.service_item_publish(
                actor=actor,
                community_id=community_id,
                kind=d["kind"],
                title=d["title"],
                description=d["description"],
                skills=d["skills"],
                capacity=d["capacity"],
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, gettext("已发布“%(title)s”") % {"title": item.title})
            return redirect("party:serving_items")
    status = request.GET.get("status", "")
    status = status if status in ServiceItemStatus.values else ""
    rows = list(serving_selectors.service_item_list_for_actor(actor=actor, status=status, limit=PAGE_SIZE))
    return render(
        request,
        "party/console/serving/items.html",
        {
            "items": rows,
            "status": status,
            "statuses": ServiceItemStatus.choices,
            "kinds": ServiceItemKind.choices,
            "skills": SKILLS,
            "communities": communities,
            "form": form,
            "errors": errors,
        },
        status=400 if errors else 200,
    )


@console_login_required
@require_POST
def item_close(request: HttpRequest, item_id: int) -> HttpResponse:
    try:
        item = serving.service_item_close(actor=actor_of(request), item_id=item_id)
        messages.success(request, gettext("已关闭“%(title)s”") % {"title": item.title})
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("party:serving_items")


@console_login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", RecordStatus.PENDING)
    status = status if status in RecordStatus.values else ""
    rows = list(serving_selectors.service_record_list_for_actor(actor=actor, status=status, limit=PAGE_SIZE))
    for r in rows:
        r.can_decide = r.status == RecordStatus.PENDING and allowed(actor, "party.confirm_servicerecord", r)  # type: ignore[attr-defined]
    return render(
        request,
        "party/console/serving/records.html",
        {
            "records": rows,
            "status": status,
            "statuses": RecordStatus.choices,
            "figures": evaluation_selectors.serving_figures(scope_of(actor)),
        },
    )


@console_login_required
@require_POST
def record_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    rating = RecordConfirmForm(request.POST).rating_posted()
    try:
        serving.service_record_confirm(actor=actor_of(request), record_id=record_id, rating=rating)
        messages.success(request, gettext("服务记录已确认"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("party:serving_records")


@console_login_required
@require_POST
def record_reject(request: HttpRequest, record_id: int) -> HttpResponse:
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise form_refusal(form)
        serving.service_record_reject(
            actor=actor_of(request), record_id=record_id, reason=form.cleaned_data["reason"]
        )
        messages.success(request, gettext("服务记录已退回"))
    except ApplicationError as exc:
        refused(request, exc)
    return redirect("party:serving_records")


def _default_period() -> str:
    today = timezone.localdate()
    return f"{today.year}-Q{(today.month - 1) // 3 + 1}"


@console_login_required
@require_http_methods(["GET", "POST"])
def letters(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _staff_communities(request)
    if request.method == "POST":
        posted = LetterIssueForm(request.POST)
        period = posted.period_posted()
        try:
            if not posted.is_valid():
                raise form_refusal(posted)
            result = evaluation.feedback_letters_issue(
                actor=actor, period=period, community_id=posted.cleaned_data["community_id"]
            )
            messages.success(
                request,
                gettext("%(period)s：新出具%(created)s份，更新%(updated)s份，未变化%(unchanged)s份")
                % {
                    "period": result.period,
                    "created": result.created,
                    "updated": result.updated,
                    "unchanged": result.unchanged,
                },
            )
        except ApplicationError as exc:
            refused(request, exc)
        return redirect(f"{request.path}?period={period}")
    period = request.GET.get("period", "").strip()[:16]
    rows = list(
        evaluation_selectors.feedback_letter_list_for_actor(actor=actor, period=period, limit=PAGE_SIZE)
    )
    return render(
        request,
        "party/console/serving/letters.html",
        {
            "letters": rows,
            "period": period,
            "default_period": period or _default_period(),
            "communities": communities,
            "can_issue": bool(communities) or allowed(actor, "party.issue_feedbackletter"),
        },
    )


@console_login_required
@require_GET
def letters_export(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "").strip()[:16]
    name = f"反馈函_{period or timezone.localdate().strftime('%Y%m%d')}.xlsx"
    return xlsx_response(exports.feedback_letters_export(actor=actor_of(request), period=period), name)


@console_login_required
@require_GET
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    try:
        letter, pdf = exports.feedback_letter_download(actor=actor_of(request), letter_id=letter_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return pdf_response(pdf, f"反馈函_{letter.member.name}_{letter.period}.pdf", attachment=True)


def _year(request: HttpRequest) -> int:
    # The address's year when it names one, else the posted one.
    year = YearForm(request.GET if request.GET.get("year") else request.POST).year_posted()
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


@console_login_required
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request)
    if request.method == "POST":
        posted = AssessmentForm(request.POST)
        try:
            if not posted.is_valid():
                raise form_refusal(posted)
            if posted.cleaned_data["action"] == "weights":
                evaluation.assessment_scheme_set(actor=actor, year=year, weights=posted.weights())
                messages.success(request, gettext("已保存%(year)s年度考核指标权重") % {"year": year})
            else:
                evaluation.units_assess(actor=actor, year=year)
                messages.success(request, gettext("已计算%(year)s年度单位考核结果") % {"year": year})
        except ApplicationError as exc:
            refused(request, exc)
        return redirect(f"{request.path}?year={year}")
    scheme, rows = evaluation_selectors.assessment_ranking_for_actor(actor=actor, year=year)
    weights = scheme.weights if scheme else {}
    return render(
        request,
        "party/console/serving/ranking.html",
        {
            "year": year,
            "scheme": scheme,
            "results": [
                {
                    "row": r,
                    "values": [(r.indicators.get(k) or {}).get("value", 0) for k in evaluation.INDICATORS],
                }
                for r in rows
            ],
            "indicators": [
                (k, gettext(label), weights.get(k, "")) for k, label in evaluation.INDICATORS.items()
            ],
            "can_assess": allowed(actor, "party.assess_unit"),
        },
    )


@console_login_required
@require_GET
def ranking_export(request: HttpRequest) -> HttpResponse:
    try:
        scheme, content = exports.ranking_export(actor=actor_of(request), year=_year(request))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return xlsx_response(content, f"{scheme.year}年度驻区单位考核排名.xlsx")


urlpatterns: list[URLPattern] = [
    path("serving/items/", items, name="serving_items"),
    path("serving/items/<int:item_id>/close/", item_close, name="serving_item_close"),
    path("serving/records/", records, name="serving_records"),
    path("serving/records/<int:record_id>/confirm/", record_confirm, name="serving_record_confirm"),
    path("serving/records/<int:record_id>/reject/", record_reject, name="serving_record_reject"),
    path("serving/letters/", letters, name="serving_letters"),
    path("serving/letters/export.xlsx", letters_export, name="serving_letters_export"),
    path("serving/letters/<int:letter_id>.pdf", letter_pdf, name="serving_letter_pdf"),
    path("serving/ranking/", ranking, name="serving_ranking"),
    path("serving/ranking.xlsx", ranking_export, name="serving_ranking_export"),
]
