"""One-time codes: a daily cap per phone whoever asks, a limit per client IP on the sign-in attempts (API
and H5 in one bucket), Chinese 429s with Retry-After; and no code in any log line, in development either,
where the demo's residents read their code on the H5 sign-in page instead (never in production)."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client

from gongzhi.accounts import sms
from gongzhi.accounts.models import OneTimeCode
from gongzhi.core import ids, ratelimit
from gongzhi.testing.sms import SENT

IP_A, IP_B = "10.0.0.1", "10.0.0.2"
REQUEST, VERIFY = "/api/v1/auth/otp/request", "/api/v1/auth/otp/verify"
DEV_OUTBOX = "gongzhi.accounts.sms.dev_outbox_sender"


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, at the start of a day's window."""
    now = [1_800_000_000.0 - 1_800_000_000.0 % 86400]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    return now


@pytest.fixture(autouse=True)
def _clear_sent():
    SENT.clear()
    yield
    SENT.clear()


def limits(settings, **values: str) -> None:
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, **values}


def post(client: Client, url: str, data: dict):
    return client.post(url, json.dumps(data), content_type="application/json")


def a_minute_passes() -> None:
    """The one-code-a-minute rule reads the codes' own times: move them back instead of waiting."""
    OneTimeCode.objects.update(created_at=F("created_at") - timedelta(minutes=2))


def phone_of(district, grid: str = "g1") -> str:
    return ids.decrypt(district.persons[grid][0].phone_encrypted)


# --- the daily cap per phone ---------------------------------------------------------------------


def test_a_phone_gets_at_most_its_daily_codes_from_any_address(district, settings, clock):
    limits(settings, otp_phone_day="3/86400")
    phone = "13912340001"
    for ip in (IP_A, IP_B, IP_A):  # from two addresses: the cap is the phone's
        assert post(Client(REMOTE_ADDR=ip), REQUEST, {"phone": phone}).status_code == 200
        a_minute_passes()
    refused = post(Client(REMOTE_ADDR=IP_B), REQUEST, {"phone": phone})
    assert refused.status_code == 429
    assert refused.json() == {
        "code": "rate_limited",
        "message": "该手机号今天获取验证码的次数已达上限（3次），请明天再试",
        "fields": {},
    }
    assert 1 <= int(refused["Retry-After"]) <= 86400
    assert OneTimeCode.objects.count() == 3  # no code made for the refused one
    # the H5 form says the same, in the page
    page = Client(REMOTE_ADDR=IP_A).post("/h5/login/code/", {"phone": phone})
    assert page.status_code == 429 and "Retry-After" in page
    assert "今天获取验证码的次数已达上限" in page.content.decode()
    # another phone is not affected; the next day the phone may ask again
    assert post(Client(REMOTE_ADDR=IP_A), REQUEST, {"phone": "13912340002"}).status_code == 200
    clock[0] += 86400
    assert post(Client(REMOTE_ADDR=IP_B), REQUEST, {"phone": phone}).status_code == 200


def test_the_per_minute_refusal_does_not_spend_the_day(district, settings, clock):
    limits(settings, otp_phone_day="2/86400")
    client = Client(REMOTE_ADDR=IP_A)
    assert post(client, REQUEST, {"phone": "13912340001"}).status_code == 200
    for _ in range(3):
        assert post(client, REQUEST, {"phone": "13912340001"}).status_code == 429  # a minute not yet passed
    a_minute_passes()
    assert post(client, REQUEST, {"phone": "13912340001"}).status_code == 200


# --- the limit on sign-in attempts per client IP ---------------------------------------------------


def test_code_attempts_per_ip_api_and_h5_in_one_bucket(
    district, settings, clock, django_capture_on_commit_callbacks
):
    limits(settings, otp_verify_ip="3/3600")
    phone = phone_of(district)
    client = Client(REMOTE_ADDR=IP_A)
    with django_capture_on_commit_callbacks(execute=True):
        assert post(client, REQUEST, {"phone": phone}).status_code == 200
    code = SENT[phone]
    wrong = "000000" if code != "000000" else "111111"
    assert post(client, VERIFY, {"phone": phone, "code": wrong}).status_code == 400
    assert client.post("/h5/login/verify/", {"phone": phone, "code": wrong}).status_code == 400
    assert post(client, VERIFY, {"phone": "13912340002", "code": wrong}).status_code == 400  # any phone
    # the fourth attempt from this address is refused before the code is looked at, even the right one
    refused = post(client, VERIFY, {"phone": phone, "code": code})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 3600
    assert refused.json()["message"] == "请求过于频繁，请 3600 秒后再试"
    page = client.post("/h5/login/verify/", {"phone": phone, "code": code})
    assert page.status_code == 429 and page["Retry-After"] == "3600"
    assert "请求过于频繁" in page.content.decode()
    assert client.get("/api/v1/auth/me").status_code == 401
    assert OneTimeCode.objects.get().attempts == 2  # the refused ones never reached the code
    # another address signs in with the still-good code
    other = Client(REMOTE_ADDR=IP_B)
    assert post(other, VERIFY, {"phone": phone, "code": code}).status_code == 200


# --- no code in any log ----------------------------------------------------------------------------


def test_no_sender_logs_the_code(district, settings, caplog, django_capture_on_commit_callbacks):
    caplog.set_level(logging.DEBUG)
    phone = phone_of(district)
    for sender in ("gongzhi.accounts.sms.log_sender", DEV_OUTBOX):
        settings.SMS_SENDER = sender
        a_minute_passes()
        with django_capture_on_commit_callbacks(execute=True):
            assert post(Client(), REQUEST, {"phone": phone}).status_code == 200
        assert f"验证码已发送至 {ids.mask_phone(phone)}" in caplog.text
    code = sms.dev_outbox_code(phone)
    assert len(code) == 6 and code.isdigit()
    assert code not in caplog.text and phone not in caplog.text


@pytest.mark.django_db(transaction=True)
def test_the_demo_reads_its_code_on_the_sign_in_page(district, settings, caplog):
    """Development's default sender: ``make run``'s residents sign in with the code the H5 page shows.
    Transactional: the code is sent when the request's transaction commits, before the page is drawn."""
    caplog.set_level(logging.DEBUG)
    settings.SMS_SENDER = DEV_OUTBOX
    phone = phone_of(district)
    client = Client()
    page = client.post("/h5/login/code/", {"phone": phone}).content.decode()
    code = sms.dev_outbox_code(phone)
    assert f"开发环境演示：验证码 {code}" in page
    assert code not in caplog.text
    assert client.post("/h5/login/verify/", {"phone": phone, "code": code}).status_code == 302


def test_production_and_real_gateways_never_show_a_code(
    district, settings, django_capture_on_commit_callbacks
):
    phone = phone_of(district)
    settings.SMS_SENDER = DEV_OUTBOX
    settings.PRODUCTION = True  # (production refuses this sender at start-up anyway: test_production_checks)
    page = Client().post("/h5/login/code/", {"phone": phone}).content.decode()
    assert "验证码已发送至" in page and "开发环境演示" not in page
    assert sms.dev_outbox_code(phone) == ""
    settings.PRODUCTION = False
    settings.SMS_SENDER = "gongzhi.testing.sms.capture_sender"
    a_minute_passes()
    with django_capture_on_commit_callbacks(execute=True):
        page = Client().post("/h5/login/code/", {"phone": phone}).content.decode()
    assert SENT[phone] not in page and "开发环境演示" not in page
