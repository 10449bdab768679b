"""Production refuses unsafe defaults (gongzhi.core.checks): each one alone, through the check functions with
overridden settings; then for real, in subprocesses with GONGZHI_ENV=production, through
``check --deploy --fail-level WARNING``, ``runserver`` and the WSGI application gunicorn would load.
Development is left alone."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from gongzhi.core import checks as gz_checks

BASE_DIR = Path(__file__).resolve().parents[3]
GOOD_KEY = "k8#Vq2!pR7zL0wXa9Tf4Ym6Nc3Bd5Ge1Hs-Ju_Iv=Ko+Lp^Mq&Nr*Os(Pt)Qu[Rv]"
GOOD_DATA_KEY = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0"
GATEWAY = "gongzhi.core.tests.sms_gateway_stub.send"
REDIS = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://x:6379/0"}
}
SAFE = {
    "PRODUCTION": True,
    "DEBUG": False,
    "SECRET_KEY": GOOD_KEY,
    "GONGZHI_DATA_KEY": GOOD_DATA_KEY,
    "SMS_SENDER": GATEWAY,
    "CACHES": REDIS,
}


def ids_of(**overrides: object) -> set[str]:
    with override_settings(**{**SAFE, **overrides}):
        messages = gz_checks.production_settings_are_safe(None) + gz_checks.data_key_is_set(None)
    assert all(m.is_serious() for m in messages)  # every refusal is an Error: start-up stops on it
    return {str(m.id) for m in messages}


def test_safe_production_settings_pass():
    assert ids_of() == set()


@pytest.mark.parametrize(
    ("overrides", "check_id"),
    [
        ({"SMS_SENDER": "gongzhi.accounts.sms.log_sender"}, "gongzhi.E003"),
        ({"SMS_SENDER": "gongzhi.accounts.sms.dev_outbox_sender"}, "gongzhi.E003"),
        ({"SMS_SENDER": "gongzhi.testing.sms.capture_sender"}, "gongzhi.E003"),
        ({"SMS_SENDER": "gongzhi.no_such_module.send"}, "gongzhi.E003"),
        ({"SMS_SENDER": ""}, "gongzhi.E003"),
        (
            {"CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}},
            "gongzhi.E004",
        ),
        ({"CACHES": {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}}, "gongzhi.E004"),
        ({"DEBUG": True}, "gongzhi.E005"),
        ({"SECRET_KEY": "dev-only-insecure-key-change-me-" + "x" * 20}, "gongzhi.E006"),
        ({"SECRET_KEY": "short-key"}, "gongzhi.E006"),
        ({"SECRET_KEY": "a" * 60}, "gongzhi.E006"),
        ({"GONGZHI_DATA_KEY": ""}, "gongzhi.E001"),
        ({"GONGZHI_DATA_KEY": "too-short"}, "gongzhi.E001"),
    ],
)
def test_each_unsafe_default_is_refused_alone(overrides, check_id):
    assert ids_of(**overrides) == {check_id}


def test_development_keeps_its_defaults():
    """The demo outbox, LocMem and DEBUG are development's: no production check fires there."""
    unsafe = {
        "PRODUCTION": False,
        "DEBUG": True,
        "SMS_SENDER": "gongzhi.accounts.sms.dev_outbox_sender",
        "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    }
    with override_settings(**unsafe):
        assert gz_checks.production_settings_are_safe(None) == []


def test_the_application_refuses_to_load():
    """What config/wsgi.py and asgi.py call: one ImproperlyConfigured naming every problem."""
    unsafe = {"DEBUG": True, "SMS_SENDER": "gongzhi.accounts.sms.log_sender"}
    with override_settings(**{**SAFE, **unsafe}), pytest.raises(ImproperlyConfigured) as refused:
        gz_checks.refuse_unsafe_production()
    assert "拒绝启动" in str(refused.value)
    assert "gongzhi.E003" in str(refused.value) and "gongzhi.E005" in str(refused.value)
    with override_settings(**SAFE):
        gz_checks.refuse_unsafe_production()  # safe: loads


# --- for real: the environment variables an operator sets -------------------------------------------


def _env(tmp_path: Path, **values: str) -> dict[str, str]:
    """This process's environment without anything that would configure the site, plus ``values``."""
    keep = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "RATE_LIMIT_", "SECURE_", "GONGZHI_", "SMS_"))
        and k not in {"DEBUG", "SECRET_KEY", "REDIS_URL", "CACHE_URL", "ALLOWED_HOSTS", "DATABASE_URL"}
    }
    return {**keep, "GONGZHI_VAR_DIR": str(tmp_path), **values}


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 (fixed argv: this interpreter and our own manage.py / code)
        [sys.executable, *args], env=env, cwd=BASE_DIR, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_names_every_unsafe_default(tmp_path):
    """``GONGZHI_ENV=production`` and nothing else: the data key, the SMS sender, the cache and the secret
    key are each named, and the command fails."""
    result = _run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        _env(tmp_path, GONGZHI_ENV="production"),
    )
    assert result.returncode != 0
    for check_id in ("gongzhi.E001", "gongzhi.E003", "gongzhi.E004", "gongzhi.E006"):
        assert check_id in result.stderr, result.stderr
    assert "SMS_SENDER" in result.stderr and "REDIS_URL" in result.stderr


def test_debug_in_production_is_refused(tmp_path):
    safe = {
        "GONGZHI_ENV": "production",
        "DEBUG": "1",
        "SECRET_KEY": GOOD_KEY,
        "GONGZHI_DATA_KEY": GOOD_DATA_KEY,
        "ALLOWED_HOSTS": "gongzhi.example.gov.cn",
        "REDIS_URL": "redis://127.0.0.1:6379/0",
        "SMS_SENDER": GATEWAY,
    }
    result = _run(["manage.py", "check"], _env(tmp_path, **safe))  # an ordinary check, not only --deploy
    assert result.returncode != 0 and "gongzhi.E005" in result.stderr
    assert "gongzhi.E003" not in result.stderr and "gongzhi.E004" not in result.stderr


def test_runserver_and_the_wsgi_application_refuse_to_start(tmp_path):
    env = _env(tmp_path, GONGZHI_ENV="production", SECRET_KEY=GOOD_KEY, GONGZHI_DATA_KEY=GOOD_DATA_KEY)
    env["ALLOWED_HOSTS"] = "gongzhi.example.gov.cn"
    served = _run(["manage.py", "runserver", "127.0.0.1:0", "--noreload"], env)
    assert served.returncode != 0 and "gongzhi.E004" in served.stderr and "gongzhi.E003" in served.stderr
    # gunicorn config.wsgi:application imports the module; so does this (no server needed to see it fail)
    loaded = _run(["-c", "import config.wsgi"], env)
    assert loaded.returncode != 0
    assert "ImproperlyConfigured" in loaded.stderr and "拒绝启动" in loaded.stderr
    assert "gongzhi.E003" in loaded.stderr and "gongzhi.E004" in loaded.stderr
    asgi = _run(["-c", "import config.asgi"], env)
    assert asgi.returncode != 0 and "gongzhi.E004" in asgi.stderr
    fixed = _run(
        ["-c", "import config.wsgi, gc; print('loaded', gc.get_freeze_count())"],
        {**env, "REDIS_URL": "redis://127.0.0.1:6379/0", "SMS_SENDER": GATEWAY},
    )
    assert fixed.returncode == 0 and "loaded" in fixed.stdout, fixed.stderr
    # start-up's objects are kept out of the collector's full scans (config/wsgi.py)
    assert int(fixed.stdout.split()[-1]) > 10_000
