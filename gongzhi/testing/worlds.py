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


# Fixtures that make a test transactional: it commits, so it cannot run inside a module's world.
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def uses_shared_district(item) -> bool:
    """A test that asks for ``district`` and runs in a transaction of its own (``db``, not
    ``transaction=True`` or a live server) gets its module's district in a savepoint."""
    names = getattr(item, "fixturenames", ())
    if "district" not in names or TRANSACTIONAL_FIXTURES.intersection(names):
        return False
    defs = item._fixtureinfo.name2fixturedefs.get("district") or ()
    if not defs or defs[-1].func.__module__ != "gongzhi.conftest":
        return False  # a module's own ``district`` fixture (it adds rows of its own)
    marker = item.get_closest_marker("django_db")
    return not (marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))


def share_the_district(items: list) -> list:
    """The small district (gongzhi/conftest.py ``district``) costs about 550 queries through the services;
    about a thousand tests ask for it. A test that can share it gets the module's district, built once in
    the module's transaction (``_module_district``, set up before the test's own ``db`` transaction, so
    the test runs in a savepoint inside it), instead of one of its own.

    While that district exists no other test of the module may run (it would see the rows, or, committing,
    end the transaction): so in each module the tests that share it run last, in their order. The order is
    a function of the collection alone, the same on every xdist worker; a worker runs its items in
    collection order, so a module's shared tests never come before its others on one worker."""
    shared_modules = set()
    for item in items:
        if uses_shared_district(item):
            # First among the fixtures, so it is set up before the test's ``db`` transaction.
            item.fixturenames.insert(0, "_module_district")
            shared_modules.add(item.module.__name__ if hasattr(item, "module") else None)
    out: list = []
    by_module: dict[object, list] = {}
    for item in items:
        key = getattr(getattr(item, "module", None), "__name__", None)
        if key in shared_modules:
            if key not in by_module:
                by_module[key] = []
                out.append(by_module[key])  # the module's place in the run: where its first test was
            by_module[key].append(item)
        else:
            out.append(item)
    flat: list = []
    for entry in out:
        if isinstance(entry, list):
            flat += [i for i in entry if "_module_district" not in i.fixturenames]
            flat += [i for i in entry if "_module_district" in i.fixturenames]
        else:
            flat.append(entry)
    return flat


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

    from gongzhi.testing.reference import put_back_if_missing

    with django_db_blocker.unblock(), override_settings(**per_test_settings(media_root)):
        put_back_if_missing()  # before the world's transaction, which would roll them back
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
