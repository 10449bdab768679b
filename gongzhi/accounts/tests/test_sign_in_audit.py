"""Every sign-in leaves one audit row, whichever door it came through, and so does every refused attempt:
the channel, the user name or phone masked, the client IP, the reason of a refusal — never the password,
the code or the full phone."""

from __future__ import annotations

import json

import pytest
from axes.utils import reset
from django.test import Client

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.testing import PASSWORD
from gongzhi.testing.sms import SENT

IP = "10.9.8.7"
WRONG = "wrong-Passw0rd"


@pytest.fixture(autouse=True)
def _clean(db):
    reset()
    SENT.clear()
    yield
    reset()
    SENT.clear()


def rows(event: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(event_type=event).order_by("id"))


def only_row(event: str) -> AuditEvent:
    found = rows(event)
    assert len(found) == 1, [r.data for r in found]
    return found[0]


def assert_no_secret(row: AuditEvent, *secrets: str) -> None:
    text = json.dumps(row.data, ensure_ascii=False) + row.target_label + row.actor_label
    for secret in secrets:
        assert secret not in text


def api_login(client: Client, username: str, password: str):
    body = json.dumps({"username": username, "password": password})
    return client.post("/api/v1/auth/login", body, content_type="application/json")


def phone_of(district, grid: str = "g1") -> str:
    return ids.decrypt(district.persons[grid][0].phone_encrypted)


def api_code(client: Client, phone: str, capture) -> str:
    with capture(execute=True):
        r = client.post(
            "/api/v1/auth/otp/request", json.dumps({"phone": phone}), content_type="application/json"
        )
    assert r.status_code == 200, r.content
    return SENT[phone]


# --- staff: password, API and console ------------------------------------------------------------


def test_api_password_sign_in_and_its_failures(district):
    client = Client(REMOTE_ADDR=IP)
    user = district.user("grid_worker")
    assert api_login(client, "grid_worker", WRONG).status_code == 401
    failed = only_row("accounts.login_failed")
    assert failed.data == {"channel": "api", "ip": IP, "reason": "bad_credentials", "username": "gr***"}
    assert (failed.target_type, failed.target_id, failed.actor_id) == ("accounts.user", str(user.pk), None)
    assert failed.actor_label == "未登录访问者"
    assert_no_secret(failed, WRONG, "grid_worker")

    assert api_login(client, "no-such-account", WRONG).status_code == 401
    unknown = rows("accounts.login_failed")[-1]
    assert (unknown.target_type, unknown.target_id, unknown.target_label) == ("accounts.user", "", "no***")
    assert unknown.district_code == ""  # read by the account auditors only

    assert api_login(client, "grid_worker", PASSWORD).status_code == 200
    ok = only_row("accounts.logged_in")
    assert ok.data == {"channel": "api", "ip": IP, "username": "gr***"}
    assert (ok.actor_id, ok.target_id) == (user.pk, str(user.pk))
    assert_no_secret(ok, PASSWORD)


def test_api_lockout_is_audited(district):
    client = Client(REMOTE_ADDR=IP)
    for _ in range(5):
        api_login(client, "grid_head", WRONG)
    assert api_login(client, "grid_head", PASSWORD).status_code == 429
    reasons = [r.data["reason"] for r in rows("accounts.login_failed")]
    # the fifth failure is the one that locks the account (axes marks that very request)
    assert reasons == ["bad_credentials"] * 4 + ["locked_out"] * 2
    assert rows("accounts.logged_in") == []
    assert_no_secret(rows("accounts.login_failed")[-1], PASSWORD)


def test_console_password_sign_in_and_its_failures(district):
    client = Client(REMOTE_ADDR=IP)
    assert client.post("/console/login/", {"username": "auditor", "password": WRONG}).status_code == 400
    failed = only_row("accounts.login_failed")
    assert failed.data == {"channel": "console", "ip": IP, "reason": "bad_credentials", "username": "au***"}
    assert client.post("/console/login/", {"username": "auditor", "password": PASSWORD}).status_code == 302
    ok = only_row("accounts.logged_in")
    assert ok.data == {"channel": "console", "ip": IP, "username": "au***"}
    assert ok.actor_id == district.user("auditor").pk
    # an empty form tries no account: no row
    client = Client(REMOTE_ADDR=IP)
    assert client.post("/console/login/", {"username": "", "password": ""}).status_code == 400
    assert len(rows("accounts.login_failed")) == 1


def test_console_lockout_is_audited(district):
    client = Client(REMOTE_ADDR=IP)
    for _ in range(5):
        client.post("/console/login/", {"username": "community_worker", "password": WRONG})
    assert (
        client.post("/console/login/", {"username": "community_worker", "password": PASSWORD}).status_code
        == 429
    )
    assert rows("accounts.login_failed")[-1].data["reason"] == "locked_out"
    assert rows("accounts.login_failed")[-1].data["channel"] == "console"


# --- residents: one-time codes, API and H5 --------------------------------------------------------


def test_api_code_sign_in_and_its_failures(district, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR=IP)
    phone = phone_of(district)
    code = api_code(client, phone, django_capture_on_commit_callbacks)
    wrong = "000000" if code != "000000" else "111111"
    verify = "/api/v1/auth/otp/verify"
    r = client.post(verify, json.dumps({"phone": phone, "code": wrong}), content_type="application/json")
    assert r.status_code == 400
    failed = only_row("accounts.login_failed")
    masked = ids.mask_phone(phone)
    assert failed.data == {"channel": "api_otp", "ip": IP, "reason": "bad_code", "phone": masked}
    assert (failed.target_type, failed.target_id, failed.target_label) == ("accounts.phone", "", masked)
    r = client.post(verify, json.dumps({"phone": phone, "code": code}), content_type="application/json")
    assert r.status_code == 200
    ok = only_row("accounts.logged_in")
    assert ok.data == {"channel": "api_otp", "ip": IP, "phone": masked}
    assert ok.actor_id is not None and str(ok.actor_id) == ok.target_id
    for row in (failed, ok):
        assert_no_secret(row, phone, code, wrong)


def test_api_code_for_an_unregistered_phone(district, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR=IP)
    phone = "13800000000"
    code = api_code(client, phone, django_capture_on_commit_callbacks)
    body = json.dumps({"phone": phone, "code": code})
    # a verified phone no household lists opens a visitor account (访客): its sign-in is recorded
    assert client.post("/api/v1/auth/otp/verify", body, content_type="application/json").status_code == 200
    ok = only_row("accounts.logged_in")
    assert ok.data == {"channel": "api_otp", "ip": IP, "phone": "138****0000"}
    assert not AuditEvent.objects.filter(event_type="accounts.login_failed").exists()
    assert AuditEvent.objects.filter(event_type="accounts.visitor_registered").count() == 1
    assert_no_secret(ok, phone, code)


def test_h5_code_sign_in_and_its_failures(district, django_capture_on_commit_callbacks):
    client = Client(REMOTE_ADDR=IP)
    phone = phone_of(district, "g2")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post("/h5/login/code/", {"phone": phone}).status_code == 200
    code = SENT[phone]
    wrong = "000000" if code != "000000" else "111111"
    assert client.post("/h5/login/verify/", {"phone": phone, "code": wrong}).status_code == 400
    failed = only_row("accounts.login_failed")
    assert failed.data == {
        "channel": "h5_otp",
        "ip": IP,
        "reason": "bad_code",
        "phone": ids.mask_phone(phone),
    }
    assert client.post("/h5/login/verify/", {"phone": phone, "code": code}).status_code == 302
    ok = only_row("accounts.logged_in")
    assert ok.data == {"channel": "h5_otp", "ip": IP, "phone": ids.mask_phone(phone)}
    for row in (failed, ok):
        assert_no_secret(row, phone, code, wrong)


def test_a_rate_limited_attempt_writes_no_row(district, settings):
    """A refusal before any check of the credentials is no attempt: an attacker cannot fill the trail."""
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "login_ip": "1/300"}
    client = Client(REMOTE_ADDR=IP)
    assert api_login(client, "grid_worker", WRONG).status_code == 401
    assert api_login(client, "grid_worker", WRONG).status_code == 429
    assert client.post("/console/login/", {"username": "grid_worker", "password": WRONG}).status_code == 429
    assert len(rows("accounts.login_failed")) == 1
