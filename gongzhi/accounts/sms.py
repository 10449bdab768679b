"""SMS senders for one-time codes. A deployment points settings.SMS_SENDER at its own gateway."""

from gongzhi.accounts.services import log_sender

__all__ = ["log_sender"]
