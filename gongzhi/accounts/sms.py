"""SMS senders for one-time codes: ``settings.SMS_SENDER`` is a dotted path to a ``callable(phone, code)``.

A deployment points it at its own gateway. No sender here ever writes a code to a log, in any environment:
a log is read by more people than the resident the code is for, kept longer and copied to more places.

- ``log_sender``: writes that a code went to a masked number, without the code. Nobody can sign in with it,
  so production refuses to start with it (``gongzhi.core.checks``); it is production's default only so that
  the refusal names the setting to change.
- ``dev_outbox_sender``: development's default. Keeps the last code per phone in the cache for its time to
  live; the H5 sign-in page shows it under "开发环境" so the demo's residents can sign in (``make run``).
  ``dev_outbox_code`` reads it, and answers nothing in production or with any other sender.
"""

from __future__ import annotations

import hashlib
import logging

from django.conf import settings
from django.core.cache import cache

from gongzhi.core import ids
from gongzhi.core.errors import ApplicationError

logger = logging.getLogger("gongzhi.accounts")

DEV_OUTBOX_SENDER = "gongzhi.accounts.sms.dev_outbox_sender"


def log_sender(phone: str, code: str) -> None:
    logger.info("验证码已发送至 %s（未接短信网关：验证码不写入日志）", ids.mask_phone(phone))


def _outbox_key(phone: str) -> str:
    return "gz:dev-sms:" + hashlib.sha256(phone.encode()).hexdigest()[:32]


def dev_outbox_sender(phone: str, code: str) -> None:
    logger.info("验证码已发送至 %s（开发环境：显示在居民登录页）", ids.mask_phone(phone))
    cache.set(_outbox_key(phone), code, timeout=settings.OTP_TTL_SECONDS)


def dev_outbox_code(phone: str) -> str:
    """The last code ``dev_outbox_sender`` kept for this phone; "" in production, with another sender, or
    when there is none."""
    if getattr(settings, "PRODUCTION", False) or settings.SMS_SENDER != DEV_OUTBOX_SENDER:
        return ""
    try:
        normalised = ids.normalise_phone(phone)
    except ApplicationError:  # a phone typed badly has no code
        return ""
    return str(cache.get(_outbox_key(normalised)) or "")
