"""Resident pages for phones: sign in with a one-time code, see one's own household."""

from __future__ import annotations

from django.contrib.auth import login, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_POST

from gongzhi.accounts import services as accounts
from gongzhi.accounts import sms
from gongzhi.core import ids, ratelimit
from gongzhi.core.access import actor_of, h5_login_required, is_visitor
from gongzhi.core.errors import ApplicationError
from gongzhi.core.permissions import allowed
from gongzhi.core.roles import Role
from gongzhi.core.scope import scope_of
from gongzhi.h5.forms import OtpRequestForm, OtpVerifyForm
from gongzhi.people.selectors import person_list_for_actor
from gongzhi.people.services import resident_sign_in
from gongzhi.places.selectors import household_get_for_actor

CODE_SENT = gettext_lazy("验证码已发送至%(phone)s，%(minutes)s分钟内有效")


def _safe_next(request: HttpRequest) -> str:
    candidate = request.POST.get("next") or request.GET.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _masked(phone: str) -> str:
    try:
        return ids.mask_phone(ids.normalise_phone(phone))
    except ApplicationError:
        return ""


def _login_page(
    request: HttpRequest,
    *,
    step: str = "phone",
    phone: str = "",
    error: str = "",
    info: str = "",
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "h5/login.html",
        {
            "step": step,
            "phone": phone[:20],
            "error": error,
            "info": info,
            "next": _safe_next(request),
            # Development only (sms.dev_outbox_code answers "" in production and with a real gateway).
            "dev_code": sms.dev_outbox_code(phone) if step == "code" else "",
        },
        status=status,
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("h5:login")
    # The in-service member's registration (报到) link: the party rule its page asks.
    actor = actor_of(request)
    is_party_member = allowed(actor, "party.add_own_memberregistration")
    # A unit liaison's page (单位共建): the unit's members, service and cobuilding.
    is_liaison = Role.UNIT_LIAISON in scope_of(actor).roles
    return render(
        request,
        "h5/home.html",
        {
            "is_party_member": is_party_member,
            "is_liaison": is_liaison,
            "is_visitor": is_visitor(request.user),
        },
    )


@never_cache
@require_GET
def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_safe_next(request) or "h5:home")
    return _login_page(request)


@never_cache
@require_POST
def otp_request(request: HttpRequest) -> HttpResponse:
    phone = OtpRequestForm(request.POST).phone_posted()
    try:
        ratelimit.hit_request(request, "otp_ip")
    except ratelimit.RateLimited as exc:  # this address asked too often: no code was sent to this phone
        page = _login_page(request, step="phone", phone=phone, error=exc.message, status=exc.status)
        return ratelimit.with_retry_after(page, exc)
    try:
        accounts.otp_request(phone=phone)
    except ApplicationError as exc:
        # A rate limit keeps the code step open: the code sent a moment ago is still good.
        step = "code" if exc.code == "rate_limited" else "phone"
        page = _login_page(request, step=step, phone=phone, error=exc.message, status=exc.status)
        return ratelimit.with_retry_after(page, exc)
    from django.conf import settings

    info = str(CODE_SENT) % {"phone": _masked(phone), "minutes": max(1, settings.OTP_TTL_SECONDS // 60)}
    return _login_page(request, step="code", phone=phone, info=info)


@never_cache
@sensitive_post_parameters("code")
@require_POST
def otp_verify(request: HttpRequest) -> HttpResponse:
    form = OtpVerifyForm(request.POST)
    phone, code = form.phone_posted(), form.code_posted()
    if not code:
        return _login_page(request, step="code", phone=phone, error=gettext("请填写短信验证码"), status=400)
    ip = ratelimit.client_ip(request)
    try:
        ratelimit.hit("otp_verify_ip", ip)  # every attempt, right or wrong
        user = resident_sign_in(phone=phone, code=code, channel="h5_otp", ip=ip)
    except ApplicationError as exc:
        message = exc.message
        if exc.code == "bad_code":
            message += gettext("。多次输错后验证码将失效，请重新获取")
        step = "phone" if exc.code == "not_registered" else "code"
        page = _login_page(request, step=step, phone=phone, error=message, status=exc.status)
        return ratelimit.with_retry_after(page, exc)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    # The first sign-in lands on the home page (its tiles lead everywhere, 我的家庭 among them; a visitor,
    # who has no household page, reads there what they can do).
    return redirect(_safe_next(request) or "h5:home")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("h5:login")


@h5_login_required
@require_GET
def family(request: HttpRequest) -> HttpResponse:
    """The signed-in resident's own household(s): members with masked ID and phone numbers."""
    user = request.user
    households = []
    for household_id in sorted(scope_of(user).household_ids):  # type: ignore[arg-type]
        household = household_get_for_actor(actor=user, household_id=household_id)  # type: ignore[arg-type]
        members = list(person_list_for_actor(actor=user, household_id=household_id))  # type: ignore[arg-type]
        households.append({"household": household, "members": members})
    return render(request, "h5/family.html", {"households": households, "is_visitor": is_visitor(user)})
