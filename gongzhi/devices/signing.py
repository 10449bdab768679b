"""How a monitoring platform signs its requests, and how they are checked (pure computation).

A request carries three headers:

- ``X-Gongzhi-Key``: the key id (public, ``gzdk_…``), which names the platform;
- ``X-Gongzhi-Timestamp``: Unix seconds when it was signed;
- ``X-Gongzhi-Signature``: ``v1=<hex>``, HMAC-SHA256 with the secret over ``"<timestamp>." + raw body``
  (the Stripe / Slack layout). Several ``v1=`` values separated by commas are accepted.

A timestamp more than ``WINDOW_SECONDS`` from the server's clock is refused (401, stale), and a signature
already accepted within that window is refused (409, replayed); so a platform that retries re-signs
with a fresh timestamp, and the event's own id (the idempotency key) returns the first answer.

The secret is never stored. HMAC needs the key on both sides, so instead of keeping the secret (or a
reversible copy) the server derives it when needed: ``secret = "gzds_" + HMAC-SHA256(signing root,
key_id + ":" + salt)``, the signing root being derived from ``GONGZHI_DATA_KEY`` (kept apart from the
database). The row keeps the key id, the random salt and the SHA-256 of the secret, which is checked
before use (a changed data key refuses every key rather than accepting wrong ones). A copy of the
database alone cannot sign, and the console shows the secret only once, when it is issued.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.conf import settings

WINDOW_SECONDS = 300
KEY_PREFIX = "gzdk_"
SECRET_PREFIX = "gzds_"  # noqa: S105  (a prefix, not a secret)
HEADER_KEY = "X-Gongzhi-Key"
HEADER_TIMESTAMP = "X-Gongzhi-Timestamp"
HEADER_SIGNATURE = "X-Gongzhi-Signature"


def _root() -> bytes:
    master = settings.GONGZHI_DATA_KEY
    if not master:
        raise RuntimeError("GONGZHI_DATA_KEY 未配置：无法签发或校验设备平台密钥")
    return hashlib.sha256(b"gongzhi-devices-signing:" + master.encode()).digest()


def secret_for(key_id: str, salt: str) -> str:
    mac = hmac.new(_root(), f"{key_id}:{salt}".encode(), hashlib.sha256).hexdigest()
    return SECRET_PREFIX + mac


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class NewKey:
    key_id: str
    salt: str
    key_hash: str
    secret: str  # shown once, never stored


def new_key() -> NewKey:
    key_id = KEY_PREFIX + secrets.token_hex(8)
    salt = secrets.token_hex(16)
    secret = secret_for(key_id, salt)
    return NewKey(key_id=key_id, salt=salt, key_hash=hash_secret(secret), secret=secret)


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    """The hex HMAC-SHA256 a platform sends as ``v1=<hex>``."""
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def headers(key_id: str, secret: str, timestamp: int, body: bytes) -> dict[str, str]:
    """The three headers of a signed request (for clients, tests and the benchmark)."""
    return {
        HEADER_KEY: key_id,
        HEADER_TIMESTAMP: str(timestamp),
        HEADER_SIGNATURE: "v1=" + sign(secret, timestamp, body),
    }


def signatures_in(header: str) -> list[str]:
    """The ``v1`` values of a signature header (at most 4, each 64 hex digits)."""
    out = []
    for part in (header or "").split(",")[:4]:
        scheme, _, value = part.strip().partition("=")
        value = value.strip().lower()
        if scheme.strip() == "v1" and len(value) == 64 and all(c in "0123456789abcdef" for c in value):
            out.append(value)
    return out


def matching(secret: str, timestamp: str, body: bytes, header: str) -> str | None:
    """The signature of the header that matches (constant-time comparison), or None."""
    expected = sign(secret, timestamp, body)
    found = None
    for candidate in signatures_in(header):
        if hmac.compare_digest(candidate, expected):
            found = candidate
    return found
