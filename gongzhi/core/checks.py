"""System checks for what Django itself does not know about.

Production (``GONGZHI_ENV=production``) refuses unsafe defaults at start-up, not only under
``check --deploy``: the checks tagged ``PRODUCTION_TAG`` are registered as ordinary checks (every
``manage.py`` command that checks — ``runserver``, ``migrate``, ``check`` — stops on them), and
``config/wsgi.py`` and ``config/asgi.py`` run them through ``refuse_unsafe_production`` before serving a
request, so gunicorn or uvicorn fail to load the application. Each is an Error, named ``gongzhi.E0xx``:

- E001 the personal-data key is missing or short (any environment);
- E003 the one-time codes would go to no phone (the log sender, the development outbox, a test sender)
  or to a sender that cannot be imported;
- E004 the cache is per process (LocMem) or none (Dummy): the rate limits must be shared by every worker;
- E005 DEBUG is on;
- E006 SECRET_KEY is empty, the development key, or too short to sign sessions safely.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

PRODUCTION_TAG = "gongzhi_production"
DEV_SECRET_KEY_PREFIX = "dev-only-insecure-key"  # noqa: S105 (the prefix refused, not a key)
# Senders that deliver to no phone (gongzhi.accounts.sms), and every one of the test harness's.
UNDELIVERED_SMS_SENDERS = frozenset(
    {
        "gongzhi.accounts.sms.log_sender",
        "gongzhi.accounts.sms.dev_outbox_sender",
        "gongzhi.accounts.services.log_sender",
    }
)
PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, PRODUCTION_TAG)
def data_key_is_set(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    key = getattr(settings, "GONGZHI_DATA_KEY", "")
    if not key or len(key) < 32:
        return [
            checks.Error(
                "GONGZHI_DATA_KEY 未设置或过短（至少32个字符）：身份证号码和电话号码无法安全加密。",
                hint="生成一个随机密钥并妥善保管；更换密钥前须先重新加密已有数据。",
                id="gongzhi.E001",
            )
        ]
    return []


@checks.register(checks.Tags.security, PRODUCTION_TAG)
def production_settings_are_safe(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """Nothing outside production: development keeps its log-free demo outbox, LocMem and DEBUG."""
    if not getattr(settings, "PRODUCTION", False):
        return []
    return [*_sms_sender(), *_shared_cache(), *_debug_off(), *_secret_key()]


def _sms_sender() -> list[checks.CheckMessage]:
    path = str(getattr(settings, "SMS_SENDER", "") or "")
    if not path or path in UNDELIVERED_SMS_SENDERS or path.startswith("gongzhi.testing."):
        return [
            checks.Error(
                f"SMS_SENDER = {path!r}：验证码不会发送到居民手机（开发或测试用的发送方式），生产环境不可使用。",
                hint="把环境变量 SMS_SENDER 设为短信网关的发送函数（点分路径，callable(phone, code)）。",
                id="gongzhi.E003",
            )
        ]
    try:
        import_string(path)
    except ImportError as exc:
        return [
            checks.Error(
                f"SMS_SENDER = {path!r} 无法导入：{exc}",
                hint="检查环境变量 SMS_SENDER 的点分路径。",
                id="gongzhi.E003",
            )
        ]
    return []


def _shared_cache() -> list[checks.CheckMessage]:
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in PER_PROCESS_CACHES:
        return [
            checks.Error(
                f"缓存为 {backend.rsplit('.', 1)[-1]}（每个进程各自计数）：登录、验证码等限流在多进程下形同虚设。",
                hint="设置环境变量 REDIS_URL（如 redis://127.0.0.1:6379/0），让所有进程共享限流计数。",
                id="gongzhi.E004",
            )
        ]
    return []


def _debug_off() -> list[checks.CheckMessage]:
    if settings.DEBUG:
        return [
            checks.Error(
                "生产环境开启了 DEBUG：出错页面会显示代码、设置和请求内容。",
                hint="去掉环境变量 DEBUG（或设为 0）。",
                id="gongzhi.E005",
            )
        ]
    return []


def _secret_key() -> list[checks.CheckMessage]:
    try:
        key = str(settings.SECRET_KEY or "")
    except ImproperlyConfigured:
        key = ""
    if not key or key.startswith(DEV_SECRET_KEY_PREFIX) or len(key) < 50 or len(set(key)) < 5:
        return [
            checks.Error(
                "SECRET_KEY 未设置、过短（至少50个字符）或是开发环境的默认值：会话和 CSRF 令牌可被伪造。",
                hint="生成一个随机密钥（python -c 'import secrets; print(secrets.token_urlsafe(50))'）。",
                id="gongzhi.E006",
            )
        ]
    return []


def refuse_unsafe_production() -> None:
    """For config/wsgi.py and asgi.py: the production checks' errors stop the application from loading
    (gunicorn and uvicorn do not run system checks themselves)."""
    errors = [m for m in checks.run_checks(tags=[PRODUCTION_TAG]) if m.is_serious()]
    if errors:
        raise ImproperlyConfigured(
            "生产环境配置不安全，拒绝启动：\n" + "\n".join(f"  {m.id}: {m.msg}" for m in errors)
        )


@checks.register()
def rate_limits_parse(app_configs: Any, **kwargs: Any) -> list[checks.CheckMessage]:
    """A mistyped RATE_LIMIT_<NAME> is found when the site starts, not as a 500 on the first request."""
    from gongzhi.core.ratelimit import parse

    out: list[checks.CheckMessage] = []
    for name, spec in getattr(settings, "RATE_LIMITS", {}).items():
        try:
            parse(spec)
        except (ValueError, TypeError):
            out.append(
                checks.Error(
                    f"RATE_LIMITS[{name!r}] = {spec!r} 无法识别：应为“次数/秒数”，如 20/300，或 off。",
                    hint=f"检查环境变量 RATE_LIMIT_{name.upper()}。",
                    id="gongzhi.E002",
                )
            )
    return out
