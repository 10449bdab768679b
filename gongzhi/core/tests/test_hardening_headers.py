"""Production settings pass ``check --deploy``; every kind of response carries the security headers; in
production the session and CSRF cookies are Secure, HttpOnly (session) and SameSite, and HSTS is sent.

The production values are read from config/settings.py itself in a subprocess (GONGZHI_ENV=production),
then applied with override_settings so a real login through the middleware shows the cookies they make.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client, override_settings

from gongzhi.testing import PASSWORD

BASE_DIR = Path(__file__).resolve().parents[3]
PRODUCTION_ENV = {
    "GONGZHI_ENV": "production",
    "SECRET_KEY": "k8#Vq2!pR7zL0wXa9Tf4Ym6Nc3Bd5Ge1Hs-Ju_Iv=Ko+Lp^Mq&Nr*Os(Pt)Qu[Rv]",
    "GONGZHI_DATA_KEY": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    "ALLOWED_HOSTS": "gongzhi.example.gov.cn",
    # Production refuses to start without a shared cache and a real SMS gateway (test_production_checks.py);
    # the check connects to neither.
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "SMS_SENDER": "gongzhi.core.tests.sms_gateway_stub.send",
}
COOKIE_SETTINGS = [
    "SESSION_COOKIE_SECURE",
    "SESSION_COOKIE_HTTPONLY",
    "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE",
    "CSRF_COOKIE_HTTPONLY",
    "CSRF_COOKIE_SAMESITE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_SSL_REDIRECT",
    "SECURE_PROXY_SSL_HEADER",
    "DEBUG",
]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "RATE_LIMIT_", "SECURE_"))}
    env.pop("DEBUG", None)
    env.update(PRODUCTION_ENV, **extra)
    return env


@pytest.fixture(scope="module")
def production() -> dict:
    code = (
        "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'config.settings';"
        "import django; from django.conf import settings; django.setup();"
        f"print(json.dumps({{n: getattr(settings, n) for n in {COOKIE_SETTINGS!r}}}))"
    )
    out = subprocess.run(  # noqa: S603 (fixed argv: this interpreter and our own code string)
        [sys.executable, "-c", code], env=_env(), cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    values = json.loads(out.stdout.strip().splitlines()[-1])
    if values["SECURE_PROXY_SSL_HEADER"] is not None:
        values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_check_deploy_is_clean_for_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=_env(),
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stderr and "ERRORS" not in result.stderr


@pytest.mark.parametrize(
    ("missing", "check_id"), [("SECRET_KEY", "security.W009"), ("GONGZHI_DATA_KEY", "gongzhi.E001")]
)
def test_check_deploy_refuses_production_without_its_secrets(missing, check_id):
    env = _env()
    env.pop(missing)
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0 and check_id in result.stderr


def test_production_values(production):
    assert production["DEBUG"] is False
    assert production["SESSION_COOKIE_SECURE"] is True and production["CSRF_COOKIE_SECURE"] is True
    assert production["SESSION_COOKIE_HTTPONLY"] is True
    assert production["SESSION_COOKIE_SAMESITE"] == "Lax" and production["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert production["SECURE_HSTS_SECONDS"] >= 31536000
    assert production["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True and production["SECURE_SSL_REDIRECT"] is True


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    out: dict[str, list[str]] = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_security_headers(response) -> None:
    csp = _csp(response)
    assert csp["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval', no other origin
    assert csp["default-src"] == ["'self'"] and csp["object-src"] == ["'none'"]
    assert csp["frame-ancestors"] == ["'none'"] and csp["base-uri"] == ["'self'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.parametrize(
    "path",
    [
        "/console/login/",  # console, signed out
        "/h5/login/",  # H5, signed out
        "/api/v1/auth/me",  # API, a 401 in the one error shape
        "/api/v1/openapi.json",
        "/open311/v2/services.json",
        "/open311/v2/services.xml",
        "/no-such-page/",  # the 404 page
    ],
)
def test_headers_on_public_responses(district, path):
    assert_security_headers(Client().get(path))


@pytest.mark.parametrize(
    ("user", "path"),
    [("community_worker", "/console/"), ("resident", "/h5/"), ("grid_worker", "/api/v1/tickets")],
)
def test_headers_on_signed_in_responses(district, user, path):
    client = Client()
    client.force_login(district.user(user))
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_api_error_from_a_post_has_them_too(district):
    response = Client().post("/api/v1/auth/login", "{", content_type="application/json")
    assert response.status_code == 400
    assert_security_headers(response)


def test_development_sends_no_hsts(district):
    assert "Strict-Transport-Security" not in Client().get("/console/login/", secure=True)


@pytest.mark.parametrize("api", [False, True])
def test_production_cookies_and_hsts(district, production, api):
    with override_settings(**production):
        client = Client()
        assert client.get("/console/login/").status_code == 301  # plain HTTP goes to HTTPS
        page = client.get("/console/login/", secure=True)
        assert page["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
        assert_security_headers(page)
        if api:
            response = client.post(
                "/api/v1/auth/login",
                json.dumps({"username": "grid_worker", "password": PASSWORD}),
                content_type="application/json",
                secure=True,
            )
            assert response.status_code == 200
        else:
            response = client.post(
                "/console/login/", {"username": "grid_worker", "password": PASSWORD}, secure=True
            )
            assert response.status_code == 302
        session = response.cookies["sessionid"]
        assert session["secure"] and session["httponly"] and session["samesite"] == "Lax"
        csrf = client.cookies["csrftoken"]
        assert csrf["secure"] and csrf["samesite"] == "Lax"
