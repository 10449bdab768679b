"""Console pages of the registers (台账): the list of every register with its download, the imports of
units and in-service members (template, check, import, error report). Thin: the services do the work."""

from __future__ import annotations

from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods

from gongzhi.core.access import console_login_required
from gongzhi.core.errors import ApplicationError, Forbidden, NotFound
from gongzhi.core.http import xlsx_response
from gongzhi.core.permissions import allowed
from gongzhi.core.sheets import max_file_bytes, max_rows
from gongzhi.registers import exports, forms, selectors, sheets
from gongzhi.registers.services import imports

SHOWN_ERRORS = 200


def _actor(request: HttpRequest) -> Any:
    return cast(Any, request.user)


def _http(exc: ApplicationError) -> Exception:
    if isinstance(exc, Forbidden):
        return PermissionDenied(exc.message)
    return Http404(exc.message)


@console_login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    actor = _actor(request)
    if not allowed(actor, "registers.export_register"):
        raise PermissionDenied(gettext("您的角色不能导出台账"))
    today = timezone.localdate()
    return render(
        request,
        "registers/console/index.html",
        {
            "registers": exports.REGISTERS.values(),
            "place": selectors.register_place_label(actor),
            "year": today.year,
            "month": f"{today:%Y-%m}",
            "can_import": allowed(actor, "registers.import_register"),
        },
    )


@console_login_required
@require_GET
def export(request: HttpRequest, key: str) -> HttpResponse:
    actor = _actor(request)
    if not allowed(actor, "registers.export_register"):
        raise PermissionDenied(gettext("您的角色不能导出台账"))
    period = forms.RegisterPeriodForm(request.GET)
    try:
        name, content = exports.register_export(
            actor=actor, key=key, year=period.number("year"), month=period.text("month")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except ApplicationError as exc:
        return render(request, "registers/console/refused.html", {"error": exc.message}, status=exc.status)
    return xlsx_response(content, name)


def _format(kind: str) -> sheets.Format:
    fmt = sheets.FORMATS.get(kind)  # type: ignore[call-overload]
    if fmt is None:
        raise Http404("没有这种台账")
    return fmt


@console_login_required
@require_http_methods(["GET", "POST"])
def import_page(request: HttpRequest, kind: str) -> HttpResponse:
    actor = _actor(request)
    fmt = _format(kind)
    if not allowed(actor, "registers.import_register"):
        raise PermissionDenied(gettext("您的角色不能导入台账"))
    context: dict[str, Any] = {
        "fmt": fmt,
        "kind": kind,
        "max_rows": max_rows(),
        "max_mb": max_file_bytes() // 1024 // 1024,
    }
    if request.method == "POST":
        upload = request.FILES.get("file")
        dry_run = forms.RegisterImportForm(request.POST).dry_run()
        context["dry_run"] = dry_run
        try:
            if upload is None:
                raise ApplicationError(gettext("请选择要上传的Excel文件"))
            record = imports.register_import(
                actor=actor, kind=kind, file_name=upload.name or "", content=upload.read(), dry_run=dry_run
            )
        except Forbidden as exc:
            raise _http(exc) from exc
        except ApplicationError as exc:
            context["error"] = exc.message
        else:
            context.update(record=record, shown_errors=record.errors[:SHOWN_ERRORS])
    context["imports"] = list(selectors.register_import_list_for_actor(actor=actor, kind=kind, limit=10))
    return render(
        request, "registers/console/import.html", context, status=400 if "error" in context else 200
    )


@console_login_required
@require_GET
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    fmt = _format(kind)
    return xlsx_response(sheets.template(fmt), f"{fmt.sheet}导入模板.xlsx")


@console_login_required
@require_GET
def import_errors(request: HttpRequest, import_id: int) -> HttpResponse:
    actor = _actor(request)
    try:
        record = selectors.register_import_get_for_actor(actor=actor, import_id=import_id)
    except ApplicationError as exc:
        raise _http(exc) from exc
    content = imports.import_report(actor=actor, record=record)
    return xlsx_response(content, f"台账导入错误报告_{record.pk}.xlsx")
