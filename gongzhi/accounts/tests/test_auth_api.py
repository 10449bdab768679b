import pytest
from axes.utils import reset

from gongzhi.audit.models import AuditEvent
from gongzhi.core import ids
from gongzhi.testing import PASSWORD, sms


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


@pytest.fixture
def send_code(django_capture_on_commit_callbacks):
    """The SMS goes out after the commit; run those callbacks as a real request would."""

    def send(client, phone):
        with django_capture_on_commit_callbacks(execute=True):
            r = post(client, "/api/v1/auth/otp/request", {"phone": phone})
        assert r.status_code == 200, r.content
        return sms.SENT[phone]

    return send


def test_login_errors_are_chinese_json(district, client):
    r = post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": "wrong"})
    assert r.status_code == 401
    assert r.json() == {"code": "bad_credentials", "message": "用户名或密码错误", "fields": {}}
    r = post(client, "/api/v1/auth/login", {"username": "", "password": ""})
    assert r.status_code == 400 and r.json()["fields"]
    r = post(client, "/api/v1/auth/login", {"username": "x"})
    assert r.status_code == 400 and "password" in r.json()["fields"]
    r = client.post("/api/v1/auth/login", "{not json", content_type="application/json")
    assert r.status_code == 400


def test_login_me_logout(district, client):
    r = post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD})
    assert r.status_code == 200
    assert r.json()["roles"] == [{"role": "grid_worker", "level": "grid", "scope": district.grids["g1"].code}]
    assert client.get("/api/v1/auth/me").status_code == 200
    post(client, "/api/v1/auth/logout", {})
    assert client.get("/api/v1/auth/me").status_code == 401


def test_lockout_after_five_failures(district, client):
    reset()
    for _ in range(5):
        post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": "wrong"})
    r = post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD})
    assert r.status_code == 429
    assert "锁定" in r.json()["message"]
    reset(username="grid_worker")
    assert (
        post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD}).status_code
        == 200
    )


def test_csrf_is_enforced_for_session_writes(district):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    r = post(client, "/api/v1/auth/login", {"username": "grid_worker", "password": PASSWORD})
    assert r.status_code == 200
    person = district.persons["g1"][0]
    url = f"/api/v1/persons/{person.pk}/reveal"
    assert post(client, url, {"field": "phone"}).status_code == 403
    token = r.json()["csrf_token"]
    r = client.post(
        url, {"field": "phone", "reason": "入户走访"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert r.status_code == 200


def test_resident_one_time_code_sign_in(district, client, send_code):
    person = district.persons["g1"][0]
    phone = "13912340001"
    code = send_code(client, phone)
    # a second request within a minute is refused, in Chinese, with 429
    r = post(client, "/api/v1/auth/otp/request", {"phone": phone})
    assert r.status_code == 429 and "频繁" in r.json()["message"]
    wrong = "000000" if code != "000000" else "111111"
    r = post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": wrong})
    assert r.status_code == 400 and r.json()["fields"]["code"]
    r = post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": code})
    assert r.status_code == 200, r.content
    assert r.json()["roles"][0]["role"] == "resident"
    person.refresh_from_db()
    assert person.user is not None
    assert AuditEvent.objects.filter(
        event_type="accounts.resident_registered", target_id=str(person.pk)
    ).exists()
    items = client.get("/api/v1/persons").json()["items"]
    assert {p["household_id"] for p in items} == {person.household_id}
    # the code is single-use
    post(client, "/api/v1/auth/logout", {})
    assert post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": code}).status_code == 400


def test_otp_attempts_are_limited_and_counted(district, client, settings, send_code):
    phone = "13912340003"
    code = send_code(client, phone)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.OTP_MAX_ATTEMPTS):
        assert post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": wrong}).status_code == 400
    # the right code no longer works once the attempts are used up
    assert post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": code}).status_code == 400


def test_unregistered_phone_signs_in_as_a_visitor(district, client, send_code):
    phone = "13800000000"
    r = post(client, "/api/v1/auth/otp/verify", {"phone": phone, "code": send_code(client, phone)})
    assert r.status_code == 200
    from gongzhi.accounts.models import User

    visitor = User.objects.get(phone_hash=ids.keyed_hash(phone))
    assert not visitor.role_assignments.exists() and not visitor.has_usable_password()


@pytest.mark.parametrize("phone", ["123", "0531-88886666"])
def test_otp_needs_a_mobile(district, client, phone):
    r = post(client, "/api/v1/auth/otp/request", {"phone": phone})
    assert r.status_code == 400 and "phone" in r.json()["fields"]
