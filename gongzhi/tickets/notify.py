"""Telling people what happened to a ticket, through a pluggable sender (``TICKET_NOTIFY_SENDER``).

The default sender writes to the log; a deployment points the setting at its SMS gateway or WeChat
template messages. Sending runs after the move's transaction commits, never inside it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger("gongzhi.tickets.notify")


@dataclass(frozen=True)
class Notice:
    ticket_id: int
    number: str
    move: str
    message: str
    # Who to tell: "reporter" (by phone or account), "handler", "supervisor".
    audience: str
    user_id: int | None = None
    phone_hash: str = ""


def log_sender(notice: Notice) -> None:
    log.info("工单通知 %s [%s] %s：%s", notice.number, notice.audience, notice.move, notice.message)


@cache
def _sender():
    return import_string(getattr(settings, "TICKET_NOTIFY_SENDER", "gongzhi.tickets.notify.log_sender"))


def queue(notice: Notice) -> None:
    def send() -> None:
        try:
            _sender()(notice)
        except Exception:  # a failing gateway must never undo or break a committed move
            log.exception("工单通知发送失败 %s", notice.number)

    transaction.on_commit(send)
