"""The database a single-app benchmark runs in: a fresh SQLite file under var/bench/, or the PostgreSQL
database at ``pg`` flushed, migrated either way. Call before anything imports a model."""

from __future__ import annotations

import os
from pathlib import Path


def fresh_database(name: str, pg: str) -> str:
    """Sets Django up on a fresh, migrated database and returns its engine ("sqlite" or "postgresql")."""
    if pg:
        os.environ["DATABASE_URL"] = pg
        engine = "postgresql"
    else:
        path = Path(__file__).resolve().parent.parent / "var" / "bench" / f"{name}.sqlite3"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
        os.environ.pop("DATABASE_URL", None)
        os.environ["SQLITE_PATH"] = str(path)
        engine = "sqlite"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django
    from django.core.management import call_command

    django.setup()
    if pg:
        call_command("flush", interactive=False, verbosity=0)
    call_command("migrate", verbosity=0)
    return engine
