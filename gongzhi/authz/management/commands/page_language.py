"""python manage.py page_language --lang en [--only tickets,party]: what of the other language each
console and H5 page still shows (gongzhi/authz/language.py), in a throwaway database."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Read every console and H5 page in one language; print the words left in the other."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--lang", choices=["en", "zh-hans"], default="en")
        parser.add_argument("--only", default="", help="apps (the path's second part), comma-separated")

    def handle(self, *args: Any, **options: Any) -> None:
        from gongzhi.authz.language import read_pages
        from gongzhi.authz.throwaway import throwaway_world

        started = time.monotonic()
        only = [a for a in options["only"].split(",") if a]
        with throwaway_world("page_language") as world:
            report = read_pages(world, options["lang"], only)
        for line in report.lines():
            self.stdout.write(line)
        not_read = [f"{p.key} ({p.status})" for p in report.pages if p.status not in (0, 200)]
        self.stderr.write(
            f"{len(report.rendered)} pages read in {options['lang']}, {len(report.failing)} with words left; "
            f"{len(not_read)} not 200: {', '.join(not_read[:20])}; {time.monotonic() - started:.1f} s"
        )
        if report.failing:
            raise CommandError(f"{len(report.failing)} pages")
