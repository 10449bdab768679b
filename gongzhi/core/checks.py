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
