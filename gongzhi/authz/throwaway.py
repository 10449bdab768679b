"""The matrix world in a throwaway test database, for the commands that probe every route.

The project's own data is never touched: the database is created, the world built through the services
inside one transaction, and everything rolled back and dropped when the block ends.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment

from gongzhi.authz.world import World


@contextmanager
def throwaway_world(suffix: str) -> Iterator[World]:
    from gongzhi.authz.world import build_world

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        name = str(test.get("NAME") or connection.settings_dict["NAME"])
        test["NAME"] = name.replace(".sqlite3", "") + f"_{suffix}.sqlite3"
    else:
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_{suffix}"
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with (
            override_settings(
                PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
                SMS_SENDER="gongzhi.testing.sms.capture_sender",
            ),
            transaction.atomic(),
        ):
            yield build_world()
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
