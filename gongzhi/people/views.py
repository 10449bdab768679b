"""Console pages for the population register: search, person detail with audited reveal, import, export.

Views are thin: every read goes through ``selectors`` (scope applied), every write through ``services``.
A person outside the actor's scope is a 404, the same as a missing one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gongzhi.core.access import console_login_required as login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.roles import POPULATION_EDITORS
from gongzhi.core.scope import scope_of
from gongzhi.people import exports, imports, selectors, services, sheets
from gongzhi.people.api import template_for, xlsx_response
from gongzhi.people.enums import ImportStatus, PersonTag

if TYPE_CHECKING:
    from gongzhi.accounts.models import User
    from gongzhi.people.models import Person

PAGE_SIZE = 50
GRID_CHOICES_MAX = 300  # more grids than this: a code box instead of a drop-down
SHOWN_IMPORT_ERRORS = 200
REVEAL_FIELDS = {"id_number": "身份证号码", "phone": "联系电话"}


def _actor(request: HttpRequest) -> User:
    return cast("User", request.user)


def _http(exc: ApplicationError) -> Exception:
    """A refusal from a service, as the HTTP error a page answers with."""
    if isinstance(exc, NotFound):
        return Http404(exc.message)
    if isinstance(exc, Forbidden):
        return PermissionDenied(exc.message)
    return exc


def _filters(request: HttpRequest) -> dict[str, Any]:
    after = request.GET.get("after", "")
    return {
        "q": request.GET.get("q", "").strip()[:50],
        "grid_code": request.GET.get("grid", "").strip()[:15],
        "tag": request.GET.get("tag", "") if request.GET.get("tag", "") in PersonTag.values else "",
        "after_id": int(after) if after.isdigit() else None,
    }


@login_required
@require_GET
def person_search(request: HttpRequest) -> HttpResponse:
    from gongzhi.places.selectors import grid_list_for_actor

    actor = _actor(request)
    filters = _filters(request)
    rows = list(selectors.person_list_for_actor(actor=actor, limit=PAGE_SIZE + 1, **filters))
    next_after = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    query = {
        k: v for k, v in (("q", filters["q"]), ("grid", filters["grid_code"]), ("tag", filters["tag"])) if v
    }
    context: dict[str, Any] = {
        "persons": rows[:PAGE_SIZE],
        "next_after": next_after,
        "paged": bool(filters["after_id"]),
        "filters": filters,
        "query": urlencode(query),
        "next_query": urlencode({**query, "after": next_after}) if next_after else "",
        "export_url": reverse("people:export") + (f"?{urlencode(query)}" if query else ""),
    }
    if request.htmx and request.htmx.target == "person-results":  # type: ignore[attr-defined]
        return render(request, "people/partials/_results.html", context)
    grids = list(grid_list_for_actor(actor=actor, limit=GRID_CHOICES_MAX + 1))
    scope = scope_of(actor)
    context.update(
        grids=grids if len(grids) <= GRID_CHOICES_MAX else None,
        tags=PersonTag.choices,
        can_import=scope.superuser or bool(scope.roles & POPULATION_EDITORS),
    )
    return render(request, "people/console/search.html", context)


def _detail_context(request: HttpRequest, person: Person) -> dict[str, Any]:
    from gongzhi.audit.selectors import audit_timeline_for_target

    actor = _actor(request)
    scope = scope_of(actor)
    members = (
        list(selectors.household_members(actor=actor, household_id=person.household_id))
        if person.household_id
        else []
    )
    return {
        "person": person,
        "members": members,
        "can_reveal": scope.superuser or scope.can_reveal(person) or person.user_id == actor.pk,
        "events": list(audit_timeline_for_target(actor=actor, target=person, limit=50)),
        "reveal_fields": REVEAL_FIELDS,
    }


@login_required
@require_GET
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        person = selectors.person_get_for_actor(actor=_actor(request), person_id=person_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    return render(request, "people/console/detail.html", _detail_context(request, person))


@login_required
@require_POST
def person_reveal(request: HttpRequest, person_id: int) -> HttpResponse:
    """Swaps the masked value for the full one (htmx); the service checks the permission and audits."""
    field_name = request.POST.get("field", "")
    reason = request.POST.get("reason", "").strip()[:200]
    try:
        person = selectors.person_get_for_actor(actor=_actor(request), person_id=person_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    if field_name not in REVEAL_FIELDS:
        raise Http404
    masked = person.id_number_masked if field_name == "id_number" else person.phone_masked
    context: dict[str, Any] = {
        "person": person,
        "field": field_name,
        "masked": masked,
        "reason": reason,
        "can_reveal": True,  # the service decides; a refusal is answered below
    }
    if not reason:
        context["error"] = "请填写查看原因（将记入操作记录）"
        return render(request, "people/partials/_reveal.html", context)
    try:
        context["value"] = services.person_reveal(
            actor=_actor(request), person_id=person.pk, field_name=field_name, reason=reason
        )
    except (NotFound, Forbidden) as exc:
        raise _http(exc) from exc
    except ApplicationError as exc:
        context["error"] = exc.message
        return render(request, "people/partials/_reveal.html", context)
    response = render(request, "people/partials/_reveal.html", context)
    response["HX-Trigger"] = "people:revealed"
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def person_timeline(request: HttpRequest, person_id: int) -> HttpResponse:
    try:
        _person, events = selectors.person_timeline_for_actor(
            actor=_actor(request), person_id=person_id, limit=50
        )
    except ApplicationError as exc:
        raise _http(exc) from exc
    return render(request, "people/partials/_timeline.html", {"events": events})


@login_required
@require_http_methods(["GET", "POST"])
def person_import(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    scope = scope_of(actor)
    context: dict[str, Any] = {
        "max_rows": sheets.max_rows(),
        "max_mb": sheets.max_file_bytes() // 1024 // 1024,
        "can_import": scope.superuser or bool(scope.roles & POPULATION_EDITORS),
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = request.POST.get("action") == "check"
        context["dry_run"] = dry_run
        try:
            if upload is None:
                raise ApplicationError("请选择要上传的Excel文件")
            sheets.check_upload(upload.name or "", upload.size or 0)
            record = imports.population_import(
                actor=actor, file_name=upload.name or "", content=upload.read(), dry_run=dry_run
            )
        except Forbidden as exc:
            raise _http(exc) from exc
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            context.update(
                record=record,
                shown_errors=record.errors[:SHOWN_IMPORT_ERRORS],
                more_errors=max(record.error_count - SHOWN_IMPORT_ERRORS, 0),
                statuses=ImportStatus,
            )
        if request.htmx:  # type: ignore[attr-defined]
            return render(request, "people/partials/_import_result.html", context)
    context["imports"] = list(selectors.population_import_list_for_actor(actor=actor, limit=10))
    return render(request, "people/console/import.html", context)


@login_required
@require_GET
def import_template(request: HttpRequest) -> HttpResponse:
    return xlsx_response(template_for(_actor(request)), "实有人口导入模板.xlsx")


@login_required
@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    try:
        record = selectors.population_import_get_for_actor(actor=_actor(request), import_id=import_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    content = sheets.error_report_workbook(
        errors=record.errors, headers=record.headers, rows=record.error_rows
    )
    return xlsx_response(content, f"导入错误报告_{record.pk}.xlsx")


@login_required
@require_GET
def person_export(request: HttpRequest) -> HttpResponse:
    filters = _filters(request)
    filters.pop("after_id")
    try:
        content, _count = exports.persons_export(actor=_actor(request), **filters)
    except (NotFound, Forbidden) as exc:
        raise _http(exc) from exc
    except ApplicationError as exc:
        messages.error(request, exc.message)
        query = {
            k: v
            for k, v in (("q", filters["q"]), ("grid", filters["grid_code"]), ("tag", filters["tag"]))
            if v
        }
        return redirect(reverse("people:search") + (f"?{urlencode(query)}" if query else ""))
    return xlsx_response(content, f"实有人口_{timezone.localdate():%Y%m%d}.xlsx")
