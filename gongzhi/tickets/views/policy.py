"""工单办理设置: the district admin's page of the district's ticket settings (separation of duties)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import DISTRICT_ADMINS
from gongzhi.core.scope import scope_of
from gongzhi.places.models import District
from gongzhi.tickets.selectors.policy import ticket_policy_of
from gongzhi.tickets.services.policy import ticket_policy_set


def _districts(actor: Any) -> list[District]:
    scope = scope_of(actor)
    qs = District.objects.order_by("code")
    if not scope.superuser:
        codes = {
            code for role, level, code in scope.places if role in DISTRICT_ADMINS and level == "district"
        }
        qs = qs.filter(code__in=sorted(codes))
    return list(qs[:50])


@console_login_required
@require_http_methods(["GET", "POST"])
def policy_page(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "tickets.change_category"):  # the district's own settings: its admin only
        raise Http404
    error: ApplicationError | None = None
    if request.method == "POST":
        try:
            ticket_policy_set(
                actor=actor,
                district_code=request.POST.get("district_code", ""),
                separate_duties=request.POST.get("separate_duties"),
            )
        except ApplicationError as exc:
            error = exc
        else:
            messages.success(request, gettext("已保存工单办理设置"))
            return redirect("tickets:policy")
    rows = [{"district": d, "policy": ticket_policy_of(d.code)} for d in _districts(actor)]
    return render(
        request,
        "tickets/console/policy.html",
        {"rows": rows, "error": error, "errors": (error.fields or {}) if error else {}},
        status=error.status if error else 200,
    )
