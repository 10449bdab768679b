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
def shared_world(
    django_db_blocker, media_root: Path, *, committed_on_postgresql: bool = False
) -> Iterator[None]:
    """Open the world's transaction (with the test settings); roll it back when the block ends.

    ``committed_on_postgresql``: on PostgreSQL the world is written as in production instead, each
    service's block its own committed transaction, and at the end the database is put back as it was
    (flushed, then the rows it held reloaded: Django's ``serialized_rollback``). For a world too big
    for one transaction: the demo seeder's services take about 5,500 transaction-scoped advisory locks
    (gongzhi.core.locks) over the whole seeding, which in one transaction overflow the server's lock
    table (max_locks_per_transaction 64 × max_connections 100 by default) and fail with "out of shared
    memory", the seeding or another session's query at the time. The tests inside still run in their own
    transactions (``db``) and roll back; the world's package runs on one worker, whose database no other
    test uses meanwhile.
    """
    from django.db import connection, transaction
    from django.test.utils import override_settings

    with django_db_blocker.unblock(), override_settings(**per_test_settings(media_root)):
        if committed_on_postgresql and connection.vendor == "postgresql":
            with _put_back_afterwards(connection):
                yield
            return
        with transaction.atomic():
            try:
                yield
            finally:
                transaction.set_rollback(True)


@contextmanager
def _put_back_afterwards(connection) -> Iterator[None]:
    from django.core.management import call_command

    before = connection.creation.serialize_db_to_string()
    try:
        yield
    finally:
        # As TransactionTestCase does with serialized_rollback: the sequences go on from where they are,
        # past every id reloaded; post_migrate's rows come back with the reload, not from the signal.
        call_command(
            "flush",
            database=connection.alias,
            verbosity=0,
            interactive=False,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )
        connection.creation.deserialize_db_from_string(before)
