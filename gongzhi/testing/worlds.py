"""Shared worlds: rows built once per module or package and rolled back at its end.

A world is built inside one transaction opened outside the tests' own; each test that asks for the
world (and for ``db``) runs in a savepoint inside it, so its writes are rolled back as usual and the
next test sees the world as built. When the world's scope ends the whole transaction is rolled back:
the tests after it see an empty database again. Only for ``db`` tests: a transactional test
(``transaction=True``, ``live_server``) flushes tables and must build its own rows.

The world is built before any function-scoped fixture runs, so the settings the autouse
``_fast_settings`` fixture gives every test (gongzhi/conftest.py) are applied here too: MD5 password
hashing, captured SMS, uploads in a temporary folder.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CAPTURE_SMS = "gongzhi.testing.sms.capture_sender"


def per_test_settings(media_root: Path) -> dict[str, object]:
    """The settings every test runs with (gongzhi/conftest.py applies them per test)."""
    # Argon2 is the production hasher; tests hash hundreds of passwords and only need them to match.
    return {
        "PASSWORD_HASHERS": FAST_HASHERS,
        "SMS_SENDER": CAPTURE_SMS,
        # Uploaded photos of a test land in its own temporary folder, never in var/media.
        "MEDIA_ROOT": str(media_root),
    }


@contextmanager
def shared_world(django_db_blocker, media_root: Path) -> Iterator[None]:
    """Open the world's transaction (with the test settings); roll it back when the block ends."""
    from django.db import transaction
    from django.test.utils import override_settings

    with (
        django_db_blocker.unblock(),
        override_settings(**per_test_settings(media_root)),
        transaction.atomic(),
    ):
        try:
            yield
        finally:
            transaction.set_rollback(True)
