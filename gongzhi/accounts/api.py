from __future__ import annotations

from typing import cast

from django.contrib.auth import authenticate, login, logout
from django.http import HttpRequest
from django.middleware.csrf import get_token
from ninja import Router, Schema

from gongzhi.accounts.models import User
from gongzhi.core import ratelimit
from gongzhi.core.api import ERRORS, session_auth
from gongzhi.core.errors import ApplicationError
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


@router.post("/login", response={200: MeOut, **ERRORS}, auth=None, summary="员工账号密码登录")
def api_login(request: HttpRequest, payload: LoginIn):
    if not payload.username.strip() or not payload.password:
        raise ApplicationError(
            "请填写用户名和密码", code="required", fields={"username": "必填", "password": "必填"}
        )
    ip = ratelimit.client_ip(request)
    ratelimit.check("login_ip", ip)  # only failures count: a busy office behind one address still signs in
    user = authenticate(request, username=payload.username.strip(), password=payload.password)
    if getattr(request, "axes_locked_out", False):
        raise ApplicationError(
            "登录失败次数过多，账号已临时锁定，请30分钟后再试或联系管理员", code="locked_out", status=429
        )
    if user is None:
        ratelimit.count("login_ip", ip)
        raise ApplicationError("用户名或密码错误", code="bad_credentials", status=401)
    login(request, user)
    return me_of(request)


@router.post("/logout", response={200: OkOut, **ERRORS}, auth=None, summary="退出登录")
def api_logout(request: HttpRequest):
    logout(request)
    return {"ok": True, "message": "已退出"}


@router.get("/me", response={200: MeOut, **ERRORS}, auth=session_auth, summary="当前用户与角色")
def me(request: HttpRequest):
    scope_of(request.user)  # type: ignore[arg-type]
    return me_of(request)
