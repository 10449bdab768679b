"""Resident sign-in by phone and one-time code, for the H5 pages and any resident app."""

from __future__ import annotations

from django.contrib.auth import login
from django.http import HttpRequest
from ninja import Router, Schema

from gongzhi.accounts import services as accounts
from gongzhi.accounts.api import SIGN_IN_RESPONSES, OkOut, json_same_origin, me_of
from gongzhi.core import ratelimit
from gongzhi.core.api import ERRORS, ErrorOut
from gongzhi.people.services import resident_sign_in

router = Router(tags=["登录"])


class PhoneIn(Schema):
    phone: str


class OtpVerifyIn(Schema):
    phone: str
    code: str


@router.post(
    "/auth/otp/request",
    response={200: OkOut, **ERRORS, 415: ErrorOut},
    auth=json_same_origin,
    summary="居民：发送登录验证码",
)
def otp_request(request: HttpRequest, payload: PhoneIn):
    ratelimit.hit_request(request, "otp_ip")
    accounts.otp_request(phone=payload.phone)
    return {"ok": True, "message": "验证码已发送"}


@router.post(
    "/auth/otp/verify", response=SIGN_IN_RESPONSES, auth=json_same_origin, summary="居民：验证码登录"
)
def otp_verify(request: HttpRequest, payload: OtpVerifyIn):
    ratelimit.hit_request(request, "otp_verify_ip")  # every attempt, right or wrong
    user = resident_sign_in(
        phone=payload.phone, code=payload.code, channel="api_otp", ip=ratelimit.client_ip(request)
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return me_of(request)
