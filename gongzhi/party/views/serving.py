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
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError, NotFound
from gongzhi.core.scope import scope_of
from gongzhi.party import evaluation, serving
from gongzhi.party.enums import SKILLS, RecordStatus, ServiceItemKind, ServiceItemStatus

PAGE_SIZE = 100


def _file(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename) or "attachment"
    response["Cache-Control"] = "no-store"
    return response


def _int(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


def _staff_communities(request: HttpRequest) -> list[Any]:
    """Communities where the actor is community staff (where they can publish and issue)."""
    from gongzhi.places.models import Community

    scope = scope_of(actor_of(request))
    if scope.superuser:
        return list(Community.objects.order_by("code")[:300])
    codes = scope.codes(serving.COMMUNITY_STAFF)["community"]
    return list(Community.objects.filter(code__in=sorted(codes)).order_by("code"))


def _refused(request: HttpRequest, exc: ApplicationError) -> None:
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    messages.error(request, exc.message)


@console_login_required
@require_http_methods(["GET", "POST"])
def items(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    communities = _staff_communities(request)
    errors: dict[str, str] = {}
    form: dict[str, Any] = {"kind": ServiceItemKind.POST, "capacity": "1", "skills": []}
    if request.method == "POST":
        form = {
            "community_id": request.POST.get("community_id", ""),
            "kind": request.POST.get("kind", ""),
            "title": request.POST.get("title", ""),
            "description": request.POST.get("description", ""),
            "skills": request.POST.getlist("skills"),
            "capacity": request.POST.get("capacity", ""),
        }
        community_id = _int(form["community_id"]) or (communities[0].pk if len(communities) == 1 else None)
        capacity = _int(form["capacity"])
        try:
            if community_id is None:
                raise ApplicationError("请选择社区", fields={"community_id": "请选择社区"})
            if capacity is None:
                raise ApplicationError("计划人数应为整数", fields={"capacity": "计划人数应为整数"})
            item = serving.service_item_publish(
                actor=actor,
                community_id=community_id,
                kind=form["kind"],
                title=form["title"],
                description=form["description"],
                skills=form["skills"],
                capacity=capacity,
            )
        except ApplicationError as exc:
            if isinstance(exc, NotFound):
                raise Http404(exc.message) from exc
            errors = exc.fields or {"__all__": exc.message}
            messages.error(request, exc.message)
        else:
            messages.success(request, f"已发布“{item.title}”")
            return redirect("party:serving_items")
    status = request.GET.get("status", "")
    status = status if status in ServiceItemStatus.values else ""
    rows = list(serving.service_item_list_for_actor(actor=actor, status=status, limit=PAGE_SIZE))
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
        messages.success(request, f"已关闭“{item.title}”")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("party:serving_items")


@console_login_required
@require_GET
def records(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    status = request.GET.get("status", RecordStatus.PENDING)
    status = status if status in RecordStatus.values else ""
    rows = list(serving.service_record_list_for_actor(actor=actor, status=status, limit=PAGE_SIZE))
    for r in rows:
        r.can_decide = r.status == RecordStatus.PENDING and serving.is_community_staff(actor, r)  # type: ignore[attr-defined]
    return render(
        request,
        "party/console/serving/records.html",
        {
            "records": rows,
            "status": status,
            "statuses": RecordStatus.choices,
            "figures": evaluation.serving_figures(scope_of(actor)),
        },
    )


@console_login_required
@require_POST
def record_confirm(request: HttpRequest, record_id: int) -> HttpResponse:
    rating = _int(request.POST.get("rating"))
    try:
        serving.service_record_confirm(actor=actor_of(request), record_id=record_id, rating=rating)
        messages.success(request, "服务记录已确认")
    except ApplicationError as exc:
        _refused(request, exc)
    return redirect("party:serving_records")


@console_login_required
@require_POST
def record_reject(request: HttpRequest, record_id: int) -> HttpResponse:
    try:
        serving.service_record_reject(
            actor=actor_of(request), record_id=record_id, reason=request.POST.get("reason", "")
        )
        messages.success(request, "服务记录已退回")
    except ApplicationError as exc:
        _refused(request, exc)
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
        period = request.POST.get("period", "").strip()
        community_id = _int(request.POST.get("community_id"))
        try:
            result = evaluation.feedback_letters_issue(actor=actor, period=period, community_id=community_id)
            messages.success(
                request,
                f"{result.period}：新出具{result.created}份，更新{result.updated}份，未变化{result.unchanged}份",
            )
        except ApplicationError as exc:
            _refused(request, exc)
        return redirect(f"{request.path}?period={period}")
    period = request.GET.get("period", "").strip()[:16]
    rows = list(evaluation.feedback_letter_list_for_actor(actor=actor, period=period, limit=PAGE_SIZE))
    return render(
        request,
        "party/console/serving/letters.html",
        {
            "letters": rows,
            "period": period,
            "default_period": period or _default_period(),
            "communities": communities,
            "can_issue": bool(communities) or scope_of(actor).has_role(*evaluation.LETTER_ISSUERS),
        },
    )


@console_login_required
@require_GET
def letters_export(request: HttpRequest) -> HttpResponse:
    period = request.GET.get("period", "").strip()[:16]
    rows = evaluation.feedback_letter_list_for_actor(actor=actor_of(request), period=period)
    name = f"反馈函_{period or timezone.localdate().strftime('%Y%m%d')}.xlsx"
    return _file(evaluation.letters_workbook(rows), evaluation.XLSX_CONTENT_TYPE, name)


@console_login_required
@require_GET
def letter_pdf(request: HttpRequest, letter_id: int) -> HttpResponse:
    try:
        letter = evaluation.feedback_letter_get_for_actor(actor=actor_of(request), letter_id=letter_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return _file(
        evaluation.letter_pdf(letter), "application/pdf", f"反馈函_{letter.member.name}_{letter.period}.pdf"
    )


def _year(request: HttpRequest) -> int:
    year = _int(request.GET.get("year") or request.POST.get("year"))
    return year if year and 2000 <= year <= 2100 else timezone.localdate().year


@console_login_required
@require_http_methods(["GET", "POST"])
def ranking(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    year = _year(request)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "weights":
                weights = {k: request.POST.get(k, "0").strip() or "0" for k in evaluation.INDICATORS}
                evaluation.assessment_scheme_set(actor=actor, year=year, weights=weights)
                messages.success(request, f"已保存{year}年度考核指标权重")
            else:
                evaluation.units_assess(actor=actor, year=year)
                messages.success(request, f"已计算{year}年度单位考核结果")
        except ApplicationError as exc:
            _refused(request, exc)
        return redirect(f"{request.path}?year={year}")
    scheme, rows = evaluation.assessment_ranking_for_actor(actor=actor, year=year)
    scope = scope_of(actor)
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
            "indicators": [(k, label, weights.get(k, "")) for k, label in evaluation.INDICATORS.items()],
            "can_assess": scope.superuser or scope.has_role(*evaluation.ASSESSORS),
        },
    )


@console_login_required
@require_GET
def ranking_export(request: HttpRequest) -> HttpResponse:
    scheme, rows = evaluation.assessment_ranking_for_actor(actor=actor_of(request), year=_year(request))
    if scheme is None:
        raise Http404
    return _file(
        evaluation.ranking_workbook(scheme, rows),
        evaluation.XLSX_CONTENT_TYPE,
        f"{scheme.year}年度驻区单位考核排名.xlsx",
    )


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
