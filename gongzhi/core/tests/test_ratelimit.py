"""Rate limits on the public doors (gongzhi.core.ratelimit), each through its real endpoint: the N+1-th
request of a window is a 429 with the Chinese message and Retry-After, nothing is written for it, another
client (IP, person or key) is unaffected, and the next window starts afresh. LocMem cache only."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from axes.utils import reset
from django.conf import settings as django_settings
from django.test import Client

from gongzhi.accounts.models import OneTimeCode
from gongzhi.core import ratelimit
from gongzhi.open311.tests.helpers import BASE, errors_of, issue, post
from gongzhi.people.services import resident_account_for_phone
from gongzhi.testing import PASSWORD
from gongzhi.tickets.models import Ticket
from gongzhi.tickets.tests.helpers import G1_POINT

BASE_DIR = Path(__file__).resolve().parents[3]
MESSAGE = "请求过于频繁，请"
IP_A, IP_B = "10.0.0.1", "10.0.0.2"


@pytest.fixture
def clock(monkeypatch):
    """The limiter's clock, at the start of a window (a multiple of every window length used here)."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(ratelimit, "_clock", lambda: now[0])
    return now


@pytest.fixture(autouse=True)
def _axes_clean(db):
    reset()
    yield
    reset()


def limits(settings, **values: str) -> None:
    settings.RATE_LIMITS = {**django_settings.RATE_LIMITS, **values}


def signed_in(user, ip: str = IP_A) -> Client:
    client = Client(REMOTE_ADDR=ip)
    client.force_login(user)
    return client


def h5_report(client: Client, text: str = "路灯不亮了，晚上很黑"):
    return client.post(
        "/h5/tickets/new/",
        {"description": text, "category": "101018", "lng": str(G1_POINT[0]), "lat": str(G1_POINT[1])},
    )


def api_report(client: Client, text: str = "路灯不亮了，晚上很黑"):
    body = {"description": text, "category_code": "101018", "lng": G1_POINT[0], "lat": G1_POINT[1]}
    return client.post("/api/v1/tickets", json.dumps(body), content_type="application/json")


def assert_refused_json(response) -> None:
    assert response.status_code == 429
    body = response.json()
    assert body["code"] == "rate_limited" and body["fields"] == {}
    assert body["message"].startswith(MESSAGE) and body["message"].endswith("秒后再试")
    assert int(response["Retry-After"]) >= 1


# --- the module itself ---------------------------------------------------------------------------


def test_parse_and_off(settings):
    assert ratelimit.parse("10/60") == ratelimit.Limit(10, 60)
    assert ratelimit.parse("5") == ratelimit.Limit(5, 60)
    assert ratelimit.parse("off") is None and ratelimit.parse("0") is None
    with pytest.raises(ValueError):
        ratelimit.parse("-1/60")
    limits(settings, login_ip="off")
    for _ in range(50):
        ratelimit.hit("login_ip", "x")  # never refused


def test_fixed_window_counts_refuses_and_resets(settings, clock):
    limits(settings, otp_ip="3/60")
    for _ in range(3):
        ratelimit.hit("otp_ip", "a")
    clock[0] += 15
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("otp_ip", "a")
    assert refused.value.status == 429 and refused.value.retry_after == 45
    assert refused.value.message == "请求过于频繁，请 45 秒后再试"
    ratelimit.hit("otp_ip", "b")  # another client has its own count
    clock[0] += 45  # the next window
    ratelimit.hit("otp_ip", "a")


def test_counts_from_many_threads_are_not_lost(settings):
    limits(settings, otp_ip="1000/3600")

    def work() -> None:
        for _ in range(50):
            ratelimit.count("otp_ip", "shared")

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert ratelimit.count("otp_ip", "shared") == 401


def test_client_ip_ignores_forwarded_headers_unless_configured(settings, rf):
    request = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="1.2.3.4, 5.6.7.8")
    assert ratelimit.client_ip(request) == "10.9.9.9"  # a client cannot choose its own bucket
    settings.RATE_LIMIT_IP_HEADER = "HTTP_X_FORWARDED_FOR"
    assert ratelimit.client_ip(request) == "5.6.7.8"  # the entry the trusted proxy appended
    garbage = rf.get("/", REMOTE_ADDR="10.9.9.9", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert ratelimit.client_ip(garbage) == "10.9.9.9"


def test_settings_from_the_environment_and_redis_when_configured():
    env = {
        **os.environ,
        "RATE_LIMIT_LOGIN_IP": "7/70",
        "RATE_LIMIT_OPEN311_IP": "off",
        "REDIS_URL": "redis://127.0.0.1:6379/3",
        "DJANGO_SETTINGS_MODULE": "config.settings",
    }
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps([settings.RATE_LIMITS, settings.CACHES['default']]))"
    )
    out = subprocess.run(  # noqa: S603 (fixed argv: this interpreter and our own code string)
        [sys.executable, "-c", code], env=env, cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    rate_limits, cache = json.loads(out.stdout.strip().splitlines()[-1])
    assert rate_limits["login_ip"] == "7/70" and rate_limits["open311_ip"] == "off"
    assert rate_limits["otp_ip"] == django_settings.RATE_LIMITS["otp_ip"]
    assert cache == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:6379/3",
    }
    # Unset: LocMem, as this test run uses.
    assert django_settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"


# --- resident ticket reports ---------------------------------------------------------------------


def test_h5_report_per_resident(district, settings, clock):
    limits(settings, report_user="2/600", report_ip="100/600")
    resident = district.user("resident")
    client = signed_in(resident)
    assert [h5_report(client).status_code for _ in range(2)] == [302, 302]
    refused = h5_report(client, "第三次反映")
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 600
    html = refused.content.decode()
    assert "请求过于频繁，请 600 秒后再试" in html and 'data-testid="report-error"' in html
    assert 'name="description"' in html and "第三次反映" in html  # the form is shown again, filled in
    assert Ticket.objects.count() == 2
    # Another resident from the same address is not this resident's count.
    other = resident_account_for_phone(phone_hash=district.persons["g4"][0].phone_hash)
    assert h5_report(signed_in(other)).status_code == 302
    clock[0] += 600
    assert h5_report(client).status_code == 302
    assert Ticket.objects.count() == 4


def test_h5_report_per_ip(district, settings, clock):
    limits(settings, report_user="100/600", report_ip="2/600")
    resident = district.user("resident")
    other = resident_account_for_phone(phone_hash=district.persons["g4"][0].phone_hash)
    assert h5_report(signed_in(resident)).status_code == 302
    assert h5_report(signed_in(other)).status_code == 302
    assert h5_report(signed_in(other)).status_code == 429
    assert Ticket.objects.count() == 2
    assert h5_report(signed_in(other, ip=IP_B)).status_code == 302


def test_api_report_for_residents_but_not_staff(district, settings, clock):
    limits(settings, report_user="2/600", report_ip="2/600")
    client = signed_in(district.user("resident"))
    assert [api_report(client).status_code for _ in range(2)] == [201, 201]
    assert_refused_json(api_report(client))
    assert Ticket.objects.count() == 2
    # Staff on a patrol file many reports from the office address: not limited.
    staff = signed_in(district.user("grid_worker"))
    assert [api_report(staff).status_code for _ in range(4)] == [201] * 4
    clock[0] += 600
    assert api_report(client).status_code == 201


# --- one-time codes per client IP ----------------------------------------------------------------


def test_otp_requests_per_ip_api_and_h5(district, settings, clock):
    limits(settings, otp_ip="2/3600")
    client = Client(REMOTE_ADDR=IP_A)
    url = "/api/v1/auth/otp/request"
    phones = ["13912340001", "13912340002", "13912340003"]
    statuses = [
        client.post(url, json.dumps({"phone": p}), content_type="application/json").status_code
        for p in phones[:2]
    ]
    assert statuses == [200, 200]
    assert_refused_json(client.post(url, json.dumps({"phone": phones[2]}), content_type="application/json"))
    page = client.post("/h5/login/code/", {"phone": phones[2]})  # the H5 form counts in the same bucket
    assert page.status_code == 429 and "Retry-After" in page
    assert MESSAGE in page.content.decode()
    assert 'action="/h5/login/code/"' in page.content.decode()  # no code was sent: the phone step again
    assert OneTimeCode.objects.count() == 2  # no code made, none sent, for the refused ones
    other = Client(REMOTE_ADDR=IP_B)
    assert (
        other.post(url, json.dumps({"phone": phones[2]}), content_type="application/json").status_code == 200
    )
    clock[0] += 3600
    assert (
        client.post(url, json.dumps({"phone": "13912340004"}), content_type="application/json").status_code
        == 200
    )


def test_the_per_phone_limit_says_when_to_retry(district, clock):
    client = Client(REMOTE_ADDR=IP_A)
    assert client.post("/h5/login/code/", {"phone": "13912340001"}).status_code == 200
    again = client.post("/h5/login/code/", {"phone": "13912340001"})
    assert again.status_code == 429 and 1 <= int(again["Retry-After"]) <= 60
    assert "验证码发送过于频繁，请一分钟后再试" in again.content.decode()
    assert OneTimeCode.objects.count() == 1


# --- login per client IP -------------------------------------------------------------------------


def test_console_login_failures_per_ip(district, settings, clock):
    limits(settings, login_ip="3/300")
    client = Client(REMOTE_ADDR=IP_A)
    # Different user names, so the per-account lockout (axes) never triggers: this is the per-IP door.
    for name in ("grid_worker", "grid_head", "auditor"):
        assert client.post("/console/login/", {"username": name, "password": "wrong-pass"}).status_code == 400
    attempts = AccessAttempt.objects.count()
    refused = client.post("/console/login/", {"username": "community_worker", "password": PASSWORD})
    assert refused.status_code == 429 and int(refused["Retry-After"]) == 300
    assert "请求过于频繁，请 300 秒后再试" in refused.content.decode()
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.count() == attempts  # the refused one never reached authentication
    other = Client(REMOTE_ADDR=IP_B)
    assert (
        other.post("/console/login/", {"username": "community_worker", "password": PASSWORD}).status_code
        == 302
    )
    clock[0] += 300
    assert (
        client.post("/console/login/", {"username": "community_worker", "password": PASSWORD}).status_code
        == 302
    )


def test_successful_logins_do_not_count(district, settings, clock):
    limits(settings, login_ip="2/300")
    for _ in range(5):  # a busy office behind one address
        client = Client(REMOTE_ADDR=IP_A)
        assert (
            client.post("/console/login/", {"username": "grid_worker", "password": PASSWORD}).status_code
            == 302
        )


def test_api_login_failures_per_ip(district, settings, clock):
    limits(settings, login_ip="3/300")
    client = Client(REMOTE_ADDR=IP_A)

    def login(name: str, password: str):
        body = json.dumps({"username": name, "password": password})
        return client.post("/api/v1/auth/login", body, content_type="application/json")

    assert [login(n, "wrong-pass").status_code for n in ("grid_worker", "grid_head", "auditor")] == [401] * 3
    assert_refused_json(login("community_worker", PASSWORD))
    assert client.get("/api/v1/auth/me").status_code == 401
    clock[0] += 300
    assert login("community_worker", PASSWORD).status_code == 200


# --- Open311 POST --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_open311_post_per_ip(district, settings, clock, fmt):
    limits(settings, open311_ip="2/60")
    key = issue(district)
    client = Client(REMOTE_ADDR=IP_A)
    fields = {
        "service_code": "101018",
        "lat": str(G1_POINT[1]),
        "long": str(G1_POINT[0]),
        "description": "路灯",
    }
    assert [post(client, fmt, key, **fields).status_code for _ in range(2)] == [200, 200]
    refused = post(client, fmt, key, **fields)
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert errors_of(refused, fmt)[0]["description"].startswith(MESSAGE)
    # A keyless or wrong-key POST from that address is refused before the key is even looked up.
    assert post(client, fmt, "gz311_guess", **fields).status_code == 429
    assert Ticket.objects.count() == 2
    assert post(Client(REMOTE_ADDR=IP_B), fmt, key, **fields).status_code == 200
    assert client.get(f"{BASE}/services.{fmt}").status_code == 200  # reading is not this limit
    clock[0] += 60
    assert post(client, fmt, key, **fields).status_code == 200


def test_open311_key_limit_says_when_to_retry(district):
    key = issue(district, rate_limit=2)
    client = Client()
    fields = {
        "service_code": "101018",
        "lat": str(G1_POINT[1]),
        "long": str(G1_POINT[0]),
        "description": "路灯",
    }
    assert [post(client, "json", key, **fields).status_code for _ in range(2)] == [200, 200]
    refused = post(client, "json", key, **fields)
    assert refused.status_code == 429 and 1 <= int(refused["Retry-After"]) <= 60
    assert "每分钟最多2次" in errors_of(refused, "json")[0]["description"]
    assert Ticket.objects.count() == 2
    other = issue(district, name="12345热线", rate_limit=2)
    assert post(client, "json", other, **fields).status_code == 200
