"""PostgreSQL test databases for xdist workers, cloned from one migrated template.

pytest-django migrates a test database per xdist worker (``test_test_gw0``, ``test_test_gw1``, …), each
from scratch. On PostgreSQL the first worker instead migrates one template database
(``test_test_template``) under a file lock shared by the run's workers, and every worker's database is
made with ``CREATE DATABASE … TEMPLATE`` (Django's ``TEST["TEMPLATE"]``): a copy of the files, a third
of a second instead of a migration. pytest-django's ``setup_databases`` then runs ``migrate`` on the copy,
which finds every migration applied. The template is made fresh in each run (the lock's folder is the
run's own), and dropped by the worker that made it when its session ends.

SQLite is left as pytest-django does it: a migration there costs a few seconds per worker.
"""

from __future__ import annotations

import fcntl
from collections.abc import Callable
from pathlib import Path


def postgres_template_for_workers(worker: str, shared_dir: Path) -> Callable[[], None] | None:
    """Point the worker's test database at a template (made if this run has none yet); returns the
    cleanup for the worker that made it. Does nothing but on PostgreSQL, or if a template is set."""
    from django.conf import settings
    from django.db import connections

    conn = connections["default"]
    if conn.vendor != "postgresql" or conn.settings_dict["TEST"].get("TEMPLATE"):
        return None
    worker_db = conn.settings_dict["TEST"]["NAME"]  # test_<name>_<worker>, set by pytest-django
    template = worker_db.removesuffix(f"_{worker}") + "_template"
    made = shared_dir / f"{template}.made"
    cleanup = None
    with (shared_dir / f"{template}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not made.exists() or not _exists(conn, template):
            name, test = conn.settings_dict["NAME"], dict(conn.settings_dict["TEST"])
            conn.settings_dict["TEST"]["NAME"] = template
            try:
                conn.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
            finally:
                conn.close()  # no session may stay connected to a template
                conn.settings_dict["NAME"] = settings.DATABASES["default"]["NAME"] = name
                conn.settings_dict["TEST"] = test
            made.touch()

            def cleanup() -> None:
                with conn._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {conn.ops.quote_name(template)}")

    conn.settings_dict["TEST"]["TEMPLATE"] = template
    return cleanup


def _exists(conn, name: str) -> bool:
    with conn._nodb_cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        return cursor.fetchone() is not None
