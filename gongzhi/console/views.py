from __future__ import annotations

from typing import Any

from django.contrib.auth import authenticate, login, logout
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts import services as accounts
from gongzhi.accounts.lockout import lockout_response
from gongzhi.audit.enums import EVENT_LABELS
from gongzhi.audit.selectors import audit_event_list_for_actor
from gongzhi.care.selectors import home_overdue_for_actor
from gongzhi.console.figures import district_figures, scope_figures
from gongzhi.console.forms import ConsoleLoginForm
from gongzhi.core import ratelimit
from gongzhi.core.access import console_login_required, home_url_for, is_h5_only
from gongzhi.core.http import int_or_none
from gongzhi.core.permissions import allowed
from gongzhi.tickets.figures import home_figures as ticket_home_figures

BAD_CREDENTIALS = gettext_lazy("用户名或密码错误")
AUDIT_PAGE_SIZE = 50


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _after_login(request: HttpRequest, next_url: str) -> str:
    # A resident who signs in here goes to the H5 site whatever ``next`` says: the console is not theirs.
    if is_h5_only(request.user):
        return home_url_for(request.user)
    return next_url or home_url_for(request.user)


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _safe_next(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method != "POST" and request.user.is_authenticated:
        return redirect(_after_login(request, next_url))
    error = ""
    username = ""
    status = 200
    if request.method == "POST":
        form = ConsoleLoginForm(request.POST)
        username, password = form.username_posted(), form.password_posted()
        ip = ratelimit.client_ip(request)
        try:
            ratelimit.check(
                "login_ip", ip
            )  # only failures count, so a busy office behind one address signs in
        except ratelimit.RateLimited as exc:
            page = render(
                request,
                "console/login.html",
                {"error": exc.message, "username": username, "next": next_url},
                status=exc.status,
            )
            return ratelimit.with_retry_after(page, exc)
        user = authenticate(request, username=username, password=password) if username and password else None
        if getattr(request, "axes_locked_out", False):
            # A failure too: counted toward the IP's limit (so its audit rows are bounded) and audited.
            ratelimit.count("login_ip", ip)
            accounts.sign_in_failed(channel="console", ip=ip, reason="locked_out", username=username)
            return lockout_response(request)
        if user is not None:
            login(request, user)
            accounts.sign_in_recorded(user=user, channel="console", ip=ip, username=username)
            return redirect(_after_login(request, next_url))
        ratelimit.count("login_ip", ip)
        if username:  # an empty form is no attempt at anyone's account
            accounts.sign_in_failed(channel="console", ip=ip, reason="bad_credentials", username=username)
        error = str(BAD_CREDENTIALS)
        status = 400
    return render(
        request,
        "console/login.html",
        {"error": error, "username": username, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("console:login")


def care_chart(care: Any, tickets: dict[str, Any] | None) -> dict[str, Any] | None:
    """The care panel's chart: the overdue visits per grid of the actor's scope (the panel's own figures,
    most overdue first), for the grid and community staff who make the visits (their ticket chart is the
    "open" one, or they have none); None when nothing is overdue."""
    if not care or not care.by_grid or (tickets and tickets["chart"]["kind"] != "open"):
        return None
    return {
        "rows": [{"name": name, "n": n} for name, n in care.by_grid],
        "label": gettext("应访未访"),
        "y_label": gettext("人数"),
    }


@console_login_required
def home(request: HttpRequest) -> HttpResponse:
    mine = scope_figures(actor=request.user)  # type: ignore[arg-type]
    care = home_overdue_for_actor(actor=request.user)  # type: ignore[arg-type]
    tickets = ticket_home_figures(request.user)  # type: ignore[arg-type]
    context: dict[str, Any] = {
        "district": district_figures(),
        "mine": mine,
        "chart": {"kinds": mine["kinds"], "rows": mine["by_community"], "y_label": gettext("网格数")},
        "tickets": tickets,
        "care": care,
        "care_chart": care_chart(care, tickets),
        # the holiday-calendar warning only to whom can enter the calendar (the district admin)
        "calendar_fixer": allowed(request.user, "workdays.change_holidayyear"),
    }
    return render(request, "console/home.html", context)


@console_login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not allowed(request.user, "audit.view_auditevent"):
        raise Http404
    event_type = request.GET.get("event", "")
    if event_type not in EVENT_LABELS:
        event_type = ""
    before = int_or_none(request.GET.get("before")) or None
    rows = list(
        audit_event_list_for_actor(
            actor=request.user,  # type: ignore[arg-type]
            event_type=event_type,
            before_id=before,
            limit=AUDIT_PAGE_SIZE + 1,
        )
    )
    events, more = rows[:AUDIT_PAGE_SIZE], len(rows) > AUDIT_PAGE_SIZE
    return render(
        request,
        "audit/console/event_list.html",
        {
            "events": events,
            "event_type": event_type,
            "event_choices": sorted(((k, str(v)) for k, v in EVENT_LABELS.items()), key=lambda kv: kv[0]),
            "next_before": events[-1].pk if more and events else None,
            "paged": before is not None,
        },
    )


@require_GET
def overview_page(request: HttpRequest) -> HttpResponse:
    """The public overview (no login): the allow-listed figures of /api/v1/overview, with charts."""
    from django.utils import timezone

    from gongzhi.console.figures import public_overview

    return render(request, "console/overview.html", {**public_overview(), "today": timezone.localdate()})
