"""Deployment checks (``manage.py check --deploy``) for what Django itself does not know about."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
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
