"""Console pages of the early warning: the week's list of the actor's places (the screening starts from
it), hand a warning to a person, close it with what was done; the district admin's rules and run."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from gongzhi.core.access import actor_of, console_login_required
from gongzhi.core.errors import ApplicationError
from gongzhi.core.http import int_or_none, refused
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import DISTRICT_ADMINS
from gongzhi.core.scope import scope_of
from gongzhi.mediation import early_warning, selectors
from gongzhi.mediation.enums import WarningKind, WarningStatus
from gongzhi.mediation.forms import RuleForm, WarningForm
from gongzhi.mediation.services import warnings as svc


def _district_code(actor: Any) -> str:
    codes = sorted(scope_of(actor).codes(DISTRICT_ADMINS)["district"])
    return codes[0] if codes else ""


@console_login_required
@require_http_methods(["GET", "POST"])
def warning_list(request: HttpRequest) -> HttpResponse:
    actor = actor_of(request)
    if not allowed(actor, "mediation.view_mediation"):
        raise Http404
    district = _district_code(actor)
    if request.method == "POST":
        try:
            if request.POST.get("form") == "rule":
                f = RuleForm(request.POST)
                svc.warning_rule_save(
                    actor=actor,
                    district_code=district,
                    kind=f.text("kind"),
                    window_days=int_or_none(f.text("window_days")) or 0,
                    threshold=int_or_none(f.text("threshold")) or 0,
                    active=f.text("active") == "1",
                )
                messages.success(request, gettext("预警规则已保存"))
            else:
                out = svc.warnings_run(actor=actor, district_code=district)
                messages.success(
                    request,
                    gettext("已生成本周预警：共%(total)s条，新增%(new)s条")
                    % {"total": out["total"], "new": out["new"]},
                )
        except ApplicationError as exc:
            refused(request, exc)
            for message in (exc.fields or {}).values():
                messages.error(request, message)
        return redirect("mediation:warnings")
    status = request.GET.get("status", "")
    if status not in WarningStatus.values:
        status = ""
    rows = list(selectors.warning_list_for_actor(actor=actor, status=status)[:300])
    rules = early_warning.rules_of(district).values() if district else []
    return render(
        request,
        "mediation/console/warnings.html",
        {
            "warnings": rows,
            "status": status,
            "statuses": WarningStatus.choices,
            "rules": [(r, WarningKind(r.kind).label) for r in rules],
            "is_admin": bool(district) and allowed(actor, "mediation.run_warnings"),
            "can_handle": {w.pk for w in rows if allowed(actor, "mediation.handle_warning", w)},
        },
    )


@console_login_required
@require_POST
def warning_move(request: HttpRequest, warning_id: int, move: str) -> HttpResponse:
    actor = actor_of(request)
    f = WarningForm(request.POST)
    try:
        if move == "hand-over":
            svc.warning_hand_over(actor=actor, warning_id=warning_id, handler_id=f.number("handler_id") or 0)
        elif move == "close":
            svc.warning_close(actor=actor, warning_id=warning_id, action=f.text("action"))
        else:
            raise Http404
    except ApplicationError as exc:
        refused(request, exc)
        for message in (exc.fields or {}).values():
            messages.error(request, message)
    else:
        messages.success(request, gettext("已保存"))
    return redirect("mediation:warnings")
