"""Helpers for tests: a sender that keeps the last code per phone instead of sending an SMS."""

SENT: dict[str, str] = {}


def capture_sender(phone: str, code: str) -> None:
    SENT[phone] = code
