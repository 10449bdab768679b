"""python manage.py authz_matrix [--write docs/security.md]: the authorization matrix, measured.

The matrix runs in a throwaway test database (the project's own data is never touched): the command
creates it, builds the matrix world through the services, probes every route as every role, prints the
table (or writes it between the markers of the given file) and drops the database again.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.test.utils import override_settings, setup_test_environment, teardown_test_environment


class Command(BaseCommand):
    help = "Probe every route × role × in-scope/out-of-scope object; print or write the table."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--write", metavar="FILE", help="replace the table between the markers of FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.authz import matrix

        missing = matrix.unclassified()
        if missing:
            raise CommandError("routes missing from authz.routes.ROUTES: " + ", ".join(missing))
        started = time.monotonic()
        results, found = _measure()
        table = matrix.render_table(results)
        for line in found:
            self.stderr.write(f"LEAK {line}")
        if options["write"]:
            path = Path(options["write"])
            path.write_text(matrix.splice(path.read_text(encoding="utf-8"), table), encoding="utf-8")
            self.stdout.write(f"wrote {len(results)} rows to {path}")
        else:
            self.stdout.write(table)
        self.stderr.write(
            f"{len(results)} routes, {len(found)} violations, {time.monotonic() - started:.1f} s"
        )
        if found:
            raise CommandError(f"{len(found)} violations")


def _measure() -> tuple[dict, list[str]]:
    from gongzhi.authz import matrix
    from gongzhi.authz.world import build_world

    test = connection.settings_dict.setdefault("TEST", {})
    if connection.vendor == "sqlite":
        name = str(test.get("NAME") or connection.settings_dict["NAME"])
        test["NAME"] = name.replace(".sqlite3", "") + "_authz_matrix.sqlite3"
    else:
        test["NAME"] = f"test_{connection.settings_dict['NAME']}_authz_matrix"
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
            world = build_world()
            results = matrix.run_matrix(world)
            found = matrix.violations(world, results)
            transaction.set_rollback(True)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        teardown_test_environment()
    return results, found
