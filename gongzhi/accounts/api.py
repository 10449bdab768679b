from __future__ import annotations

from typing import cast

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.utils.http import is_same_domain
from django.utils.translation import gettext
from ninja import Router, Schema
from ninja.utils import check_csrf

from gongzhi.accounts import services as accounts
from gongzhi.accounts.models import User
from gongzhi.core import ratelimit
from gongzhi.core.api import ERRORS, ErrorOut, session_auth
from gongzhi.core.errors import ApplicationError, Forbidden
from gongzhi.core.scope import scope_of

router = Router(tags=["登录"])


class LoginIn(Schema):
    username: str
    password: str


class RoleOut(Schema):
    role: str
    level: str
    scope: str


class MeOut(Schema):
    username: str
    display_name: str
    roles: list[RoleOut]
    csrf_token: str


class OkOut(Schema):
    ok: bool = True
    message: str = ""


# The sign-in doors (password login, the one-time code's request and verify) answer JSON bodies only, and
# from our own pages or from no browser page at all. A cross-site page can post a form or a text/plain body
# without asking the browser's permission, but never application/json: so no other site can sign a
# visitor in (login CSRF) or spend an SMS from a visitor's browser. Logout needs the CSRF token.
SIGN_IN_RESPONSES = {200: MeOut, **ERRORS, 415: ErrorOut}
JSON_ONLY = "请求须为 JSON 格式（Content-Type: application/json）"
FOREIGN_ORIGIN = "请求来源不是本站，已拒绝"


def _origin_trusted(request: HttpRequest, origin: str) -> bool:
    good = f"{'https' if request.is_secure() else 'http'}://{request.get_host()}"
    if origin == good:
        return True
    for trusted in getattr(settings, "CSRF_TRUSTED_ORIGINS", []):
        scheme, _, host = trusted.partition("://")
        if origin == trusted or (
            "*" in host
            and origin.startswith(scheme + "://")
            and is_same_domain(origin.partition("://")[2], host[1:])
        ):
            return True
    return False


def json_same_origin(request: HttpRequest) -> bool:
    """The sign-in doors' ``auth``: ninja runs it before it reads the body, so a form or text/plain body is
    a 415 in the one error shape, never parsed. A JSON body from our own origin or none passes (anyone may
    try to sign in: it stands in for ``auth=None``); another site's origin, or "null", is a 403."""
    if request.content_type != "application/json":
        raise ApplicationError(JSON_ONLY, code="unsupported_media_type", status=415)
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None and not _origin_trusted(request, origin):
        raise Forbidden(FOREIGN_ORIGIN, code="foreign_origin")
    return True


def me_of(request: HttpRequest) -> dict:
    user = cast(User, request.user)
    roles = [
        {
            "role": ra.role,
            "level": ra.level,
            "scope": ra.place_code
            or (str(ra.department_id) if ra.department_id else f"household:{ra.household_id}"),
        }
        for ra in user.role_assignments.filter(active=True)
    ]
    return {
        "username": user.username,
        "display_name": user.display_label,
        "roles": roles,
        "csrf_token": get_token(request),
    }


@router.post("/login", response=SIGN_IN_RESPONSES, auth=json_same_origin, summary="员工账号密码登录")
def api_login(request: HttpRequest, payload: LoginIn):
    username = payload.username.strip()
    if not username or not payload.password:
        raise ApplicationError(
            gettext("请填写用户名和密码"),
            code="required",
            fields={"username": gettext("必填"), "password": gettext("必填")},
        )
    ip = ratelimit.client_ip(request)
    ratelimit.check("login_ip", ip)  # only failures count: a busy office behind one address still signs in
    user = authenticate(request, username=username, password=payload.password)
    if getattr(request, "axes_locked_out", False) or user is None:
        # Each failure counts toward the IP's limit, so neither the guesses nor their audit rows are endless.
        ratelimit.count("login_ip", ip)
        locked = getattr(request, "axes_locked_out", False)
        reason = "locked_out" if locked else "bad_credentials"
        accounts.sign_in_failed(channel="api", ip=ip, reason=reason, username=username)
        if locked:
            raise ApplicationError(
                gettext("登录失败次数过多，账号已临时锁定，请30分钟后再试或联系管理员"),
                code="locked_out",
                status=429,
            )
        raise ApplicationError(gettext("用户名或密码错误"), code="bad_credentials", status=401)
    login(request, user)
    accounts.sign_in_recorded(user=cast(User, user), channel="api", ip=ip, username=username)
    return me_of(request)


@router.post("/logout", response={200: OkOut, **ERRORS}, auth=None, summary="退出登录")
def api_logout(request: HttpRequest):
    # Signed in: the CSRF token (header X-CSRFToken, from /auth/me or the login answer) is required, so no
    # other site can sign a visitor out. Not signed in: nothing to do, 200.
    if request.user.is_authenticated and check_csrf(request) is not None:
        raise Forbidden(gettext("CSRF校验失败：退出登录须携带 CSRF 令牌（X-CSRFToken）"), code="csrf")
    logout(request)
    return {"ok": True, "message": "已退出"}


@router.get("/me", response={200: MeOut, **ERRORS}, auth=session_auth, summary="当前用户与角色")
def me(request: HttpRequest):
    scope_of(request.user)  # type: ignore[arg-type]
    return me_of(request)
