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
    from gongzhi.authz.throwaway import throwaway_world

    with throwaway_world("authz_matrix") as world:
        results = matrix.run_matrix(world)
        found = matrix.violations(world, results)
    return results, found
