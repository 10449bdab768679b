"""The sign-in doors answer JSON from our own origin only, and logout needs the CSRF token: a cross-site
page can post a form or a text/plain body without the browser asking anyone, never application/json."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from gongzhi.accounts.models import OneTimeCode
from gongzhi.testing import PASSWORD

LOGIN = "/api/v1/auth/login"
LOGOUT = "/api/v1/auth/logout"
CREDENTIALS = json.dumps({"username": "grid_worker", "password": PASSWORD})


def signed_in(client: Client) -> bool:
    return client.get("/api/v1/auth/me").status_code == 200


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (CREDENTIALS, "text/plain"),  # what a cross-site <form enctype="text/plain"> or fetch no-cors sends
        (CREDENTIALS, "text/plain;charset=UTF-8"),
        ("username=grid_worker&password=" + PASSWORD, "application/x-www-form-urlencoded"),
        (CREDENTIALS, "multipart/form-data; boundary=x"),
    ],
)
def test_login_refuses_anything_but_json(district, body, content_type):
    client = Client()
    r = client.post(LOGIN, body, content_type=content_type)
    assert r.status_code in (400, 415)
    assert r.json()["message"] and not r.json()["message"].isascii()  # Chinese, in the one error shape
    assert "sessionid" not in r.cookies and not signed_in(client)


def test_text_plain_json_is_415_naming_json(district):
    r = Client().post(LOGIN, CREDENTIALS, content_type="text/plain")
    assert r.status_code == 415
    assert r.json() == {
        "code": "unsupported_media_type",
        "message": "请求须为 JSON 格式（Content-Type: application/json）",
        "fields": {},
    }


@pytest.mark.parametrize("origin", ["https://evil.example", "http://testserver.evil.example", "null"])
def test_login_from_a_foreign_origin_is_refused(district, origin):
    client = Client()
    r = client.post(LOGIN, CREDENTIALS, content_type="application/json", HTTP_ORIGIN=origin)
    assert r.status_code == 403 and r.json()["code"] == "foreign_origin"
    assert "本站" in r.json()["message"]
    assert not signed_in(client)


def test_login_from_our_origin_or_none_works(district, settings):
    # no Origin: an app or a script, not a browser page
    assert Client().post(LOGIN, CREDENTIALS, content_type="application/json").status_code == 200
    # our own page
    ours = Client()
    r = ours.post(LOGIN, CREDENTIALS, content_type="application/json", HTTP_ORIGIN="http://testserver")
    assert r.status_code == 200 and signed_in(ours)
    # an origin the deployment trusts (a front on another host name), wildcards as Django reads them
    settings.CSRF_TRUSTED_ORIGINS = ["https://*.gongzhi.example.gov.cn"]
    r = Client().post(
        LOGIN, CREDENTIALS, content_type="application/json", HTTP_ORIGIN="https://h5.gongzhi.example.gov.cn"
    )
    assert r.status_code == 200
    r = Client().post(
        LOGIN, CREDENTIALS, content_type="application/json", HTTP_ORIGIN="http://h5.gongzhi.example.gov.cn"
    )
    assert r.status_code == 403  # another scheme is another origin


def test_otp_doors_are_json_and_same_origin_too(district):
    client = Client()
    r = client.post(
        "/api/v1/auth/otp/request", json.dumps({"phone": "13912340001"}), content_type="text/plain"
    )
    assert r.status_code == 415
    r = client.post(
        "/api/v1/auth/otp/request",
        json.dumps({"phone": "13912340001"}),
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert r.status_code == 403
    assert OneTimeCode.objects.count() == 0  # no SMS spent from a visitor's browser
    r = client.post(
        "/api/v1/auth/otp/verify",
        json.dumps({"phone": "13912340001", "code": "123456"}),
        content_type="text/plain",
    )
    assert r.status_code == 415


def test_logout_needs_the_csrf_token(district):
    client = Client(enforce_csrf_checks=True)
    r = client.post(LOGIN, CREDENTIALS, content_type="application/json")
    assert r.status_code == 200
    token = r.json()["csrf_token"]
    refused = client.post(LOGOUT, "{}", content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf"
    assert "CSRF" in refused.json()["message"]
    assert signed_in(client)  # still signed in: no other site can sign a visitor out
    wrong = client.post(LOGOUT, "{}", content_type="application/json", HTTP_X_CSRFTOKEN="x" * 64)
    assert wrong.status_code == 403 and signed_in(client)
    ok = client.post(LOGOUT, "{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert ok.status_code == 200 and ok.json()["message"] == "已退出"
    assert not signed_in(client)
    # signed out already: nothing to protect, nothing to do
    assert Client(enforce_csrf_checks=True).post(LOGOUT).status_code == 200


def test_console_and_h5_logout_need_the_token_too(district):
    """The pages' own logout forms go through Django's CSRF middleware (no exemption)."""
    for path, user in (("/console/logout/", "grid_worker"), ("/h5/logout/", "resident")):
        client = Client(enforce_csrf_checks=True)
        client.force_login(district.user(user))
        assert client.post(path).status_code == 403
        assert "_auth_user_id" in client.session
